import { z } from 'zod';
import * as c from '@flowgenie/contracts';

type Method = 'get' | 'post' | 'put' | 'delete';

interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Media type when it is not JSON (e.g. server-sent events). */
  mediaType?: string;
}

interface Operation {
  method: Method;
  path: string;
  tag: 'auth' | 'workflows' | 'node-types' | 'runs' | 'hooks' | 'executions';
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

/** Reusable response schemas, named in `components.schemas`. */
const NAMED: [string, z.ZodType][] = [
  ['Error', c.ErrorResponseSchema],
  ['User', c.UserResponseSchema],
  ['Session', c.SessionResponseSchema],
  ['ApiKey', c.ApiKeyResponseSchema],
  ['CreatedApiKey', c.CreatedApiKeyResponseSchema],
  ['ApiKeyList', c.ApiKeyListResponseSchema],
  ['AccessToken', c.AccessTokenResponseSchema],
  ['Jwks', c.JwksResponseSchema],
  ['ValidationResult', c.ValidationResultSchema],
  ['Workflow', c.WorkflowResponseSchema],
  ['WorkflowSummary', c.WorkflowSummarySchema],
  ['WorkflowList', c.WorkflowListResponseSchema],
  ['PublishedVersion', c.PublishedVersionResponseSchema],
  ['VersionList', c.VersionListResponseSchema],
  ['WorkflowVersion', c.WorkflowVersionResponseSchema],
  ['WorkflowExport', c.WorkflowExportSchema],
  ['NodeType', c.NodeTypeInfoSchema],
  ['NodeTypeList', c.NodeTypeListResponseSchema],
  ['Schedule', c.ScheduleResponseSchema],
  ['RunAccepted', c.RunAcceptedResponseSchema],
  ['WebhookFinished', c.WebhookFinishedResponseSchema],
  ['ExecutionStep', c.ExecutionStepResponseSchema],
  ['Execution', c.ExecutionResponseSchema],
  ['ExecutionSummary', c.ExecutionSummarySchema],
  ['ExecutionList', c.ExecutionListResponseSchema],
];

const err = (description: string): ResponseSpec => ({ description, schema: c.ErrorResponseSchema });
const E400 = { 400: err('Invalid input: `details` name each field; nothing changed.') };
const E401 = { 401: err('Missing, expired or invalid access token.') };
const E404 = { 404: err('Not found (another user’s resource answers 404 too).') };
const E409 = (why: string) => ({ 409: err(why) });
const authed = { ...E401 };

/** Every public operation reachable through the gateway (docs/API.md). */
export const operations: Operation[] = [
  // ---- auth ----
  {
    method: 'post',
    path: '/api/auth/signup',
    tag: 'auth',
    auth: false,
    summary: 'Create an account',
    description:
      'Sets the `fg_refresh` cookie (httpOnly, Secure, SameSite=Strict, Path=/api/auth).',
    body: c.CredentialsRequestSchema,
    responses: {
      201: { description: 'Signed up and signed in', schema: c.SessionResponseSchema },
      ...E400,
      409: err('Email already registered'),
    },
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    auth: false,
    summary: 'Sign in',
    body: c.CredentialsRequestSchema,
    responses: {
      200: { description: 'Signed in', schema: c.SessionResponseSchema },
      ...E400,
      401: err('invalid_credentials'),
      429: err('Too many failed attempts (see Retry-After)'),
    },
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'auth',
    auth: false,
    summary: 'Rotate the refresh token',
    description:
      'Uses `refreshToken` from the body, else the `fg_refresh` cookie. Reusing an old token revokes its family.',
    body: c.RefreshRequestSchema,
    responses: {
      200: { description: 'New tokens', schema: c.SessionResponseSchema },
      401: err('Invalid, expired or reused refresh token'),
    },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    auth: false,
    summary: 'Sign out (revokes the refresh token family)',
    responses: { 204: { description: 'Signed out' } },
  },
  {
    method: 'get',
    path: '/api/auth/me',
    tag: 'auth',
    summary: 'The signed-in user',
    responses: { 200: { description: 'User', schema: c.UserResponseSchema }, ...authed },
  },
  {
    method: 'post',
    path: '/api/auth/api-keys',
    tag: 'auth',
    summary: 'Create an API key (shown once)',
    body: c.CreateApiKeyRequestSchema,
    responses: {
      201: { description: 'Created', schema: c.CreatedApiKeyResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    method: 'get',
    path: '/api/auth/api-keys',
    tag: 'auth',
    summary: 'List API keys',
    responses: { 200: { description: 'Keys', schema: c.ApiKeyListResponseSchema }, ...authed },
  },
  {
    method: 'delete',
    path: '/api/auth/api-keys/{id}',
    tag: 'auth',
    summary: 'Delete an API key',
    responses: { 204: { description: 'Deleted' }, ...authed, ...E404 },
  },
  {
    method: 'post',
    path: '/api/auth/token',
    tag: 'auth',
    auth: false,
    summary: 'Exchange an API key for an access token',
    body: c.TokenRequestSchema,
    responses: {
      200: { description: 'Access token', schema: c.AccessTokenResponseSchema },
      ...E400,
      401: err('Unknown or deleted key'),
    },
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    tag: 'auth',
    auth: false,
    summary: 'Public keys that verify access tokens (ES256)',
    responses: { 200: { description: 'JWKS', schema: c.JwksResponseSchema } },
  },
  // ---- workflows ----
  {
    method: 'post',
    path: '/api/workflows',
    tag: 'workflows',
    summary: 'Create a workflow (a draft; an empty graph is allowed)',
    body: c.CreateWorkflowRequestSchema,
    responses: {
      201: { description: 'Created', schema: c.WorkflowResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    method: 'get',
    path: '/api/workflows',
    tag: 'workflows',
    summary: 'List workflows (newest first, without graphs)',
    query: c.ListWorkflowsQuerySchema,
    responses: {
      200: { description: 'A page of workflows', schema: c.WorkflowListResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    method: 'get',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Get a workflow',
    responses: {
      200: { description: 'Workflow', schema: c.WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'put',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Update the draft',
    description:
      'A semantically incomplete draft is saved with `validation` listing its problems; a body that is not the graph’s shape is 400.',
    body: c.UpdateWorkflowRequestSchema,
    responses: {
      200: { description: 'Updated', schema: c.WorkflowResponseSchema },
      ...E400,
      ...authed,
      ...E404,
    },
  },
  {
    method: 'delete',
    path: '/api/workflows/{id}',
    tag: 'workflows',
    summary: 'Delete a workflow (deactivates it first)',
    responses: { 204: { description: 'Deleted' }, ...authed, ...E404 },
  },
  {
    method: 'post',
    path: '/api/workflows/{id}/validate',
    tag: 'workflows',
    summary: 'Validate the draft',
    responses: {
      200: { description: 'Result', schema: c.ValidationResultSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'post',
    path: '/api/workflows/{id}/publish',
    tag: 'workflows',
    summary: 'Publish the draft as a new immutable version',
    responses: {
      201: { description: 'Published', schema: c.PublishedVersionResponseSchema },
      400: err('The draft is invalid (located errors in details)'),
      ...authed,
      ...E404,
    },
  },
  {
    method: 'get',
    path: '/api/workflows/{id}/versions',
    tag: 'workflows',
    summary: 'List published versions',
    responses: {
      200: { description: 'Versions', schema: c.VersionListResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'get',
    path: '/api/workflows/{id}/versions/{n}',
    tag: 'workflows',
    summary: 'Get a published version',
    responses: {
      200: { description: 'Version', schema: c.WorkflowVersionResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'post',
    path: '/api/workflows/{id}/activate',
    tag: 'workflows',
    summary: 'Activate a published version (default: the latest)',
    body: c.ActivateWorkflowRequestSchema,
    responses: {
      200: { description: 'Active', schema: c.WorkflowResponseSchema },
      ...E400,
      ...authed,
      ...E404,
      ...E409('Nothing published yet'),
    },
  },
  {
    method: 'post',
    path: '/api/workflows/{id}/deactivate',
    tag: 'workflows',
    summary: 'Deactivate',
    responses: {
      200: { description: 'Inactive', schema: c.WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'post',
    path: '/api/workflows/{id}/duplicate',
    tag: 'workflows',
    summary: 'Duplicate (new id and hook, inactive)',
    responses: {
      201: { description: 'The copy', schema: c.WorkflowResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'get',
    path: '/api/workflows/{id}/export',
    tag: 'workflows',
    summary: 'Export as a portable document',
    responses: {
      200: { description: 'Export document', schema: c.WorkflowExportSchema },
      ...authed,
      ...E404,
    },
  },
  {
    method: 'post',
    path: '/api/workflows/import',
    tag: 'workflows',
    summary: 'Import an exported document (new ids)',
    body: c.WorkflowExportSchema,
    responses: {
      201: { description: 'Imported', schema: c.WorkflowResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    method: 'get',
    path: '/api/workflows/{id}/schedule',
    tag: 'workflows',
    summary: 'Next firing times of a schedule trigger',
    query: z.object({ count: z.coerce.number().int().min(1).max(50).default(5) }),
    responses: {
      200: { description: 'Next firings', schema: c.ScheduleResponseSchema },
      400: err('Not a schedule workflow'),
      ...authed,
      ...E404,
    },
  },
  {
    method: 'get',
    path: '/api/node-types',
    tag: 'node-types',
    summary: 'Node types with their config JSON Schemas',
    responses: {
      200: { description: 'Node types', schema: c.NodeTypeListResponseSchema },
      ...authed,
    },
  },
  // ---- trigger ----
  {
    method: 'post',
    path: '/api/workflows/{id}/runs',
    tag: 'runs',
    summary: 'Run a workflow now',
    description:
      '`draft: true` runs the current draft (a test run); otherwise the active version, else the latest published.',
    body: c.RunWorkflowRequestSchema,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'Repeating it returns the same execution instead of a second one.',
      },
    ],
    responses: {
      202: { description: 'Queued', schema: c.RunAcceptedResponseSchema },
      ...E400,
      ...authed,
      ...E404,
    },
  },
  {
    method: 'post',
    path: '/hooks/{hookId}',
    tag: 'hooks',
    auth: false,
    summary: 'Call a workflow’s webhook',
    description:
      'Body: any (JSON parsed when JSON). With `hmacSecret` set, `X-FlowGenie-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` is required (5-minute window). ' +
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
        schema: c.WebhookFinishedResponseSchema,
      },
      202: {
        description: 'Accepted (immediate mode, or still running after the wait timeout)',
        schema: c.RunAcceptedResponseSchema,
      },
      401: err('Bad or missing signature; nothing was run'),
      404: err('Unknown or inactive hook'),
      413: err('Body too large'),
    },
  },
  {
    method: 'get',
    path: '/hooks/{hookId}',
    tag: 'hooks',
    auth: false,
    summary: 'Call a workflow’s webhook with GET (the query is the payload)',
    responses: {
      200: { description: 'The respond step’s answer', schema: c.WebhookFinishedResponseSchema },
      202: { description: 'Accepted', schema: c.RunAcceptedResponseSchema },
      404: err('Unknown or inactive hook'),
    },
  },
  // ---- executions ----
  {
    method: 'get',
    path: '/api/executions',
    tag: 'executions',
    summary: 'List executions (newest first)',
    query: c.ListExecutionsQuerySchema,
    responses: {
      200: { description: 'A page of executions', schema: c.ExecutionListResponseSchema },
      ...E400,
      ...authed,
    },
  },
  {
    method: 'get',
    path: '/api/executions/{id}',
    tag: 'executions',
    summary: 'An execution with each step’s input, output, error and timing',
    responses: {
      200: { description: 'Execution', schema: c.ExecutionResponseSchema },
      ...authed,
      ...E404,
    },
  },
  {
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
    method: 'post',
    path: '/api/executions/{id}/retry',
    tag: 'executions',
    summary: 'Retry a failed execution from its failed steps',
    responses: {
      202: { description: 'Running again', schema: c.ExecutionResponseSchema },
      ...authed,
      ...E404,
      ...E409('Not failed'),
    },
  },
  {
    method: 'post',
    path: '/api/executions/{id}/cancel',
    tag: 'executions',
    summary: 'Cancel a queued or running execution',
    responses: {
      202: { description: 'Canceled', schema: c.ExecutionResponseSchema },
      ...authed,
      ...E404,
      ...E409('Already finished'),
    },
  },
];

type Json = Record<string, unknown>;
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** Drops what zod adds for validators (regexes of uuid/date-time, ±2^53 bounds) and the per-schema `$schema`/`$id`. */
function tidy(node: unknown, opts: { open: boolean }): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, opts));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$schema' || k === '$id') continue;
    if (k === 'pattern' && (node as Json).format) continue;
    if ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) >= SAFE_INT) continue;
    // Responses may grow fields; do not tell clients to reject them.
    if (k === 'additionalProperties' && v === false && opts.open) continue;
    out[k] = tidy(v, opts);
  }
  return out;
}

function inputSchema(schema: z.ZodType): Json {
  return tidy(
    z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    { open: false },
  ) as Json;
}

/**
 * The OpenAPI 3.1 document of the public API, generated from the zod schemas in
 * `@flowgenie/contracts` (requests as inputs, responses as named components).
 */
export function buildOpenApiDocument(opts: { serverUrl?: string; version?: string } = {}): Json {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of NAMED) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  const components = tidy(generated.schemas, { open: true }) as Record<string, Json>;
  const idOf = new Map(NAMED.map(([id, schema]) => [schema, id]));
  const refOf = (schema: z.ZodType): Json => {
    const id = idOf.get(schema);
    if (!id) throw new Error('response schema is not registered in NAMED');
    return { $ref: `#/components/schemas/${id}` };
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    const parameters: Json[] = [];
    for (const [, name] of op.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    if (op.query) {
      const q = inputSchema(op.query) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: q.required?.includes(name) ?? false,
          schema: rest,
          ...(description ? { description } : {}),
        });
      }
    }
    for (const h of op.headers ?? []) {
      parameters.push({
        name: h.name,
        in: 'header',
        required: false,
        description: h.description,
        schema: { type: 'string' },
      });
    }
    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(op.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? { content: { 'application/json': { schema: refOf(spec.schema) } } }
          : spec.mediaType
            ? { content: { [spec.mediaType]: { schema: { type: 'string' } } } }
            : {}),
      };
    }
    const operation: Json = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: inputSchema(op.body) } },
            },
          }
        : op.anyBody
          ? {
              requestBody: {
                required: false,
                content: {
                  'application/json': { schema: {} },
                  'text/plain': { schema: { type: 'string' } },
                },
              },
            }
          : {}),
      responses,
      security: op.auth === false ? [] : [{ bearerAuth: [] }],
    };
    (paths[op.path] ??= {})[op.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'FlowGenie API',
      version: opts.version ?? '0.1.0',
      description:
        'Public API of FlowGenie through the gateway. Errors: `{ error: { code, message, details? } }`. ' +
        'Another user’s resource answers 404 for every method.',
    },
    servers: [{ url: opts.serverUrl ?? '/' }],
    tags: [
      { name: 'auth', description: 'Accounts, tokens, API keys' },
      { name: 'workflows', description: 'Drafts, versions, activation' },
      { name: 'node-types', description: 'The node type registry' },
      { name: 'runs', description: 'Manual runs' },
      { name: 'hooks', description: 'Inbound webhooks' },
      { name: 'executions', description: 'Execution history' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
