import type { AccessTokenIssuer, PublicKeySet } from '../ports/access-token-issuer';

/** The JWKS other services verify access tokens with. */
export class GetPublicKeys {
  constructor(private readonly deps: { accessTokens: AccessTokenIssuer }) {}

  execute(): PublicKeySet {
    return this.deps.accessTokens.publicKeys();
  }
}
