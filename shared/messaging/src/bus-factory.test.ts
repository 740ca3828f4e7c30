import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger, createRedis } from '@flowgenie/platform';
import { EventBridgePublisher } from './aws/eventbridge-publisher';
import { SqsEventConsumer } from './aws/sqs-consumer';
import { createEventConsumer, createEventPublisher } from './bus-factory';
import { LocalEventConsumer, LocalEventPublisher } from './local/local-bus';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Nothing here connects: the Redis client is lazy and the AWS clients send nothing.
const redis = createRedis('redis://127.0.0.1:6379', { lazyConnect: true });
const deps = { redis, logger: createLogger({ service: 'test', level: 'silent' }) };
afterAll(() => redis.disconnect());

describe('event bus adapters chosen by configuration', () => {
  it('uses the BullMQ adapters with EVENT_BUS=local', () => {
    const config = { EVENT_BUS: 'local', REDIS_PREFIX: 'fg' } as const;
    expect(createEventPublisher(config, deps)).toBeInstanceOf(LocalEventPublisher);
    const consumer = createEventConsumer('trigger', config, deps);
    expect(consumer).toBeInstanceOf(LocalEventConsumer);
    expect(consumer.consumer).toBe('trigger');
  });

  it('uses EventBridge and the SQS queue with EVENT_BUS=aws', async () => {
    const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
    const sqs = new SQSClient({ region: 'eu-west-1' });
    const config = {
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: 'flowgenie-dev',
      EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/flowgenie-dev-trigger',
      REDIS_PREFIX: 'fg',
    } as const;
    expect(createEventPublisher(config, { ...deps, eventBridge })).toBeInstanceOf(
      EventBridgePublisher,
    );
    const consumer = createEventConsumer('trigger', config, { ...deps, sqs });
    expect(consumer).toBeInstanceOf(SqsEventConsumer);
    expect(consumer.consumer).toBe('trigger');
    eventBridge.destroy();
    sqs.destroy();
  });

  it('takes the queue URL under the name cdk-constructs gives it (QUEUE_URL) and closes the client it made', async () => {
    const config = {
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: 'b',
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
      REDIS_PREFIX: 'fg',
    } as const;
    const destroy = jest.spyOn(SQSClient.prototype, 'destroy');
    const consumer = createEventConsumer('workflow-catalog', config, deps);
    await consumer.stop();
    expect(destroy).toHaveBeenCalledTimes(1);
    destroy.mockRestore();
  });

  it('names the missing variable when EVENT_BUS=aws lacks the bus or the queue', () => {
    expect(() => createEventPublisher({ EVENT_BUS: 'aws', REDIS_PREFIX: 'fg' }, deps)).toThrow(
      /EVENT_BUS_NAME/,
    );
    expect(() =>
      createEventConsumer(
        'trigger',
        { EVENT_BUS: 'aws', EVENT_BUS_NAME: 'b', REDIS_PREFIX: 'fg' },
        deps,
      ),
    ).toThrow(/EVENTS_QUEUE_URL .*consumer trigger/);
  });
});
