import { WorkflowNotFoundError } from '../domain/errors';
import { nextVersion, type WorkflowVersion } from '../domain/workflow';
import { assertConnectionsWork } from './connection-checks';
import { announcedGraphKey, inlineGraphs } from '../ports/graph-claims';
import type { CatalogDeps } from './deps';
import { assertValidGraph } from './graph-checks';

/**
 * Freezes the current draft as the next numbered version (immutable from then on) and announces
 * it with workflow.published. An invalid draft is refused with every problem located, and so is a
 * schedule the schedule backend cannot run (EventBridge Scheduler: per-second crons), a
 * step naming a connection that is unknown (or another user's), of the wrong provider or lacking a
 * scope (auth is asked before the transaction; 503 when it cannot answer).
 */
export function publishWorkflow({
  store,
  clock,
  connections,
  scheduleBackend,
  graphs = inlineGraphs,
}: Pick<CatalogDeps, 'store' | 'clock' | 'connections' | 'scheduleBackend' | 'graphs'>) {
  return async (input: {
    ownerId: string;
    workflowId: string;
    /** Shown in the version history. */
    publishedBy?: string;
  }): Promise<WorkflowVersion> => {
    const draft = await store.get(input.ownerId, input.workflowId);
    if (!draft) throw new WorkflowNotFoundError();
    assertValidGraph(draft.graph, scheduleBackend);
    await assertConnectionsWork(connections, input.ownerId, draft.graph, 'publish');
    const checked = JSON.stringify(draft.graph);
    // Stored (when large) before the row lock, as the version it will most likely be: a put to the
    // payload store (S3 on AWS) is slow next to a lock. A rollback leaves an unreferenced copy,
    // which expires.
    const expected = nextVersion(draft);
    let announced = await graphs.checkIn(draft.graph, announcedGraphKey(draft.id, expected));
    return store.transaction(async (tx) => {
      const workflow = await tx.getForUpdate(input.ownerId, input.workflowId);
      if (!workflow) throw new WorkflowNotFoundError();
      assertValidGraph(workflow.graph, scheduleBackend);
      // Saved again since the check: check what is published now.
      if (JSON.stringify(workflow.graph) !== checked)
        await assertConnectionsWork(connections, input.ownerId, workflow.graph, 'publish');
      const now = clock.now();
      const version: WorkflowVersion = {
        workflowId: workflow.id,
        version: nextVersion(workflow),
        graph: workflow.graph,
        createdAt: now,
        publishedBy: input.publishedBy ?? null,
      };
      await tx.insertVersion(version);
      await tx.update({
        ...workflow,
        latestVersion: version.version,
        draftChangedSincePublish: false,
        updatedAt: now,
      });
      // Published or saved since the copy above: store what this version holds (before the
      // event commits, so its reference never dangles).
      if (version.version !== expected || JSON.stringify(version.graph) !== checked)
        announced = await graphs.checkIn(
          version.graph,
          announcedGraphKey(workflow.id, version.version),
        );
      await tx.emit('workflow.published', {
        workflowId: workflow.id,
        ownerId: workflow.ownerId,
        version: version.version,
        name: workflow.name,
        ...announced,
      });
      return version;
    });
  };
}
