export * from './eventbridge-publisher';
export * from './sqs-consumer';
export * from './sqs-dead-letters';
export * from './lambda-sqs-handler';
export * from './service-lambda';
export * from './sqs-message';
export * from './s3-payload-store';
