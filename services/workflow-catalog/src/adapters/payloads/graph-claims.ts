import type { WorkflowGraph } from '@flowgenie/contracts';
import type { PayloadClaimCheck } from '@flowgenie/messaging';
import type { AnnouncedGraph, GraphClaims } from '../../ports/graph-claims';

/** {@link GraphClaims} over the platform's payload claim check (Postgres locally, S3 in AWS). */
export function payloadGraphClaims(claims: PayloadClaimCheck): GraphClaims {
  return {
    async checkIn(graph: WorkflowGraph, key: string): Promise<AnnouncedGraph> {
      const checked = await claims.checkIn(graph, key);
      return 'payloadRef' in checked ? { graphRef: checked.payloadRef } : { graph };
    },
  };
}
