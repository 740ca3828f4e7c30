import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { httpRoutes } from './routes';

/**
 * Every request schema in the catalog is the one its service's router parses with: each route with
 * a `body` or `query` is looked up with `catalogSchema(method, path, part, schema)` in its
 * service's source (which throws at load when the schema is not the entry's), and loading those
 * modules succeeds.
 */
const root = join(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

const CALL = /catalogSchema\(\s*'(get|post|put|delete)',\s*'([^']+)',\s*'(body|query)'/g;

function lookups(): { service: string; key: string; file: string }[] {
  const servicesDir = join(root, 'services');
  return readdirSync(servicesDir).flatMap((service) =>
    sources(join(servicesDir, service, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(CALL)].map((m) => ({
        service,
        key: `${m[1]} ${m[2]} ${m[3]}`,
        file,
      })),
    ),
  );
}

describe('routers parse with the catalog’s request schemas', () => {
  const found = lookups();

  it('every body and query in httpRoutes is looked up by the router of its service', () => {
    const expected = httpRoutes.flatMap((r) =>
      (['body', 'query'] as const)
        // The OAuth callback answers with redirects, not 400s: its query is documentation only.
        .filter((part) => r[part] && !(part === 'query' && r.path.endsWith('/oauth/callback')))
        .map((part) => `${r.service} ${r.method} ${r.path} ${part}`),
    );
    const have = new Set(found.map((f) => `${f.service} ${f.key}`));
    expect(expected.filter((k) => !have.has(k))).toEqual([]);
  });

  it('loading the routers’ schema modules checks each schema is its entry’s', async () => {
    const files = [...new Set(found.map((f) => f.file))];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await expect(import(file)).resolves.toBeDefined();
    expect(files.map((f) => relative(root, f)).sort()).toContain(
      'services/workflow-catalog/src/adapters/http/schemas.ts',
    );
  });
});
