export * from './local-bus';
export * from './webhook-answers';
