import { z } from 'zod';
import type { ConsumerName } from '../events/routing';
import { ErrorResponseSchema } from './errors';
import {
  AccessTokenResponseSchema,
  ActivateWorkflowRequestSchema,
  CreateFromTemplateRequestSchema,
  VersionDiffQuerySchema,
  VersionDiffResponseSchema,
  WorkflowTemplateListResponseSchema,
  ApiKeyListResponseSchema,
  ConnectionListResponseSchema,
  ConnectionOptionsResponseSchema,
  ConnectionResponseSchema,
  CreateCredentialConnectionRequestSchema,
  StartConnectionOAuthRequestSchema,
  StartConnectionOAuthResponseSchema,
  CreateApiKeyRequestSchema,
  CreateWorkflowRequestSchema,
  CreatedApiKeyResponseSchema,
  LogInRequestSchema,
  LogOutRequestSchema,
  SignUpRequestSchema,
  ExecutionListResponseSchema,
  ExecutionResponseSchema,
  JwksResponseSchema,
  ListExecutionsQuerySchema,
  ListWorkflowsQuerySchema,
  NodeTypeListResponseSchema,
  PublishedVersionResponseSchema,
  RefreshRequestSchema,
  RunAcceptedResponseSchema,
  RunWorkflowRequestSchema,
  ScheduleQuerySchema,
  ScheduleResponseSchema,
  SlackEventsAnswerSchema,
  StartTestWebhookRequestSchema,
  TestWebhookCapturedResponseSchema,
  TestWebhookListenerSchema,
  TriggerStatusResponseSchema,
  SessionResponseSchema,
  TokenRequestSchema,
  UpdateWorkflowRequestSchema,
  UserResponseSchema,
  ValidationResultSchema,
  VersionListResponseSchema,
  WebhookFinishedResponseSchema,
  WorkflowExportSchema,
  WorkflowListResponseSchema,
  WorkflowResponseSchema,
  WorkflowVersionResponseSchema,
} from './api';
import {
  GoogleSignInConfigResponseSchema,
  LinkGoogleRequestSchema,
  LinkGoogleResponseSchema,
} from './api';

/** The four services (each is also a consumer of the event routing table). */
export type ServiceName = ConsumerName;
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Media type when it is not JSON (e.g. server-sent events). */
  mediaType?: string;
}

export interface HttpRoute {
  /** The service that serves it (the gateway, the CDK routes and each service's router agree on this list). */
  service: ServiceName;
  method: HttpMethod;
  path: string;
  tag: 'auth' | 'workflows' | 'node-types' | 'runs' | 'hooks' | 'executions' | 'connections';
  summary: string;
  description?: string;
  /** Needs `Authorization: Bearer <access token>` (default true). */
  auth?: boolean;
  body?: z.ZodType;
  /** Any body (webhooks). */
  anyBody?: boolean;
  query?: z.ZodObject;
  headers?: { name: string; description: string }[];
  responses: Record<number, ResponseSpec>;
}

const err = (description: string): ResponseSpec => ({ description, schema: ErrorResponseSchema });
const E400 = { 400: err('Invalid input: `details` name each field; nothing changed.') };
const E401 = { 401: err('Missing, expired or invalid access token.') };
const E404 = { 404: err('Not found (another user’s resource answers 404 too).') };
const E409 = (why: string) => ({ 409: err(why) });
const authed = {
  ...E401,
  403: err(
    'insufficient_scope: the token lacks the scope this route needs (e.g. a read-only API key writing).',
  ),
};
/** Key management needs a sign-in session's token (scope api-keys:manage). */
const E403_SESSION = {
  403: err('insufficient_scope: a token exchanged from an API key cannot manage keys'),
};

