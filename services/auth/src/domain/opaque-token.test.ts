import { hashOpaqueToken, looksLikeApiKey, newApiKey, newRefreshToken } from './opaque-token';

describe('opaque tokens', () => {
  it('makes refresh tokens of 32 random bytes in base64url, never the same twice', () => {
    const a = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(a);
  });

  it('makes API keys fgk_<random> whose visible prefix is the start of the key', () => {
    const { key, prefix } = newApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix).toMatch(/^fgk_.{8}$/);
  });

  it('hashes to a stable sha256 hex digest that differs from the token', () => {
    const token = newRefreshToken();
    expect(hashOpaqueToken(token)).toBe(hashOpaqueToken(token));
    expect(hashOpaqueToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOpaqueToken(token)).not.toContain(token);
  });

  it('rejects strings that are not shaped like an API key', () => {
    expect(looksLikeApiKey('fgk_short')).toBe(false);
    expect(looksLikeApiKey(`xyz_${'a'.repeat(43)}`)).toBe(false);
  });
});
