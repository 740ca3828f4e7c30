import { VersionNotFoundError, WorkflowNotFoundError } from '../domain/errors';
import { chooseActivationVersion, type Workflow, type WorkflowVersion } from '../domain/workflow';
import { assertConnectionsWork } from './connection-checks';
import { announcedGraphKey, inlineGraphs } from '../ports/graph-claims';
import type { CatalogDeps } from './deps';
import { assertSchedulesRunnable, withValidation, type WorkflowDetails } from './graph-checks';

/**
 * Makes a published version (default: the latest) the live one. workflow.activated carries what
 * the trigger service needs to register the trigger: name, version, graph and hook id. A version
 * whose connections would not work now (unknown, wrong provider, missing scope, revoked,
 * expired) is refused with each located, and so is a schedule the backend cannot run; auth is asked before the transaction (503 when it
 * cannot answer).
 */
export function activateWorkflow({
  store,
  clock,
  connections,
  scheduleBackend,
  graphs = inlineGraphs,
}: Pick<CatalogDeps, 'store' | 'clock' | 'connections' | 'scheduleBackend' | 'graphs'>) {
  const versionOf = async (
    get: (workflowId: string, version: number) => Promise<WorkflowVersion | undefined>,
    workflow: Workflow,
    requested?: number,
  ) => {
    const versionNumber = chooseActivationVersion(workflow, requested);
    const version = await get(workflow.id, versionNumber);
    if (!version) throw new VersionNotFoundError(versionNumber);
    return version;
  };

  return async (input: {
    ownerId: string;
    workflowId: string;
    version?: number;
  }): Promise<WorkflowDetails> => {
    const before = await store.get(input.ownerId, input.workflowId);
    if (!before) throw new WorkflowNotFoundError();
    const checked = await versionOf((id, v) => store.getVersion(id, v), before, input.version);
    // A version published before schedules moved to EventBridge Scheduler may hold a cron it cannot run.
    assertSchedulesRunnable(checked.graph, scheduleBackend);
    await assertConnectionsWork(connections, input.ownerId, checked.graph, 'activate');
    // Stored (when large) before the row lock: a put to the payload store (S3 on AWS) is slow next
    // to a lock. A version's graph never changes, so this rewrites the copy its publish stored and
    // restarts its retention.
    let announced = await graphs.checkIn(
      checked.graph,
      announcedGraphKey(input.workflowId, checked.version),
    );

    const workflow = await store.transaction(async (tx) => {
      const current = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!current) throw new WorkflowNotFoundError();
      const version = await versionOf((id, v) => tx.getVersion(id, v), current, input.version);
      // Published again since the check: check the version activated now.
      if (version.version !== checked.version) {
        assertSchedulesRunnable(version.graph, scheduleBackend);
        await assertConnectionsWork(connections, input.ownerId, version.graph, 'activate');
        announced = await graphs.checkIn(
          version.graph,
          announcedGraphKey(input.workflowId, version.version),
        );
      }
      const next: Workflow = {
        ...current,
        active: true,
        activeVersion: version.version,
        updatedAt: clock.now(),
      };
      await tx.update(next);
      await tx.emit('workflow.activated', {
        workflowId: next.id,
        ownerId: next.ownerId,
        version: version.version,
        name: next.name,
        hookId: next.hookId,
        ...announced,
      });
      return next;
    });
    return withValidation(workflow, scheduleBackend);
  };
}
