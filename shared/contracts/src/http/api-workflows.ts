import { z } from 'zod';
import { WorkflowGraphSchema } from '../workflow-graph';

/** Request and response bodies of the workflow-catalog's public API (`/api/workflows`, `/api/node-types`). */
export const ValidationIssueSchema = z.object({
  nodeId: z.string().optional(),
  path: z.string(),
  /** Machine-readable class of the problem, when it has one (e.g. `unknown_connection`). */
  code: z.string().optional(),
  message: z.string(),
});

export const ValidationResultSchema = z.object({
  ok: z.boolean(),
  errors: z.array(ValidationIssueSchema),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const LastExecutionSchema = z.object({
  id: z.uuid(),
  status: z.string(),
  at: z.iso.datetime(),
});

const workflowFields = {
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  activeVersion: z.number().int().nullable(),
  latestVersion: z.number().int().nullable(),
  hookId: z.string(),
  hookPath: z.string().describe('`/hooks/{hookId}`'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  draftChangedSincePublish: z.boolean(),
  lastExecution: LastExecutionSchema.nullable()
    .optional()
    .describe(
      "The workflow's newest execution (null: never run, or unknown when `lastExecutionKnown` is false). Absent from the answers of PUT, activate and deactivate, which do not ask the execution service.",
    ),
  lastExecutionKnown: z
    .boolean()
    .optional()
    .describe(
      'False when the execution service did not answer in time: the last run is unknown. Absent with `lastExecution`.',
    ),
};

export const WorkflowResponseSchema = z.object({
  ...workflowFields,
  graph: WorkflowGraphSchema.describe('The draft graph.'),
  validation: ValidationResultSchema,
});
export type WorkflowResponse = z.infer<typeof WorkflowResponseSchema>;

export const WorkflowSummarySchema = z.object({
  ...workflowFields,
  validation: ValidationResultSchema.optional(),
});

export const WorkflowListResponseSchema = z.object({
  items: z.array(WorkflowSummarySchema),
  nextCursor: z.string().nullable(),
});

/** Longest workflow name and description (the catalog's domain uses the same values). */
export const WORKFLOW_NAME_MAX = 200;
export const WORKFLOW_DESCRIPTION_MAX = 2000;

/** A workflow name, trimmed; blank is refused. */
const WorkflowName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(WORKFLOW_NAME_MAX)
  .describe(`1 to ${WORKFLOW_NAME_MAX} characters after trimming.`);
const WorkflowDescription = z.string().max(WORKFLOW_DESCRIPTION_MAX);

export const CreateWorkflowRequestSchema = z.object({
  name: WorkflowName,
  description: WorkflowDescription.optional(),
  graph: WorkflowGraphSchema.optional(),
});

export const UpdateWorkflowRequestSchema = z.object({
  name: WorkflowName.optional(),
  description: WorkflowDescription.optional(),
  graph: WorkflowGraphSchema.optional(),
});

export const ActivateWorkflowRequestSchema = z.object({
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Default: the latest published version.'),
});

export const PublishedVersionResponseSchema = z.object({
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
});

export const VersionSummarySchema = PublishedVersionResponseSchema.extend({
  publishedBy: z
    .string()
    .nullable()
    .describe(
      'Who published: the account email, with " (API key)" for a key; null before this was recorded.',
    ),
});

export const VersionListResponseSchema = z.object({
  items: z.array(VersionSummarySchema),
});

export const VersionDiffQuerySchema = z.object({
  against: z
    .union([z.literal('draft'), z.coerce.number().int().positive()])
    .default('draft')
    .describe('`draft` (default) or another version number.'),
});

const ChangedFieldSchema = z.object({
  path: z.string().describe('e.g. `config.url`, `name`, `retry.attempts`'),
  before: z.unknown(),
  after: z.unknown(),
});

export const VersionDiffResponseSchema = z.object({
  from: z.object({ version: z.number().int().positive() }),
  to: z.object({ version: z.number().int().positive().nullable().describe('null: the draft') }),
  nodes: z.object({
    added: z.array(z.object({ id: z.string(), type: z.string(), name: z.string().optional() })),
    removed: z.array(z.object({ id: z.string(), type: z.string(), name: z.string().optional() })),
    changed: z.array(
      z.object({ id: z.string(), type: z.string(), changes: z.array(ChangedFieldSchema) }),
    ),
  }),
  edges: z.object({
    added: z.array(z.object({ source: z.string(), sourceHandle: z.string(), target: z.string() })),
    removed: z.array(
      z.object({ source: z.string(), sourceHandle: z.string(), target: z.string() }),
    ),
  }),
  notes: z.object({
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
  }),
  /** Whether anything a run would see differs (moves and notes do not count). */
  same: z.boolean(),
});

export const WorkflowTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  graph: WorkflowGraphSchema,
});

export const WorkflowTemplateListResponseSchema = z.object({
  items: z.array(WorkflowTemplateSchema),
});

export const CreateFromTemplateRequestSchema = z.object({
  templateId: z.string().min(1).max(100),
  name: WorkflowName.optional().describe('Default: the template’s name.'),
});

export const WorkflowVersionResponseSchema = z.object({
  version: z.number().int().positive(),
  graph: WorkflowGraphSchema,
  createdAt: z.iso.datetime(),
});

/**
 * An export document, also the import body; its `secretsOmitted` list (informative) is dropped
 * like any unknown key. Version 2: every config field is a `{{ }}` template; version 1 documents
 * (transform/if as raw JSONata) are upgraded on import.
 */
export const WorkflowExportSchema = z.object({
  format: z.literal('flowgenie.workflow'),
  formatVersion: z.union([z.literal(1), z.literal(2)]),
  name: WorkflowName,
  description: WorkflowDescription.default(''),
  graph: WorkflowGraphSchema,
});

export const NodeTypeInfoSchema = z.object({
  type: z.string(),
  version: z.number().int(),
  category: z.enum(['trigger', 'action', 'logic']),
  displayName: z.string(),
  description: z.string(),
  configSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the node config.'),
  outputs: z.array(z.string()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
});

export const NodeTypeListResponseSchema = z.object({ items: z.array(NodeTypeInfoSchema) });

export const ScheduleResponseSchema = z.object({ nextFireTimes: z.array(z.iso.datetime()) });

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListWorkflowsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  name: z.string().max(WORKFLOW_NAME_MAX).optional().describe('Substring of the name.'),
  active: boolParam.optional(),
});

export const ScheduleQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(50).default(5),
});
