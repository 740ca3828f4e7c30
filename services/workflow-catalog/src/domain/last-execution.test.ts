import { shouldRecordExecution } from './last-execution';
import type { LastExecution } from './workflow';

const at = (iso: string) => new Date(iso);
const exec = (id: string, status: LastExecution['status'], iso: string): LastExecution => ({
  id,
  status,
  at: at(iso),
});

describe('shouldRecordExecution', () => {
  it('records the first execution a workflow ever sees', () => {
    expect(shouldRecordExecution(null, exec('a', 'running', '2026-01-01T10:00:00Z'))).toBe(true);
  });

  it('replaces the remembered execution with a newer one', () => {
    const current = exec('a', 'succeeded', '2026-01-01T10:00:05Z');
    expect(shouldRecordExecution(current, exec('b', 'running', '2026-01-01T10:01:00Z'))).toBe(true);
  });

  it('moves the same execution from running to its outcome', () => {
    const current = exec('a', 'running', '2026-01-01T10:00:00Z');
    expect(shouldRecordExecution(current, exec('a', 'failed', '2026-01-01T10:00:03Z'))).toBe(true);
  });

  it('moves the same execution from running to canceled, and a late start does not undo it', () => {
    const running = exec('a', 'running', '2026-01-01T10:00:00Z');
    const canceled = exec('a', 'canceled', '2026-01-01T10:00:07Z');
    expect(shouldRecordExecution(running, canceled)).toBe(true);
    expect(shouldRecordExecution(canceled, running)).toBe(false);
  });

  it('ignores an older event that arrives late (started after succeeded)', () => {
    const current = exec('a', 'succeeded', '2026-01-01T10:00:03Z');
    expect(shouldRecordExecution(current, exec('a', 'running', '2026-01-01T10:00:00Z'))).toBe(
      false,
    );
  });

  it('ignores a finished older execution once a newer one started', () => {
    const current = exec('b', 'running', '2026-01-01T11:00:00Z');
    expect(shouldRecordExecution(current, exec('a', 'succeeded', '2026-01-01T10:59:59Z'))).toBe(
      false,
    );
  });

  it('lets a finished status win over running at the same instant, never the reverse', () => {
    const running = exec('a', 'running', '2026-01-01T10:00:00Z');
    const done = exec('a', 'succeeded', '2026-01-01T10:00:00Z');
    expect(shouldRecordExecution(running, done)).toBe(true);
    expect(shouldRecordExecution(done, running)).toBe(false);
  });

  it('changes nothing when the same fact arrives again', () => {
    const current = exec('a', 'succeeded', '2026-01-01T10:00:03Z');
    expect(shouldRecordExecution(current, { ...current, at: new Date(current.at) })).toBe(false);
  });
});
