import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { MessagingTables } from '@flowgenie/messaging/outbox';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ConnectionsTable {
  id: string;
  owner_id: string;
  provider: string;
  name: string;
  account: string | null;
  scopes: string[];
  status: string;
  status_reason: string | null;
  /** Envelope-sealed JSON of the connection's secrets (EnvelopeSecrets, context `connection:<id>`). */
  secrets_sealed: string;
  expires_at: Timestamp | null;
  retry_after: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  /** Normalised (trimmed, lower-case); unique. */
  email: string;
  /** Null for a user made by Sign in with Google, who has no password. */
  password_hash: string | null;
  created_at: Generated<Date>;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: JSONColumnType<Record<string, unknown>>;
  /** The private JWK sealed by the SecretsKey port (AES-256-GCM); never plaintext. */
  private_jwk_sealed: string;
  created_at: Generated<Date>;
  /** Set when the key stops signing; it stays in the JWKS until tokens it signed have expired. */
  retired_at: Timestamp | null;
}

export interface RefreshTokenFamiliesTable {
  id: Generated<string>;
  user_id: string;
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  family_id: string;
  /** sha256 hex of the token. */
  token_hash: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  /** Set when exchanged for its successor; a second use revokes the family. */
  used_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  /** sha256 hex of the key. */
  key_hash: string;
  /** What tokens exchanged from this key may do (resource scopes only, never key management). */
  scopes: string[];
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A Google account (its stable `sub`) that signs in as a user. */
export interface GoogleIdentitiesTable {
  sub: string;
  user_id: string;
  /** The Google account's email when it was linked (informational; `sub` is what matches). */
  email: string;
  created_at: Generated<Date>;
  last_sign_in_at: Timestamp | null;
}

export interface AuthDb extends MessagingTables {
  connections: ConnectionsTable;
  users: UsersTable;
  signing_keys: SigningKeysTable;
  refresh_token_families: RefreshTokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  google_identities: GoogleIdentitiesTable;
}

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
