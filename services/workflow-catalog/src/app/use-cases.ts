import { activateWorkflow } from './activate-workflow';
import { createWorkflow } from './create-workflow';
import { deactivateWorkflow } from './deactivate-workflow';
import { deleteWorkflow } from './delete-workflow';
import { diffVersions } from './diff-versions';
import type { CatalogDeps } from './deps';
import { duplicateWorkflow } from './duplicate-workflow';
import { exportWorkflow } from './export-workflow';
import { getRunSpec } from './get-run-spec';
import { getSchedule } from './get-schedule';
import { getVersion } from './get-version';
import { getWorkflow } from './get-workflow';
import { importWorkflow } from './import-workflow';
import { listNodeTypes } from './list-node-types';
import { listVersions } from './list-versions';
import { listWorkflows } from './list-workflows';
import { publishWorkflow } from './publish-workflow';
import { createFromTemplate, listTemplates } from './templates';
import { updateWorkflow } from './update-workflow';
import { validateWorkflow } from './validate-workflow';

/** Every use case of the catalog, wired to its ports. */
export function buildUseCases(deps: CatalogDeps) {
  return {
    createWorkflow: createWorkflow(deps),
    listWorkflows: listWorkflows(deps),
    getWorkflow: getWorkflow(deps),
    updateWorkflow: updateWorkflow(deps),
    deleteWorkflow: deleteWorkflow(deps),
    validateWorkflow: validateWorkflow(deps),
    publishWorkflow: publishWorkflow(deps),
    listVersions: listVersions(deps),
    getVersion: getVersion(deps),
    diffVersions: diffVersions(deps),
    activateWorkflow: activateWorkflow(deps),
    deactivateWorkflow: deactivateWorkflow(deps),
    duplicateWorkflow: duplicateWorkflow(deps),
    exportWorkflow: exportWorkflow(deps),
    importWorkflow: importWorkflow(deps),
    listTemplates: listTemplates(),
    createFromTemplate: createFromTemplate(deps),
    listNodeTypes: listNodeTypes(),
    getSchedule: getSchedule(deps),
    getRunSpec: getRunSpec(deps),
  };
}
export type UseCases = ReturnType<typeof buildUseCases>;
