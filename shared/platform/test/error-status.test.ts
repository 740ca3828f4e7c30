import {
  createHttpApp,
  createLogger,
  DomainError,
  finishHttpApp,
  RateLimitedError,
  startHttpServer,
  type RunningServer,
} from '../src';

class GoneError extends DomainError {
  readonly code = 'gone';
}
class MovedError extends DomainError {
  readonly code = 'moved';
  constructor(readonly to: string) {
    super(`moved to ${to}`, [{ path: 'id', message: 'moved' }]);
  }
}
class UnmappedError extends DomainError {
  readonly code = 'nobody_mapped_me';
}

describe('the error middleware with a service table', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    const app = createHttpApp({ logger });
    app.get('/gone', () => {
      throw new GoneError('it is gone');
    });
    app.get('/moved', () => {
      throw new MovedError('/elsewhere');
    });
    app.get('/limited', () => {
      throw new RateLimitedError('slow down', 7);
    });
    app.get('/unmapped', () => {
      throw new UnmappedError('no status for me');
    });
    finishHttpApp(app, {
      logger,
      errors: {
        gone: 410,
        moved: {
          status: 409,
          code: 'conflict',
          headers: (err) => ({ Location: (err as MovedError).to }),
        },
      },
    });
    server = await startHttpServer(app, { port: 0 });
  });
  afterAll(() => server.close());

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  it("answers a service's code with the status its table gives", async () => {
    const res = await get('/gone');
    expect(res.status).toBe(410);
    expect(res.body).toEqual({ error: { code: 'gone', message: 'it is gone' } });
  });

  it('shows the public code, the details and the headers the table derives', async () => {
    const res = await get('/moved');
    expect(res.status).toBe(409);
    expect(res.headers.get('location')).toBe('/elsewhere');
    expect(res.body).toEqual({
      error: {
        code: 'conflict',
        message: 'moved to /elsewhere',
        details: [{ path: 'id', message: 'moved' }],
      },
    });
  });

  it("keeps the platform's codes: rate_limited is 429 with Retry-After", async () => {
    const res = await get('/limited');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('answers a code no table knows as an unexpected error, without its message', async () => {
    const res = await get('/unmapped');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal', message: 'unexpected error' } });
  });
});