/** Every public route of the API, reachable through the gateway (docs/API.md). */
export const httpRoutes: HttpRoute[] = [
  // ---- auth ----
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/signup',
    tag: 'auth',
    auth: false,
    summary: 'Create an account',
    description:
      'Sets the `__Host-fg_refresh` cookie (httpOnly, Secure, SameSite=Strict, Path=/). Limited per client address.',
    body: SignUpRequestSchema,
    responses: {
      201: { description: 'Signed up and signed in', schema: SessionResponseSchema },
      ...E400,
      409: err('signup_refused: no account can be created with these details'),
      429: err('Too many sign-ups from this address (see Retry-After)'),
    },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    auth: false,
    summary: 'Sign in',
    body: LogInRequestSchema,
    responses: {
      200: { description: 'Signed in', schema: SessionResponseSchema },
      ...E400,
      401: err('invalid_credentials'),
      429: err(
        'Too many failed attempts for this account from this address, this account or this address (see Retry-After)',
      ),
    },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'auth',
    auth: false,
    summary: 'Rotate the refresh token',
    description:
      'Uses `refreshToken` from the body, else the `__Host-fg_refresh` cookie (then `Origin` must be the app’s). ' +
      'Reusing an old token revokes its family, except within a short grace period after its rotation.',
    body: RefreshRequestSchema,
    responses: {
      200: { description: 'New tokens', schema: SessionResponseSchema },
      204: { description: '`probe` and no refresh token sent: no session' },
      401: err('Invalid, expired or reused refresh token'),
      403: err('origin_not_allowed: the cookie was sent from another origin'),
    },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    auth: false,
    summary: 'Sign out (revokes the refresh token family)',
    description:
      'The session of the `__Host-fg_refresh` cookie or body `refreshToken`, else of the bearer token. Clears the cookie.',
    body: LogOutRequestSchema,
    responses: {
      204: { description: 'Signed out' },
      401: err('Only an invalid bearer token was sent'),
      403: err('origin_not_allowed: the cookie was sent from another origin'),
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/auth/me',
    tag: 'auth',
    summary: 'The signed-in user',
    responses: { 200: { description: 'User', schema: UserResponseSchema }, ...authed },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/api-keys',
    tag: 'auth',
    summary: 'Create an API key (shown once)',
    body: CreateApiKeyRequestSchema,
    responses: {
      201: { description: 'Created', schema: CreatedApiKeyResponseSchema },
      ...E400,
      ...authed,
      ...E403_SESSION,
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/auth/api-keys',
    tag: 'auth',
    summary: 'List API keys',
    responses: {
      200: { description: 'Keys', schema: ApiKeyListResponseSchema },
      ...authed,
      ...E403_SESSION,
    },
  },
  {
    service: 'auth',
    method: 'delete',
    path: '/api/auth/api-keys/{id}',
    tag: 'auth',
    summary: 'Delete an API key',
    responses: { 204: { description: 'Deleted' }, ...authed, ...E403_SESSION, ...E404 },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/token',
    tag: 'auth',
    auth: false,
    summary: 'Exchange an API key for an access token',
    body: TokenRequestSchema,
    responses: {
      200: { description: 'Access token', schema: AccessTokenResponseSchema },
      ...E400,
      401: err('Unknown or deleted key'),
    },
  },
  // ---- auth: Sign in with Google ----
  {
    service: 'auth',
    method: 'get',
    path: '/api/auth/google/config',
    tag: 'auth',
    auth: false,
    summary: 'Whether Sign in with Google is offered',
    description:
      '`enabled: false` with a `reason` when GOOGLE_CLIENT_ID is unset; `fake: true` when Google is the local fake.',
    responses: {
      200: { description: 'Configuration', schema: GoogleSignInConfigResponseSchema },
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/auth/google/start',
    tag: 'auth',
    auth: false,
    summary: 'Start Sign in with Google (browser navigation)',
    description:
      'Redirects to Google’s consent screen with `state` and a PKCE challenge; sets the short-lived ' +
      '`__Host-fg_google_state` cookie that binds the sign-in to this browser.',
    responses: {
      302: { description: 'To Google' },
      404: err('google_sign_in_disabled: GOOGLE_CLIENT_ID is not set'),
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/auth/google/callback',
    tag: 'auth',
    auth: false,
    summary: 'Google’s redirect back (browser navigation)',
    description:
      'Checks state (against the cookie and the server-side store, once) and PKCE, verifies the id_token and ' +
      'requires `email_verified`. Then redirects: to `/` with the `__Host-fg_refresh` cookie set (signed in), ' +
      'to `/login?link=<token>` when the email belongs to a password account (sign in with the password, then ' +
      'POST /api/auth/google/link), or to `/login?error=<code>` (google_email_unverified, google_access_denied, ' +
      'google_state_invalid, google_account_conflict, google_sign_in_failed, google_sign_in_disabled).',
    responses: { 302: { description: 'To the app' } },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/auth/google/link',
    tag: 'auth',
    summary: 'Link the Google account of a link token to the signed-in user',
    description:
      'Needs a sign-in session of the account the token was made for (the password account with the Google email); ' +
      'the token works once and for 10 minutes. After it, that Google account signs in directly.',
    body: LinkGoogleRequestSchema,
    responses: {
      200: { description: 'Linked', schema: LinkGoogleResponseSchema },
      ...E400,
      ...authed,
      403: err(
        'insufficient_scope: a token exchanged from an API key cannot link a Google account',
      ),
      404: err(
        'google_link_invalid: unknown, expired or used token, or one made for another account',
      ),
      409: err('google_identity_taken: the Google account is linked to another user'),
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/.well-known/jwks.json',
    tag: 'auth',
    auth: false,
    summary: 'Public keys that verify access tokens (ES256)',
    responses: { 200: { description: 'JWKS', schema: JwksResponseSchema } },
  },
  // ---- connections (auth) ----
  {
    service: 'auth',
    method: 'get',
    path: '/api/connections',
    tag: 'connections',
    summary: 'List your connections (no secrets)',
    description: 'Needs `connections:read`.',
    responses: {
      200: { description: 'Connections, newest first', schema: ConnectionListResponseSchema },
      ...authed,
    },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/connections',
    tag: 'connections',
    summary:
      'Create a credential connection (bearer, header, query, basic, OAuth2 client credentials)',
    description:
      'Needs `connections:write`. Secrets are write-only: encrypted at rest, never answered. ' +
      '`oauth2_client_credentials` fetches a token once to check the client before saving.',
    body: CreateCredentialConnectionRequestSchema,
    responses: {
      201: { description: 'Created', schema: ConnectionResponseSchema },
      ...E400,
      ...authed,
      502: err('provider_error: the token endpoint refused the client credentials'),
    },
  },
  {
    service: 'auth',
    method: 'post',
    path: '/api/connections/oauth/start',
    tag: 'connections',
    summary: 'Start connecting (or reconnecting) through the provider’s consent screen',
    description:
      'Needs `connections:write`. Answers the URL to send the browser to, and sets the short-lived ' +
      '`__Host-fg_oauth` cookie that binds the dance to this browser. State and PKCE verifier stay ' +
      'on the server for 10 minutes and work once.',
    body: StartConnectionOAuthRequestSchema,
    responses: {
      200: { description: 'Where to send the browser', schema: StartConnectionOAuthResponseSchema },
      ...E400,
      ...authed,
      ...E404,
      ...E409(
        'provider_not_configured: the provider’s client id/secret are not set (the message names them)',
      ),
    },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/connections/oauth/callback',
    tag: 'connections',
    auth: false,
    summary: 'Where the provider sends the browser back (redirects to the app)',
    description:
      'Checks `state` against the stored one and the `__Host-fg_oauth` cookie, exchanges the code, ' +
      'and redirects to `/connections?connected=<id>`, or `/connections?error=<code>`.',
    query: z.object({
      state: z.string().optional(),
      code: z.string().optional(),
      error: z.string().optional(),
    }),
    responses: { 302: { description: 'Back to the app' } },
  },
  {
    service: 'auth',
    method: 'delete',
    path: '/api/connections/{id}',
    tag: 'connections',
    summary: 'Disconnect (revokes the grant at the provider where it can, then deletes)',
    description: 'Needs `connections:write`.',
    responses: { 204: { description: 'Disconnected' }, ...authed, ...E404 },
  },
  {
    service: 'auth',
    method: 'get',
    path: '/api/connections/{id}/options/{source}',
    tag: 'connections',
    summary:
      'A list loaded through the connection (Slack channels, Google calendars, Gmail labels)',
    description:
      'Needs `connections:read`. Sources: `slack.channels`, `google.calendars`, `gmail.labels`.',
    responses: {
      200: { description: 'Items', schema: ConnectionOptionsResponseSchema },
      ...E400,
      ...authed,
      ...E404,
      ...E409('connection_revoked / connection_expired: reconnect first'),
      502: err('provider_error: the provider answered an error'),
    },
  },
  // ---- workflows ----
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows',
    tag: 'workflows',
    summary: 'Create a workflow (a draft; an empty graph is allowed)',
    body: CreateWorkflowRequestSchema,
    responses: {
      201: { description: 'Created', schema: WorkflowResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows',
    tag: 'workflows',
    summary: 'List workflows (newest first, without graphs)',
    query: ListWorkflowsQuerySchema,
    responses: {
      200: { description: 'A page of workflows', schema: WorkflowListResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Get a workflow',
    responses: {
      200: { description: 'Workflow', schema: WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'put',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Update the draft',
    description:
      'A semantically incomplete draft is saved with `validation` listing its problems; a body that is not the graph’s shape is 400.',
    body: UpdateWorkflowRequestSchema,
    responses: {
      200: { description: 'Updated', schema: WorkflowResponseSchema },
      ...E400,
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'delete',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Delete a workflow (deactivates it first)',
    responses: { 204: { description: 'Deleted' }, ...authed, ...E403_SESSION, ...E404 },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/{id}/validate',
    tag: 'workflows',
    summary: 'Validate the draft',
    responses: {
      200: { description: 'Result', schema: ValidationResultSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/{id}/publish',
    tag: 'workflows',
    summary: 'Publish the draft as a new immutable version',
    responses: {
      201: { description: 'Published', schema: PublishedVersionResponseSchema },
      400: err('The draft is invalid (located errors in details)'),
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}/versions',
    tag: 'workflows',
    summary: 'List published versions',
    responses: {
      200: { description: 'Versions', schema: VersionListResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}/versions/{n}',
    tag: 'workflows',
    summary: 'Get a published version',
    responses: {
      200: { description: 'Version', schema: WorkflowVersionResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}/versions/{n}/diff',
    tag: 'workflows',
    summary: 'What changed from a published version to the draft or another version',
    description:
      'Steps added, removed and changed (each changed field with its value before and after; secrets show the placeholder), connections added and removed, sticky notes counted. Moving a step is not a change.',
    query: VersionDiffQuerySchema,
    responses: {
      200: { description: 'The difference', schema: VersionDiffResponseSchema },
      ...E400,
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/{id}/activate',
    tag: 'workflows',
    summary: 'Activate a published version (default: the latest)',
    body: ActivateWorkflowRequestSchema,
    responses: {
      200: { description: 'Active', schema: WorkflowResponseSchema },
      ...E400,
      ...authed,
      ...E404,
      ...E409('Nothing published yet'),
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/{id}/deactivate',
    tag: 'workflows',
    summary: 'Deactivate',
    responses: {
      200: { description: 'Inactive', schema: WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/{id}/duplicate',
    tag: 'workflows',
    summary: 'Duplicate (new id and hook, inactive)',
    responses: {
      201: { description: 'The copy', schema: WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}/export',
    tag: 'workflows',
    summary: 'Export as a portable document',
    responses: {
      200: { description: 'Export document', schema: WorkflowExportSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/import',
    tag: 'workflows',
    summary: 'Import an exported document (new ids)',
    body: WorkflowExportSchema,
    responses: {
      201: { description: 'Imported', schema: WorkflowResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/templates',
    tag: 'workflows',
    summary: 'Built-in templates to start a workflow from',
    responses: {
      200: { description: 'Templates', schema: WorkflowTemplateListResponseSchema },
      ...authed,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'post',
    path: '/api/workflows/from-template',
    tag: 'workflows',
    summary: 'Create a draft from a built-in template',
    body: CreateFromTemplateRequestSchema,
    responses: {
      201: { description: 'Created', schema: WorkflowResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/workflows/{id}/schedule',
    tag: 'workflows',
    summary: 'Next firing times of a schedule trigger',
    query: ScheduleQuerySchema,
    responses: {
      200: { description: 'Next firings', schema: ScheduleResponseSchema },
      400: err('Not a schedule workflow'),
      ...authed,
      ...E404,
    },
  },
  {
    service: 'workflow-catalog',
    method: 'get',
    path: '/api/node-types',
    tag: 'node-types',
    summary: 'Node types with their config JSON Schemas',
    responses: {
      200: { description: 'Node types', schema: NodeTypeListResponseSchema },
      ...authed,
    },
  },
  // ---- trigger ----
  {
    service: 'trigger',
    method: 'get',
    path: '/api/workflows/{id}/trigger',
    tag: 'workflows',
    summary: 'Whether the workflow’s trigger is running, or paused and why',
    description:
      'Gmail, Calendar and Slack triggers pause when their connection is revoked, expired or lacks a permission (reconnect, or activate again, to resume).',
    responses: {
      200: { description: 'Trigger status', schema: TriggerStatusResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'trigger',
    method: 'post',
    path: '/hooks/slack/events',
    tag: 'hooks',
    auth: false,
    summary: 'Slack Events API request URL',
    description:
      'Signed by Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(SLACK_SIGNING_SECRET, "v0:<timestamp>:<raw body>")>` and `X-Slack-Request-Timestamp` within 5 minutes; checked before anything is stored. ' +
      'Answers `url_verification` with its challenge; each `event_callback` is kept once per `event_id` (retries are acknowledged and dropped) and fires every matching active `slack_event` trigger after the answer.',
    anyBody: true,
    headers: [
      { name: 'X-Slack-Signature', description: 'Slack request signature (v0).' },
      { name: 'X-Slack-Request-Timestamp', description: 'Unix seconds the signature was made at.' },
    ],
    responses: {
      200: {
        description: 'Challenge answered, or event acknowledged',
        schema: SlackEventsAnswerSchema,
      },
      400: err('Not a JSON object, or an event without event_id / team_id'),
      401: err('Missing, stale or wrong signature; nothing was stored'),
      503: err('`slack_not_configured`: SLACK_SIGNING_SECRET is not set'),
    },
  },
  {
    service: 'trigger',
    method: 'post',
    path: '/api/workflows/{id}/runs',
    tag: 'runs',
    summary: 'Run a workflow now',
    description:
      '`draft: true` runs the current draft (a test run); otherwise the active version, else the latest published.',
    body: RunWorkflowRequestSchema,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'Repeating it returns the same execution instead of a second one.',
      },
    ],
    responses: {
      202: { description: 'Queued', schema: RunAcceptedResponseSchema },
      ...E400,
      ...authed,
      ...E404,
    },
  },
  {
    service: 'trigger',
    method: 'post',
    path: '/hooks/{hookId}',
    tag: 'hooks',
    auth: false,
    summary: 'Call a workflow’s webhook',
    description:
      'Body: any (JSON parsed when JSON). With `hmacSecret` set, `X-FlowGenie-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` is required (5-minute window; each signed request is accepted once). Rate limited per hook and per client IP. ' +
      '`responseMode: immediately` answers 202; `respond_node` answers what the respond step sets.',
    anyBody: true,
    headers: [
      {
        name: 'X-FlowGenie-Signature',
        description: 'HMAC signature (when the webhook has a secret).',
      },
      { name: 'Idempotency-Key', description: 'Repeating it returns the same execution.' },
    ],
    responses: {
      200: {
        description:
          'The respond step’s answer, or the finished execution when no respond step ran',
        schema: WebhookFinishedResponseSchema,
      },
      202: {
        description: 'Accepted (immediate mode, or still running after the wait timeout)',
        schema: RunAcceptedResponseSchema,
      },
      401: err('Bad or missing signature; nothing was run'),
      404: err('Unknown or inactive hook'),
      409: err(
        '`replayed`: this signed request was already received (a retry with the same Idempotency-Key gets the first execution instead); nothing was run',
      ),
      413: err('Body too large'),
      429: err(
        '`rate_limited`: too many calls to this hook or from this address this minute (see Retry-After); nothing was run',
      ),
    },
  },
  {
    service: 'trigger',
    method: 'get',
    path: '/hooks/{hookId}',
    tag: 'hooks',
    auth: false,
    summary: 'Call a workflow’s webhook with GET (the query is the payload)',
    responses: {
      200: { description: 'The respond step’s answer', schema: WebhookFinishedResponseSchema },
      202: { description: 'Accepted', schema: RunAcceptedResponseSchema },
      404: err('Unknown or inactive hook'),
      429: err('`rate_limited`: too many calls this minute (see Retry-After); nothing was run'),
    },
  },
  {
    service: 'trigger',
    method: 'post',
    path: '/api/workflows/{id}/test-webhook',
    tag: 'runs',
    summary: 'Listen for one test call of the draft’s webhook trigger',
    description:
      'Answers a test URL (`/hooks/test/{listenerId}`), separate from the production hook, that works on an unpublished draft and captures one call within TEST_WEBHOOK_LISTEN_SECONDS (120 s). The captured request becomes the trigger’s sample; with `run: true` the draft also runs with it.',
    body: StartTestWebhookRequestSchema,
    responses: {
      201: { description: 'Listening', schema: TestWebhookListenerSchema },
      ...E400,
      ...authed,
      ...E404,
      ...E409('not_runnable: the draft’s trigger is not a webhook'),
    },
  },
  {
    service: 'trigger',
    method: 'get',
    path: '/api/workflows/{id}/test-webhook/{listenerId}',
    tag: 'runs',
    summary: 'A test-webhook listener: waiting, captured (with the sample) or expired',
    responses: {
      200: { description: 'The listener', schema: TestWebhookListenerSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'trigger',
    method: 'delete',
    path: '/api/workflows/{id}/test-webhook/{listenerId}',
    tag: 'runs',
    summary: 'Stop listening (the test URL answers 404 afterwards)',
    responses: { 204: { description: 'Stopped' }, ...authed, ...E404 },
  },
  ...(['post', 'get', 'put'] as const).map((method): HttpRoute => ({
    service: 'trigger',
    method,
    path: '/hooks/test/{listenerId}',
    tag: 'hooks',
    auth: false,
    summary: 'Send the one test call a listener waits for (any method)',
    description:
      'Captured once: method, headers (without Authorization, cookies and the signature header), query and body, as the production hook would hand them to the workflow. No signature is checked.',
    anyBody: true,
    responses: {
      200: { description: 'Captured', schema: TestWebhookCapturedResponseSchema },
      404: err('No listener waits here: it expired, was stopped, or already took its call'),
      413: err('Body too large'),
    },
  })),
  // ---- executions ----
  {
    service: 'execution',
    method: 'get',
    path: '/api/executions',
    tag: 'executions',
    summary: 'List executions (newest first)',
    query: ListExecutionsQuerySchema,
    responses: {
      200: { description: 'A page of executions', schema: ExecutionListResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    service: 'execution',
    method: 'get',
    path: '/api/executions/{id}',
    tag: 'executions',
    summary: 'An execution with each step’s input, output, error and timing',
    responses: {
      200: { description: 'Execution', schema: ExecutionResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'execution',
    method: 'get',
    path: '/api/executions/{id}/stream',
    tag: 'executions',
    summary: 'Server-sent `execution` events until it finishes',
    responses: {
      200: {
        description: 'text/event-stream of the whole Execution on every change',
        mediaType: 'text/event-stream',
      },
      ...authed,
      ...E404,
    },
  },
  {
    service: 'execution',
    method: 'post',
    path: '/api/executions/{id}/retry',
    tag: 'executions',
    summary: 'Retry a failed execution from its failed steps',
    responses: {
      202: { description: 'Running again', schema: ExecutionResponseSchema },
      ...authed,
      ...E404,
      ...E409('Not failed'),
    },
  },
  {
    service: 'execution',
    method: 'post',
    path: '/api/executions/{id}/cancel',
    tag: 'executions',
    summary: 'Cancel a queued or running execution',
    responses: {
      202: { description: 'Canceled', schema: ExecutionResponseSchema },
      ...authed,
      ...E404,
      ...E409('Already finished'),
    },
  },
];

/** Defines a route (a typed identity, so the catalog reads as data). */
export function defineRoute(route: HttpRoute): HttpRoute {
  return route;
}

/** The routes one service serves. */
export function routesOf(service: ServiceName): HttpRoute[] {
  return httpRoutes.filter((r) => r.service === service);
}

const templateMatchers = new Map<string, RegExp>();

/** A route template (`/api/workflows/{id}`) as a regular expression over a request path. */
export function routePattern(template: string): RegExp {
  let pattern = templateMatchers.get(template);
  if (!pattern) {
    const body = template
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${body}/?$`);
    templateMatchers.set(template, pattern);
  }
  return pattern;
}

/** The routes whose template matches a request path (any method), in catalog order. */
export function matchRoutes(pathname: string): HttpRoute[] {
  return httpRoutes.filter((r) => routePattern(r.path).test(pathname));
}

/**
 * The request schema of a catalog entry, for a router to parse with: `catalogSchema('post',
 * '/api/workflows', 'body', CreateWorkflowRequestSchema)` answers that schema when it is the
 * entry's `body`, and throws (at module load, so at startup) when the route is missing from the
 * catalog or its entry names another schema. The schema passed in keeps the router typed; the
 * check keeps the catalog (and so the OpenAPI document) the only place request rules live.
 */
export function catalogSchema<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  part: 'body' | 'query',
  schema: S,
): S {
  const route = httpRoutes.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`${method.toUpperCase()} ${path} is not in httpRoutes`);
  if (route[part] !== schema) {
    throw new Error(
      `${method.toUpperCase()} ${path}: the router's ${part} schema is not the catalog entry's`,
    );
  }
  return schema;
}
