import { createHmac } from 'node:crypto';
import { parseSignatureHeader, signatureHeader, verifySignature } from './webhook-signature';

const secret = 'whsec_0123456789abcdef';
const body = Buffer.from('{"a":1}');
const now = new Date('2026-03-01T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('accepts what a sender computes by hand from the documented recipe', () => {
    const v1 = createHmac('sha256', secret).update(`${t}.{"a":1}`).digest('hex');
    expect(
      verifySignature({
        secret,
        header: `t=${t},v1=${v1}`,
        rawBody: body,
        now,
        windowSeconds: 300,
      }),
    ).toEqual({
      ok: true,
      signature: v1,
      validUntil: t + 300,
    });
  });

  it('accepts any one of several v1 signatures (secret rotation)', () => {
    const good = signatureHeader(secret, t, body).split(',')[1];
    const header = `t=${t},v1=${'0'.repeat(64)},${good}`;
    expect(verifySignature({ secret, header, rawBody: body, now, windowSeconds: 300 }).ok).toBe(
      true,
    );
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'v1=abc'],
    ['malformed', `t=${t}`],
    ['expired', signatureHeader(secret, t - 301, body)],
    ['expired', signatureHeader(secret, t + 301, body)],
    ['mismatch', signatureHeader('another-secret-value', t, body)],
  ])('rejects a %s signature', (reason, header) => {
    expect(verifySignature({ secret, header, rawBody: body, now, windowSeconds: 300 })).toEqual({
      ok: false,
      reason,
    });
  });

  it('accepts a timestamp at the edge of the window', () => {
    expect(
      verifySignature({
        secret,
        header: signatureHeader(secret, t - 300, body),
        rawBody: body,
        now,
        windowSeconds: 300,
      }).ok,
    ).toBe(true);
  });

  it('reads the header with spaces and upper-case hex', () => {
    const v1 = signatureHeader(secret, t, body).split('v1=')[1].toUpperCase();
    expect(parseSignatureHeader(` t=${t} , v1=${v1} `)).toEqual({
      timestamp: t,
      signatures: [v1.toLowerCase()],
    });
  });
});
