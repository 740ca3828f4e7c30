// The event-bus port, the envelope and the payload claim check only: no adapter, so a use case that needs an event type
// loads neither the AWS SDK nor BullMQ, pg or express. Adapters live behind subpaths:
// `./local` (BullMQ), `./aws` (EventBridge, SQS, Lambda, S3 payloads), `./outbox` (Postgres outbox,
// inbox and payload store),
// `./factory` (picks the adapters from configuration), `./testing` (the conformance suite).
export * from './ports';
export * from './envelope';
export * from './payload-store';
