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

/** A string field whose missing/wrong-type message reads well after the field name. */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

/** Emails are compared and stored trimmed and lower-cased, so `Ann@X.io ` and `ann@x.io` are one account. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
export const EMAIL_MAX_LENGTH = 254;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
/** Sign-in does not apply the new-password policy (it may change); this bound keeps hashing cheap to refuse. */
export const LOGIN_PASSWORD_MAX_LENGTH = 1024;

/**
 * Why a new password is not acceptable, or null when it is. Lengths count characters (code points),
 * so an emoji counts once. The upper bound keeps hashing cost bounded.
 *
 * @example
 * passwordProblem('short') // 'must be at least 10 characters'
 */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim().length === 0) return 'must not be only whitespace';
  return null;
}

const email = text()
  .max(EMAIL_MAX_LENGTH * 2, 'is too long')
  .transform(normaliseEmail)
  .pipe(
    z
      .email({ message: 'must be an email address' })
      .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
  )
  .describe(`Account email (case-insensitive, trimmed), at most ${EMAIL_MAX_LENGTH} characters.`);

/** Where the refresh token goes: `browser` = only the httpOnly cookie, `api` = cookie and body. */
const client = z
  .enum(['api', 'browser'], { message: "must be 'api' or 'browser'" })
  .optional()
  .describe("'browser' keeps the refresh token out of the body (cookie only).");

/** Sign-up: the new-password policy applies. */
export const SignUpRequestSchema = z.object({
  email,
  password: text()
    .superRefine((value, ctx) => {
      const problem = passwordProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
    .describe(`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not only whitespace.`),
  client,
});
/** The sign-up body (kept under its first name). */
export const CredentialsRequestSchema = SignUpRequestSchema;

/** Sign-in: any non-empty password up to LOGIN_PASSWORD_MAX_LENGTH (older policies stay valid). */
export const LogInRequestSchema = z.object({
  email,
  password: text()
    .min(1, 'is required')
    .max(LOGIN_PASSWORD_MAX_LENGTH, 'is too long')
    .describe(`1 to ${LOGIN_PASSWORD_MAX_LENGTH} characters.`),
  client,
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

const refreshToken = text().min(1, 'must not be empty').max(512, 'is too long');

export const RefreshRequestSchema = z.object({
  refreshToken: refreshToken.optional().describe('Else the fg_refresh cookie is used.'),
  client,
  probe: z
    .literal(true)
    .optional()
    .describe(
      'Answer 204 instead of 401 when the request carries no refresh token at all: a browser checking for a session on page load.',
    ),
});

export const LogOutRequestSchema = z.object({
  refreshToken: refreshToken.optional().describe('Else the fg_refresh cookie is used.'),
});

const scopeList = RESOURCE_SCOPES.join(', ');

export const CreateApiKeyRequestSchema = z.object({
  name: text().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(
      z
        .string({ error: 'must be a string' })
        .refine((s) => (RESOURCE_SCOPES as readonly string[]).includes(s), {
          error: (issue) =>
            issue.input === KEY_MANAGEMENT_SCOPE
              ? `${KEY_MANAGEMENT_SCOPE} cannot be given to an API key (keys are managed from a signed-in session)`
              : `must be one of ${scopeList}`,
        })
        .meta({ enum: [...RESOURCE_SCOPES] }),
      { error: 'must be a list of scopes' },
    )
    .min(1, `must name at least one of ${scopeList}`)
    .transform((scopes) => scopes as ResourceScope[])
    .optional()
    .describe(
      `What tokens exchanged from this key may do; default all of ${scopeList}. Never api-keys:manage.`,
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

export type ApiKeyResponse = z.infer<typeof ApiKeyResponseSchema>;
export type CreatedApiKeyResponse = z.infer<typeof CreatedApiKeyResponseSchema>;

export const ApiKeyListResponseSchema = z.object({ items: z.array(ApiKeyResponseSchema) });

export const TokenRequestSchema = z.object({
  apiKey: text().min(1, 'must not be empty').max(512, 'is too long'),
});

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
