import { z } from 'zod';
import { ErrorResponseSchema, WorkflowGraphSchema } from '@flowgenie/contracts';
import { CORRELATION_HEADER, currentCorrelationId } from '@flowgenie/platform';
import {
  InvalidWorkflowError,
  NotRunnableError,
  UpstreamUnavailableError,
} from '../../domain/errors';
import type { RunSpec, WorkflowSpecSource } from '../../ports/workflow-spec-source';

const RunSpecSchema = z.object({
  graph: WorkflowGraphSchema,
  version: z.number().int().positive().nullable(),
  name: z.string(),
});

/**
 * The catalog's internal endpoint `GET /internal/workflows/{id}/run-spec?ownerId=&draft=`
 * (HTTPS in the local stack: Node trusts the dev CA through NODE_EXTRA_CA_CERTS), with the
 * internal service token as bearer (a token that cannot be read is 503, as is a 401).
 * 404 -> undefined; 409 (nothing published) -> NotRunnableError; 400 (a draft with problems) ->
 * InvalidWorkflowError carrying the catalog's located details; anything else unexpected -> 503.
 */
export class CatalogWorkflowSpecSource implements WorkflowSpecSource {
  constructor(
    private readonly opts: {
      baseUrl: string;
      /** The internal service token (INTERNAL_SERVICE_TOKEN, else its file). */
      serviceToken: () => Promise<string>;
      timeoutMs?: number;
      fetch?: typeof fetch;
    },
  ) {}

  async getRunSpec(query: {
    workflowId: string;
    ownerId: string;
    draft: boolean;
  }): Promise<RunSpec | undefined> {
    const params = new URLSearchParams({ ownerId: query.ownerId, draft: String(query.draft) });
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/internal/workflows/${encodeURIComponent(query.workflowId)}/run-spec?${params}`;
    let token: string;
    try {
      token = await this.opts.serviceToken();
    } catch (err) {
      throw new UpstreamUnavailableError('the internal service token cannot be read', {
        cause: err,
      });
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    };
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url, {
        headers,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new UpstreamUnavailableError('the workflow catalog did not answer', { cause: err });
    }
    if (res.status === 404) return undefined;
    const text = await res.text();
    if (res.status === 409)
      throw new NotRunnableError(errorOf(text)?.message ?? 'the workflow has nothing to run');
    if (res.status === 400) {
      const error = errorOf(text);
      throw new InvalidWorkflowError(
        error?.message ?? 'the workflow cannot run as it stands',
        error?.details,
      );
    }
    if (!res.ok) throw new UpstreamUnavailableError(`the workflow catalog answered ${res.status}`);
    let parsed;
    try {
      parsed = RunSpecSchema.safeParse(JSON.parse(text));
    } catch (err) {
      throw new UpstreamUnavailableError('the workflow catalog answered with malformed JSON', {
        cause: err,
      });
    }
    if (!parsed.success)
      throw new UpstreamUnavailableError(
        `unexpected run-spec from the catalog: ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }
}

function errorOf(text: string) {
  try {
    const parsed = ErrorResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}
