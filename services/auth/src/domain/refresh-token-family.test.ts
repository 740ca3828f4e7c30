import { decideRefresh, refreshTokenExpiry } from './refresh-token-family';

const now = new Date('2026-11-26T12:00:00Z');
const later = new Date('2026-12-20T12:00:00Z');
const earlier = new Date('2026-11-20T12:00:00Z');
const fresh = { usedAt: null, expiresAt: later, familyRevokedAt: null };

describe('decideRefresh', () => {
  it('rotates an unused, unexpired token of a live family', () => {
    expect(decideRefresh(fresh, now)).toEqual({ kind: 'rotate' });
  });

  it('detects reuse of a token that was already rotated', () => {
    expect(decideRefresh({ ...fresh, usedAt: earlier }, now)).toEqual({ kind: 'reuse_detected' });
  });

  it('treats a token rotated within the grace period as a concurrent refresh, and after it as reuse', () => {
    const rotatedAgo = (ms: number) => ({ ...fresh, usedAt: new Date(now.getTime() - ms) });
    expect(decideRefresh(rotatedAgo(19_000), now, 20_000)).toEqual({ kind: 'grace' });
    expect(decideRefresh(rotatedAgo(20_000), now, 20_000)).toEqual({ kind: 'grace' });
    expect(decideRefresh(rotatedAgo(20_001), now, 20_000)).toEqual({ kind: 'reuse_detected' });
    // A concurrent rotation may stamp a time a hair after this request's clock.
    expect(decideRefresh(rotatedAgo(-5), now, 20_000)).toEqual({ kind: 'grace' });
    expect(decideRefresh(rotatedAgo(1), now, 0)).toEqual({ kind: 'reuse_detected' });
  });

  it('gives no grace to a revoked family', () => {
    expect(decideRefresh({ ...fresh, usedAt: now, familyRevokedAt: now }, now, 20_000)).toEqual({
      kind: 'rejected',
      reason: 'revoked',
    });
  });

  it('still reports reuse when the rotated token has since expired', () => {
    expect(decideRefresh({ ...fresh, usedAt: earlier, expiresAt: earlier }, now)).toEqual({
      kind: 'reuse_detected',
    });
  });

  it('rejects any token of a revoked family without detecting reuse again', () => {
    expect(decideRefresh({ ...fresh, familyRevokedAt: earlier }, now)).toEqual({
      kind: 'rejected',
      reason: 'revoked',
    });
    expect(decideRefresh({ ...fresh, usedAt: earlier, familyRevokedAt: earlier }, now)).toEqual({
      kind: 'rejected',
      reason: 'revoked',
    });
  });

  it('rejects an expired token, at the exact expiry instant too', () => {
    expect(decideRefresh({ ...fresh, expiresAt: earlier }, now)).toEqual({
      kind: 'rejected',
      reason: 'expired',
    });
    expect(decideRefresh({ ...fresh, expiresAt: now }, now)).toEqual({
      kind: 'rejected',
      reason: 'expired',
    });
  });

  it('rejects an unknown token', () => {
    expect(decideRefresh(null, now)).toEqual({ kind: 'rejected', reason: 'unknown' });
  });
});

describe('refreshTokenExpiry', () => {
  it('is ttlDays after issue', () => {
    expect(refreshTokenExpiry(now, 30).toISOString()).toBe('2026-12-26T12:00:00.000Z');
  });
});
