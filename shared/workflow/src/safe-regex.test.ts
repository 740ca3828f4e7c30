import { unsafeRegexReason } from './safe-regex';
import { evaluateExpression } from './expressions';

describe('regular expressions in expressions', () => {
  it.each(['^(a+)+$', '(a*)*', '(\\w+\\s?)*$', '((ab)+c)+', '(x+){2,}', '(?:[a-z]+)*'])(
    'refuses nested quantifiers: %s',
    (p) => {
      expect(unsafeRegexReason(p)).toBeDefined();
    },
  );

  it.each([
    '^[a-z]+@[a-z]+\\.com$',
    '(foo|bar)+',
    '(ab)?c*',
    '\\(a+\\)+',
    '[(a+)]+',
    '(a{1})+',
    '^\\d{3}-\\d{4}$',
  ])('accepts ordinary patterns: %s', (p) => {
    expect(unsafeRegexReason(p)).toBeUndefined();
  });

  it('fails fast on a catastrophic pattern instead of blocking the process', async () => {
    const started = Date.now();
    await expect(
      evaluateExpression('$contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)', {
        trigger: {},
        steps: {},
      }),
    ).rejects.toThrow('regular expression /^(a+)+$/ is not allowed');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('still evaluates safe regular expressions', async () => {
    const data = { trigger: { email: 'ada@example.com' }, steps: {} };
    await expect(
      evaluateExpression('$contains(trigger.email, /^[a-z]+@example\\.com$/)', data),
    ).resolves.toBe(true);
    await expect(evaluateExpression('$replace(trigger.email, /@.*/, "")', data)).resolves.toBe(
      'ada',
    );
    await expect(
      evaluateExpression('$match(trigger.email, /[a-z]+/).match', data),
    ).resolves.toEqual(['ada', 'example', 'com']);
  });
});
