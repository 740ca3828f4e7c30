import { z } from 'zod';
import { defineNodeType } from '../node-type';

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

/**
 * A field that must hold something: `title` names it in the message a user reads. Its value is
 * any JSON once resolved (a `{{ }}` gives the expression's value with its type).
 */
const requiredValue = (title: string, description: string, placeholder: string, json: boolean) =>
  z
    .unknown()
    // A missing key is zod's "nonoptional" issue (worded by validation); a value may be
    // undefined once resolved (an expression that finds nothing).
    .refine((v) => v !== '', { message: `${title} is required`, abort: true })
    .refine((v) => typeof v !== 'string' || v.length <= 20_000, {
      message: `${title} is longer than 20000 characters`,
    })
    .meta({
      title,
      description,
      'x-expression': true,
      'x-placeholder': placeholder,
      ...(json ? { 'x-json': true } : {}),
    });

export const transformNode = defineNodeType({
  type: 'transform',
  version: 1,
  category: 'logic',
  displayName: 'Transform',
  description: 'Computes a new value from the trigger and earlier steps. The value is the output.',
  config: z.object({
    expression: requiredValue(
      'Output',
      'The value this step outputs. One {{ }} gives the expression’s value with its type, e.g. {{ { "email": steps.fetch_user.body.email } }}; JSON text with {{ }} values gives JSON, e.g. {"total": {{ $sum(trigger.body.items.price) }} }.',
      '{"total": {{ $sum(trigger.body.items.price) }} }',
      true,
    ),
  }),
  outputs: ['main'],
  jsonFields: ['expression'],
  inMemory: true,
  run: async (ctx) => ({ output: ctx.config.expression }),
});

export const ifNode = defineNodeType({
  type: 'if',
  version: 1,
  category: 'logic',
  displayName: 'If',
  description: 'Continues on the "true" or the "false" branch depending on a condition.',
  config: z.object({
    condition: requiredValue(
      'Condition',
      'One {{ }} expression, e.g. {{ steps.fetch_user.status = 200 }}. False, 0, "", "false", null and empty lists or objects count as false.',
      '{{ steps.fetch_user.status = 200 }}',
      false,
    ),
  }),
  outputs: ['true', 'false'],
  expressionOnlyFields: ['condition'],
  outputSchema: {
    type: 'object',
    properties: { result: { type: 'boolean', description: 'the condition’s value' } },
    required: ['result'],
  },
  inMemory: true,
  run: async (ctx) => {
    const c = ctx.config.condition;
    const result = c === 'false' ? false : toBoolean(c);
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
    body: z.unknown().optional().meta({
      title: 'Body',
      'x-json': true,
      description:
        'Response body. JSON (also JSON text with {{ }} values, e.g. {"total": {{ steps.sum.total }} }) is sent as application/json, other text as text/plain.',
    }),
  }),
  outputs: ['main'],
  jsonFields: ['body'],
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
