export * from './config';
export * from './gateway';
export * from './routes';
export * from './openapi';
