import {
  authOf,
  canRenew,
  missingScopes,
  needsFreshToken,
  withTokens,
  type ConnectionSecrets,
} from './connection';

const now = new Date('2026-12-01T10:00:00Z');
const at = (seconds: number) => ({ expiresAt: new Date(now.getTime() + seconds * 1000) });
const google: ConnectionSecrets = { provider: 'google', accessToken: 'a1', refreshToken: 'r1' };

describe('connection rules', () => {
  it('renews a token that expires within a minute, not one that lasts longer or never expires', () => {
    expect(needsFreshToken(at(59), google, now)).toBe(true);
    expect(needsFreshToken(at(60), google, now)).toBe(true);
    expect(needsFreshToken(at(61), google, now)).toBe(false);
    expect(needsFreshToken(at(-5), google, now)).toBe(true);
    expect(needsFreshToken({ expiresAt: null }, { provider: 'http_bearer', token: 't' }, now)).toBe(
      false,
    );
  });

  it('fetches a client-credentials token at first use', () => {
    const cc: ConnectionSecrets = {
      provider: 'oauth2_client_credentials',
      tokenUrl: 'https://x/token',
      clientId: 'c',
      clientSecret: 's',
    };
    expect(needsFreshToken({ expiresAt: null }, cc, now)).toBe(true);
    expect(canRenew(cc)).toBe(true);
    expect(needsFreshToken({ expiresAt: null }, withTokens(cc, { accessToken: 'tok' }), now)).toBe(
      false,
    );
  });

  it('can renew only with a refresh token', () => {
    expect(canRenew(google)).toBe(true);
    expect(canRenew({ provider: 'slack', accessToken: 'xoxb' })).toBe(false);
  });

  it('keeps the refresh token when a refresh answers none, and takes a rotated one', () => {
    expect(withTokens(google, { accessToken: 'a2' })).toEqual({
      provider: 'google',
      accessToken: 'a2',
      refreshToken: 'r1',
    });
    expect(withTokens(google, { accessToken: 'a3', refreshToken: 'r2' })).toEqual({
      provider: 'google',
      accessToken: 'a3',
      refreshToken: 'r2',
    });
  });

  it('hands each kind of credential over in the shape a caller puts on a request', () => {
    expect(authOf(google)).toEqual({ type: 'bearer', token: 'a1' });
    expect(authOf({ provider: 'http_header', headerName: 'X-Key', value: 'v' })).toEqual({
      type: 'header',
      name: 'X-Key',
      value: 'v',
    });
    expect(authOf({ provider: 'http_query', parameter: 'key', value: 'v' })).toEqual({
      type: 'query',
      name: 'key',
      value: 'v',
    });
    expect(authOf({ provider: 'http_basic', username: 'u', password: 'p' })).toEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    });
  });

  it('names the scopes a grant lacks', () => {
    expect(missingScopes(['a', 'b'], ['b', 'c'])).toEqual(['c']);
    expect(missingScopes(['a'])).toEqual([]);
  });
});
