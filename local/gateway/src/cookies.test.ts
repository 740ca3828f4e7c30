import { AUTH_ONLY_COOKIES, withoutCookies } from './cookies';

describe('withoutCookies', () => {
  it('drops the refresh cookie (new and old name) and keeps the others in order', () => {
    expect(
      withoutCookies(
        'theme=dark; __Host-fg_refresh=abc; fg_refresh=old;lang=en',
        AUTH_ONLY_COOKIES,
      ),
    ).toBe('theme=dark; lang=en');
  });

  it('leaves nothing when only the refresh cookie was sent, and keeps a cookie whose name merely contains it', () => {
    expect(withoutCookies('__Host-fg_refresh=abc', AUTH_ONLY_COOKIES)).toBeUndefined();
    expect(withoutCookies('x__Host-fg_refresh=1', AUTH_ONLY_COOKIES)).toBe('x__Host-fg_refresh=1');
    expect(withoutCookies(undefined, AUTH_ONLY_COOKIES)).toBeUndefined();
  });

  it('drops the OAuth browser-binding cookies (connections and Google sign-in) too', () => {
    expect(
      withoutCookies(
        'theme=dark; __Host-fg_oauth=bind; __Host-fg_google_state=handle',
        AUTH_ONLY_COOKIES,
      ),
    ).toBe('theme=dark');
  });
});
