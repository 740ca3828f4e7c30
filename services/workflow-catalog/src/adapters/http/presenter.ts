import { maskSecrets } from '@flowgenie/workflow';
import type { GraphValidation, WorkflowDetails } from '../../app/graph-checks';
import type { WorkflowVersion } from '../../domain/workflow';

/**
 * The Workflow of docs/API.md. Secrets are write-only: every graph in an answer shows
 * SECRET_PLACEHOLDER for each secret config field that is set.
 */
export function workflowJson(
  { workflow: w, validation, lastExecution, lastExecutionKnown }: WorkflowDetails,
  opts: { withGraph?: boolean } = {},
) {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    ...(opts.withGraph === false ? {} : { graph: maskSecrets(w.graph) }),
    active: w.active,
    activeVersion: w.activeVersion,
    latestVersion: w.latestVersion,
    hookId: w.hookId,
    hookPath: `/hooks/${w.hookId}`,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    draftChangedSincePublish: w.draftChangedSincePublish,
    validation: validationJson(validation),
    // Left out when not asked (save, activate, deactivate): the client keeps the one it has.
    ...(lastExecutionKnown === undefined
      ? {}
      : {
          lastExecution: lastExecution
            ? {
                id: lastExecution.id,
                status: lastExecution.status,
                at: lastExecution.at.toISOString(),
              }
            : null,
          // False when the execution service did not answer in time: unknown, not "never".
          lastExecutionKnown,
        }),
  };
}

export function validationJson(v: GraphValidation) {
  return { ok: v.ok, errors: v.errors };
}

export function versionJson(v: WorkflowVersion, opts: { withGraph?: boolean } = {}) {
  return {
    version: v.version,
    ...(opts.withGraph ? { graph: maskSecrets(v.graph) } : {}),
    createdAt: v.createdAt.toISOString(),
  };
}
