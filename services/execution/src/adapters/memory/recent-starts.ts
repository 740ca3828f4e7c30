import type { ExecutionDetail } from '../../domain/execution';
import type { StartHandoff } from '../../ports/start-handoff';

export interface RecentStartsOptions {
  /** Details kept at most (the oldest go first). @default 256 */
  maxEntries?: number;
  /** A detail not taken within this time is dropped (its job waits in a backlog). @default 5000 */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The in-process {@link StartHandoff}: bounded in count and age, and open only while an executor
 * of this process runs (without one, nothing would take the details: nothing is kept).
 */
export class RecentStarts implements StartHandoff {
  private readonly entries = new Map<string, { detail: ExecutionDetail; at: number }>();
  private readers = 0;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: RecentStartsOptions = {}) {
    this.maxEntries = options.maxEntries ?? 256;
    this.ttlMs = options.ttlMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** An executor of this process started: starts are kept for it from now on. */
  open(): void {
    this.readers += 1;
  }

  /** That executor stopped: with none left, nothing is kept. */
  close(): void {
    this.readers = Math.max(0, this.readers - 1);
    if (this.readers === 0) this.entries.clear();
  }

  put(detail: ExecutionDetail): void {
    if (this.readers === 0) return;
    const at = this.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && at - entry.at <= this.ttlMs) break;
      this.entries.delete(id);
    }
    this.entries.set(detail.id, { detail, at });
  }

  take(executionId: string): ExecutionDetail | undefined {
    const entry = this.entries.get(executionId);
    if (!entry) return undefined;
    this.entries.delete(executionId);
    return this.now() - entry.at <= this.ttlMs ? entry.detail : undefined;
  }
}

/** The process's one handoff, shared by its execution service and its executor. */
export const processStarts = new RecentStarts();
