import { z } from 'zod';
import { WorkflowGraphSchema } from '@flowgenie/contracts';
import { DESCRIPTION_MAX, NAME_MAX } from '../../domain/workflow';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION } from '../../domain/export-document';

const Name = z.string().trim().min(1, 'must not be empty').max(NAME_MAX);
const Description = z.string().max(DESCRIPTION_MAX);

export const CreateWorkflowBody = z.object({
  name: Name,
  description: Description.optional(),
  graph: WorkflowGraphSchema.optional(),
});

export const UpdateWorkflowBody = z.object({
  name: Name.optional(),
  description: Description.optional(),
  graph: WorkflowGraphSchema.optional(),
});

export const ActivateBody = z.object({
  version: z.number().int().positive().optional(),
});

/** An export document; its `secretsOmitted` list (informative) is dropped like any unknown key. */
export const ImportBody = z.object({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  name: Name,
  description: Description.default(''),
  graph: WorkflowGraphSchema,
});

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  name: z.string().max(NAME_MAX).optional(),
  active: boolParam.optional(),
});

export const ScheduleQuery = z.object({
  count: z.coerce.number().int().min(1).max(50).default(5),
});

export const VersionParam = z.coerce.number().int().positive();

export const RunSpecQuery = z.object({
  ownerId: z.string().uuid(),
  draft: boolParam.default(false),
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
