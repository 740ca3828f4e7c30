import { buildWebhookPayload } from './webhook-request';
import { callerIdempotencyKey, scheduleFiringKey } from './idempotency';

describe('webhook payload', () => {
  it('keeps body, query and method and drops credentials and the signature from the headers', () => {
    const payload = buildWebhookPayload({
      method: 'post',
      headers: {
        authorization: 'Bearer x',
        'proxy-authorization': 'Basic y',
        cookie: 'a=b',
        'x-flowgenie-signature': 't=1,v1=00',
        'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
        'content-type': 'application/json',
      },
      query: { a: '1', b: ['2', '3'], nested: { x: 1 } },
      body: { ok: true },
    });
    expect(payload).toEqual({
      method: 'POST',
      body: { ok: true },
      query: { a: '1', b: ['2', '3'] },
      headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2', 'content-type': 'application/json' },
    });
  });

  it('gives null for a missing body', () => {
    expect(
      buildWebhookPayload({ method: 'GET', headers: {}, query: {}, body: undefined }).body,
    ).toBeNull();
  });
});

describe('idempotency keys', () => {
  it('takes a caller key of visible ASCII and refuses empty, long or binary ones', () => {
    expect(callerIdempotencyKey(undefined)).toBeUndefined();
    expect(callerIdempotencyKey(' order-1 ')).toBe('order-1');
    expect(() => callerIdempotencyKey('')).toThrow(/Idempotency-Key/);
    expect(() => callerIdempotencyKey('x'.repeat(201))).toThrow(/Idempotency-Key/);
    expect(() => callerIdempotencyKey('a b\u0000')).toThrow(/Idempotency-Key/);
  });

  it('keys a schedule firing by workflow, version and planned time', () => {
    expect(scheduleFiringKey('w-1', 3, new Date(Date.UTC(2026, 0, 5, 9)))).toBe(
      'schedule:w-1:3:2026-01-05T09:00:00.000Z',
    );
  });
});
