import { createHash, randomBytes } from 'node:crypto';

/** Refresh tokens and API keys carry 256 random bits. */
const TOKEN_BYTES = 32;
export const API_KEY_PREFIX = 'fgk_';
/** `fgk_` plus 8 characters of the random part: enough to tell keys apart, useless for guessing. */
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

/** Opaque secrets are stored only as this digest; a stolen table gives no usable token. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new refresh token: 32 random bytes, base64url (43 characters). */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * A new API key `fgk_<43 base64url chars>`, with the visible prefix stored beside its hash.
 *
 * @example
 * const { key, prefix } = newApiKey(); // key shown once; store hashOpaqueToken(key) and prefix
 */
export function newApiKey(): { key: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, VISIBLE_PREFIX_LENGTH) };
}

/** Cheap shape check before any lookup. */
export function looksLikeApiKey(value: string): boolean {
  return /^fgk_[A-Za-z0-9_-]{43}$/.test(value);
}
