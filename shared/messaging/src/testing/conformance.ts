import { randomUUID } from 'node:crypto';
import type { ConsumerName, PlatformEvent } from '@flowgenie/contracts';
import { createEvent } from '../envelope';
import type { DeadLetter, DeadLetterStore, EventConsumer, EventPublisher } from '../ports';

/** What a bus adapter under test provides; each call of `make` is a fresh, isolated bus. */
export interface BusUnderTest {
  publisher: EventPublisher;
  consumer(name: ConsumerName): EventConsumer;
  deadLetters: DeadLetterStore;
  /** Publishes a raw message that bypasses validation (to test what consumers do with it). */
  publishRaw(consumer: ConsumerName, message: unknown): Promise<void>;
  close(): Promise<void>;
}

const until = async (check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
};

const deleted = () =>
  createEvent(
    'workflow.deleted',
    { workflowId: randomUUID(), ownerId: randomUUID() },
    { source: 'test' },
  );

/**
 * The behaviour every event-bus adapter must show (local BullMQ, AWS EventBridge + SQS).
 *
 * @example
 * describeEventBus('local', async () => makeLocalBus());
 */
export function describeEventBus(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`${name} event bus`, () => {
    // Long polls and redelivery delays of real queues take seconds.
    jest.setTimeout(60_000);
    let bus: BusUnderTest;
    const consumers: EventConsumer[] = [];
    beforeEach(async () => {
      bus = await make();
    });
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await bus.close();
    });
    /** Waits until the consumer's dead letters number `count`, and returns that listing. */
    const deadLettersOf = async (consumer: ConsumerName, count: number) => {
      let letters: DeadLetter[] = [];
      await until(
        async () => (letters = await bus.deadLetters.list(consumer)).length === count,
        40_000,
      );
      return letters;
    };
    const start = async (name: ConsumerName, handlers: Parameters<EventConsumer['start']>[0]) => {
      const c = bus.consumer(name);
      consumers.push(c);
      await c.start(handlers);
      return c;
    };

    it('delivers a published event to every consumer the routing table names for its type', async () => {
      const seenByTrigger: PlatformEvent[] = [];
      const seenByExecution: PlatformEvent[] = [];
      await start('trigger', { 'workflow.deleted': async (e) => void seenByTrigger.push(e) });
      await start('execution', { 'workflow.deleted': async (e) => void seenByExecution.push(e) });
      const event = deleted();
      await bus.publisher.publish([event]);
      await until(() => seenByTrigger.length === 1 && seenByExecution.length === 1);
      expect(seenByTrigger[0]).toEqual(event);
      expect(seenByExecution[0].data).toEqual(event.data);
    });

    it('does not deliver an event to a consumer that is not routed its type', async () => {
      const seen: string[] = [];
      await start('workflow-catalog', { 'workflow.deleted': async (e) => void seen.push(e.id) });
      await start('trigger', {
        'workflow.deleted': async (e) => void seen.push(`trigger:${e.id}`),
      });
      const event = deleted();
      await bus.publisher.publish([event]);
      await until(() => seen.length === 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([`trigger:${event.id}`]);
    });

    it('redelivers when a handler throws, until it succeeds', async () => {
      let calls = 0;
      await start('trigger', {
        'workflow.deleted': async () => {
          calls += 1;
          if (calls < 3) throw new Error('temporary');
        },
      });
      await bus.publisher.publish([deleted()]);
      await until(() => calls === 3);
      expect(calls).toBe(3);
    });

    it('rejects a payload that fails its schema before any handler runs, and dead-letters it', async () => {
      const bad = { ...deleted(), data: { workflowId: 'not-a-uuid' } };
      await expect(bus.publisher.publish([bad as PlatformEvent])).rejects.toThrow(/workflowId/);
      let handled = 0;
      await start('trigger', { 'workflow.deleted': async () => void (handled += 1) });
      await bus.publishRaw('trigger', bad);
      const [letter] = await deadLettersOf('trigger', 1);
      expect(handled).toBe(0);
      expect(letter.error).toMatch(/workflowId/);
    });

    it('dead-letters an event whose handler keeps failing, and replays it on request', async () => {
      let fail = true;
      const handled: string[] = [];
      await start('trigger', {
        'workflow.deleted': async (e) => {
          if (fail) throw new Error('downstream is broken');
          handled.push(e.id);
        },
      });
      const event = deleted();
      await bus.publisher.publish([event]);
      const [letter] = await deadLettersOf('trigger', 1);
      expect(letter.event.id).toBe(event.id);
      // SQS cannot carry the handler's error into the DLQ; the local bus does.
      expect(letter.error.length).toBeGreaterThan(0);
      fail = false;
      expect(await bus.deadLetters.replay('trigger', letter.id)).toBe(true);
      await until(() => handled.length === 1);
      expect(handled).toEqual([event.id]);
      expect(await bus.deadLetters.list('trigger')).toEqual([]);
    });
  });
}
