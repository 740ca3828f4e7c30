/**
 * Where polling triggers read new items and where Slack triggers learn their workspace. The
 * adapters speak googleapis and @slack/web-api; tokens come in per call and are never stored.
 */

/** One new provider item: `key` identifies it within the trigger (firing key = trigger + key). */
export interface PolledItem {
  key: string;
  payload: unknown;
}

export interface PollResult {
  items: PolledItem[];
  /** Where the next poll starts; saved only after every item fired. */
  cursor: Record<string, unknown>;
}

export interface PollInput<S> {
  token: string;
  settings: S;
  /** null on the first poll after activation: the source records where "now" is and fires nothing. */
  cursor: Record<string, unknown> | null;
  now: Date;
}

export interface PollSource<S> {
  poll(input: PollInput<S>): Promise<PollResult>;
}

/**
 * A provider call that failed. `unauthorized`: the token was refused (the connection is revoked
 * or expired); `forbidden`: a missing scope or no access to the resource; `rate_limited` and
 * `unavailable`: try again at the next poll.
 */
export class ProviderRequestError extends Error {
  constructor(
    readonly kind: 'unauthorized' | 'forbidden' | 'rate_limited' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }
  get permanent(): boolean {
    return this.kind === 'unauthorized' || this.kind === 'forbidden';
  }
}

/** The Slack workspace (team id) a bot token belongs to (`auth.test`). */
export interface SlackTeamResolver {
  teamOf(token: string): Promise<string>;
}
