import type { ConsumerName, EventType, PlatformEvent } from '@flowgenie/contracts';

/**
 * Publishes events to the bus (EventBridge in AWS, BullMQ fan-out locally). Services do not call
 * this from use cases: they append to their outbox, and the relay publishes.
 */
export interface EventPublisher {
  publish(events: PlatformEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Handlers by event type; the parameter is the exact typed envelope of that type. */
export type EventHandlers = { [T in EventType]?: (event: PlatformEvent<T>) => Promise<void> };

/**
 * Consumes one consumer's queue. A handler that throws gets the event again later (backoff); after
 * the last attempt the event goes to the consumer's dead-letter queue, never dropped. An event
 * that fails its schema goes straight to the dead-letter queue without reaching a handler.
 */
export interface EventConsumer {
  readonly consumer: ConsumerName;
  start(handlers: EventHandlers): Promise<void>;
  /** Stops taking new events and waits for the ones in progress. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  id: string;
  consumer: ConsumerName;
  event: PlatformEvent;
  error: string;
  attempts: number;
  failedAt: string;
}

/** What an operator needs to see and replay messages that kept failing. */
export interface DeadLetterStore {
  list(consumer: ConsumerName, opts?: { limit?: number }): Promise<DeadLetter[]>;
  /** Puts the message back on its consumer's queue and removes it from the dead letters. */
  replay(consumer: ConsumerName, id: string): Promise<boolean>;
  close(): Promise<void>;
}
