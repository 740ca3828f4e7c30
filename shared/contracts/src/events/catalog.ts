import { z } from 'zod';
import { defineEvent, type EventEnvelope } from './define';
import { WorkflowGraphSchema } from '../workflow-graph';

const uuid = z.string().uuid();

/**
 * A claim check: where a payload too large to travel inline was stored once (the payload store,
 * `@flowgenie/messaging`'s `PayloadStore`), and its size. Whoever needs the data resolves it.
 */
export const PayloadRefSchema = z.object({
  /** The store's key (a Postgres row locally, an S3 object key in AWS). */
  key: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[A-Za-z0-9._\-/]+$/),
  /** Size of the stored JSON text in bytes. */
  bytes: z.number().int().nonnegative(),
});
export type PayloadRef = z.infer<typeof PayloadRefSchema>;

// ---- workflow-catalog ----
/**
 * The version's graph inline when small, else `graphRef`: where the catalog stored it (the claim
 * check, above PAYLOAD_INLINE_MAX_BYTES), so the event stays far below EventBridge's 256 KB.
 * Exactly one of the two. A consumer resolves `graphRef` from the payload store.
 */
const publishedGraph = {
  graph: WorkflowGraphSchema.optional(),
  graphRef: PayloadRefSchema.optional(),
};
const oneGraph = {
  check: (d: { graph?: unknown; graphRef?: unknown }) =>
    (d.graph === undefined) !== (d.graphRef === undefined),
  params: { message: 'exactly one of graph and graphRef is required', path: ['graph'] },
};

/** A published version of a workflow, with its graph inline or by reference. */
const publishedVersion = z.object({
  workflowId: uuid,
  ownerId: uuid,
  version: z.number().int().positive(),
  name: z.string(),
  ...publishedGraph,
});

export const WorkflowPublished = defineEvent({
  type: 'workflow.published',
  version: 1,
  data: publishedVersion.refine(oneGraph.check, oneGraph.params),
});
export const WorkflowActivated = defineEvent({
  type: 'workflow.activated',
  version: 1,
  data: publishedVersion
    .extend({
      /** The workflow's unguessable webhook id (`/hooks/{hookId}`), fixed for its lifetime. */
      hookId: z.string().min(16),
    })
    .refine(oneGraph.check, oneGraph.params),
});
export const WorkflowDeactivated = defineEvent({
  type: 'workflow.deactivated',
  version: 1,
  data: z.object({ workflowId: uuid, ownerId: uuid }),
});
export const WorkflowDeleted = defineEvent({
  type: 'workflow.deleted',
  version: 1,
  data: z.object({ workflowId: uuid, ownerId: uuid }),
});

// ---- trigger (the only producer of workflow.triggered) ----
/** What started an execution: `poll` a polling trigger's new item (Gmail, Calendar), `event` a provider's pushed event (Slack). */
export const TriggerModeSchema = z.enum(['webhook', 'schedule', 'manual', 'poll', 'event']);
export type TriggerMode = z.infer<typeof TriggerModeSchema>;

export const WorkflowTriggered = defineEvent({
  type: 'workflow.triggered',
  version: 1,
  data: z
    .object({
      /** Chosen by the trigger service so a webhook can answer with it at once. */
      executionId: uuid,
      workflowId: uuid,
      ownerId: uuid,
      /** The published version run, or null for a test run of the current draft. */
      version: z.number().int().positive().nullable(),
      mode: TriggerModeSchema,
      triggerNodeId: z.string(),
      /** Caller's Idempotency-Key, a request id, or trigger id + scheduled time. */
      idempotencyKey: z.string().min(1).max(300),
      /** The trigger's payload inline (small ones), or absent when `payloadRef` is set. */
      payload: z.unknown().optional(),
      /** Where a payload above the inline limit was stored (never together with `payload`). */
      payloadRef: PayloadRefSchema.optional(),
      /** The exact graph to run (the version's, or the draft's for a test run), when small. */
      graph: WorkflowGraphSchema.optional(),
      /** Where a graph above the inline limit was stored (exactly one of graph and graphRef). */
      graphRef: PayloadRefSchema.optional(),
      triggeredAt: z.string().datetime(),
      /**
       * A draft test run of this one step: the steps above it get pinned or last-test-run data,
       * the others are skipped (only with version null).
       */
      runNode: z.string().optional(),
    })
    .refine((d) => d.runNode === undefined || d.version === null, {
      message: 'runNode is for draft test runs only',
      path: ['runNode'],
    })
    .refine((d) => d.payloadRef === undefined || d.payload === undefined, {
      message: 'payload and payloadRef are exclusive: a stored payload travels by reference only',
      path: ['payloadRef'],
    })
    .refine((d) => (d.graph === undefined) !== (d.graphRef === undefined), {
      message: 'exactly one of graph and graphRef is required',
      path: ['graph'],
    }),
});

