import { findUnstorableJson, MAX_JSON_DEPTH } from './json-guard';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

describe('findUnstorableJson', () => {
  it.each([
    ['a NUL in a value', { name: 'a\u0000b' }, 'body.name', /NUL/],
    [
      'a lone high surrogate',
      { nodes: [{ label: 'x\ud800' }] },
      'body.nodes.0.label',
      /unpaired UTF-16 surrogate/,
    ],
    ['a lone low surrogate', ['\udc00'], 'body.0', /unpaired UTF-16 surrogate/],
    [
      'a high surrogate followed by a second high one',
      { s: '\ud800\ud800\udc00' },
      'body.s',
      /surrogate/,
    ],
    [
      'a NUL in a key',
      { config: { 'k\u0000': 1 } },
      'body.config',
      /a key of body.config contains a NUL/,
    ],
  ])('locates %s', (_label, value, path, message) => {
    const problem = findUnstorableJson(value, 'body');
    expect(problem).toMatchObject({ path, code: 'unstorable_string' });
    expect(problem?.message).toMatch(message);
  });

  it('accepts ordinary text, emoji (a valid surrogate pair) and scalars', () => {
    expect(
      findUnstorableJson(
        { name: 'Grüße 👋 — ok', n: 1, b: true, z: null, list: ['a', { deep: 'b' }] },
        'body',
      ),
    ).toBeUndefined();
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH), 'body')).toBeUndefined();
    expect(findUnstorableJson(nested(MAX_JSON_DEPTH + 1), 'body')).toMatchObject({
      code: 'too_deep',
      message: expect.stringMatching(/nested more than 64 levels/),
    });
  });

  it('inspects 100,000 levels without overflowing the stack', () => {
    expect(
      findUnstorableJson(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), 'body')?.code,
    ).toBe('too_deep');
  });
});
