import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYPE } from '@flowgenie/platform';
import type { User } from '../../domain/user';
import type {
  AccessGrant,
  AccessToken,
  AccessTokenIssuer,
  PublicKeySet,
} from '../../ports/access-token-issuer';
import type { SecretsKey } from '../../ports/secrets-key';
import type { SigningKeyStore, StoredSigningKey } from '../../ports/signing-key-store';

/** Public JWK members of an EC key; anything else (notably `d`) never reaches the JWKS. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'] as const;

export interface JoseAccessTokenIssuerOptions {
  store: SigningKeyStore;
  secrets: SecretsKey;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

const sealContext = (kid: string) => `auth.signing_key:${kid}`;

/**
 * Signs ES256 access tokens (`typ: at+jwt`, `kid`) with the active key from the store, generating
 * and storing one (private half sealed) on first boot.
 *
 * @example
 * const issuer = await JoseAccessTokenIssuer.load({ store, secrets, issuer, audience, ttlSeconds: 900 });
 */
export class JoseAccessTokenIssuer implements AccessTokenIssuer {
  private constructor(
    private readonly opts: JoseAccessTokenIssuerOptions,
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly jwks: JSONWebKeySet,
  ) {}

  static async load(opts: JoseAccessTokenIssuerOptions): Promise<JoseAccessTokenIssuer> {
    const active = await opts.store.activeOrCreate(() => generateSigningKey(opts.secrets));
    let privateJwk: JWK;
    try {
      privateJwk = JSON.parse(
        (await opts.secrets.open(active.sealedPrivateJwk, sealContext(active.kid))).toString(
          'utf8',
        ),
      ) as JWK;
    } catch (err) {
      throw new Error(
        `cannot decrypt the stored signing key ${active.kid}: the secrets key differs from the one that sealed it ` +
          `(was the key file replaced?). Restore it, or delete the auth.signing_keys rows to start with a new key.`,
        { cause: err },
      );
    }
    const privateKey = (await importJWK(privateJwk, ACCESS_TOKEN_ALG)) as CryptoKey;
    const published = await opts.store.listPublished();
    const jwks = { keys: published.map((k) => publicOnly(k.publicJwk)) };
    return new JoseAccessTokenIssuer(opts, active.kid, privateKey, jwks);
  }

  async issue(
    user: Pick<User, 'id' | 'email'>,
    issuedAt: Date,
    grant: AccessGrant,
  ): Promise<AccessToken> {
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const ttlSeconds = Math.min(grant.ttlSeconds ?? this.opts.ttlSeconds, this.opts.ttlSeconds);
    const claims: Record<string, string> = { email: user.email, scope: grant.scopes.join(' ') };
    if (grant.sessionId) claims.sid = grant.sessionId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid: this.kid })
      .setSubject(user.id)
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresIn: ttlSeconds };
  }

  publicKeys(): PublicKeySet {
    return { keys: this.jwks.keys.map((k) => ({ ...k })) };
  }

  /** The published keys as a jose key set, for verifying tokens in this process without a round trip. */
  localKeySet(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }
}

function publicOnly(jwk: Record<string, unknown>): JWK {
  const out: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) out[member] = jwk[member];
  return out as JWK;
}

async function generateSigningKey(secrets: SecretsKey): Promise<StoredSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG };
  return {
    kid,
    alg: ACCESS_TOKEN_ALG,
    publicJwk: { ...publicJwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' },
    sealedPrivateJwk: await secrets.seal(
      Buffer.from(JSON.stringify(privateJwk), 'utf8'),
      sealContext(kid),
    ),
    createdAt: new Date(),
  };
}
