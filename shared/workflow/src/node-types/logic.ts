import { z } from 'zod';
import { ExpressionError, PermanentStepError } from '../errors';
import { inlineExpressions, unwrapRawExpression } from '../expressions';
import { defineNodeType, type StepContext } from '../node-type';

/** Evaluate a raw-expression config field; expression failures are permanent. */
async function evaluateField(ctx: StepContext<unknown>, field: string, source: string) {
  try {
    const expression = unwrapRawExpression(source, field);
    return await (ctx.expressions ?? inlineExpressions).evaluate(expression, ctx.input, {
      ...ctx.expressionLimits,
      path: field,
    });
  } catch (err) {
    if (err instanceof ExpressionError) {
      throw new PermanentStepError(err.message, {
        code: 'expression_error',
        details: { path: field, expression: err.expression, jsonataCode: err.code },
        cause: err,
      });
    }
    throw err;
  }
}

/** JSONata's `$boolean` rules: empty strings/arrays/objects, 0, null and functions are false. */
export function toBoolean(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(toBoolean);
  if (value === null || value === undefined) return false;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'boolean') return value;
  return false;
}

const jsonataSource = (title: string, description: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(20_000)
    .meta({ title, description, 'x-expression': true });

export const transformNode = defineNodeType({
  type: 'transform',
  version: 1,
  category: 'logic',
  displayName: 'Transform',
  description: 'Computes a new value from the trigger and earlier steps with a JSONata expression.',
  config: z.object({
    expression: jsonataSource(
      'Expression',
      'JSONata over { trigger, steps }, e.g. { "email": steps.fetch_user.body.email }. Its result is the output.',
    ),
  }),
  outputs: ['main'],
  expressionFields: ['expression'],
  inMemory: true,
  run: async (ctx) => ({ output: await evaluateField(ctx, 'expression', ctx.config.expression) }),
});

export const ifNode = defineNodeType({
  type: 'if',
  version: 1,
  category: 'logic',
  displayName: 'If',
  description: 'Continues on the "true" or the "false" branch depending on a condition.',
  config: z.object({
    condition: jsonataSource(
      'Condition',
      'JSONata (or one {{ }} expression) over { trigger, steps }, e.g. steps.fetch_user.status = 200.',
    ),
  }),
  outputs: ['true', 'false'],
  outputSchema: {
    type: 'object',
    properties: { result: { type: 'boolean' } },
    required: ['result'],
  },
  expressionFields: ['condition'],
  inMemory: true,
  run: async (ctx) => {
    const result = toBoolean(await evaluateField(ctx, 'condition', ctx.config.condition));
    return { output: { result }, handle: result ? 'true' : 'false' };
  },
});

const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

export const delayNode = defineNodeType({
  type: 'delay',
  version: 1,
  category: 'logic',
  displayName: 'Delay',
  description: 'Waits for a duration (up to 24 hours) or until a given time, then continues.',
  config: z
    .object({
      ms: z
        .number()
        .int()
        .min(0)
        .max(MAX_DELAY_MS)
        .optional()
        .meta({ title: 'Duration (ms)', description: 'How long to wait, at most 24 hours.' }),
      until: z.iso.datetime({ offset: true }).optional().meta({
        title: 'Until',
        description: 'ISO 8601 time to wait for, e.g. 2030-01-01T09:00:00Z.',
      }),
    })
    .refine((c) => (c.ms === undefined) !== (c.until === undefined), {
      message: 'set exactly one of ms or until',
    }),
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: { resumedAt: { type: 'string', format: 'date-time' } },
  },
  run: async (ctx) => {
    const now = (ctx.now ?? Date.now)();
    if (!ctx.resumed) {
      const { until, ms = 0 } = ctx.config;
      const target = until !== undefined ? Date.parse(until) : now + ms;
      if (target > now) return { output: undefined, delayUntil: target };
    }
    return { output: { resumedAt: new Date(now).toISOString() } };
  },
});

export const respondToWebhookNode = defineNodeType({
  type: 'respond_to_webhook',
  version: 1,
  category: 'action',
  displayName: 'Respond to webhook',
  description: 'Sends the HTTP response to the caller waiting on the webhook trigger.',
  config: z.object({
    status: z
      .number()
      .int()
      .min(100)
      .max(599)
      .default(200)
      .meta({ title: 'Status', description: 'HTTP status code.' }),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'invalid header name'), z.string())
      .default({})
      .meta({ title: 'Headers', description: 'Response headers.' }),
    body: z
      .unknown()
      .optional()
      .meta({ title: 'Body', description: 'Response body; objects are sent as JSON.' }),
  }),
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: { status: { type: 'integer' }, headers: { type: 'object' }, body: {} },
  },
  // The response is published by the executor once the step is recorded, not by the node.
  inMemory: true,
  run: async (ctx) => {
    const response = {
      status: ctx.config.status,
      headers: ctx.config.headers,
      body: ctx.config.body,
    };
    return { output: response, webhookResponse: response };
  },
});
