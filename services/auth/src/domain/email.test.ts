import { normaliseEmail } from './email';

describe('normaliseEmail', () => {
  it('trims and lower-cases so differently typed addresses name one account', () => {
    expect(normaliseEmail('  Ann.Lee@Example.COM\t')).toBe('ann.lee@example.com');
  });
});
