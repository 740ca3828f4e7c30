import { InvalidInputError } from '../domain/errors';
import { findTemplate, WORKFLOW_TEMPLATES, type WorkflowTemplate } from '../domain/templates';
import type { CatalogDeps } from './deps';
import { createWorkflow } from './create-workflow';
import type { WorkflowDetails } from './graph-checks';

export function listTemplates() {
  return (): readonly WorkflowTemplate[] => WORKFLOW_TEMPLATES;
}

/** A new draft holding a copy of a built-in template (named after it unless a name is given). */
export function createFromTemplate(deps: CatalogDeps) {
  const create = createWorkflow(deps);
  return async (input: {
    ownerId: string;
    templateId: string;
    name?: string;
  }): Promise<WorkflowDetails> => {
    const template = findTemplate(input.templateId);
    if (!template) {
      throw new InvalidInputError(`no template "${input.templateId}"`, [
        {
          path: 'templateId',
          message: `must be one of ${WORKFLOW_TEMPLATES.map((t) => t.id).join(', ')}`,
        },
      ]);
    }
    return create({
      ownerId: input.ownerId,
      name: input.name ?? template.name,
      description: template.description,
      graph: structuredClone(template.graph) as typeof template.graph,
    });
  };
}
