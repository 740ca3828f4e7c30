export * from './providers';
export * from './connection-access';
