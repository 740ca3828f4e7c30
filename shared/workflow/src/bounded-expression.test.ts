import jsonata from 'jsonata';
import { isBoundedAst, isSmallData } from './bounded-expression';

describe('isBoundedAst', () => {
  it.each([
    'steps.sum.total > 10',
    '{ "total": trigger.body.a + trigger.body.b }',
    'trigger.items[0].name',
    'trigger.items[-1]',
    '$.a = $$.b',
    'a in [1, 2, "x"]',
    'a ? -b : (c % 2 != 0 and d <= 3 or null)',
    'execution.id',
    '"text"',
    '(a; b)',
    'true',
  ])('accepts %s', (source) => {
    expect(isBoundedAst(jsonata(source).ast())).toBe(true);
  });

  it.each([
    'a.(b)[$eval("true")]',
    'a.[1][$eval("0")]',
    'a.{"x": 1}[$eval("0")]',
    'a.(b ? 1 : 2)[$eval("0")]',
    '(a)[$length($pad("", 50000000)) > 0]',
    'a.$$.a.$$.a',
    'a.[$$]',
    'a.{"k": $$}',
    '$.($$)',
    'a.(b)',
    '[' + Array.from({ length: 60 }, () => '$$').join(', ') + ']',
    '$uppercase(a)',
    'a.$string()',
    'a & b',
    '[1..1000000]',
    'a[x > 1]',
    'a[i]',
    'a^(b)',
    'a.*',
    '**.a',
    'a#$i',
    'a@$x',
    'a.b{c: d}',
    '($x := 1; $x)',
    'function($n){ $n }',
    '$f',
    'a ~> $string',
    '/a+/',
  ])('refuses %s', (source) => {
    expect(isBoundedAst(jsonata(source).ast())).toBe(false);
  });
});

describe('isSmallData', () => {
  const limits = { maxNodes: 10, maxChars: 8 };
  it('counts every value and measures strings', () => {
    expect(isSmallData({ a: [1, 2, 3], b: { c: 'abcd' } }, limits)).toBe(true);
    expect(isSmallData({ a: 'abcd', b: 'efgh' }, limits)).toBe(false);
    expect(isSmallData({ a: Array.from({ length: 20 }, () => 1) }, limits)).toBe(false);
    expect(isSmallData({ a: [{ b: [{ c: [1, 2, 3, 4, 5, 6, 7] }] }] }, limits)).toBe(false);
    expect(isSmallData({ a: 'abcdefgh' }, limits)).toBe(false);
    expect(isSmallData(null, limits)).toBe(true);
  });
});
