import { maskSecrets } from '@flowgenie/workflow';
import { VersionNotFoundError, WorkflowNotFoundError } from '../domain/errors';
import { diffGraphs, type GraphDiff } from '../domain/version-diff';
import type { CatalogDeps } from './deps';

export interface VersionDiff extends GraphDiff {
  from: { version: number };
  /** `version: null` is the draft. */
  to: { version: number | null };
}

/** What changed from a published version to the draft (`against: 'draft'`) or another version. */
export function diffVersions({ store }: Pick<CatalogDeps, 'store'>) {
  return async (input: {
    ownerId: string;
    workflowId: string;
    version: number;
    against: 'draft' | number;
  }): Promise<VersionDiff> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    const graphOf = async (version: number) => {
      const found = await store.getVersion(workflow.id, version);
      if (!found) throw new VersionNotFoundError(version);
      return found.graph;
    };
    const before = await graphOf(input.version);
    const after = input.against === 'draft' ? workflow.graph : await graphOf(input.against);
    return {
      from: { version: input.version },
      to: { version: input.against === 'draft' ? null : input.against },
      ...diffGraphs(maskSecrets(before), maskSecrets(after)),
    };
  };
}
