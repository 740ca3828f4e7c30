import type { Job } from 'bullmq';
import { scheduledTimeOf } from './bullmq-schedules';

const job = (parts: { opts?: Record<string, unknown>; id?: string; timestamp?: number }) =>
  ({ opts: parts.opts ?? {}, id: parts.id, timestamp: parts.timestamp ?? 0 }) as unknown as Pick<
    Job,
    'opts' | 'id' | 'timestamp'
  >;

describe('scheduledTimeOf', () => {
  it('is the planned time BullMQ stores for a scheduler job, not its processing time', () => {
    expect(
      scheduledTimeOf(
        job({
          opts: { prevMillis: 1767600000000 },
          id: 'repeat:w:1767600000000',
          timestamp: 1767599999123,
        }),
      ),
    ).toEqual(new Date(1767600000000));
  });

  it('falls back to the millis in the scheduler job id, then to creation time plus delay', () => {
    expect(scheduledTimeOf(job({ id: 'repeat:w:1767600000000' }))).toEqual(new Date(1767600000000));
    expect(scheduledTimeOf(job({ id: '17', timestamp: 1000, opts: { delay: 500 } }))).toEqual(
      new Date(1500),
    );
  });
});
