import type { ValidationError } from '../../../lib/api-types';
import type { FieldIssue } from '../../../components/schema-form';

/** Field issues are the schema form's: a message on one field (path relative to a node's config). */
export type { FieldIssue };

export interface ValidationIndex {
  byNode: Record<string, FieldIssue[]>;
  /** Problems not tied to a node (e.g. "the workflow needs a trigger"). */
  general: string[];
}

export const EMPTY_VALIDATION: ValidationIndex = { byNode: {}, general: [] };

/**
 * Place catalog validation errors on nodes and fields. Paths come as `nodes.<i>.config.<field>`,
 * `config.<field>` or `<field>`; a missing nodeId is recovered from `nodes.<i>` and `nodeOrder`.
 */
export function indexValidation(
  errors: readonly ValidationError[],
  nodeOrder: readonly string[] = [],
): ValidationIndex {
  const byNode: Record<string, FieldIssue[]> = {};
  const general: string[] = [];
  for (const err of errors) {
    const path = err.path ?? '';
    let nodeId = err.nodeId;
    let rest = path;
    const m = /^nodes\.(\d+)\.?(.*)$/.exec(path);
    if (m) {
      nodeId = nodeId ?? nodeOrder[Number(m[1])];
      rest = m[2];
    }
    if (!nodeId) {
      general.push(path && !path.startsWith('edges') ? `${path}: ${err.message}` : err.message);
      continue;
    }
    let field = rest;
    if (field.startsWith('config.')) field = field.slice('config.'.length);
    else if (field === 'config') field = '';
    (byNode[nodeId] ??= []).push({ field, message: err.message });
  }
  return { byNode, general };
}

/** Messages for one field (exact match) of a node. */
export function issuesFor(issues: readonly FieldIssue[] | undefined, field: string): string[] {
  return (issues ?? []).filter((i) => i.field === field).map((i) => i.message);
}
