export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Why a new password is not acceptable, or null when it is. Lengths count characters (code points),
 * so an emoji counts once. The upper bound keeps hashing cost bounded.
 *
 * @example
 * passwordProblem('short') // 'must be at least 10 characters'
 */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim().length === 0) return 'must not be only whitespace';
  return null;
}
