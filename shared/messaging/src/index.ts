export * from './ports';
export * from './envelope';
export * from './local/local-bus';
export * from './outbox/outbox';
