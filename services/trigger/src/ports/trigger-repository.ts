import type { Trigger } from '../domain/trigger';
import type { TriggerStateStore } from './trigger-state-store';

/**
 * Triggers by workflow. Writes keep the newest state only: an event older than the stored
 * `updatedAt` changes nothing. The instance handed to a use case may be bound to a transaction.
 *
 * @example
 * await repo.saveIfNewer(trigger);
 * const current = await repo.lockByWorkflowId(trigger.workflowId);
 */
export interface TriggerRepository {
  findByHookId(hookId: string): Promise<Trigger | undefined>;
  findByWorkflowId(workflowId: string): Promise<Trigger | undefined>;
  /** Reads the row and locks it for the rest of the transaction (serialises concurrent events). */
  lockByWorkflowId(workflowId: string): Promise<Trigger | undefined>;
  /** Inserts or replaces the trigger unless the stored one is newer. */
  saveIfNewer(trigger: Trigger): Promise<void>;
  /** Marks the trigger inactive unless the stored state is newer than `at`. */
  deactivateIfNewer(workflowId: string, at: Date): Promise<void>;
}

/**
 * Runs an inbound event's work at most once per event id (inbox), in one transaction with the
 * repository bound to it. Resolves false when the event was already handled.
 */
export interface TriggerEventInbox {
  once(
    eventId: string,
    work: (repo: TriggerRepository, states?: TriggerStateStore) => Promise<void>,
  ): Promise<boolean>;
}
