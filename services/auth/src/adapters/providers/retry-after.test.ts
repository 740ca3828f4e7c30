import { retryAfterSeconds } from './http-oauth-providers';

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');

  it('reads seconds and HTTP dates, at least 1 s', () => {
    expect(retryAfterSeconds('7', now)).toBe(7);
    expect(retryAfterSeconds('0', now)).toBe(1);
    expect(retryAfterSeconds('2.5', now)).toBe(3);
    expect(retryAfterSeconds('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(1);
  });

  it('waits 30 s when the header is missing or unreadable', () => {
    expect(retryAfterSeconds(null, now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBe(30);
  });
});
