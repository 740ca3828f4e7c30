import { resolveRoute } from './routes';

describe('resolveRoute', () => {
  it.each([
    ['/api/workflows/abc/runs', 'trigger', '/workflows/abc/runs'],
    ['/api/workflows', 'catalog', '/workflows'],
    ['/api/workflows/abc', 'catalog', '/workflows/abc'],
    ['/api/workflows/abc/publish', 'catalog', '/workflows/abc/publish'],
    ['/api/workflows/abc/versions/3', 'catalog', '/workflows/abc/versions/3'],
    ['/api/node-types', 'catalog', '/node-types'],
    ['/api/auth/signup', 'auth', '/auth/signup'],
    ['/.well-known/jwks.json', 'auth', '/.well-known/jwks.json'],
    ['/api/executions/e1/stream', 'execution', '/executions/e1/stream'],
    ['/hooks/h1', 'trigger', '/hooks/h1'],
    ['/api/connections', 'auth', '/connections'],
    ['/api/connections/oauth/callback', 'auth', '/connections/oauth/callback'],
    [
      '/api/connections/c1/options/slack.channels',
      'auth',
      '/connections/c1/options/slack.channels',
    ],
  ])('routes %s to %s as %s', (path, upstream, upstreamPath) => {
    expect(resolveRoute(path)).toEqual({
      kind: 'proxy',
      upstream,
      path: upstreamPath,
      hook: path.startsWith('/hooks'),
    });
  });

  it.each([
    '/internal/workflows/x/run-spec',
    '/internal/connections/c1/access',
    '/internal/connections/c1/report',
    '/internal/connections/check',
    '/internal/executions/latest',
    '/api/internal/connections/check',
    '/api/internal/connections/c1/access',
    '/api/connections/c1/access',
    '/api/internal/x',
    '/metrics',
    '/api/readyz',
    '/api/workflowsx',
    '/api/workflows/abc/runsx',
    '/api/workflows/a/b/c/d',
    '/hooks',
    '/hooks/a/b',
    '/.well-known/other',
  ])('does not route %s', (path) => {
    expect(resolveRoute(path)).toEqual({ kind: 'not_found' });
  });

  it.each([
    '/api/workflows/../../internal/x',
    '/hooks/%2e%2e/internal',
    '/api/workflows/a%2Fb',
    '/api/auth/..',
  ])('refuses the dot-segment or encoded path %s', (path) => {
    expect(resolveRoute(path)).toEqual({ kind: 'bad_path' });
  });

  it.each([
    '/',
    '/workflows/123',
    '/healthz',
    '/readyz',
    '/api/openapi.json',
    '/api/docs',
    '/api/docs/assets/x.js',
  ])('answers %s in the gateway', (path) => {
    expect(resolveRoute(path)).toEqual({ kind: 'local' });
  });
});
