import type { EventHandlers } from '@flowgenie/messaging';
import type { FireSchedule } from '../../app/fire-schedule';

/**
 * EventBridge Scheduler's firings (SCHEDULES=aws): Scheduler sends `schedule.fired` straight to
 * the trigger's queue; each becomes a tick at its planned time, so a redelivered firing is a
 * duplicate and starts nothing.
 */
export function scheduleFiringHandlers(fireSchedule: FireSchedule): EventHandlers {
  return {
    'schedule.fired': async (event) => {
      await fireSchedule.execute({
        workflowId: event.data.workflowId,
        scheduledAt: new Date(event.data.scheduledAt),
      });
    },
  };
}
