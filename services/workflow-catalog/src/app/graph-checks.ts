import type { WorkflowGraph } from '@flowgenie/contracts';
import {
  eventBridgeCronError,
  isSecretSet,
  nodeTypes,
  secretFields,
  validateGraph,
  type NodeTypeRegistry,
} from '@flowgenie/workflow';
import { InvalidGraphError, InvalidInputError, type ProblemDetail } from '../domain/errors';
import { graphSizeBytes, MAX_GRAPH_BYTES } from '../domain/graph';
import type { LastExecution, Workflow } from '../domain/workflow';

/** Outcome of full validation, as the API shows it next to a draft. */
export interface GraphValidation {
  ok: boolean;
  errors: ProblemDetail[];
}

/** A workflow together with what full validation says about its draft. */
export interface WorkflowDetails {
  workflow: Workflow;
  validation: GraphValidation;
  /**
   * Its newest execution (the execution service's), null when never run. Absent when not asked:
   * only the list and the detail ask (a save or an activation does not wait on another service).
   */
  lastExecution?: LastExecution | null;
  /** False when the execution service could not say (then `lastExecution` is null); absent with it. */
  lastExecutionKnown?: boolean;
}

/**
 * Full validation (node types, config, one trigger, no cycles, expressions reading upstream steps only),
 * and schedules the schedule backend cannot run (see assertSchedulesRunnable).
 * A required secret that is not set says so plainly: secrets are write-only and left out of
 * exports, so after an import the user has to enter them again.
 */
export function checkGraph(
  graph: WorkflowGraph,
  registry: NodeTypeRegistry = nodeTypes,
  scheduleBackend: ScheduleBackend = 'local',
): GraphValidation {
  const result = validateGraph(graph, { registry });
  const errors: ProblemDetail[] = result.ok
    ? []
    : result.errors.map((e) => ({
        ...(e.nodeId === undefined ? {} : { nodeId: e.nodeId }),
        path: e.path,
        message: unsetSecretMessage(graph, e.path, registry) ?? e.message,
      }));
  errors.push(...scheduleProblems(graph, scheduleBackend));
  return { ok: errors.length === 0, errors };
}

/** The message for a problem at `nodes.<i>.config.<field>` when that field is a secret with no value. */
function unsetSecretMessage(
  graph: WorkflowGraph,
  path: string,
  registry: NodeTypeRegistry,
): string | undefined {
  const match = /^nodes\.(\d+)\.config\.([^.]+)$/.exec(path);
  if (!match) return undefined;
  const node = graph.nodes[Number(match[1])];
  const field = match[2];
  if (
    !node ||
    isSecretSet(node.config[field]) ||
    !secretFields(registry.get(node.type)).includes(field)
  )
    return undefined;
  return 'no secret is set: enter it again (secrets are write-only and left out of exports)';
}

/**
 * @throws InvalidGraphError with every located problem when the graph is not runnable (on
 * `scheduleBackend`: see {@link checkGraph}).
 */
export function assertValidGraph(
  graph: WorkflowGraph,
  scheduleBackend: ScheduleBackend = 'local',
): void {
  const validation = checkGraph(graph, nodeTypes, scheduleBackend);
  if (!validation.ok) throw new InvalidGraphError(validation.errors);
}

/**
 * @throws InvalidGraphError locating each schedule trigger whose cron the schedule backend cannot
 * run: EventBridge Scheduler (`aws`) fires at most once a minute and cannot combine a day of the
 * month with a weekday. BullMQ (`local`) runs every valid cron.
 */
export function assertSchedulesRunnable(
  graph: WorkflowGraph,
  backend: ScheduleBackend = 'local',
): void {
  const problems = scheduleProblems(graph, backend);
  if (problems.length) throw new InvalidGraphError(problems);
}

/** Where schedule triggers run (SCHEDULES): BullMQ (`local`) or EventBridge Scheduler (`aws`). */
export type ScheduleBackend = 'local' | 'aws';

function scheduleProblems(graph: WorkflowGraph, backend: ScheduleBackend): ProblemDetail[] {
  if (backend === 'local' || !Array.isArray(graph.nodes)) return [];
  const problems: ProblemDetail[] = [];
  graph.nodes.forEach((node, i) => {
    if (node?.type !== 'schedule' || typeof node.config?.cron !== 'string') return;
    const problem = eventBridgeCronError(node.config.cron);
    if (problem)
      problems.push({
        nodeId: node.id,
        path: `nodes.${i}.config.cron`,
        message: `${problem} (schedules run on EventBridge Scheduler here)`,
      });
  });
  return problems;
}

/** @throws InvalidInputError naming `field` when the graph is too large to travel in an event. */
export function assertGraphSize(graph: WorkflowGraph, field = 'graph'): void {
  const size = graphSizeBytes(graph);
  if (size > MAX_GRAPH_BYTES) {
    throw new InvalidInputError(`${field} is too large`, [
      {
        path: field,
        message: `is ${size} bytes serialised; at most ${MAX_GRAPH_BYTES} are allowed`,
      },
    ]);
  }
}

export function withValidation(
  workflow: Workflow,
  scheduleBackend: ScheduleBackend = 'local',
): WorkflowDetails {
  return {
    workflow,
    validation: checkGraph(workflow.graph, nodeTypes, scheduleBackend),
  };
}
