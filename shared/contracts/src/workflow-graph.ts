import { z } from 'zod';

/** Node ids are identifiers so expressions can say `steps.fetch_user.body`. */
export const NodeIdSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    'must start with a letter or _ and hold only letters, digits and _ (max 64)',
  );

export const RetryPolicySchema = z.object({
  /** Total attempts including the first (1 = no retry). */
  attempts: z.number().int().min(1).max(20).default(1),
  backoff: z
    .object({
      type: z.enum(['fixed', 'exponential']).default('exponential'),
      delayMs: z.number().int().min(0).max(3_600_000).default(1000),
    })
    .default({ type: 'exponential', delayMs: 1000 }),
  /** Per-attempt time limit. */
  timeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const WorkflowNodeSchema = z.object({
  id: NodeIdSchema,
  type: z.string().min(1),
  name: z.string().max(200).optional(),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  config: z.record(z.string(), z.unknown()).default({}),
  retry: RetryPolicySchema.partial().optional(),
  /**
   * Sample output pinned on the step in the builder: draft test runs use it in place of running
   * the step (the trigger's is the test payload). Published runs ignore pins (as n8n does).
   */
  pinnedData: z.unknown().optional(),
});
export type WorkflowNode = z.infer<typeof WorkflowNodeSchema>;

export const WorkflowEdgeSchema = z.object({
  id: z.string().min(1).max(200),
  source: z.string(),
  /** Output handle of the source ('main' unless the node branches, e.g. 'true'/'false'). */
  sourceHandle: z.string().default('main'),
  target: z.string(),
});
export type WorkflowEdge = z.infer<typeof WorkflowEdgeSchema>;

/** Longest sticky note text. */
export const NOTE_TEXT_MAX = 5000;

/**
 * A sticky note on the canvas: stored with the draft (and so in versions and exports), never
 * executed and never validated as a step.
 */
export const WorkflowNoteSchema = z.object({
  id: z.string().min(1).max(100),
  text: z.string().max(NOTE_TEXT_MAX).default(''),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  width: z.number().min(80).max(2000).optional(),
  height: z.number().min(40).max(2000).optional(),
});
export type WorkflowNote = z.infer<typeof WorkflowNoteSchema>;

export const WorkflowGraphSchema = z.object({
  nodes: z.array(WorkflowNodeSchema).max(500),
  edges: z.array(WorkflowEdgeSchema).max(2000),
  notes: z.array(WorkflowNoteSchema).max(200).optional(),
});
export type WorkflowGraph = z.infer<typeof WorkflowGraphSchema>;

/**
 * What API responses show in place of a secret config field that is set (secrets are write-only).
 * Sending it back unchanged on save keeps the stored value.
 */
export const SECRET_PLACEHOLDER = '__secret__';
/** Stored secret config values start with this: envelope-encrypted, never the clear value. */
export const SEALED_SECRET_PREFIX = 'fgenv1:';
/** What a secret config value is sealed under (the catalog seals, the trigger service opens). */
export const WORKFLOW_SECRET_CONTEXT = 'workflow-config-secret';
/** Whether a config value is a sealed (encrypted) secret. */
export const isSealedSecret = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(SEALED_SECRET_PREFIX);
