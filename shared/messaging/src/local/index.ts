export * from './local-bus';
