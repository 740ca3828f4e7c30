import type { EventData, EventType } from '@flowgenie/contracts';
import type { ListPosition } from '../domain/cursor';
import type { Workflow, WorkflowVersion } from '../domain/workflow';

export interface WorkflowListQuery {
  ownerId: string;
  /** Rows to return at most. */
  limit: number;
  /** Start after this position (keyset pagination; order: updatedAt desc, id desc). */
  after?: ListPosition;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
  active?: boolean;
}

export interface VersionSummary {
  version: number;
  createdAt: Date;
  publishedBy: string | null;
}

/**
 * Reads and writes workflows. Every read is scoped to an owner: another user's workflow is
 * simply not found. Writes happen inside {@link WorkflowStore.transaction}, together with the
 * events they announce.
 *
 * @example
 * await store.transaction(async (tx) => {
 *   const wf = await tx.getForUpdate(ownerId, id);
 *   await tx.update({ ...wf, active: false, activeVersion: null });
 *   await tx.emit('workflow.deactivated', { workflowId: id, ownerId });
 * });
 */
export interface WorkflowStore {
  get(ownerId: string, id: string): Promise<Workflow | undefined>;
  list(query: WorkflowListQuery): Promise<Workflow[]>;
  /** Newest first. */
  listVersions(workflowId: string): Promise<VersionSummary[]>;
  getVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined>;
  /** Runs `fn` in one transaction: its writes and emitted events commit together or not at all. */
  transaction<T>(fn: (tx: WorkflowTransaction) => Promise<T>): Promise<T>;
}

export interface WorkflowTransaction {
  /** Reads and locks the row until the transaction ends (concurrent writers wait). */
  getForUpdate(ownerId: string, id: string): Promise<Workflow | undefined>;
  insert(workflow: Workflow): Promise<void>;
  /** Writes every mutable field of the workflow. */
  update(workflow: Workflow): Promise<void>;
  /** Deletes the workflow and its versions. */
  remove(workflowId: string): Promise<void>;
  insertVersion(version: WorkflowVersion): Promise<void>;
  getVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined>;
  /** Records an event in the outbox of this transaction; published after commit. */
  emit<T extends EventType>(type: T, data: EventData<T>): Promise<void>;
}
