import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts passwords from the minimum to the maximum length', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH))).toBeNull();
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH))).toBeNull();
  });

  it('rejects a password one character too short or too long', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1))).toBe(
      'must be at least 10 characters',
    );
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH + 1))).toBe(
      'must be at most 200 characters',
    );
  });

  it('counts an emoji as one character', () => {
    expect(passwordProblem('🔑'.repeat(PASSWORD_MIN_LENGTH))).toBeNull();
    expect(passwordProblem('🔑'.repeat(PASSWORD_MIN_LENGTH - 1))).not.toBeNull();
  });

  it('rejects a password of only whitespace', () => {
    expect(passwordProblem(' '.repeat(12))).toBe('must not be only whitespace');
  });
});
