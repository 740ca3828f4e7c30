import type { LookupAddress } from 'node:dns';
import { PermanentStepError } from './errors';
import { guardedLookup } from './safe-http';

/** A resolver answering from a fixed table, like a DNS server under an attacker's control. */
const fakeDns = (answers: LookupAddress[]) =>
  ((_host: string, _opts: unknown, cb: (err: null, addresses: LookupAddress[]) => void) =>
    cb(null, answers)) as never;

function lookup(policy: object, answers: LookupAddress[], all: boolean) {
  return new Promise<{ err: unknown; result: unknown; family?: number }>((resolve) =>
    guardedLookup(policy, fakeDns(answers))('api.example.com', { all }, (err, result, family) =>
      resolve({ err, result, family }),
    ),
  );
}

describe('guardedLookup', () => {
  it('passes public answers through in the shape net.connect asked for', async () => {
    const answers = [{ address: '93.184.216.34', family: 4 }];
    expect(await lookup({}, answers, false)).toEqual({
      err: null,
      result: '93.184.216.34',
      family: 4,
    });
    expect(await lookup({}, answers, true)).toMatchObject({ err: null, result: answers });
  });

  it('refuses the host when any answer is private (a rebinding name)', async () => {
    const { err } = await lookup(
      {},
      [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
      true,
    );
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err).toMatchObject({
      code: 'ssrf_refused',
      details: { address: '169.254.169.254', addressClass: 'metadata' },
    });
  });

  it('refuses IPv4-mapped loopback answers', async () => {
    const { err } = await lookup({}, [{ address: '::ffff:127.0.0.1', family: 6 }], false);
    expect(err).toMatchObject({ code: 'ssrf_refused' });
    expect(
      (await lookup({ allowLoopback: true }, [{ address: '::ffff:127.0.0.1', family: 6 }], false))
        .err,
    ).toBeNull();
  });
});
