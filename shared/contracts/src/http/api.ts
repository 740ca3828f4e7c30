/** Public HTTP API schemas (the gateway generates its OpenAPI document from them). */
export * from './api-auth';
export * from './api-workflows';
export * from './api-executions';
export * from './api-connections';
export * from './api-google-sign-in';
export * from './api-triggers';
