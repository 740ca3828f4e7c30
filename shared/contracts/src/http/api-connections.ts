import { z } from 'zod';

/**
 * Connections: a user's stored credentials for an outside service (a Google account, a Slack
 * workspace, or credentials for any HTTP API). The auth service owns them; secrets are
 * envelope-encrypted at rest and never leave auth except through the internal access endpoint
 * below, which the gateway does not route.
 */

/** Providers a connection can be made to. `google` and `slack` use the providers' OAuth consent. */
export const CONNECTION_PROVIDERS = [
  'google',
  'slack',
  'http_bearer',
  'http_header',
  'http_query',
  'http_basic',
  'oauth2_client_credentials',
  'oauth2_authorization_code',
] as const;
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number];
/** Providers connected through a browser consent screen (POST .../oauth/start). */
export const OAUTH_CONNECTION_PROVIDERS = [
  'google',
  'slack',
  'oauth2_authorization_code',
] as const satisfies readonly ConnectionProvider[];

/**
 * - `healthy`: usable.
 * - `expired`: the access token expired and could not be refreshed (reconnect).
 * - `revoked`: the user or the provider revoked the grant (reconnect).
 * - `error`: the provider answered something unexpected at the last use (see `statusReason`).
 */
export const CONNECTION_STATUSES = ['healthy', 'expired', 'revoked', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const ConnectionResponseSchema = z.object({
  id: z.uuid(),
  provider: z.enum(CONNECTION_PROVIDERS),
  name: z.string().describe('Label the user chose (default: the account).'),
  /** The account it belongs to: an email for Google, `team name (team id)` for Slack, a host for HTTP. */
  account: z.string().nullable(),
  status: z.enum(CONNECTION_STATUSES),
  statusReason: z.string().nullable(),
  /** Scopes granted by the provider (OAuth providers), else []. */
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ConnectionResponse = z.infer<typeof ConnectionResponseSchema>;
export const ConnectionListResponseSchema = z.object({ items: z.array(ConnectionResponseSchema) });
export type ConnectionListResponse = z.infer<typeof ConnectionListResponseSchema>;

const name = z.string().trim().min(1).max(100).describe('A label for the connection.');
const secret = z.string().min(1).max(4096);
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be an HTTP header name');
const httpsUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Credentials typed in by the user (no consent screen). Secrets are write-only. */
export const CreateCredentialConnectionRequestSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('http_bearer'), name, token: secret }),
  z.object({ provider: z.literal('http_header'), name, headerName, value: secret }),
  z.object({
    provider: z.literal('http_query'),
    name,
    parameter: z.string().min(1).max(100),
    value: secret,
  }),
  z.object({
    provider: z.literal('http_basic'),
    name,
    username: z.string().min(1).max(200),
    password: secret,
  }),
  z.object({
    provider: z.literal('oauth2_client_credentials'),
    name,
    tokenUrl: httpsUrl,
    clientId: z.string().min(1).max(500),
    clientSecret: secret,
    scope: z.string().max(1000).optional(),
  }),
]);
export type CreateCredentialConnectionRequest = z.infer<
  typeof CreateCredentialConnectionRequestSchema
>;

/** Starts a consent dance; the browser then navigates to `authorizeUrl`. */
export const StartConnectionOAuthRequestSchema = z.object({
  provider: z.enum(OAUTH_CONNECTION_PROVIDERS),
  name: name.optional(),
  /** Reconnect this existing connection (keeps its id, so workflows using it keep working). */
  reconnectId: z.uuid().optional(),
  /** Only for `oauth2_authorization_code`: the provider's endpoints and client. */
  authorizationUrl: httpsUrl.optional(),
  tokenUrl: httpsUrl.optional(),
  clientId: z.string().min(1).max(500).optional(),
  clientSecret: secret.optional(),
  scope: z.string().max(1000).optional(),
});
export type StartConnectionOAuthRequest = z.infer<typeof StartConnectionOAuthRequestSchema>;
export const StartConnectionOAuthResponseSchema = z.object({ authorizeUrl: z.url() });

/** Lists loaded through a connection for the builder's dropdowns. */
export const CONNECTION_OPTION_SOURCES = [
  'slack.channels',
  'google.calendars',
  'gmail.labels',
] as const;
export type ConnectionOptionSource = (typeof CONNECTION_OPTION_SOURCES)[number];
export const ConnectionOptionsResponseSchema = z.object({
  items: z.array(z.object({ value: z.string(), label: z.string() })),
});
export type ConnectionOptionsResponse = z.infer<typeof ConnectionOptionsResponseSchema>;

/** Whether "Sign in with Google" is offered; `reason` says why not (e.g. GOOGLE_CLIENT_ID unset). */
export const GoogleSignInConfigResponseSchema = z.object({
  enabled: z.boolean(),
  reason: z.string().optional(),
  /** True when the provider is the local fake (FAKE_PROVIDERS=1): the UI labels it. */
  fake: z.boolean().optional(),
});

/**
 * JSON Schema keywords node types put on their config fields for the builder:
 * - `x-connection: { providers: ['google'], scopes?: [...] }` on a connection id field: a picker
 *   of the user's connections of those providers, with "connect new" inline.
 * - `x-options: { source: 'slack.channels', connectionField: 'connectionId' }`: a dropdown whose
 *   items come from GET /api/connections/{id}/options/{source}.
 */
