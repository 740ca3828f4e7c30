import { readCookie } from './refresh-cookie';

describe('readCookie', () => {
  it('finds the named cookie among others, ignoring spaces', () => {
    expect(readCookie('a=1; fg_refresh=abc-DEF_123 ;b=2', 'fg_refresh')).toBe('abc-DEF_123');
  });

  it('does not match a cookie whose name merely ends with the wanted name', () => {
    expect(readCookie('xfg_refresh=nope', 'fg_refresh')).toBeUndefined();
  });

  it('decodes percent-encoding and quotes, and treats an empty value as absent', () => {
    expect(readCookie('fg_refresh="a%2Bb"', 'fg_refresh')).toBe('a+b');
    expect(readCookie('fg_refresh=', 'fg_refresh')).toBeUndefined();
    expect(readCookie(undefined, 'fg_refresh')).toBeUndefined();
  });
});
