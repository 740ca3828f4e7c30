/** A listener as stored: who opened it for which workflow, and what it captured. */
export interface StoredTestListener {
  id: string;
  ownerId: string;
  workflowId: string;
  /** Run the draft with the captured call. */
  run: boolean;
  expiresAt: string;
  status: 'waiting' | 'captured' | 'expired';
  captured?: { sample: unknown; capturedAt: string; executionId?: string; runError?: string };
}

/**
 * Short-lived test-webhook listeners (Redis). A listener takes exactly one call: `take` succeeds
 * once, while it is still waiting.
 */
export interface TestListenerStore {
  open(
    listener: Omit<StoredTestListener, 'status' | 'captured'>,
    listenSeconds: number,
  ): Promise<void>;
  get(id: string): Promise<StoredTestListener | undefined>;
  /** Ends the wait of a waiting listener; undefined when none waits (expired, taken, stopped). */
  take(id: string): Promise<StoredTestListener | undefined>;
  capture(id: string, captured: NonNullable<StoredTestListener['captured']>): Promise<void>;
  remove(id: string): Promise<void>;
}
