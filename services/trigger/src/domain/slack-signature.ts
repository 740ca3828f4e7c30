import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SlackSignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret,
 * "v0:<X-Slack-Request-Timestamp>:<raw body>")>`, the timestamp within 5 minutes of now (either
 * way), compared in constant time.
 */
export function verifySlackSignature(opts: {
  signingSecret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  now: Date;
  windowSeconds?: number;
}): SlackSignatureCheck {
  if (!opts.signature || !opts.timestamp) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(opts.timestamp) || !/^v0=[0-9a-fA-F]{64}$/.test(opts.signature))
    return { ok: false, reason: 'malformed' };
  const window = opts.windowSeconds ?? SLACK_SIGNATURE_WINDOW_SECONDS;
  if (Math.abs(Math.floor(opts.now.getTime() / 1000) - Number(opts.timestamp)) > window)
    return { ok: false, reason: 'expired' };
  const expected = createHmac('sha256', opts.signingSecret)
    .update(`v0:${opts.timestamp}:`)
    .update(opts.rawBody)
    .digest();
  const given = Buffer.from(opts.signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
