import type { Metrics } from '@flowgenie/platform';
import type { HookOutcome, TriggerMetrics } from '../../ports/trigger-metrics';

/** The service's counters on the platform's Prometheus registry. */
export function prometheusTriggerMetrics(metrics: Metrics): TriggerMetrics {
  const hooks = metrics.counter(
    'trigger_hooks_received_total',
    'Webhook calls received, by outcome',
    ['outcome'],
  );
  const firings = metrics.counter(
    'trigger_firings_emitted_total',
    'workflow.triggered events emitted, by mode',
    ['mode'],
  );
  return {
    hookReceived: (outcome: HookOutcome) => hooks.inc({ outcome }),
    firingEmitted: (mode) => firings.inc({ mode }),
  };
}
