export * from './events/define';
export * from './events/catalog';
export * from './events/routing';
export * from './workflow-graph';
export * from './http/errors';
export * from './webhook-response';
export * from './http/api';
export * from './http/routes';
