import { z } from 'zod';

/**
 * Request and response bodies of the auth service's public API (through the gateway under
 * `/api/auth` and `/.well-known/jwks.json`). The gateway's OpenAPI document is generated from them.
 */
/**
 * What an access token may do, carried space-separated in its `scope` claim (RFC 9068). Services
 * check them per route: `:read` for GET, `:write` for anything that changes state.
 * - `workflows:read` / `workflows:write`: `/api/workflows` (drafts, versions, activation), `/api/node-types` (read)
 * - `executions:read` / `executions:write`: `/api/executions`; write = retry, cancel and manual runs
 * - `connections:read` / `connections:write`: `/api/connections` (list and option lists / create,
 *   OAuth connect and reconnect, disconnect). Keys made before these scopes existed lack them.
 * - `api-keys:manage`: list, create and revoke API keys. Only sign-in sessions hold it; a token
 *   exchanged from an API key never does, so a leaked key cannot mint keys that outlive it.
 */
export const RESOURCE_SCOPES = [
  'workflows:read',
  'workflows:write',
  'executions:read',
  'executions:write',
  'connections:read',
  'connections:write',
] as const;
export const KEY_MANAGEMENT_SCOPE = 'api-keys:manage';
export type ResourceScope = (typeof RESOURCE_SCOPES)[number];
export type Scope = ResourceScope | typeof KEY_MANAGEMENT_SCOPE;
/** A signed-in user's session may do everything. */
export const SESSION_SCOPES: readonly Scope[] = [...RESOURCE_SCOPES, KEY_MANAGEMENT_SCOPE];

export const CredentialsRequestSchema = z.object({
  email: z.email().max(320).describe('Account email (case-insensitive).'),
  password: z.string().min(10).max(200).describe('10 to 200 characters.'),
  client: z
    .enum(['api', 'browser'])
    .optional()
    .describe("'browser' keeps the refresh token out of the body (cookie only)."),
});
export type CredentialsRequest = z.infer<typeof CredentialsRequestSchema>;

export const UserResponseSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  createdAt: z.iso.datetime(),
});
export type UserResponse = z.infer<typeof UserResponseSchema>;

export const SessionResponseSchema = z.object({
  user: UserResponseSchema,
  accessToken: z.string().describe('ES256 JWT, `typ: at+jwt`.'),
  expiresIn: z.number().int().describe('Seconds until the access token expires.'),
  refreshToken: z
    .string()
    .optional()
    .describe('Absent for `client: browser` (the fg_refresh cookie carries it).'),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const RefreshRequestSchema = z.object({
  refreshToken: z.string().optional().describe('Else the fg_refresh cookie is used.'),
});

export const CreateApiKeyRequestSchema = z.object({
  name: z.string().min(1).max(100),
  scopes: z
    .array(z.enum(RESOURCE_SCOPES))
    .min(1)
    .optional()
    .describe(
      `What tokens exchanged from this key may do; default all of ${RESOURCE_SCOPES.join(', ')}. Never api-keys:manage.`,
    ),
});

export const ApiKeyResponseSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('First characters of the key, to recognise it.'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  scopes: z.array(z.enum(RESOURCE_SCOPES)),
});

export const CreatedApiKeyResponseSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  key: z.string().describe('The whole key, shown only in this answer (stored hashed).'),
  createdAt: z.iso.datetime(),
  scopes: z.array(z.enum(RESOURCE_SCOPES)),
});

export const ApiKeyListResponseSchema = z.object({ items: z.array(ApiKeyResponseSchema) });

export const TokenRequestSchema = z.object({ apiKey: z.string().min(1) });

export const AccessTokenResponseSchema = z.object({
  accessToken: z.string(),
  expiresIn: z
    .number()
    .int()
    .describe('Seconds; key-exchanged tokens are short-lived (5 minutes by default).'),
  scope: z.string().describe('The scopes granted, space-separated.'),
});

export const JwksResponseSchema = z.object({
  keys: z.array(
    z
      .object({
        kty: z.string(),
        kid: z.string(),
        alg: z.string().optional(),
        use: z.string().optional(),
        crv: z.string().optional(),
        x: z.string().optional(),
        y: z.string().optional(),
      })
      .loose(),
  ),
});
