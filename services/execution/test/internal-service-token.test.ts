import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { PermanentStepError } from '@flowgenie/workflow';
import { loadInternalServiceToken } from '@flowgenie/integrations';
import { internalConnectionAccess } from '../src/adapters/connections/internal-service-token';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-internal-token-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the internal service token', () => {
  it('prefers INTERNAL_SERVICE_TOKEN, else creates the file (0600) once and reads it back', async () => {
    const file = path.join(dir, 'nested', 'internal.token');
    expect(
      await loadInternalServiceToken({
        INTERNAL_SERVICE_TOKEN: 'x'.repeat(40),
        INTERNAL_SERVICE_TOKEN_FILE: file,
      }),
    ).toBe('x'.repeat(40));
    expect(fs.existsSync(file)).toBe(false);
    const first = await loadInternalServiceToken({ INTERNAL_SERVICE_TOKEN_FILE: file });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadInternalServiceToken({ INTERNAL_SERVICE_TOKEN_FILE: file })).toBe(first);
  });

  it('without a readable token, steps needing a connection fail for good saying why', async () => {
    const file = path.join(dir, 'short.token');
    fs.writeFileSync(file, 'too-short\n', { mode: 0o600 });
    const access = await internalConnectionAccess(
      { AUTH_INTERNAL_URL: 'https://127.0.0.1:9', INTERNAL_SERVICE_TOKEN_FILE: file },
      pino({ level: 'silent' }),
    );
    const err = await access.access('c', 'o').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect((err as Error).message).toMatch(
      /internal service token could not be read .*fewer than 32 characters/,
    );
  });
});

describe('the internal service token file, created by several services at once', () => {
  it('gives every starter the same whole token and leaves no temporary files', async () => {
    const file = path.join(dir, 'race', 'internal.token');
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () =>
        loadInternalServiceToken({ INTERNAL_SERVICE_TOKEN_FILE: file }),
      ),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]!.length).toBeGreaterThanOrEqual(32);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['internal.token']);
  });
});
