/**
 * Cookies only the auth service reads. The refresh cookie is `Path=/` (its `__Host-` prefix
 * requires it), so browsers send it with every request to the origin: the gateway keeps it from
 * every other service, where a log line or a webhook payload could otherwise capture it.
 */
export const AUTH_ONLY_COOKIES: readonly string[] = [
  '__Host-fg_refresh',
  'fg_refresh',
  // Binds a Google sign-in to its browser (services/auth, google/redis-oauth-state-store.ts).
  '__Host-fg_google_state',
  // Binds a connection's OAuth dance to its browser (services/auth, connection.routes.ts).
  '__Host-fg_oauth',
];

/**
 * A `Cookie` header without the named cookies; undefined when nothing is left.
 *
 * @example
 * withoutCookies('theme=dark; __Host-fg_refresh=abc', AUTH_ONLY_COOKIES) // 'theme=dark'
 */
export function withoutCookies(
  header: string | undefined,
  names: readonly string[],
): string | undefined {
  if (!header || names.length === 0) return header;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter(
      (pair) =>
        pair !== '' && !names.includes(pair.slice(0, Math.max(0, pair.indexOf('='))).trim()),
    );
  return kept.length > 0 ? kept.join('; ') : undefined;
}
