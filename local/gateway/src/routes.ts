import { matchRoutes, type ServiceName } from '@flowgenie/contracts';

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

const UPSTREAM_OF: Record<ServiceName, UpstreamName> = {
  auth: 'auth',
  'workflow-catalog': 'catalog',
  trigger: 'trigger',
  execution: 'execution',
};

/** Paths the gateway answers itself under `/api`. */
const LOCAL_API = [/^\/api\/openapi\.json$/, segment('/api/docs')];

/**
 * Namespaces that hold only routes of the catalog: anything else under them is not routed
 * (unknown API paths, and the services' `/internal/*`, `/metrics` and `/readyz`).
 */
const NOT_ROUTED = ['/api', '/internal', '/metrics', '/.well-known', '/hooks'].map(segment);

/**
 * Decides where a request path (without the query string) goes, from the route catalog of
 * `@flowgenie/contracts` (the same list the OpenAPI document, the CDK routes and the services
 * are checked against). `/api` is stripped; `/hooks` and the JWKS keep their paths.
 *
 * @example
 * resolveRoute('/api/workflows/1/runs'); // { kind: 'proxy', upstream: 'trigger', path: '/workflows/1/runs', hook: false }
 */
export function resolveRoute(pathname: string): RouteDecision {
  if (UNSAFE_PATH.test(pathname)) return { kind: 'bad_path' };
  const [route] = matchRoutes(pathname);
  if (route) {
    return {
      kind: 'proxy',
      upstream: UPSTREAM_OF[route.service],
      path: pathname.startsWith('/api/') ? pathname.slice('/api'.length) : pathname,
      hook: route.tag === 'hooks',
    };
  }
  if (LOCAL_API.some((r) => r.test(pathname))) return { kind: 'local' };
  if (NOT_ROUTED.some((r) => r.test(pathname))) return { kind: 'not_found' };
  return { kind: 'local' };
}
