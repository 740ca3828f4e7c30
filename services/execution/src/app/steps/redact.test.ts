import { REDACTED, redactInput } from './redact';

describe('redactInput', () => {
  it('hides fields marked secret and credential-like values, keeps the rest', () => {
    const schema = {
      properties: { hmacSecret: { type: 'string', 'x-secret': true }, url: { type: 'string' } },
    };
    const input = redactInput(
      {
        hmacSecret: 'shh-very-secret',
        url: 'https://api.example.com',
        headers: { Authorization: 'Bearer abc', Accept: 'application/json', 'X-Api-Key': 'k' },
        body: { password: 'p', name: 'Ada', nested: [{ token: 't' }] },
      },
      schema,
    );
    expect(input).toEqual({
      hmacSecret: REDACTED,
      url: 'https://api.example.com',
      headers: { Authorization: REDACTED, Accept: 'application/json', 'X-Api-Key': REDACTED },
      body: { password: REDACTED, name: 'Ada', nested: [{ token: REDACTED }] },
    });
  });
});
