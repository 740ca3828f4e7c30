export type HookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'responded'
  | 'timed_out'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_signature'
  | 'replayed'
  | 'rate_limited'
  | 'too_large'
  | 'bad_request'
  | 'error';

/** Counters the service exposes on /metrics. */
export interface TriggerMetrics {
  hookReceived(outcome: HookOutcome): void;
  firingEmitted(mode: 'webhook' | 'schedule' | 'manual' | 'poll' | 'event'): void;
}
