import {
  WORKFLOW_DESCRIPTION_MAX,
  WORKFLOW_NAME_MAX,
  type WorkflowGraph,
} from '@flowgenie/contracts';
import { InvalidInputError, NothingPublishedError } from './errors';
import { sameGraph } from './graph';

/** One value with the contract's request schemas (their `max`). */
export const NAME_MAX = WORKFLOW_NAME_MAX;
export const DESCRIPTION_MAX = WORKFLOW_DESCRIPTION_MAX;

/** Status of a workflow's last execution, as the execution service reports it. */
export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** A workflow's newest execution ("last run"): owned by the execution service, read at each request. */
export interface LastExecution {
  id: string;
  status: ExecutionStatus;
  /** Finish time when finished, else start time (creation time while queued). */
  at: Date;
}

/** A workflow: its draft graph plus publication and activation state. */
export interface Workflow {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  /** The draft: saved as is, even when incomplete. */
  graph: WorkflowGraph;
  /** Unguessable webhook id (`/hooks/{hookId}`), fixed for the workflow's lifetime. */
  hookId: string;
  active: boolean;
  /** The version the trigger service runs; null while inactive. */
  activeVersion: number | null;
  latestVersion: number | null;
  /** True when the draft differs from the latest published version (or nothing is published). */
  draftChangedSincePublish: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An immutable published version of a workflow's graph. */
export interface WorkflowVersion {
  workflowId: string;
  version: number;
  graph: WorkflowGraph;
  createdAt: Date;
  /** Who published it (account email, "(API key)" for a key's token); null for older versions. */
  publishedBy: string | null;
}

/**
 * Whether a draft has changes its latest published version lacks. A workflow never published
 * always has: its draft is not live anywhere.
 */
export function draftChangedSince(
  draft: WorkflowGraph,
  latestPublished: WorkflowGraph | null,
): boolean {
  return latestPublished === null || !sameGraph(draft, latestPublished);
}

/** The version to activate: the one asked for, else the latest published. */
export function chooseActivationVersion(
  workflow: Pick<Workflow, 'latestVersion'>,
  requested?: number,
): number {
  if (workflow.latestVersion === null) throw new NothingPublishedError();
  if (requested === undefined) return workflow.latestVersion;
  if (!Number.isInteger(requested) || requested < 1 || requested > workflow.latestVersion) {
    throw new InvalidInputError(
      `version ${requested} does not exist (latest is ${workflow.latestVersion})`,
      [
        {
          path: 'version',
          message: `must be a published version between 1 and ${workflow.latestVersion}`,
        },
      ],
    );
  }
  return requested;
}

/** The next version number to publish. */
export function nextVersion(workflow: Pick<Workflow, 'latestVersion'>): number {
  return (workflow.latestVersion ?? 0) + 1;
}

/** Name of a duplicate: "<name> (copy)", shortened so it stays within the name limit. */
export function copyName(name: string): string {
  const suffix = ' (copy)';
  const room = NAME_MAX - suffix.length;
  const base = [...name];
  return `${base.length > room ? base.slice(0, room).join('').trimEnd() : name}${suffix}`;
}

/** The version a non-draft run uses: the active one, else the latest published. */
export function runnableVersion(
  workflow: Pick<Workflow, 'activeVersion' | 'latestVersion'>,
): number {
  const version = workflow.activeVersion ?? workflow.latestVersion;
  if (version === null) throw new NothingPublishedError();
  return version;
}
