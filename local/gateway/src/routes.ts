/** The upstream services the gateway routes to. */
export type UpstreamName = 'auth' | 'catalog' | 'trigger' | 'execution';

export type RouteDecision =
  | { kind: 'proxy'; upstream: UpstreamName; path: string; hook: boolean }
  /** Answered by the gateway itself (health, OpenAPI, docs, the SPA). */
  | { kind: 'local' }
  /** Looks like an API path but nothing public lives there (e.g. `/api/internal/...`). */
  | { kind: 'not_found' }
  /** Dot segments or encoded separators: refused so no upstream sees a path the table did not match. */
  | { kind: 'bad_path' };

const UNSAFE_PATH = /%2e|%2f|%5c|\\|\/\.\.?(\/|$)/i;
const segment = (prefix: string) => new RegExp(`^${prefix}(?=/|$)`);

/**
 * The routing table of docs/API.md, most specific first. `/api` is stripped; `/hooks` and the
 * JWKS keep their paths. `/internal/*`, `/metrics` and `/readyz` of the services are never routed.
 */
const TABLE: { match: RegExp; upstream: UpstreamName; strip: boolean; hook?: boolean }[] = [
  { match: /^\/api\/workflows\/[^/]+\/runs(?=\/|$)/, upstream: 'trigger', strip: true },
  { match: segment('/api/auth'), upstream: 'auth', strip: true },
  { match: /^\/\.well-known\/jwks\.json$/, upstream: 'auth', strip: false },
  { match: segment('/api/workflows'), upstream: 'catalog', strip: true },
  { match: segment('/api/node-types'), upstream: 'catalog', strip: true },
  { match: segment('/api/executions'), upstream: 'execution', strip: true },
  { match: segment('/hooks'), upstream: 'trigger', strip: false, hook: true },
];

/** Never served: unknown API paths and the services' internal endpoints. */
const NOT_ROUTED = ['/api', '/internal', '/metrics', '/.well-known'].map(segment);

/** Paths the gateway answers itself under `/api`. */
const LOCAL_API = [/^\/api\/openapi\.json$/, segment('/api/docs')];

/**
 * Decides where a request path (without the query string) goes.
 *
 * @example
 * resolveRoute('/api/workflows/1/runs'); // { kind: 'proxy', upstream: 'trigger', path: '/workflows/1/runs', hook: false }
 */
export function resolveRoute(pathname: string): RouteDecision {
  if (UNSAFE_PATH.test(pathname)) return { kind: 'bad_path' };
  for (const route of TABLE) {
    if (route.match.test(pathname)) {
      return {
        kind: 'proxy',
        upstream: route.upstream,
        path: route.strip ? pathname.slice('/api'.length) : pathname,
        hook: route.hook ?? false,
      };
    }
  }
  if (LOCAL_API.some((r) => r.test(pathname))) return { kind: 'local' };
  if (NOT_ROUTED.some((r) => r.test(pathname))) {
    return { kind: 'not_found' };
  }
  return { kind: 'local' };
}
