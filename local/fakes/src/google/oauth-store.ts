import { createHash } from 'node:crypto';
import { randomToken } from '../common';

export interface GoogleAccountSeed {
  email: string;
  name?: string;
  /** Default true. */
  emailVerified?: boolean;
  picture?: string;
  /** Google's stable user id; generated from the email when omitted. */
  sub?: string;
  givenName?: string;
  familyName?: string;
  /** Calendar time zone, default UTC. */
  timeZone?: string;
}

export interface GoogleAccount {
  sub: string;
  email: string;
  name: string;
  emailVerified: boolean;
  picture: string;
  givenName: string;
  familyName: string;
  timeZone: string;
}

export interface GoogleClientSeed {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown on the consent page. */
  name?: string;
}

export const SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/** Google answers `email profile` with the full userinfo scope URLs. */
export function normalizeScopes(scopes: Iterable<string>): string[] {
  return [...new Set([...scopes].filter(Boolean).map((s) => SCOPE_ALIASES[s] ?? s))];
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  sub: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  offline: boolean;
  expiresAt: number;
}

/** One consent given by one account to one client: the refresh token and its access tokens. */
export interface Grant {
  id: string;
  clientId: string;
  sub: string;
  scopes: string[];
  refreshToken?: string;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  clientId: string;
  sub: string;
  scopes: string[];
  expiresAt: number;
}

/** Google's `sub` is a 21-digit number; derive a stable one from the email. */
function numericIdFor(email: string): string {
  const hash = createHash('sha256').update(email).digest('hex');
  return '10' + parseInt(hash.slice(0, 12), 16).toString().padStart(19, '0');
}

export const ACCESS_TOKEN_SECONDS = 3599;
const CODE_MS = 10 * 60_000;

export class GoogleOAuthStore {
  readonly accounts = new Map<string, GoogleAccount>();
  readonly clients = new Map<string, GoogleClientSeed>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, string>();
  /** Scopes each account has granted each client, for include_granted_scopes. */
  private readonly consented = new Map<string, Set<string>>();

  constructor(private readonly now: () => number) {}

  addAccount(seed: GoogleAccountSeed): GoogleAccount {
    const email = seed.email.toLowerCase();
    const name = seed.name ?? email.split('@')[0];
    const [given, ...family] = name.split(' ');
    const account: GoogleAccount = {
      email,
      name,
      sub: seed.sub ?? numericIdFor(email),
      emailVerified: seed.emailVerified ?? true,
      picture:
        seed.picture ?? `https://lh3.googleusercontent.com/a/fake-${encodeURIComponent(email)}`,
      givenName: seed.givenName ?? given,
      familyName: seed.familyName ?? family.join(' '),
      timeZone: seed.timeZone ?? 'UTC',
    };
    this.accounts.set(email, account);
    return account;
  }

  accountBySub(sub: string): GoogleAccount | undefined {
    return [...this.accounts.values()].find((a) => a.sub === sub);
  }

  addClient(seed: GoogleClientSeed): void {
    this.clients.set(seed.clientId, seed);
  }

  /** Scopes to grant now: the requested ones plus, with include_granted_scopes, earlier grants. */
  scopesToGrant(
    clientId: string,
    sub: string,
    requested: string[],
    includeGranted: boolean,
  ): string[] {
    const earlier = includeGranted ? [...(this.consented.get(`${clientId} ${sub}`) ?? [])] : [];
    return normalizeScopes([...requested, ...earlier]);
  }

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = `4/0fake-${randomToken(30)}`;
    this.codes.set(value, { ...code, expiresAt: this.now() + CODE_MS });
    const key = `${code.clientId} ${code.sub}`;
    this.consented.set(key, new Set([...(this.consented.get(key) ?? []), ...code.scopes]));
    return value;
  }

  /** A code works once; a second use fails like Google's invalid_grant. */
  takeCode(code: string): AuthorizationCode | undefined {
    const found = this.codes.get(code);
    this.codes.delete(code);
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  createGrant(clientId: string, sub: string, scopes: string[], offline: boolean): Grant {
    const grant: Grant = { id: randomToken(9), clientId, sub, scopes, revoked: false };
    if (offline) {
      grant.refreshToken = `1//0fake-${randomToken(40)}`;
      this.refreshTokens.set(grant.refreshToken, grant.id);
    }
    this.grants.set(grant.id, grant);
    return grant;
  }

  grant(id: string): Grant | undefined {
    return this.grants.get(id);
  }

  grantForRefreshToken(refreshToken: string): Grant | undefined {
    const id = this.refreshTokens.get(refreshToken);
    const grant = id ? this.grants.get(id) : undefined;
    return grant && !grant.revoked ? grant : undefined;
  }

  issueAccessToken(grant: Grant): AccessToken {
    const token: AccessToken = {
      token: `ya29.fake-${randomToken(40)}`,
      grantId: grant.id,
      clientId: grant.clientId,
      sub: grant.sub,
      scopes: grant.scopes,
      expiresAt: this.now() + ACCESS_TOKEN_SECONDS * 1000,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  /** A live access token: known, not expired, its grant not revoked. */
  activeAccessToken(token: string): AccessToken | undefined {
    const found = this.accessTokens.get(token);
    if (!found || found.expiresAt <= this.now()) return undefined;
    return this.grants.get(found.grantId)?.revoked ? undefined : found;
  }

  /** Revoking either token of a grant ends the whole grant, as Google does. */
  revoke(token: string): boolean {
    const grantId = this.accessTokens.get(token)?.grantId ?? this.refreshTokens.get(token);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** Ends every grant of an account (e.g. the user removed the app in their Google account). */
  revokeAccount(email: string): number {
    const account = this.accounts.get(email.toLowerCase());
    let count = 0;
    for (const grant of this.grants.values()) {
      if (account && grant.sub === account.sub && !grant.revoked) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** Makes access tokens expire now (all, or one account's); refresh tokens keep working. */
  expireAccessTokens(email?: string): number {
    const sub = email ? this.accounts.get(email.toLowerCase())?.sub : undefined;
    let count = 0;
    for (const token of this.accessTokens.values()) {
      if ((!email || token.sub === sub) && token.expiresAt > this.now()) {
        token.expiresAt = this.now();
        count += 1;
      }
    }
    return count;
  }
}

/** PKCE (RFC 7636): S256 is BASE64URL(SHA256(verifier)); plain compares as is. */
export function pkceMatches(
  challenge: string,
  method: string | undefined,
  verifier: string,
): boolean {
  if ((method ?? 'plain') === 'plain') return challenge === verifier;
  return (
    method === 'S256' && createHash('sha256').update(verifier).digest('base64url') === challenge
  );
}
