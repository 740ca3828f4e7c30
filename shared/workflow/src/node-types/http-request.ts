import { z } from 'zod';
import type { ConnectionAuth } from '@flowgenie/contracts';
import { PermanentStepError, RetryableStepError } from '../errors';
import { defineNodeType, enumLabels } from '../node-type';
import { parseRetryAfter } from '../retry';
import { safeHttpRequest, type SafeResponse } from '../safe-http';

/** Connections the HTTP request node can authenticate with. */
export const HTTP_CONNECTION_PROVIDERS = [
  'http_bearer',
  'http_header',
  'http_query',
  'http_basic',
  'oauth2_client_credentials',
  'oauth2_authorization_code',
  'google',
  'slack',
] as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SNIPPET_CHARS = 500;

export const HttpRequestConfigSchema = z
  .object({
    method: z
      .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
      .default('GET')
      .meta({ title: 'Method', description: 'HTTP method.' }),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .max(8192)
      .meta({
        title: 'URL',
        description: 'Absolute http(s) URL, e.g. https://api.example.com/users.',
      }),
    headers: z
      .record(z.string().regex(HEADER_NAME, 'invalid header name'), z.string())
      .default({})
      .meta({ title: 'Headers', description: 'Request headers.' }),
    query: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .meta({ title: 'Query', description: 'Query parameters appended to the URL.' }),
    bodyType: z
      .enum(['json', 'text', 'none'])
      .default('json')
      .meta({
        title: 'Body type',
        description: 'How the body is sent.',
        ...enumLabels({ json: 'JSON', text: 'Plain text', none: 'No body' }),
      }),
    body: z.unknown().optional().meta({
      title: 'Body',
      description:
        'Request body. With JSON, JSON text may hold {{ }} values: {"id": {{ trigger.body.id }} } is sent as JSON.',
      'x-json': true,
    }),
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000).meta({
      title: 'Timeout (ms)',
      description: 'Time limit for the whole request, redirects included.',
    }),
    followRedirects: z
      .boolean()
      .default(true)
      .meta({ title: 'Follow redirects', description: 'Follow up to 5 redirects.' }),
    idempotencyHeader: z
      .string()
      .regex(/^$|^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'invalid header name')
      .max(100)
      .default('Idempotency-Key')
      .meta({
        title: 'Idempotency header',
        description:
          'POST, PUT, PATCH and DELETE carry this header with a key that stays the same across retries and restarts of this step, so an API that honours it never applies the request twice. Empty: no header.',
      }),
    idempotencyKey: z.string().max(255).optional().meta({
      title: 'Idempotency key',
      description: 'The key to send. Default: the execution id and the step id.',
    }),
    connectionId: z
      .uuid({ error: 'must be a connection id' })
      .optional()
      .meta({
        title: 'Connection',
        description:
          "Authenticate with one of your connections (bearer token, API key header or query parameter, basic auth, OAuth2). Its credential is added to the request and never shown in the step's input or output.",
        'x-connection': { providers: [...HTTP_CONNECTION_PROVIDERS] },
      }),
  })
  .refine(
    (c) => !(['GET', 'HEAD'].includes(c.method) && c.bodyType !== 'none' && c.body !== undefined),
    {
      message: 'GET and HEAD requests cannot have a body',
      path: ['body'],
    },
  );
export type HttpRequestConfig = z.output<typeof HttpRequestConfigSchema>;

/** Output of the HTTP request node. */
export interface HttpRequestOutput {
  status: number;
  headers: Record<string, string | string[]>;
  /** Parsed JSON when the response is JSON, otherwise text. */
  body: unknown;
}

