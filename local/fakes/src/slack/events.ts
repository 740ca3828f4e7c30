import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + hex HMAC-SHA256(signing secret, "v0:{timestamp}:{body}"). */
export function slackSignature(
  signingSecret: string,
  timestamp: number | string,
  body: string,
): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedDeliveryOptions {
  /** Seconds since the epoch; default now. An old one lets a test check replay protection. */
  timestamp?: number;
  /** Sets X-Slack-Retry-Num / X-Slack-Retry-Reason as Slack does on its retries. */
  retryNum?: number;
  retryReason?:
    | 'http_timeout'
    | 'http_error'
    | 'too_many_redirects'
    | 'ssl_error'
    | 'connection_failed'
    | 'unknown_error';
  /** Slack gives up on a response after 3 seconds. */
  timeoutMs?: number;
}

export interface SlackDelivery {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** POSTs a JSON body to `url` signed the way Slack signs Events API requests. */
export async function postSignedToSlackApp(
  url: string,
  payload: unknown,
  signingSecret: string,
  opts: SignedDeliveryOptions = {},
): Promise<SlackDelivery> {
  const body = JSON.stringify(payload);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(signingSecret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_error';
  }
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
  });
  return {
    status: res.status,
    body: await res.text(),
    headers: Object.fromEntries(res.headers.entries()),
  };
}
