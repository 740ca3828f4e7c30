export * from './providers';
export * from './connection-access';
export * from './service-token';
