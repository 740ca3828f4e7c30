import type { WorkflowGraph } from '@flowgenie/contracts';
import type { CheckedPayload } from '@flowgenie/messaging';
import type { Logger } from '@flowgenie/platform';
import type { Firing } from '../ports/firing-store';
import {
  inlinePayloads,
  triggeredGraphKey,
  triggeredPayloadKey,
  type PayloadClaims,
} from '../ports/payload-claims';

/** What a firing carries of its payload and graph: each inline, or a reference to its stored copy. */
export interface CheckedFiring {
  payload: Pick<Firing, 'payload' | 'payloadRef'>;
  graph: Pick<Firing, 'graph' | 'graphRef'>;
  /** Deletes what was stored, when no firing uses it (a duplicate, a firing that failed). */
  release(): Promise<void>;
}

/**
 * The claim check of one firing, before its transaction: a payload or graph whose JSON exceeds
 * the inline limit is stored (durably, when this resolves) under a key of the execution, so
 * workflow.triggered stays small on every bus (EventBridge takes 256 KB per request).
 */
export async function checkInFiring(
  claims: PayloadClaims | undefined,
  logger: Logger,
  firing: { executionId: string; payload: unknown; graph: WorkflowGraph },
): Promise<CheckedFiring> {
  const payloads = claims ?? inlinePayloads;
  const stored: CheckedPayload[] = [];
  const release = async () => {
    for (const checked of stored.splice(0))
      await payloads
        .release(checked)
        .catch((err: Error) =>
          logger.warn(
            { err: err.message, executionId: firing.executionId },
            'unused stored payload not deleted (it expires)',
          ),
        );
  };
  try {
    const payload = await payloads.checkIn(firing.payload, triggeredPayloadKey(firing.executionId));
    stored.push(payload);
    const graph = await payloads.checkIn(firing.graph, triggeredGraphKey(firing.executionId));
    stored.push(graph);
    return {
      payload,
      graph:
        'payloadRef' in graph
          ? { graphRef: graph.payloadRef }
          : { graph: graph.payload as WorkflowGraph },
      release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}
