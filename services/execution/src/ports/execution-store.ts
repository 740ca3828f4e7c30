import type { EventData, EventType } from '@flowgenie/contracts';
import type { Execution, ExecutionDetail, ExecutionStatus, Step } from '../domain/execution';

/** Changes to one step row (undefined fields are left alone). */
export type StepPatch = Partial<Omit<Step, 'executionId' | 'nodeId' | 'type' | 'retryPolicy'>>;
export type ExecutionPatch = Partial<
  Pick<Execution, 'status' | 'error' | 'startedAt' | 'finishedAt' | 'retries'>
>;
/** An event announcing a start (see {@link ExecutionStore.startOnce}). */
export type StartEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];
/** How an execution ended (see {@link ExecutionTx.saveSteps}). */
export type ExecutionFinish = Pick<Execution, 'status' | 'error'> & { finishedAt: Date };
/** How {@link ExecutionStore.startOnce} went. */
export type StartOutcome =
  { status: 'started'; revision?: string } | { status: 'seen' } | { status: 'exists' };

/** What a chain writes (see {@link ExecutionStore.recordIfUnchanged}). */
export interface ChainWrites {
  steps: Step[];
  finish?: ExecutionFinish;
  events: StartEvent[];
}

/**
 * Reads and writes inside one database transaction. Every change to an execution or its steps
 * happens after {@link ExecutionTx.lockExecution}, so the steps of one execution finishing at
 * the same time on different workers are serialised and decide the next steps one at a time.
 */
export interface ExecutionTx {
  /** Inserts the execution unless its id or (workflowId, idempotencyKey) exists; true if inserted. */
  insertExecution(execution: Execution): Promise<boolean>;
  insertSteps(steps: Step[]): Promise<void>;
  /**
   * Locks the execution row until commit (others wait) and marks it changed; undefined if it
   * does not exist. `updatedAt` is the last change before this one. `unchanged`: nothing changed
   * the execution or its steps since they were read at `since` (an {@link ExecutionDetail.revision}).
   */
  lockExecution(
    id: string,
    since?: string,
  ): Promise<(Execution & { unchanged: boolean }) | undefined>;
  steps(executionId: string): Promise<Step[]>;
  updateExecution(id: string, patch: ExecutionPatch): Promise<void>;
  updateSteps(executionId: string, nodeIds: string[], patch: StepPatch): Promise<void>;
  /**
   * Writes these steps' rows as given (status, attempts, input, output, timing...) in one go;
   * with `finish`, the execution's end in the same statement.
   */
  saveSteps(executionId: string, steps: Step[], finish?: ExecutionFinish): Promise<void>;
  /**
   * Records an event in this transaction's outbox (published after commit; a payload that fails the
   * event catalog fails the transaction). The correlation id defaults to the current request's or job's.
   */
  emit<T extends EventType>(
    type: T,
    data: EventData<T>,
    opts?: { correlationId?: string },
  ): Promise<void>;
  /** Executions of a workflow still queued or running. */
  unfinishedOfWorkflow(workflowId: string, ownerId: string): Promise<string[]>;
}

/** A workflow's newest execution, as the catalog shows it ("last run"). */
export interface LatestExecution {
  workflowId: string;
  id: string;
  status: ExecutionStatus;
  /** Finish time when finished, else start time, else creation time (queued). */
  at: Date;
}

/** Keyset position in the newest-first list. */
export interface ExecutionCursor {
  createdAt: Date;
  id: string;
}

export interface ExecutionPage {
  items: Execution[];
  /** Where the next page starts, or null on the last page. */
  next: ExecutionCursor | null;
}

export interface ExecutionFilter {
  workflowId?: string;
  status?: ExecutionStatus;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: ExecutionCursor;
}

/**
 * Where executions live (Postgres schema `execution`).
 *
 * @example
 * const inserted = await store.handleOnce('execution', event.id, (tx) => tx.insertExecution(execution));
 */
export interface ExecutionStore {
  transaction<T>(fn: (tx: ExecutionTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction at most once per (consumer, event id): a redelivered event is a
   * no-op (returns `{ handled: false }`).
   */
  handleOnce<T>(
    consumer: string,
    eventId: string,
    fn: (tx: ExecutionTx) => Promise<T>,
  ): Promise<{ handled: true; value: T } | { handled: false }>;
  /**
   * Records a new execution with its steps at most once per (consumer, event id), all or nothing,
   * with its events (each written only if the store writes that type). `started`: recorded (with
   * the row's revision when the store knows it without reading); `seen`: the event was handled
   * before; `exists`: an execution with this id or idempotency key exists (the event is marked
   * handled, nothing else is written).
   */
  startOnce(
    consumer: string,
    eventId: string,
    execution: Execution,
    steps: Step[],
    events: StartEvent[],
  ): Promise<StartOutcome>;
  /**
   * A chain's writes in one statement instead of BEGIN, lock, write, COMMIT: the steps saved as
   * given, with the execution's end and its events, only if the execution is still running and
   * unchanged since it was read at `since` (an {@link ExecutionDetail.revision}); its row is
   * locked and stamped as {@link ExecutionTx.lockExecution} does. Returns the new revision, or
   * undefined when it changed (nothing written: run the transaction instead).
   */
  recordIfUnchanged(id: string, since: string, writes: ChainWrites): Promise<string | undefined>;
  /** The execution with its steps, if it belongs to `ownerId` (undefined owner: any). */
  findDetail(id: string, ownerId?: string): Promise<ExecutionDetail | undefined>;
  /** A cheap change marker of the execution (for streaming), if it belongs to `ownerId`. */
  version(
    id: string,
    ownerId: string,
  ): Promise<{ updatedAt: Date; status: ExecutionStatus } | undefined>;
  list(ownerId: string, filter: ExecutionFilter): Promise<ExecutionPage>;
  /** The newest execution (by creation) of each of these workflows of `ownerId`; none: left out. */
  latestOfWorkflows(ownerId: string, workflowIds: readonly string[]): Promise<LatestExecution[]>;
  /** Ids of running executions unchanged since `before` (oldest first). */
  stale(before: Date, limit: number): Promise<string[]>;
  /** Steps of an execution (no lock). */
  steps(executionId: string): Promise<Step[]>;
  /**
   * For each of `nodeIds`, the output (and handle) of its latest succeeded step in a draft test
   * run (version null) of the workflow; a trigger payload stored by reference is left out.
   */
  lastTestOutputs(
    workflowId: string,
    ownerId: string,
    nodeIds: readonly string[],
  ): Promise<Map<string, { output: unknown; handle: string }>>;
}
