import pg from 'pg';

/** 10,000 levels: deeper than any request body needs, deep enough to overflow a recursive walker. */
const DEEP = 10_000;
const PLACEHOLDER = '"__deep_placeholder__"';

/**
 * Request bodies no service may store, each derived from a valid body of the route under test:
 * a NUL and a lone surrogate in `field` and in a key, and `field` nested 10,000 levels deep.
 * Returned as JSON text (JSON.stringify keeps `\u0000` and `\ud800` as escapes).
 *
 * @example
 * for (const { label, text } of unstorableBodies({ name: 'ok' })) await post('/things', text);
 */
export function unstorableBodies(
  valid: Record<string, unknown>,
  field = 'name',
): { label: string; text: string }[] {
  const withField = (value: unknown) => JSON.stringify({ ...valid, [field]: value });
  return [
    { label: `a NUL in ${field}`, text: withField('before\u0000after') },
    { label: `a lone surrogate in ${field}`, text: withField('before\ud800after') },
    { label: 'a NUL in a key', text: JSON.stringify({ ...valid, 'key\u0000': 'x' }) },
    { label: 'a lone surrogate in a key', text: JSON.stringify({ ...valid, 'key\udc00': 'x' }) },
    {
      label: `${field} nested ${DEEP} levels deep`,
      text: withField('__deep_placeholder__').replace(
        PLACEHOLDER,
        `${'['.repeat(DEEP)}1${']'.repeat(DEEP)}`,
      ),
    },
  ];
}

/** Rows in every table of `schema`, to show a refused request stored nothing. */
export async function countRows(
  databaseUrl: string,
  schema: string,
): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by table_name`,
      [schema],
    );
    const counts: Record<string, number> = {};
    if (tables.rows.length === 0) return counts;
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const counted = await client.query<{ t: string; n: number }>(
      tables.rows
        .map(
          ({ table_name: t }) =>
            `select '${t.replace(/'/g, "''")}' as t, count(*)::int as n from ${quote(schema)}.${quote(t)}`,
        )
        .join(' union all '),
    );
    for (const row of counted.rows) counts[row.t] = row.n;
    return counts;
  } finally {
    await client.end();
  }
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/**
 * Every route an Express 5 app serves, as `METHOD /path` (mount paths included; `ALL` for
 * `router.all`), so a test can check that its table of routes is complete.
 */
export function listRoutes(app: unknown): string[] {
  const routes: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on)
            routes.push(
              `${method === '_all' ? 'ALL' : method.toUpperCase()} ${prefix}${layer.route.path}`,
            );
        }
      } else if (layer.handle?.stack) {
        const mount =
          typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as { router: { stack: RouterLayer[] } }).router.stack, '');
  return routes;
}

/** The routes of `listRoutes` that take a request body (POST, PUT, PATCH, ALL). */
export function routesWithBody(app: unknown): string[] {
  return listRoutes(app)
    .filter((r) => /^(POST|PUT|PATCH|ALL) /.test(r))
    .sort();
}

/**
 * The answer every service gives a body it could not store (a NUL, a lone surrogate, nesting too
 * deep): 400 `validation_failed`, located under `body`, saying which of the three it was.
 */
export function expectUnstorableRefused(status: number, body: unknown): void {
  expect(status).toBe(400);
  const { error } = body as { error: { message: string } };
  expect(error).toMatchObject({
    code: 'validation_failed',
    details: [{ path: expect.stringMatching(/^body/) }],
  });
  expect(error.message).toMatch(/^(a key of )?body\b.*(NUL|surrogate|nested more than 64 levels)/);
}
