import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { PermanentStepError, RetryableStepError, StepError } from './errors';
import type { HttpPolicy } from './node-type';
import { classifyAddress, isAddressAllowed, type NetworkPolicy } from './ssrf';

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
export const MAX_REDIRECTS = 5;

export interface SafeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Budget for the whole exchange, redirects included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Follow 301/302/303/307/308 (max {@link MAX_REDIRECTS}), re-checking every hop. @default true */
  followRedirects?: boolean;
  /**
   * Header names (any case) dropped, like `authorization` and `cookie`, when a redirect leaves
   * the origin: e.g. a connection's API-key header.
   */
  sensitiveHeaders?: string[];
}

export interface SafeResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** Decompressed body. */
  body: Buffer;
  /** URL of the last hop. */
  url: string;
}

/**
 * HTTP(S) request that refuses non-public addresses (see {@link isAddressAllowed}). The check
 * runs on the address actually connected to: a custom DNS `lookup` vets every resolved address
 * (so DNS rebinding cannot slip through), IP-literal hosts are vetted before connecting, and
 * redirects are followed by hand with the same checks on every hop. A fresh connection is used
 * for each hop (no pooled sockets).
 *
 * Failures: SSRF refusal, bad URL, too many redirects, oversized body → PermanentStepError;
 * network errors and timeouts → RetryableStepError. HTTP statuses are returned, not thrown.
 */
export async function safeHttpRequest(
  req: SafeRequest,
  policy: HttpPolicy = {},
): Promise<SafeResponse> {
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
  let url = parseUrl(req.url);
  let method = req.method.toUpperCase();
  let body = req.body;
  let headers = withDefaults(req.headers ?? {}, policy);

  for (let hop = 0; ; hop += 1) {
    assertUrlAllowed(url, policy);
    try {
      const res = await send(url, method, headers, body, signal, policy);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (req.followRedirects !== false && isRedirect(status) && location) {
        res.resume();
        if (hop >= MAX_REDIRECTS) {
          throw new PermanentStepError(`too many redirects (more than ${MAX_REDIRECTS})`, {
            code: 'too_many_redirects',
          });
        }
        const next = parseUrl(location, url);
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          headers = without(headers, ['content-type', 'content-length']);
        }
        if (next.origin !== url.origin) {
          headers = without(headers, [
            'authorization',
            'cookie',
            'proxy-authorization',
            ...(req.sensitiveHeaders ?? []).map((h) => h.toLowerCase()),
          ]);
        }
        url = next;
        continue;
      }
      const data = await readBody(res, policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
      return { status, headers: plainHeaders(res.headers), body: data, url: url.toString() };
    } catch (err) {
      throw mapError(err, { deadline, outer: req.signal, timeoutMs: req.timeoutMs, url });
    }
  }
}

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new PermanentStepError(`invalid URL "${raw.slice(0, 200)}"`, { code: 'invalid_url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentStepError(`only http and https URLs are allowed, got ${url.protocol}`, {
      code: 'invalid_url',
    });
  }
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Node does not call `lookup` for IP-literal hosts, so those are vetted here. */
function assertUrlAllowed(url: URL, policy: NetworkPolicy): void {
  const host = hostOf(url);
  if (isIP(host) && !isAddressAllowed(host, policy)) throw refusal(host, host);
}

function refusal(host: string, address: string): PermanentStepError {
  const cls = classifyAddress(address);
  return new PermanentStepError(
    `refused to connect to ${host} (${address}): ${cls.replace('_', '-')} addresses are not allowed`,
    { code: 'ssrf_refused', details: { host, address, addressClass: cls } },
  );
}

type LookupAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * DNS lookup for `net.connect` that fails when any resolved address is not allowed, so the
 * address connected to is always one that was checked. `resolve` is replaceable for tests.
 */
export function guardedLookup(
  policy: NetworkPolicy,
  resolve: LookupAll = dns.lookup,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const bad = addresses.find((a) => !isAddressAllowed(a.address, policy));
      if (bad)
        return callback(refusal(hostname, bad.address) as unknown as NodeJS.ErrnoException, '');
      if (addresses.length === 0) {
        return callback(
          Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
          '',
        );
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  signal: AbortSignal,
  policy: HttpPolicy,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: hostOf(url),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers:
        body === undefined
          ? headers
          : {
              ...without(headers, ['content-length']),
              'content-length': String(Buffer.byteLength(body)),
            },
      auth: url.username
        ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
        : undefined,
      lookup: guardedLookup(policy),
      agent: false,
      signal,
      ...(url.protocol === 'https:' && policy.ca ? { ca: policy.ca } : {}),
    };
    let request: http.ClientRequest;
    try {
      request = (url.protocol === 'https:' ? https : http).request(options, resolve);
    } catch (err) {
      // Node validates header names/values synchronously.
      reject(
        new PermanentStepError(`invalid request: ${(err as Error).message}`, {
          code: 'invalid_request',
        }),
      );
      return;
    }
    request.on('error', reject);
    request.end(body);
  });
}

async function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const stream = decoded(res);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      stream.destroy();
      throw new PermanentStepError(`response body is larger than ${maxBytes} bytes`, {
        code: 'response_too_large',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  res.on('error', (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

function mapError(
  err: unknown,
  ctx: { deadline: AbortSignal; outer?: AbortSignal; timeoutMs: number; url: URL },
): StepError {
  if (err instanceof StepError) return err;
  const target = `${ctx.url.protocol}//${ctx.url.host}`;
  if (ctx.deadline.aborted) {
    return new RetryableStepError(`request to ${target} timed out after ${ctx.timeoutMs} ms`, {
      code: 'timeout',
      cause: err,
    });
  }
  if (ctx.outer?.aborted) {
    return new RetryableStepError(`request to ${target} was aborted`, {
      code: 'aborted',
      cause: err,
    });
  }
  if (isZlibError(err)) {
    return new RetryableStepError(`could not decompress the response from ${target}`, {
      code: 'network_error',
      cause: err,
    });
  }
  const e = err as NodeJS.ErrnoException;
  return new RetryableStepError(
    `request to ${target} failed: ${e.code ?? ''} ${e.message}`.trim(),
    {
      code: 'network_error',
      cause: err,
    },
  );
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withDefaults(headers: Record<string, string>, policy: HttpPolicy): Record<string, string> {
  const out = { ...headers };
  const has = (name: string) => Object.keys(out).some((k) => k.toLowerCase() === name);
  if (!has('user-agent')) out['user-agent'] = policy.userAgent ?? 'FlowGenie/1.0';
  if (!has('accept')) out.accept = 'application/json, text/plain, */*';
  // We decode these ourselves; a caller-set Accept-Encoding is respected.
  if (!has('accept-encoding')) out['accept-encoding'] = 'gzip, deflate, br';
  return out;
}

function without(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())),
  );
}

function plainHeaders(h: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}
