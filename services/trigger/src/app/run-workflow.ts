import type { Logger } from '@flowgenie/platform';
import { InvalidRequestError, NotRunnableError, WorkflowNotFoundError } from '../domain/errors';
import { manualFiringKey } from '../domain/idempotency';
import type { FiringStore } from '../ports/firing-store';
import type { PayloadClaims } from '../ports/payload-claims';
import { checkInFiring } from './claim-check';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import type { WorkflowSpecSource } from '../ports/workflow-spec-source';
import { manualSamplePayload, triggerOf } from './trigger-settings';

export interface RunWorkflowCommand {
  workflowId: string;
  ownerId: string;
  /** The trigger payload; the manual node's sample payload (else `{}`) when absent. */
  payload?: unknown;
  /** Run the current draft (a builder test run) instead of the active / latest published version. */
  draft: boolean;
  /** Run only this step of the draft (upstream data comes from pins or the last test run). */
  runNode?: string;
  idempotencyKey?: string;
  requestId: string;
}

/**
 * A manual run (`POST /workflows/{id}/runs`): asks the catalog what to run for this owner,
 * then records the firing and emits workflow.triggered with mode manual.
 */
export class RunWorkflow {
  constructor(
    private readonly deps: {
      specs: WorkflowSpecSource;
      firings: FiringStore;
      metrics: TriggerMetrics;
      logger: Logger;
      newId: () => string;
      now: () => Date;
      /** Large payloads are stored once and the event carries a reference. @default all inline */
      payloads?: PayloadClaims;
    },
  ) {}

  async execute(cmd: RunWorkflowCommand): Promise<{ executionId: string; duplicate: boolean }> {
    const spec = await this.deps.specs.getRunSpec({
      workflowId: cmd.workflowId,
      ownerId: cmd.ownerId,
      draft: cmd.draft,
    });
    if (!spec) throw new WorkflowNotFoundError();
    const node = triggerOf(spec.graph);
    if (!node) throw new NotRunnableError('the workflow has no trigger node to start from');
    if (cmd.runNode !== undefined) {
      if (!cmd.draft) throw new InvalidRequestError('runNode needs draft: true', 'runNode');
      if (cmd.runNode === node.id)
        throw new InvalidRequestError(
          'the trigger is not a step to run: listen for a test call, or pin sample data on it',
          'runNode',
        );
      if (!spec.graph.nodes.some((n) => n.id === cmd.runNode))
        throw new InvalidRequestError(`no step "${cmd.runNode}" in the draft`, 'runNode');
    }
    // A test run of the draft starts from the trigger's pinned sample when no payload is typed.
    const pinned = cmd.draft
      ? spec.graph.nodes.find((n) => n.id === node.id)?.pinnedData
      : undefined;
    const payload =
      cmd.payload !== undefined
        ? cmd.payload
        : (pinned ?? (node.type === 'manual' ? manualSamplePayload(node.config) : undefined) ?? {});
    const executionId = this.deps.newId();
    const checked = await checkInFiring(this.deps.payloads, this.deps.logger, {
      executionId,
      payload,
      graph: spec.graph,
    });
    let outcome;
    try {
      outcome = await this.deps.firings.record({
        executionId,
        workflowId: cmd.workflowId,
        ownerId: cmd.ownerId,
        version: cmd.draft ? null : spec.version,
        mode: 'manual',
        triggerNodeId: node.id,
        idempotencyKey: manualFiringKey(cmd.workflowId, cmd.idempotencyKey ?? cmd.requestId),
        ...checked.payload,
        ...checked.graph,
        triggeredAt: this.deps.now().toISOString(),
        ...(cmd.runNode !== undefined ? { runNode: cmd.runNode } : {}),
      });
    } catch (err) {
      await checked.release();
      throw err;
    }
    if (outcome.duplicate) await checked.release();
    else {
      this.deps.metrics.firingEmitted('manual');
      this.deps.logger.info(
        { workflowId: cmd.workflowId, executionId: outcome.executionId, draft: cmd.draft },
        'manual run triggered',
      );
    }
    return outcome;
  }
}
