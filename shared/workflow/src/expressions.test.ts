import { ExpressionError } from './errors';
import {
  evaluateExpression,
  parseExpressions,
  referencedSteps,
  resolveConfig,
  isBoundedConfig,
} from './expressions';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: ExpressionError) => e,
  );

const data = {
  trigger: { body: { name: 'Ada', age: 36, tags: ['a', 'b'] } },
  steps: {
    fetch_user: {
      status: 200,
      body: { email: 'ada@example.com', id: 7, active: true, profile: { city: 'London' } },
    },
  },
};

describe('resolveConfig', () => {
  it('gives a field that is exactly one expression its raw value, type preserved', async () => {
    const out = await resolveConfig(
      {
        id: '{{ steps.fetch_user.body.id }}',
        active: ' {{ steps.fetch_user.body.active }} ',
        profile: '{{ steps.fetch_user.body.profile }}',
        tags: '{{ trigger.body.tags }}',
        missing: '{{ trigger.nope }}',
        nothing: '{{ null }}',
      },
      data,
    );
    expect(out).toEqual({
      id: 7,
      active: true,
      profile: { city: 'London' },
      tags: ['a', 'b'],
      missing: undefined,
      nothing: null,
    });
  });

  it('interpolates expressions inside text, objects as JSON and missing values as empty', async () => {
    const out = await resolveConfig(
      {
        url: 'https://api.example.com/users/{{ steps.fetch_user.body.id }}?q={{ $uppercase(trigger.body.name) }}',
        note: 'profile={{ steps.fetch_user.body.profile }} age={{ trigger.body.age }}{{ trigger.nope }}!',
      },
      data,
    );
    expect(out.url).toBe('https://api.example.com/users/7?q=ADA');
    expect(out.note).toBe('profile={"city":"London"} age=36!');
  });

  it('walks nested objects and arrays and leaves other values and keys alone', async () => {
    const out = await resolveConfig(
      {
        body: { to: ['{{ steps.fetch_user.body.email }}', 'x@y.z'], count: 3, '{{ key }}': 'v' },
        flag: false,
      },
      data,
    );
    expect(out).toEqual({
      body: { to: ['ada@example.com', 'x@y.z'], count: 3, '{{ key }}': 'v' },
      flag: false,
    });
  });

  it('understands braces inside an expression', async () => {
    const out = await resolveConfig(
      { v: '{{ {"user": {"name": trigger.body.name}} }}', s: '{{ "}}" }}' },
      data,
    );
    expect(out).toEqual({ v: { user: { name: 'Ada' } }, s: '}}' });
  });

  it('parses JSON fields once the values are inserted, each value JSON-encoded', async () => {
    const out = await resolveConfig(
      {
        body: '{"total": {{ trigger.body.age }}, "who": "{{ trigger.body.name }} \\"{{ "a\\"b" }}\\"", "tags": {{ ["x"] }}, "none": {{ trigger.nope }} }',
        note: '{"total": {{ trigger.body.age }} }',
      },
      data,
      { jsonKeys: ['body'] },
    );
    expect(out).toEqual({
      body: { total: 36, who: 'Ada "a"b"', tags: ['x'], none: null },
      // not a JSON field: text
      note: '{"total": 36 }',
    });
  });

  it('keeps a single {{ }} typed and plain text as text in a JSON field', async () => {
    const out = await resolveConfig(
      {
        a: '{{ trigger.body.age }}',
        b: 'age {{ trigger.body.age }}',
        c: '{ not json',
        d: '[1, 2]',
      },
      data,
      { jsonKeys: ['a', 'b', 'c', 'd'] },
    );
    expect(out).toEqual({ a: 36, b: 'age 36', c: '{ not json', d: [1, 2] });
  });

  it('says so when JSON text with {{ }} does not parse once filled in', async () => {
    const err = await resolveConfig({ body: '{"a": {{ trigger.body.age }} ' }, data, {
      jsonKeys: ['body'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExpressionError);
    expect((err as ExpressionError).message).toMatch(
      /^body: is not valid JSON once the values are inserted/,
    );
  });

  it('names the expression and the field when evaluation fails', async () => {
    const err = await resolveConfig({ headers: { auth: 'Bearer {{ $nope(1) }}' } }, data).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.message).toContain('expression "$nope(1)" in headers.auth');
    expect(err.message).not.toContain('{{');
    expect(err.message).toContain('headers.auth');
    expect(err.path).toBe('headers.auth');
  });

  it('reports syntax errors and unterminated templates clearly', async () => {
    await expect(resolveConfig({ url: '{{ steps.a( }}' }, data)).rejects.toThrow(
      /^expression "steps\.a\(" in url: .*at character/,
    );
    await expect(resolveConfig({ url: 'https://x/{{ steps.a' }, data)).rejects.toThrow(
      'url: unterminated "{{" at character 10',
    );
  });
});

describe('evaluateExpression limits', () => {
  it('stops infinite recursion quickly with a timeout error', async () => {
    const started = Date.now();
    const err = await failure(
      evaluateExpression('($f := function($x){ $f($x) }; $f(1))', data, { timeoutMs: 200 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.message).toBe(
      'expression "($f := function($x){ $f($x) }; $f(1))": timed out after 200 ms',
    );
  });

  it('applies the time limit to every evaluation of the same expression', async () => {
    const source = '($f := function($x){ $f($x) }; $f(1))';
    for (let i = 0; i < 2; i += 1) {
      const started = Date.now();
      const err = await failure(evaluateExpression(source, data, { timeoutMs: 100 + i }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err.message).toBe(`expression "${source}": timed out after ${100 + i} ms`);
    }
    await expect(evaluateExpression('trigger.body.age + 1', data)).resolves.toBe(37);
    await expect(evaluateExpression('trigger.body.age + 1', data)).resolves.toBe(37);
  });

  it('stops deep non-tail recursion at the depth limit', async () => {
    const err = await failure(
      evaluateExpression('($f := function($x){ $x > 0 ? 1 + $f($x - 1) : 0 }; $f(100000))', data, {
        maxDepth: 500,
      }),
    );
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.message).toContain('maximum evaluation depth of 500');
  });

  it('refuses huge ranges', async () => {
    const started = Date.now();
    await expect(evaluateExpression('$count([1..100000000])', data)).rejects.toThrow(
      ExpressionError,
    );
    await expect(
      evaluateExpression('$count([1..5000000])', data, { maxSequence: 1000 }),
    ).rejects.toThrow(/sequence longer than 1000 items/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('returns plain data (sequences become arrays)', async () => {
    const out = await evaluateExpression('trigger.body.tags.$uppercase($)', data);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toEqual(['A', 'B']);
    expect(Object.keys(out as object)).toEqual(['0', '1']);
  });
});

describe('parseExpressions', () => {
  it('lists every expression with its field path', () => {
    const found = parseExpressions({
      url: 'https://x/{{ steps.a.id }}/{{ trigger.b }}',
      headers: { Authorization: 'Bearer {{ steps.auth.token }}' },
      body: { items: ['{{ steps.list.items }}'] },
      plain: 'no expression',
      n: 5,
    });
    expect(found.map(({ path, expression }) => ({ path, expression }))).toEqual([
      { path: 'url', expression: 'steps.a.id' },
      { path: 'url', expression: 'trigger.b' },
      { path: 'headers.Authorization', expression: 'steps.auth.token' },
      { path: 'body.items.0', expression: 'steps.list.items' },
    ]);
  });

  it('treats every field the same: text without {{ }} holds no expression', () => {
    const found = parseExpressions({ condition: '{{ steps.a.ok }}', expression: 'steps.b.x + 1' });
    expect(found.map((f) => [f.path, f.expression])).toEqual([['condition', 'steps.a.ok']]);
  });

  it('reports syntax errors on the entry instead of throwing', () => {
    const [bad] = parseExpressions({ url: '{{ foo( }}' });
    expect(bad.error).toBeInstanceOf(ExpressionError);
    expect(bad.error?.message).toContain('url');
  });
});

describe('referencedSteps', () => {
  it('finds steps.<id> paths anywhere in the expression', () => {
    expect(
      referencedSteps(
        '$count(steps.list.items) > 0 ? $$.steps.fetch_user.body : $.steps.`other`.x & trigger.steps.y',
      ),
    ).toEqual(['list', 'fetch_user', 'other']);
    expect(referencedSteps('($v := steps.a.b; $v.c)')).toEqual(['a']);
    expect(referencedSteps('trigger.items[steps.b.ok]')).toEqual(['b']);
    expect(referencedSteps('trigger.body')).toEqual([]);
  });

  it('throws on invalid syntax', () => {
    expect(() => referencedSteps('steps.a(')).toThrow(ExpressionError);
  });
});

describe('isBoundedConfig', () => {
  it('holds for configs of bounded expressions only, within a total size', () => {
    expect(isBoundedConfig({ a: '{{ steps.sum.total > 10 }}', b: 'n={{ trigger.n }}' })).toBe(true);
    expect(isBoundedConfig({ a: '{{ $uppercase(trigger.s) }}' })).toBe(false);
    expect(isBoundedConfig({ a: '{{ trigger.n +' })).toBe(false);
    // Each field is small, but together they are past the budget.
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`f${i}`, '{{ [$$, $$, $$, $$, $$, $$, $$, $$] }}']),
    );
    expect(isBoundedConfig({ f0: many.f0 })).toBe(true);
    expect(isBoundedConfig(many)).toBe(false);
  });
});
