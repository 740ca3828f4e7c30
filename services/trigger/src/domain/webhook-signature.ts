import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe-style webhook signatures: header `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Several `v1=` entries are allowed (a sender rotating secrets signs with both); one match is enough.
 */
export interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

export type SignatureCheck =
  /** `signature`: the canonical HMAC of this (timestamp, body), the identity a replay guard keys on; `validUntil`: unix seconds. */
  | { ok: true; signature: string; validUntil: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export function parseSignatureHeader(header: string | undefined): ParsedSignature | undefined {
  if (!header) return undefined;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/** The hex signature a sender computes for `rawBody` at unix time `timestamp`. */
export function computeSignature(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The full header value a sender puts in `X-FlowGenie-Signature`. */
export function signatureHeader(secret: string, timestamp: number, rawBody: Buffer): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, rawBody)}`;
}

/**
 * Checks a signature header against the raw body. The timestamp must lie within `windowSeconds`
 * of `now` (both directions: a clock a little ahead is tolerated, a replay a day later is not);
 * signatures are compared in constant time.
 */
export function verifySignature(opts: {
  secret: string;
  header: string | undefined;
  rawBody: Buffer;
  now: Date;
  windowSeconds: number;
}): SignatureCheck {
  if (!opts.header) return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(opts.header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const nowSeconds = Math.floor(opts.now.getTime() / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > opts.windowSeconds)
    return { ok: false, reason: 'expired' };
  const expectedHex = computeSignature(opts.secret, parsed.timestamp, opts.rawBody);
  const expected = Buffer.from(expectedHex, 'hex');
  const match = parsed.signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match
    ? { ok: true, signature: expectedHex, validUntil: parsed.timestamp + opts.windowSeconds }
    : { ok: false, reason: 'mismatch' };
}
