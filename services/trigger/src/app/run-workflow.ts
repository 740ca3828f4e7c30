import type { Logger } from '@flowgenie/platform';
import { NotRunnableError, WorkflowNotFoundError } from '../domain/errors';
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
    const payload =
      cmd.payload !== undefined
        ? cmd.payload
        : ((node.type === 'manual' ? manualSamplePayload(node.config) : undefined) ?? {});
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
