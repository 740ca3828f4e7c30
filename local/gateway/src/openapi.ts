import { z } from 'zod';
import * as c from '@flowgenie/contracts';
import { httpRoutes } from '@flowgenie/contracts';

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
  ['GoogleSignInConfig', c.GoogleSignInConfigResponseSchema],
  ['LinkGoogle', c.LinkGoogleResponseSchema],
  ['ValidationResult', c.ValidationResultSchema],
  ['Workflow', c.WorkflowResponseSchema],
  ['WorkflowSummary', c.WorkflowSummarySchema],
  ['WorkflowList', c.WorkflowListResponseSchema],
  ['PublishedVersion', c.PublishedVersionResponseSchema],
  ['VersionList', c.VersionListResponseSchema],
  ['WorkflowVersion', c.WorkflowVersionResponseSchema],
  ['VersionDiff', c.VersionDiffResponseSchema],
  ['WorkflowTemplateList', c.WorkflowTemplateListResponseSchema],
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
  ['Connection', c.ConnectionResponseSchema],
  ['ConnectionList', c.ConnectionListResponseSchema],
  ['ConnectionOAuthStart', c.StartConnectionOAuthResponseSchema],
  ['ConnectionOptions', c.ConnectionOptionsResponseSchema],
  ['TriggerStatus', c.TriggerStatusResponseSchema],
  ['SlackEventsAnswer', c.SlackEventsAnswerSchema],
  ['TestWebhookListener', c.TestWebhookListenerSchema],
  ['TestWebhookCaptured', c.TestWebhookCapturedResponseSchema],
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
  for (const op of httpRoutes) {
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
      {
        name: 'connections',
        description: 'Connected accounts and credentials for outside services',
      },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
