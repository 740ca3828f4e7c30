import type { ExecutionSummary } from '../../lib/api-types';

/**
 * What ran: `Step test: <step>` for a "Run this step" run, `draft` (the caller's wording) for a
 * whole test run of the draft, else the published version.
 */
export function runKindLabel(
  e: Pick<ExecutionSummary, 'version' | 'stepTest'>,
  draftLabel: string,
): string {
  if (e.stepTest) return `Step test: ${e.stepTest.name}`;
  return e.version === null ? draftLabel : `v${e.version}`;
}
