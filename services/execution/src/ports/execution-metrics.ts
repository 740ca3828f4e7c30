/** What the executor counts (Prometheus locally). */
export interface ExecutionMetrics {
  stepFinished(
    type: string,
    outcome: 'succeeded' | 'failed' | 'retrying' | 'waiting' | 'discarded',
    seconds: number,
  ): void;
  executionFinished(status: 'succeeded' | 'failed' | 'canceled'): void;
  executionStarted(): void;
}

export const noMetrics: ExecutionMetrics = {
  stepFinished: () => undefined,
  executionFinished: () => undefined,
  executionStarted: () => undefined,
};
