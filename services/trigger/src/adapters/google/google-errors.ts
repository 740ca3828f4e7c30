import { googleStatus } from '@flowgenie/integrations/actions';
import { ProviderRequestError } from '../../ports/provider-sources';

/** A googleapis failure as the poll use case understands it (no token in the message). */
export function providerError(err: unknown, api: string): ProviderRequestError {
  const status = googleStatus(err);
  const message =
    `${api} answered ${status ?? 'no response'}: ${(err as Error)?.message ?? String(err)}`.slice(
      0,
      300,
    );
  if (status === 401) return new ProviderRequestError('unauthorized', message);
  if (status === 403) {
    const reason = JSON.stringify((err as { response?: { data?: unknown } }).response?.data ?? '');
    // 403 also means "rate limited" on Google (rateLimitExceeded / userRateLimitExceeded).
    if (/rateLimitExceeded|userRateLimitExceeded|quotaExceeded/.test(reason))
      return new ProviderRequestError('rate_limited', message);
    return new ProviderRequestError('forbidden', message);
  }
  if (status === 429) return new ProviderRequestError('rate_limited', message);
  return new ProviderRequestError('unavailable', message);
}
