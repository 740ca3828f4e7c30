import { WebClient } from '@slack/web-api';
import type { SlackTeamResolver } from '../../ports/provider-sources';
import { ProviderRequestError } from '../../ports/provider-sources';

/** `auth.test` through @slack/web-api: the workspace a bot token belongs to. */
export class WebApiSlackTeamResolver implements SlackTeamResolver {
  constructor(private readonly opts: { apiUrl: string }) {}

  async teamOf(token: string): Promise<string> {
    const client = new WebClient(token, {
      slackApiUrl: this.opts.apiUrl,
      retryConfig: { retries: 1 },
      rejectRateLimitedCalls: true,
    });
    try {
      const res = await client.auth.test();
      if (!res.team_id)
        throw new ProviderRequestError('unavailable', 'Slack auth.test answered no team_id');
      return res.team_id;
    } catch (err) {
      if (err instanceof ProviderRequestError) throw err;
      const code = (err as { data?: { error?: string } }).data?.error;
      if (
        code === 'invalid_auth' ||
        code === 'token_revoked' ||
        code === 'account_inactive' ||
        code === 'not_authed'
      )
        throw new ProviderRequestError('unauthorized', `Slack auth.test: ${code}`);
      throw new ProviderRequestError(
        'unavailable',
        `Slack auth.test failed: ${(err as Error).message}`.slice(0, 300),
      );
    }
  }
}
