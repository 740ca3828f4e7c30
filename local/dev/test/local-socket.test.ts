import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { overLocalSocket, POSTGRES_SOCKET_DIR } from '../src/infra';

describe("the stack's connection to a Postgres on this machine", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-socket-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('goes through the Unix socket when the URL names this machine and the socket is there', () => {
    fs.writeFileSync(path.join(dir, '.s.PGSQL.5432'), '');
    expect(overLocalSocket('postgres://postgres@127.0.0.1:5432/flowgenie_1', dir)).toBe(
      `postgres://postgres@${encodeURIComponent(dir)}/flowgenie_1`,
    );
    expect(overLocalSocket('postgres://ann:s%40cret@localhost/db?application_name=x', dir)).toBe(
      `postgres://ann:s%40cret@${encodeURIComponent(dir)}/db?application_name=x`,
    );
  });

  it('keeps the URL as given for another host or port, or without a socket', () => {
    fs.writeFileSync(path.join(dir, '.s.PGSQL.5432'), '');
    for (const url of [
      'postgres://postgres@db.internal:5432/flowgenie',
      'postgres://postgres@127.0.0.1:5433/flowgenie',
    ])
      expect(overLocalSocket(url, dir)).toBe(url);
    const none = path.join(dir, 'none');
    expect(overLocalSocket('postgres://postgres@127.0.0.1:5432/x', none)).toBe(
      'postgres://postgres@127.0.0.1:5432/x',
    );
  });

  it("reaches this machine's Postgres through its socket", async () => {
    // The machine kind this runs on has Debian's cluster with its socket (the test needs it).
    expect(fs.existsSync(path.join(POSTGRES_SOCKET_DIR, '.s.PGSQL.5432'))).toBe(true);
    const url = overLocalSocket('postgres://postgres@127.0.0.1:5432/postgres');
    expect(url).toContain('%2F');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // A Unix-socket connection has no client address.
      const { rows } = await client.query<{ addr: string | null }>(
        'select inet_client_addr() as addr',
      );
      expect(rows[0].addr).toBeNull();
    } finally {
      await client.end();
    }
  });
});
