import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { startHttpServer, type RunningServer } from '@flowgenie/platform';

/** Where a fake listens. Port 0 (the default) picks a free port; TLS files make it HTTPS. */
export interface FakeListenOptions {
  port?: number;
  host?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** One request a fake received (control routes under `/__fake` are not recorded). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body (JSON or form), or undefined. */
  body: unknown;
  /** The response status, set when the response has been sent. */
  status?: number;
  at: Date;
}

/** A failure the next matching requests get instead of their normal answer. */
export interface ForcedFailure {
  /** Which requests: a path prefix (Google) or a method name (Slack), decided by the fake. */
  matches(req: Request): boolean;
  status: number;
  retryAfterSeconds?: number;
  remaining: number;
  body: unknown;
}

export const CONTROL_PREFIX = '/__fake';

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Decodes base64url or standard base64 (clients send either for Gmail's `raw`). */
export function decodeBase64Any(value: string): Buffer {
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The first value of a query or form field that may have been repeated. */
export function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

export function stringList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.flatMap(stringList);
  return [String(value)];
}

/** Base Express app for a fake: body parsers, request recording, forced failures. */
export function createFakeApp(
  recorded: RecordedRequest[],
  failures: ForcedFailure[],
  sendFailure: (res: Response, failure: ForcedFailure) => void,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '30mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false, limit: '5mb' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith(CONTROL_PREFIX)) return next();
    const entry: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: { ...(req.query as Record<string, unknown>) },
      headers: { ...req.headers },
      body: req.body,
      at: new Date(),
    };
    recorded.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const index = failures.findIndex((f) => f.remaining > 0 && f.matches(req));
    if (index === -1) return next();
    const failure = failures[index];
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.splice(index, 1);
    if (failure.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(failure.retryAfterSeconds));
    sendFailure(res, failure);
  });
  return app;
}

export interface StartedFake {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listenFake(
  app: Express,
  opts: FakeListenOptions,
  onUrl: (url: string) => void,
): Promise<StartedFake> {
  const running: RunningServer = await startHttpServer(app, {
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    tlsCertFile: opts.tlsCertFile,
    tlsKeyFile: opts.tlsKeyFile,
  });
  onUrl(running.url);
  return {
    url: running.url,
    port: running.port,
    // SDK clients keep connections alive; drop them so a test run exits at once.
    close: async () => {
      const closed = running.close();
      running.server.closeAllConnections();
      await closed;
    },
  };
}

export interface ConsentChoice {
  value: string;
  label: string;
}

/**
 * The provider's consent screen: pick an account, then Allow or Cancel. The form posts back to
 * `action` with the pending request id; nothing is granted until Allow is pressed.
 */
export function consentPage(opts: {
  provider: string;
  clientName: string;
  scopes: string[];
  action: string;
  requestId: string;
  choices: ConsentChoice[];
  selected?: string;
}): string {
  const choices = opts.choices
    .map(
      (c, i) =>
        `<label><input type="radio" name="account" value="${escapeHtml(c.value)}"${
          (opts.selected ? c.value === opts.selected : i === 0) ? ' checked' : ''
        }> ${escapeHtml(c.label)}</label><br>`,
    )
    .join('\n');
  const scopes = opts.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(opts.provider)} (fake): sign in</title></head>
<body>
<h1>${escapeHtml(opts.provider)} (fake)</h1>
<p><strong>${escapeHtml(opts.clientName)}</strong> wants to access:</p>
<ul>${scopes}</ul>
<form method="post" action="${escapeHtml(opts.action)}">
<input type="hidden" name="request" value="${escapeHtml(opts.requestId)}">
<fieldset><legend>Account</legend>
${choices || '<p>No accounts are seeded.</p>'}
</fieldset>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>
</body></html>`;
}

/**
 * Registered redirect URIs match exactly; one ending in `*` matches by prefix (the CLI registers
 * `https://localhost:8443/*` so any FlowGenie callback path works locally).
 */
export function redirectUriAllowed(registered: string[], uri: string): boolean {
  return registered.some((r) => (r.endsWith('*') ? uri.startsWith(r.slice(0, -1)) : r === uri));
}

export function redirectWith(target: string, params: Record<string, string | undefined>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}
