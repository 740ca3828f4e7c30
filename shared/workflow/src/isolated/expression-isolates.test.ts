import { ExpressionError } from '../errors';
import { ExpressionIsolates } from './expression-isolates';

const data = { trigger: { a: 7, b: 5 }, steps: { sum: { total: 12 } } };
// Each of these runs far past its limit (or blocks the thread for good) when evaluated inline.
const hostile: Array<[string, string]> = [
  ['catastrophic regex', '$match($pad("",40,"a") & "!", /(a|a)*$/)'],
  ['distinct over a million', '$count($distinct([1..1000000]))'],
  ['a 100-million-character string', '$length($pad("",100000000,"x"))'],
  ['nested regex backtracking', '$contains($pad("",30,"a") & "b", /^(a+)+$/)'],
  ['sort of a big range', '$count($sort([1..2000000], function($l,$r){$l<$r}))'],
  ['string of a huge array', '$length($string([1..5000000]))'],
  ['runaway recursion', '($f := function($n){ $n + $f($n+1) }; $f(0))'],
];

describe('ExpressionIsolates', () => {
  let isolates: ExpressionIsolates;
  beforeAll(() => {
    isolates = new ExpressionIsolates({ size: 2, graceMs: 200 });
    isolates.warm();
  });
  afterAll(() => isolates.close());

  it.each([
    ['in an isolate', false as const],
    ['in the calling thread (bounded subset)', undefined],
  ])('evaluates expressions and resolves configs like the inline engine, %s', async (_, inline) => {
    const pool = new ExpressionIsolates({ size: 1, inlineBounded: inline });
    try {
      await expect(pool.evaluate('trigger.a + trigger.b', data)).resolves.toBe(12);
      await expect(
        pool.resolveConfig(
          {
            url: 'https://x/{{ steps.sum.total }}',
            n: '{{ trigger.a }}',
            o: '{{ {"t": trigger.a > 5} }}',
          },
          data,
        ),
      ).resolves.toEqual({ url: 'https://x/12', n: 7, o: { t: true } });
      await expect(pool.evaluate('trigger.a +', data, { path: 'x' })).rejects.toThrow(
        /expression "trigger.a \+" in x/,
      );
      await expect(pool.evaluate('trigger.a + "s"', data)).rejects.toThrow(ExpressionError);
    } finally {
      await pool.close();
    }
  });

  describe('the bounded subset over a small input', () => {
    let one: ExpressionIsolates;
    let stuck: Promise<unknown>;
    beforeEach(() => {
      one = new ExpressionIsolates({
        size: 1,
        inlineBounded: { maxNodes: 50, maxChars: 100 },
      });
      stuck = one
        .evaluate('$match($pad("",40,"a") & "!", /(a|a)*$/)', data, { timeoutMs: 800 })
        .catch((e: unknown) => e);
    });
    afterEach(async () => {
      await stuck;
      await one.close();
    });
    const settlesWithin = (p: Promise<unknown>, ms: number) =>
      Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

    it('is answered in the calling thread while the only isolate is stuck', async () => {
      await expect(settlesWithin(one.evaluate('steps.sum.total > 10', data), 300)).resolves.toBe(
        true,
      );
      await expect(
        settlesWithin(one.resolveConfig({ condition: '{{ steps.sum.total > 10 }}' }, data), 300),
      ).resolves.toBe(true);
    });

    it('leaves function calls, text building and large inputs to the isolate', async () => {
      const big = { trigger: { items: Array.from({ length: 100 }, (_, i) => i) }, steps: {} };
      const long = { trigger: { s: 'x'.repeat(101) }, steps: {} };
      const waiting = [
        one.evaluate('$uppercase("a")', data),
        one.resolveConfig({ s: 'n={{ trigger.a & "!" }}' }, data),
        one.evaluate('trigger.items[0]', big),
        one.evaluate('trigger.s', long),
      ];
      for (const p of waiting) await expect(settlesWithin(p, 200)).resolves.toBe(false);
      await expect(Promise.all(waiting)).resolves.toEqual(['A', { s: 'n=7!' }, 0, 'x'.repeat(101)]);
    });
  });

  it.each(hostile)(
    'stops %s at its limit with a clear error, and keeps serving',
    async (_name, expression) => {
      const started = Date.now();
      const failure = await isolates
        .evaluate(expression, data, { timeoutMs: 500, path: 'expression' })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      const elapsed = Date.now() - started;
      expect(failure).toBeInstanceOf(ExpressionError);
      expect((failure as ExpressionError).message).toMatch(
        /expression|limit|memory|depth|sequence/i,
      );
      // 500 ms limit + 200 ms grace + a fresh isolate's start, with room for a loaded CI machine.
      expect(elapsed).toBeLessThan(4_000);
      await expect(isolates.evaluate('trigger.a * 2', data)).resolves.toBe(14);
    },
  );

  it('keeps the main thread free while an isolate is stuck', async () => {
    const stuck = isolates
      .evaluate('$match($pad("",40,"a") & "!", /(a|a)*$/)', data, { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 20);
    const other = await isolates.evaluate('steps.sum.total', data);
    await stuck;
    clearInterval(timer);
    expect(other).toBe(12);
    expect(ticks).toBeGreaterThan(10);
  });

  it('resolves a config without templates at once, even while every isolate is stuck', async () => {
    const one = new ExpressionIsolates({ size: 1 });
    try {
      const stuck = one
        .evaluate('$match($pad("",40,"a") & "!", /(a|a)*$/)', data, { timeoutMs: 1000 })
        .catch((e: unknown) => e);
      const config = { url: 'https://x/plain', headers: { a: 'b' }, body: 'plain text' };
      const started = Date.now();
      await expect(one.resolveConfig(config, data, { jsonKeys: ['body'] })).resolves.toEqual(
        config,
      );
      expect(Date.now() - started).toBeLessThan(500);
      await stuck;
    } finally {
      await one.close();
    }
  });

  it('refuses results larger than the limit', async () => {
    const small = new ExpressionIsolates({ size: 1, maxResultChars: 1000 });
    try {
      await expect(small.evaluate('$pad("", 5000, "x")', data)).rejects.toThrow(
        /more than the 1000 allowed/,
      );
    } finally {
      await small.close();
    }
  });
});
