import { createHmac } from 'node:crypto';
import { verifySlackSignature } from './slack-signature';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const body = Buffer.from('token=xyz&team_id=T1DC2JH3J&event=message');
const now = new Date('2026-12-01T10:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const sign = (t: string, b: Buffer = body, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${t}:`).update(b).digest('hex')}`;

describe('verifySlackSignature', () => {
  const check = (
    signature: string | undefined,
    timestamp: string | undefined,
    at = now,
    raw = body,
  ) => verifySlackSignature({ signingSecret: SECRET, signature, timestamp, rawBody: raw, now: at });

  it('accepts Slack’s v0 signature of the raw body within five minutes either way', () => {
    expect(check(sign(ts), ts)).toEqual({ ok: true });
    expect(check(sign(ts), ts, new Date(now.getTime() + 299_000))).toEqual({ ok: true });
    expect(check(sign(ts), ts, new Date(now.getTime() - 299_000))).toEqual({ ok: true });
  });

  it('refuses missing, malformed, stale, tampered and wrongly keyed requests', () => {
    expect(check(undefined, ts)).toEqual({ ok: false, reason: 'missing' });
    expect(check(sign(ts), undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check('v1=abc', ts)).toEqual({ ok: false, reason: 'malformed' });
    expect(check(sign(ts), 'yesterday')).toEqual({ ok: false, reason: 'malformed' });
    expect(check(sign(ts), ts, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(check(sign(ts), ts, now, Buffer.from(`${body.toString()} `))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(check(sign(ts, body, 'another secret'), ts)).toEqual({ ok: false, reason: 'mismatch' });
  });
});