// ---- execution ----
const ExecutionRef = { executionId: uuid, workflowId: uuid, ownerId: uuid };
export const ExecutionStarted = defineEvent({
  type: 'execution.started',
  version: 1,
  data: z.object({
    ...ExecutionRef,
    version: z.number().int().positive().nullable(),
    mode: TriggerModeSchema,
    startedAt: z.string().datetime(),
  }),
});
export const ExecutionSucceeded = defineEvent({
  type: 'execution.succeeded',
  version: 1,
  data: z.object({ ...ExecutionRef, finishedAt: z.string().datetime(), durationMs: z.number() }),
});
/** A user canceled the execution, or its workflow was deleted while it ran (finished steps are kept). */
export const ExecutionCanceled = defineEvent({
  type: 'execution.canceled',
  version: 1,
  data: z.object({ ...ExecutionRef, finishedAt: z.string().datetime(), durationMs: z.number() }),
});
export const ExecutionFailed = defineEvent({
  type: 'execution.failed',
  version: 1,
  data: z.object({
    ...ExecutionRef,
    finishedAt: z.string().datetime(),
    durationMs: z.number(),
    error: z.object({ message: z.string(), nodeId: z.string().optional() }),
  }),
});

// ---- auth ----
export const ConnectionCreated = defineEvent({
  type: 'connection.created',
  version: 1,
  data: z.object({ connectionId: uuid, ownerId: uuid, provider: z.string() }),
});
export const ConnectionRevoked = defineEvent({
  type: 'connection.revoked',
  version: 1,
  data: z.object({ connectionId: uuid, ownerId: uuid, provider: z.string() }),
});

// ---- EventBridge Scheduler ----
/**
 * One firing of a workflow's schedule, sent by EventBridge Scheduler straight to the trigger
 * service's queue (never published on the bus, so not in the routing table). `scheduledAt` is
 * Scheduler's `<aws.scheduler.scheduled-time>`: a redelivered firing carries the same one.
 */
export const ScheduleFired = defineEvent({
  type: 'schedule.fired',
  version: 1,
  data: z.object({ workflowId: uuid, scheduledAt: z.string().datetime({ offset: true }) }),
});

/**
 * A Gmail or Calendar trigger's poll is due: sent by the trigger's EventBridge Scheduler `rate()`
 * schedule (SCHEDULES=aws) straight to the trigger service's queue, like `schedule.fired`. A
 * redelivery only polls again, which the firings' keys make harmless.
 */
export const PollDue = defineEvent({
  type: 'poll.due',
  version: 1,
  data: z.object({ workflowId: uuid }),
});

/**
 * The Slack events sweep is due: sent every minute by a fixed EventBridge Scheduler `rate()`
 * schedule the CDK app creates in the trigger's schedule group (`slack-sweep`), straight to the
 * trigger service's queue like `poll.due`. The handler fires the Slack deliveries acknowledged but
 * never processed (a crash after the ack, auth unreachable); locally a timer does the same.
 */
export const SlackSweepDue = defineEvent({
  type: 'slack.sweep.due',
  version: 1,
  data: z.object({}),
});

/** Every event the platform knows, by type. Validation on publish and on receipt uses this. */
export const eventCatalog = {
  'workflow.published': WorkflowPublished,
  'workflow.activated': WorkflowActivated,
  'workflow.deactivated': WorkflowDeactivated,
  'workflow.deleted': WorkflowDeleted,
  'workflow.triggered': WorkflowTriggered,
  'execution.started': ExecutionStarted,
  'execution.succeeded': ExecutionSucceeded,
  'execution.failed': ExecutionFailed,
  'execution.canceled': ExecutionCanceled,
  'connection.created': ConnectionCreated,
  'connection.revoked': ConnectionRevoked,
  'schedule.fired': ScheduleFired,
  'poll.due': PollDue,
  'slack.sweep.due': SlackSweepDue,
} as const;

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog;
export type EventData<T extends EventType> = z.infer<EventCatalog[T]['data']>;
/** A fully typed envelope of one event type. */
export type PlatformEvent<T extends EventType = EventType> = {
  [K in T]: EventEnvelope<K, EventData<K>>;
}[T];
export const eventTypes = Object.keys(eventCatalog) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, type);
}
