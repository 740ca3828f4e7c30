import { z } from 'zod';
import { NodeIdSchema, WorkflowGraphSchema } from '../workflow-graph';
import { TriggerModeSchema } from '../events/catalog';

/** Request and response bodies of the trigger and execution services' public APIs. */
export const RunWorkflowRequestSchema = z
  .object({
    payload: z.unknown().optional().describe('Trigger payload seen by the workflow.'),
    draft: z
      .boolean()
      .default(false)
      .describe('Run the current draft (a test run), even if not published.'),
    runNode: NodeIdSchema.optional().describe(
      'Run this one step of the draft (needs `draft: true`): its upstream steps are given their pinned data, else their output in the last test run, and are not run.',
    ),
  })
  .strict()
  .refine((body) => body.runNode === undefined || body.draft, {
    message: 'runNode runs one step of the draft: send draft: true with it',
    path: ['runNode'],
  });

export const RunAcceptedResponseSchema = z.object({
  executionId: z.uuid(),
  statusUrl: z.string().describe('`/api/executions/{executionId}`'),
});

export const WebhookFinishedResponseSchema = z.object({
  executionId: z.uuid(),
  status: z.enum(['succeeded', 'failed', 'canceled']),
  output: z.unknown().optional(),
});

export const ExecutionStatusSchema = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'canceled',
]);
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;
export const StepStatusSchema = z.enum([
  'pending',
  'queued',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'skipped',
  'canceled',
  'waiting',
]);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const ExecutionStepResponseSchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  status: StepStatusSchema,
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  input: z.unknown(),
  output: z.unknown(),
  error: z.object({ message: z.string(), code: z.string().optional() }).loose().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nullable(),
  handle: z.string().nullable().optional(),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      startedAt: z.string(),
      finishedAt: z.string().nullable().optional(),
      error: z.string().optional(),
      code: z.string().optional(),
    }),
  ),
});

const executionFields = {
  id: z.uuid(),
  workflowId: z.uuid(),
  ownerId: z.uuid(),
  version: z.number().int().nullable(),
  mode: TriggerModeSchema,
  status: ExecutionStatusSchema,
  error: z.object({ message: z.string(), nodeId: z.string().optional() }).nullable(),
  stepTest: z
    .object({ nodeId: z.string(), name: z.string() })
    .nullable()
    .describe(
      'Set for a "Run this step" test run (`runNode`): the one step it ran, with its name in the draft then (else its id). Null for every other execution.',
    ),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nullable(),
};

export const ExecutionResponseSchema = z.object({
  ...executionFields,
  triggerPayload: z.unknown(),
  graph: WorkflowGraphSchema,
  steps: z.array(ExecutionStepResponseSchema),
});
export type ExecutionResponse = z.infer<typeof ExecutionResponseSchema>;

export const ExecutionSummarySchema = z.object(executionFields);

export const ExecutionListResponseSchema = z.object({
  items: z.array(ExecutionSummarySchema),
  nextCursor: z.string().nullable(),
});

const instant = z
  .string()
  .refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
    { message: 'must be an ISO 8601 date or date-time' },
  )
  .transform((v) => new Date(v))
  .describe('An ISO 8601 date or date-time.');

const EXECUTION_STATUS_LIST = ExecutionStatusSchema.options;

export const ListExecutionsQuerySchema = z
  .object({
    workflowId: z.uuid({ error: 'must be a UUID' }).optional(),
    status: z
      .enum(EXECUTION_STATUS_LIST, { error: `must be one of ${EXECUTION_STATUS_LIST.join(', ')}` })
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(20),
    cursor: z.string().max(500).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to < q.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

/**
 * `POST /internal/executions/latest` on the execution service (the gateway never routes
 * `/internal`), with `Authorization: Bearer <internal service token>`: the newest execution of each
 * of these workflows of `ownerId` (one indexed lookup per id). The catalog's workflows list and
 * detail read their "last run" here rather than consuming every execution event.
 */
export const INTERNAL_LATEST_EXECUTIONS_PATH = '/internal/executions/latest';
/** At most this many workflow ids per call (a page of the workflows list is at most 100). */
export const LATEST_EXECUTIONS_MAX_IDS = 100;
export const LatestExecutionsRequestSchema = z
  .object({
    ownerId: z.uuid(),
    workflowIds: z.array(z.uuid()).max(LATEST_EXECUTIONS_MAX_IDS),
  })
  .strict();
export const LatestExecutionsResponseSchema = z.object({
  /** One item per workflow that has an execution; a workflow without any is left out. */
  items: z.array(
    z.object({
      workflowId: z.uuid(),
      id: z.uuid(),
      status: ExecutionStatusSchema,
      /** Finish time of a finished execution, else its start time (creation time while queued). */
      at: z.iso.datetime(),
    }),
  ),
});
export type LatestExecutionsResponse = z.infer<typeof LatestExecutionsResponseSchema>;
