import { z } from 'zod';
import {
  ActivateWorkflowRequestSchema,
  catalogSchema,
  CreateFromTemplateRequestSchema,
  CreateWorkflowRequestSchema,
  ListWorkflowsQuerySchema,
  ScheduleQuerySchema,
  UpdateWorkflowRequestSchema,
  VersionDiffQuerySchema,
  WorkflowExportSchema,
} from '@flowgenie/contracts';

/** The public routes parse with their catalog entry's schemas (`httpRoutes` in @flowgenie/contracts). */
export const CreateWorkflowBody = catalogSchema(
  'post',
  '/api/workflows',
  'body',
  CreateWorkflowRequestSchema,
);
export const UpdateWorkflowBody = catalogSchema(
  'put',
  '/api/workflows/{id}',
  'body',
  UpdateWorkflowRequestSchema,
);
export const ActivateBody = catalogSchema(
  'post',
  '/api/workflows/{id}/activate',
  'body',
  ActivateWorkflowRequestSchema,
);
export const ImportBody = catalogSchema(
  'post',
  '/api/workflows/import',
  'body',
  WorkflowExportSchema,
);
export const FromTemplateBody = catalogSchema(
  'post',
  '/api/workflows/from-template',
  'body',
  CreateFromTemplateRequestSchema,
);
export const DiffQuery = catalogSchema(
  'get',
  '/api/workflows/{id}/versions/{n}/diff',
  'query',
  VersionDiffQuerySchema,
);
export const ListQuery = catalogSchema('get', '/api/workflows', 'query', ListWorkflowsQuerySchema);
export const ScheduleQuery = catalogSchema(
  'get',
  '/api/workflows/{id}/schedule',
  'query',
  ScheduleQuerySchema,
);

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const VersionParam = z.coerce.number().int().positive();

/** `/internal` (not in the public catalog). */
export const RunSpecQuery = z.object({
  ownerId: z.string().uuid(),
  draft: boolParam.default(false),
});
