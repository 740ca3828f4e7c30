import type { TriggerState } from '../domain/integration-trigger';

/**
 * Integration trigger state by workflow (cursor, paused reason, Slack team). The instance a
 * lifecycle handler gets is bound to its inbox transaction.
 *
 * @example
 * await states.ensureActive({ workflowId, type: 'gmail_new_message', connectionId, cursorKey, now });
 * const saved = await states.saveCursor(workflowId, state.generation, { historyId: '42' }, now);
 */
export interface TriggerStateStore {
  find(workflowId: string): Promise<TriggerState | undefined>;
  /**
   * The workflow's trigger is active: create its state, or un-pause it; the cursor is kept only
   * when `cursorKey` is unchanged (same connection and search), else it starts afresh.
   */
  ensureActive(input: {
    workflowId: string;
    type: string;
    connectionId: string | null;
    cursorKey: string;
    now: Date;
  }): Promise<void>;
  /** Resolves whether the workflow had a state (only then can it have a poll to remove). */
  remove(workflowId: string): Promise<boolean>;
  /** Resolves false when the state is gone (the trigger was deactivated meanwhile). */
  pause(workflowId: string, reason: string, now: Date): Promise<boolean>;
  /** Paused states of active triggers using this connection are made active again; their ids. */
  resumeByConnection(connectionId: string, now: Date): Promise<string[]>;
  /** States using this connection; the ids of those now paused. */
  pauseByConnection(connectionId: string, reason: string, now: Date): Promise<string[]>;
  /**
   * Saves a poll's new cursor only if no other poll saved one since it read `generation`
   * (the loser's items were fired anyway; its cursor is dropped). Resolves whether it was saved.
   */
  saveCursor(
    workflowId: string,
    generation: number,
    cursor: Record<string, unknown>,
    now: Date,
  ): Promise<boolean>;
  recordPoll(workflowId: string, now: Date, error: string | null): Promise<void>;
  setTeam(workflowId: string, teamId: string): Promise<void>;
  /** Active states of this type whose team is this one or not learnt yet. */
  activeForTeam(type: string, teamId: string): Promise<TriggerState[]>;
}
