import type { Metrics } from '@flowgenie/platform';
import type { ExecutionMetrics } from '../../ports/execution-metrics';
import type { BullStepQueue } from '../queue/bull-step-queue';

/**
 * Prometheus metrics of execution: step duration by node type and outcome, executions by
 * status, and (when given the queue) the steps queue's depth and its oldest waiting job's age,
 * read from Redis at scrape time.
 */
export class PromExecutionMetrics implements ExecutionMetrics {
  private readonly stepDuration;
  private readonly executions;

  constructor(metrics: Metrics, queue?: BullStepQueue) {
    this.stepDuration = metrics.histogram(
      'execution_step_duration_seconds',
      'Duration of one step attempt by node type and outcome',
      ['type', 'outcome'],
      [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    );
    this.executions = metrics.counter(
      'executions_total',
      'Executions by status reached (running = started)',
      ['status'],
    );
    if (queue) {
      metrics.gauge(
        'execution_steps_queue_depth',
        'Jobs in the steps queue by state',
        ['state'],
        async function () {
          const counts = await queue.counts();
          for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        },
      );
      metrics.gauge(
        'execution_steps_oldest_waiting_seconds',
        'Age of the step job waiting longest to start',
        [],
        async function () {
          this.set((await queue.oldestWaitingAgeMs()) / 1000);
        },
      );
    }
  }

  stepFinished(type: string, outcome: string, seconds: number): void {
    this.stepDuration.observe({ type, outcome }, seconds);
  }

  executionFinished(status: 'succeeded' | 'failed' | 'canceled'): void {
    this.executions.inc({ status });
  }

  executionStarted(): void {
    this.executions.inc({ status: 'running' });
  }
}
