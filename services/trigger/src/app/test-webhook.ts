import type { TestWebhookListener } from '@flowgenie/contracts';
import type { Logger } from '@flowgenie/platform';
import {
  NotRunnableError,
  TestListenerNotFoundError,
  WorkflowNotFoundError,
} from '../domain/errors';
import { buildWebhookPayload } from '../domain/webhook-request';
import type { StoredTestListener, TestListenerStore } from '../ports/test-listener-store';
import type { WorkflowSpecSource } from '../ports/workflow-spec-source';
import type { RunWorkflow } from './run-workflow';
import { triggerOf } from './trigger-settings';

/** One call to a test URL, as received. */
export interface TestCall {
  listenerId: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
  requestId: string;
}

/**
 * "Listen for test event" on a webhook trigger: a short-lived test URL, separate from the
 * production hook and working on an unpublished draft, that captures one real request as the
 * trigger's sample (and, when asked, runs the draft with it). Listeners are their owner's only.
 */
export class TestWebhooks {
  constructor(
    private readonly deps: {
      specs: WorkflowSpecSource;
      listeners: TestListenerStore;
      run: Pick<RunWorkflow, 'execute'>;
      logger: Logger;
      newId: () => string;
      now: () => Date;
      publicBaseUrl: string;
      listenSeconds: number;
    },
  ) {}

  async listen(cmd: {
    workflowId: string;
    ownerId: string;
    run: boolean;
  }): Promise<TestWebhookListener> {
    const spec = await this.deps.specs.getRunSpec({
      workflowId: cmd.workflowId,
      ownerId: cmd.ownerId,
      draft: true,
    });
    if (!spec) throw new WorkflowNotFoundError();
    const trigger = triggerOf(spec.graph);
    if (trigger?.type !== 'webhook')
      throw new NotRunnableError(
        'only a webhook trigger listens for a test call: add a Webhook trigger to the draft first',
      );
    const id = this.deps.newId();
    const expiresAt = new Date(this.deps.now().getTime() + this.deps.listenSeconds * 1000);
    const stored = { id, ...cmd, expiresAt: expiresAt.toISOString() };
    await this.deps.listeners.open(stored, this.deps.listenSeconds);
    return this.view({ ...stored, status: 'waiting' });
  }

  async status(workflowId: string, ownerId: string, id: string): Promise<TestWebhookListener> {
    return this.view(await this.owned(workflowId, ownerId, id));
  }

  async stop(workflowId: string, ownerId: string, id: string): Promise<void> {
    await this.owned(workflowId, ownerId, id);
    await this.deps.listeners.remove(id);
  }

  /** The one call a listener waits for: captured, and the draft run with it when asked. */
  async receive(call: TestCall): Promise<{ executionId?: string }> {
    const listener = await this.deps.listeners.take(call.listenerId);
    if (!listener) throw new TestListenerNotFoundError();
    const sample = buildWebhookPayload(call);
    const captured: NonNullable<StoredTestListener['captured']> = {
      sample,
      capturedAt: this.deps.now().toISOString(),
    };
    if (listener.run) {
      try {
        const { executionId } = await this.deps.run.execute({
          workflowId: listener.workflowId,
          ownerId: listener.ownerId,
          payload: sample,
          draft: true,
          requestId: call.requestId,
        });
        captured.executionId = executionId;
      } catch (err) {
        // The capture stands; the builder shows why the run did not start.
        captured.runError = (err as Error).message;
        this.deps.logger.warn(
          { workflowId: listener.workflowId, err: (err as Error).message },
          'test webhook run refused',
        );
      }
    }
    await this.deps.listeners.capture(listener.id, captured);
    this.deps.logger.info({ workflowId: listener.workflowId }, 'test webhook call captured');
    return { executionId: captured.executionId };
  }

  private async owned(workflowId: string, ownerId: string, id: string) {
    const listener = await this.deps.listeners.get(id);
    if (!listener || listener.ownerId !== ownerId || listener.workflowId !== workflowId)
      throw new TestListenerNotFoundError();
    return listener;
  }

  private view(l: StoredTestListener): TestWebhookListener {
    return {
      listenerId: l.id,
      workflowId: l.workflowId,
      testUrl: `${this.deps.publicBaseUrl}/hooks/test/${l.id}`,
      status: l.status,
      expiresAt: l.expiresAt,
      ...(l.captured
        ? {
            sample: l.captured.sample,
            capturedAt: l.captured.capturedAt,
            ...(l.captured.executionId ? { executionId: l.captured.executionId } : {}),
            ...(l.captured.runError ? { runError: l.captured.runError } : {}),
          }
        : {}),
    };
  }
}