export const CONNECTION_FIELD_KEYWORD = 'x-connection';
export const OPTIONS_FIELD_KEYWORD = 'x-options';
export interface ConnectionFieldAnnotation {
  providers: ConnectionProvider[];
  scopes?: string[];
}
export interface OptionsFieldAnnotation {
  source: ConnectionOptionSource;
  connectionField: string;
}

// ---- internal: executor and trigger service → auth (never routed by the gateway) ----

/**
 * `POST /internal/connections/{id}/access` on the auth service, with
 * `Authorization: Bearer <internal service token>` (INTERNAL_SERVICE_TOKEN or the file in
 * INTERNAL_SERVICE_TOKEN_FILE; compared in constant time). Answers a usable credential, refreshing
 * an OAuth access token first when it expires within a minute (one refresh at a time per
 * connection). 404 `connection_not_found` when the id is unknown or not `ownerId`'s;
 * 409 `connection_revoked` / `connection_expired` with the reason; 401 without the service token.
 */
export const INTERNAL_CONNECTION_ACCESS_PATH = '/internal/connections/{id}/access';
export const ConnectionAccessRequestSchema = z.object({
  ownerId: z.uuid(),
  /** Scopes the caller needs; 409 `connection_missing_scope` when the grant lacks one. */
  requiredScopes: z.array(z.string()).optional(),
});
export type ConnectionAccessRequest = z.infer<typeof ConnectionAccessRequestSchema>;
export const ConnectionAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string() }),
  z.object({ type: z.literal('header'), name: z.string(), value: z.string() }),
  z.object({ type: z.literal('query'), name: z.string(), value: z.string() }),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }),
]);
export type ConnectionAuth = z.infer<typeof ConnectionAuthSchema>;
export const ConnectionAccessResponseSchema = z.object({
  connectionId: z.uuid(),
  provider: z.enum(CONNECTION_PROVIDERS),
  account: z.string().nullable(),
  auth: ConnectionAuthSchema,
  /** Epoch ms when `auth` stops working (OAuth); null when it does not expire. */
  expiresAt: z.number().nullable(),
  scopes: z.array(z.string()),
});
export type ConnectionAccessResponse = z.infer<typeof ConnectionAccessResponseSchema>;
/**
 * `POST /internal/connections/{id}/report` (same authentication): a caller tells auth the provider
 * refused the credential (401 invalid_grant / token_revoked), so the connection shows `revoked`.
 */
export const INTERNAL_CONNECTION_REPORT_PATH = '/internal/connections/{id}/report';
export const ConnectionReportRequestSchema = z.object({
  ownerId: z.uuid(),
  status: z.enum(['revoked', 'expired', 'error']),
  reason: z.string().max(500),
});

/**
 * `POST /internal/connections/check` (same authentication): whether each connection id a workflow
 * names would work for its step, without touching any credential (the catalog asks at publish and
 * activation). Per item, in order: `ok`; `not_found` (unknown, or not `ownerId`'s: the two look the
 * same); `wrong_provider` (with the connection's `provider`); `missing_scope` (with
 * `missingScopes`, OAuth providers only); or the connection's broken status `revoked` / `expired` /
 * `error` (with `reason`). Never a secret.
 */
export const INTERNAL_CONNECTION_CHECK_PATH = '/internal/connections/check';
export const CONNECTION_CHECK_RESULTS = [
  'ok',
  'not_found',
  'wrong_provider',
  'missing_scope',
  'revoked',
  'expired',
  'error',
] as const;
export type ConnectionCheckResult = (typeof CONNECTION_CHECK_RESULTS)[number];
/** At most this many items per request (a workflow has at most a few hundred nodes). */
export const MAX_CONNECTION_CHECK_ITEMS = 500;
export const ConnectionCheckRequestSchema = z.object({
  ownerId: z.uuid(),
  items: z
    .array(
      z.object({
        /** Any string: one that is not a connection id is `not_found`. */
        connectionId: z.string().min(1).max(200),
        /** The providers the step accepts (its `x-connection.providers`). */
        providers: z.array(z.enum(CONNECTION_PROVIDERS)).min(1),
        /** Scopes the step needs (its `x-connection.scopes`). */
        scopes: z.array(z.string().min(1).max(500)).max(50).optional(),
      }),
    )
    .max(MAX_CONNECTION_CHECK_ITEMS),
});
export type ConnectionCheckRequest = z.infer<typeof ConnectionCheckRequestSchema>;
export const ConnectionCheckItemSchema = z.object({
  connectionId: z.string(),
  result: z.enum(CONNECTION_CHECK_RESULTS),
  /** The connection's provider (not for `not_found`). */
  provider: z.enum(CONNECTION_PROVIDERS).optional(),
  /** For `missing_scope`: the scopes the grant lacks. */
  missingScopes: z.array(z.string()).optional(),
  /** For `revoked` / `expired` / `error`: why, when known. */
  reason: z.string().nullable().optional(),
});
export type ConnectionCheckItem = z.infer<typeof ConnectionCheckItemSchema>;
export const ConnectionCheckResponseSchema = z.object({
  items: z.array(ConnectionCheckItemSchema),
});
export type ConnectionCheckResponse = z.infer<typeof ConnectionCheckResponseSchema>;
