/**
 * A wait in words for a 429 message: seconds under a minute, else whole minutes rounded up.
 *
 * @example
 * waitInWords(90) // '2 minutes'
 */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
