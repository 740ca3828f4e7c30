import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** Issuer and audience the services' test configs accept (AUTH_ISSUER / AUTH_AUDIENCE). */
export const TEST_ISSUER = 'https://flowgenie.test/auth';
export const TEST_AUDIENCE = 'flowgenie-test';

/** Everything a signed-in session may do (the auth service's interactive tokens). */
export const ALL_TEST_SCOPES =
  'workflows:read workflows:write executions:read executions:write connections:read connections:write api-keys:manage';

export interface TestTokens {
  /** Verifies tokens signed by `sign`: hand it to a service's compose as `keySet`. */
  keySet: ReturnType<typeof createLocalJWKSet>;
  /** A signed ES256 access token (valid 10 minutes) for `userId`, with every scope unless `scope` says otherwise. */
  sign(userId: string, email?: string, scope?: string): Promise<string>;
  /** A signed access token for a user (a new user id unless given). */
  userToken(userId?: string): Promise<{ userId: string; token: string }>;
}

/**
 * An ES256 key pair of the test's own, signing access tokens as the auth service would.
 *
 * @example
 * const tokens = await createTestTokens();
 * await compose(config, { keySet: tokens.keySet });
 * const { userId, token } = await tokens.userToken();
 */
export async function createTestTokens(
  opts: { issuer?: string; audience?: string; kid?: string } = {},
): Promise<TestTokens> {
  const issuer = opts.issuer ?? TEST_ISSUER;
  const audience = opts.audience ?? TEST_AUDIENCE;
  const kid = opts.kid ?? 'test-key';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (
    userId: string,
    email = `${userId.slice(0, 8)}@example.test`,
    scope = ALL_TEST_SCOPES,
  ) =>
    new SignJWT({ email, scope })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
  return {
    keySet: createLocalJWKSet({ keys: [jwk] }),
    sign,
    async userToken(userId = randomUUID()) {
      return { userId, token: await sign(userId) };
    },
  };
}
