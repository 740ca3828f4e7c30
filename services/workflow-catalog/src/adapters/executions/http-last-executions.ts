import {
  INTERNAL_LATEST_EXECUTIONS_PATH,
  LATEST_EXECUTIONS_MAX_IDS,
  LatestExecutionsResponseSchema,
} from '@flowgenie/contracts';
import { loadInternalServiceToken } from '@flowgenie/integrations';
import type { LastExecution } from '../../domain/workflow';
import type { LastExecutions } from '../../ports/last-executions';

export interface HttpLastExecutionsConfig {
  /** The execution service's own address (not the gateway's). */
  EXECUTION_INTERNAL_URL: string;
  /** How long one list or detail waits for it before showing the last run as unknown. */
  EXECUTION_INTERNAL_TIMEOUT_MS: number;
  INTERNAL_SERVICE_TOKEN?: string;
  INTERNAL_SERVICE_TOKEN_FILE: string;
}

/**
 * LastExecutions over the execution service's `POST /internal/executions/latest` (service token,
 * short timeout). Anything but a valid answer in time (unreachable, slow, 5xx, token unreadable)
 * is "unknown", logged as a warning: the workflows list never fails because of it.
 */
export function httpLastExecutions(
  config: HttpLastExecutionsConfig,
  opts: { warn?: (message: string) => void; fetch?: typeof fetch } = {},
): LastExecutions {
  const doFetch = opts.fetch ?? fetch;
  const url = config.EXECUTION_INTERNAL_URL.replace(/\/+$/, '') + INTERNAL_LATEST_EXECUTIONS_PATH;
  let token: Promise<string> | undefined;
  const tokenOf = () =>
    (token ??= loadInternalServiceToken(config, { warn: opts.warn })).catch((err: unknown) => {
      token = undefined;
      throw err;
    });

  const ask = async (ownerId: string, workflowIds: readonly string[]) => {
    const res = await doFetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenOf()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ownerId, workflowIds }),
      signal: AbortSignal.timeout(config.EXECUTION_INTERNAL_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`it answered ${res.status}`);
    return LatestExecutionsResponseSchema.parse(await res.json()).items;
  };

  return {
    async of(ownerId, workflowIds) {
      const latest = new Map<string, LastExecution>();
      try {
        for (let i = 0; i < workflowIds.length; i += LATEST_EXECUTIONS_MAX_IDS) {
          const items = await ask(ownerId, workflowIds.slice(i, i + LATEST_EXECUTIONS_MAX_IDS));
          for (const e of items)
            latest.set(e.workflowId, { id: e.id, status: e.status, at: new Date(e.at) });
        }
      } catch (err) {
        opts.warn?.(
          `last runs unknown: the execution service did not answer (${(err as Error).message})`,
        );
        return undefined;
      }
      return latest;
    },
  };
}
