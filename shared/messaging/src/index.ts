// The event-bus port and the envelope only: no adapter, so a use case that needs an event type
// loads neither the AWS SDK nor BullMQ, pg or express. Adapters live behind subpaths:
// `./local` (BullMQ), `./aws` (EventBridge, SQS, Lambda), `./outbox` (Postgres outbox and inbox),
// `./factory` (picks the adapters from configuration), `./testing` (the conformance suite).
export * from './ports';
export * from './envelope';