export const httpRequestNode = defineNodeType({
  type: 'http_request',
  version: 1,
  category: 'action',
  displayName: 'HTTP request',
  description:
    'Calls an HTTP API. Private, loopback, link-local and metadata addresses are refused.',
  config: HttpRequestConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      status: { type: 'integer', description: 'HTTP status code' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'Parsed JSON when the response is JSON, otherwise text' },
    },
    required: ['status', 'headers', 'body'],
  },
  // A JSON body may be written as JSON text with {{ }} values; a text body stays text.
  jsonFields: (raw) => (raw.bodyType === 'text' ? [] : ['body']),
  defaultRetry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 } },
  run: async (ctx) => {
    const { config } = ctx;
    const url = new URL(config.url);
    for (const [k, v] of Object.entries(config.query)) url.searchParams.append(k, String(v));
    const { body, contentType } = encodeBody(config);
    const headers = { ...config.headers };
    const idempotencyHeader = config.idempotencyHeader;
    if (
      idempotencyHeader &&
      UNSAFE_METHODS.has(config.method) &&
      !Object.keys(headers).some((k) => k.toLowerCase() === idempotencyHeader.toLowerCase())
    ) {
      headers[idempotencyHeader] =
        config.idempotencyKey ?? defaultIdempotencyKey(ctx.executionId, ctx.nodeId);
    }
    if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['content-type'] = contentType;
    }
    const sensitiveHeaders: string[] = [];
    if (config.connectionId) {
      if (!ctx.connections) {
        throw new PermanentStepError('connections cannot be used here', {
          code: 'connections_unavailable',
        });
      }
      const access = await ctx.connections.access(config.connectionId);
      const applied = applyConnectionAuth(access.auth, headers, url);
      if (applied) sensitiveHeaders.push(applied);
    }
    ctx.logger?.debug({ method: config.method, host: url.host }, 'http request');
    const res = await safeHttpRequest(
      {
        method: config.method,
        url: url.toString(),
        headers,
        body,
        timeoutMs: config.timeoutMs,
        signal: ctx.signal,
        followRedirects: config.followRedirects,
        sensitiveHeaders,
      },
      ctx.http,
    );
    const output: HttpRequestOutput = {
      status: res.status,
      headers: res.headers,
      body: decodeBody(res),
    };
    try {
      failOnErrorStatus(output, res, (ctx.now ?? Date.now)());
    } catch (err) {
      // The API asked this connection to slow down: other steps using it wait too.
      if (
        config.connectionId &&
        err instanceof RetryableStepError &&
        err.status === 429 &&
        err.retryAfterMs !== undefined
      ) {
        await ctx.connections?.rateLimited(
          config.connectionId,
          (ctx.now ?? Date.now)() + err.retryAfterMs,
        );
      }
      throw err;
    }
    return { output };
  },
});

/**
 * Adds a connection's credential to a request (replacing a header of the same name the config
 * set). Returns the name of a custom header that carries it, which must not follow a redirect to
 * another origin (`authorization` never does).
 */
export function applyConnectionAuth(
  auth: ConnectionAuth,
  headers: Record<string, string>,
  url: URL,
): string | undefined {
  const set = (name: string, value: string) => {
    for (const k of Object.keys(headers))
      if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    headers[name] = value;
  };
  switch (auth.type) {
    case 'bearer':
      set('authorization', `Bearer ${auth.token}`);
      return undefined;
    case 'basic':
      set(
        'authorization',
        `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      );
      return undefined;
    case 'header':
      set(auth.name, auth.value);
      return auth.name;
    case 'query':
      url.searchParams.set(auth.name, auth.value);
      return undefined;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The same for every attempt of one step of one execution, including after a crash. */
export function defaultIdempotencyKey(executionId: string, nodeId: string): string {
  return `${executionId}:${nodeId}`;
}

function encodeBody(config: HttpRequestConfig): { body?: string; contentType?: string } {
  if (config.bodyType === 'none' || config.body === undefined) return {};
  if (config.bodyType === 'text') {
    const text = typeof config.body === 'string' ? config.body : JSON.stringify(config.body);
    return { body: text, contentType: 'text/plain; charset=utf-8' };
  }
  return { body: JSON.stringify(config.body), contentType: 'application/json' };
}

function decodeBody(res: SafeResponse): unknown {
  const type = String(res.headers['content-type'] ?? '').toLowerCase();
  const text = decodeText(res.body, type);
  if (/[/+]json\b/.test(type)) {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function decodeText(body: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)"?/.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function failOnErrorStatus(output: HttpRequestOutput, res: SafeResponse, now: number): void {
  const { status } = output;
  if (status < 400) return;
  const snippet = (
    typeof output.body === 'string' ? output.body : (JSON.stringify(output.body) ?? '')
  ).slice(0, SNIPPET_CHARS);
  const where = new URL(res.url);
  const message = `HTTP ${status} from ${where.origin}${where.pathname}${snippet ? `: ${snippet}` : ''}`;
  const details = { status, bodySnippet: snippet };
  if (status === 408 || status === 429 || status >= 500) {
    throw new RetryableStepError(message, {
      code: 'http_error',
      status,
      details,
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
    });
  }
  throw new PermanentStepError(message, { code: 'http_error', status, details });
}
