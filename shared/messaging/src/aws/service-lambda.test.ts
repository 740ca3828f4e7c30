import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger } from '@flowgenie/platform';
import { createServiceLambda, type HttpApiEvent } from './service-lambda';

const logger = createLogger({ service: 'test', level: 'silent' });

const apiEvent = (rawPath: string): HttpApiEvent => ({
  version: '2.0',
  rawPath,
  rawQueryString: '',
  headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
  requestContext: { requestId: 'req-1', http: { method: 'GET', sourceIp: '203.0.113.1' } },
});

/** An app that answers with the path it saw and sets one cookie; records what the Lambda did to the service. */
function fakeService(opts: { failRelayStart?: boolean } = {}) {
  const calls: string[] = [];
  const app = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('set-cookie', 'sid=1; HttpOnly');
    res.setHeader('content-type', 'text/plain');
    res.end(req.url);
  };
  const relay = {
    start: async () => {
      calls.push('relay.start');
      if (opts.failRelayStart) throw new Error('relay down');
    },
    drain: async () => {
      calls.push('relay.drain');
      return 0;
    },
    stop: async () => void calls.push('relay.stop'),
  };
  const eventHandlers = { 'workflow.deleted': async () => void calls.push('handled') };
  return {
    calls,
    service: { app, relay, eventHandlers, stop: async () => void calls.push('service.stop') },
  };
}

describe('a service as one Lambda', () => {
  it('serves HTTP API requests without the /api prefix, returns Set-Cookie in cookies and drains the outbox', async () => {
    const { calls, service } = fakeService();
    const handler = createServiceLambda({ compose: async () => ({ service, logger }) });

    const result = await handler(apiEvent('/api/workflows/w1'));

    expect(result).toMatchObject({
      statusCode: 200,
      body: '/workflows/w1',
      cookies: ['sid=1; HttpOnly'],
    });
    expect(result.headers['set-cookie']).toBeUndefined();
    expect(calls).toEqual(['relay.start', 'relay.drain']);
    await handler.close();
    expect(calls.slice(-2)).toEqual(['relay.stop', 'service.stop']);
  });

  it('hands SQS records to the event handlers and reports the unreadable ones as failed', async () => {
    const { calls, service } = fakeService();
    const handler = createServiceLambda({ compose: async () => ({ service, logger }) });

    const result = await handler({ Records: [{ messageId: 'm1', body: 'not json' }] });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(calls).toEqual(['relay.start', 'relay.drain']);
    await handler.close();
  });

  it('composes once per cold start and composes again after a failed boot', async () => {
    const broken = fakeService({ failRelayStart: true });
    const working = fakeService();
    const compose = jest
      .fn()
      .mockResolvedValueOnce({ service: broken.service, logger })
      .mockResolvedValue({ service: working.service, logger });
    const started: string[] = [];
    const handler = createServiceLambda({ compose, start: async () => void started.push('extra') });

    await expect(handler(apiEvent('/hooks/a'))).rejects.toThrow('relay down');
    expect(broken.calls).toEqual(['relay.start', 'service.stop']);

    expect((await handler(apiEvent('/hooks/a'))).body).toBe('/hooks/a');
    expect((await handler(apiEvent('/hooks/b'))).body).toBe('/hooks/b');
    expect(compose).toHaveBeenCalledTimes(2);
    expect(started).toEqual(['extra', 'extra']);
    await handler.close();
  });
});
