import { isDependencyUnavailable } from './unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyUnavailable', () => {
  it.each([
    [
      'Postgres shutting down (57P01)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['Postgres starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pg losing its socket', new Error('Connection terminated unexpectedly')],
    ['pg-pool waiting for a connection', new Error('timeout exceeded when trying to connect')],
    ['ioredis with no connection', new Error('Connection is closed.')],
    [
      'ioredis giving up a command',
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    [
      'a wrapped cause',
      new Error('saving failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
    ],
    [
      'an AggregateError of connect attempts',
      Object.assign(
        new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]),
        {},
      ),
    ],
  ])('recognises %s', (_label, err) => {
    expect(isDependencyUnavailable(err)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['bad UTF-8', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')],
    ['not an error', 'Connection is closed.'],
  ])('does not take %s for an outage', (_label, err) => {
    expect(isDependencyUnavailable(err)).toBe(false);
  });
});
