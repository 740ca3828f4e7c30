export * from './providers';
export * from './connection-access';
export * from './connection-check';
export * from './service-token';
export * from './gmail-body';
