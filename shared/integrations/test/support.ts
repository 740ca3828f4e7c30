import { randomUUID } from 'node:crypto';
import type { ConnectionAccessResponse, ConnectionProvider } from '@flowgenie/contracts';
import { executeStep, type NodeType, type StepLogger, type StepResult } from '@flowgenie/workflow';
import {
  ConnectionAccessError,
  type ConnectionAccess,
  type ConnectionAccessErrorCode,
} from '../src';
import { memoryRateGate, stepConnections } from '../src/actions';

export const OWNER = randomUUID();

/**
 * A ConnectionAccess test double (auth's side of the port): connections by id with their provider
 * token, or the access error they answer; records every access and report.
 */
export function fakeConnectionAccess() {
  const connections = new Map<
    string,
    | { provider: ConnectionProvider; token: string; account: string | null; scopes: string[] }
    | ConnectionAccessErrorCode
  >();
  const accesses: { connectionId: string; ownerId: string; requiredScopes?: string[] }[] = [];
  const reports: { connectionId: string; ownerId: string; status: string; reason: string }[] = [];
  const port: ConnectionAccess = {
    async access(connectionId, ownerId, requiredScopes) {
      accesses.push({ connectionId, ownerId, requiredScopes });
      const c = connections.get(connectionId);
      if (c === undefined || ownerId !== OWNER)
        throw new ConnectionAccessError('connection_not_found', 'not found');
      if (typeof c === 'string') throw new ConnectionAccessError(c, `the connection is ${c}`);
      const response: ConnectionAccessResponse = {
        connectionId,
        provider: c.provider,
        account: c.account,
        auth: { type: 'bearer', token: c.token },
        expiresAt: Date.now() + 3_600_000,
        scopes: c.scopes,
      };
      return response;
    },
    async report(connectionId, ownerId, status, reason) {
      reports.push({ connectionId, ownerId, status, reason });
    },
  };
  return {
    port,
    accesses,
    reports,
    add(
      provider: ConnectionProvider,
      token: string,
      account: string | null = null,
      scopes: string[] = [],
    ) {
      const id = randomUUID();
      connections.set(id, { provider, token, account, scopes });
      return id;
    },
    fail(code: ConnectionAccessErrorCode) {
      const id = randomUUID();
      connections.set(id, code);
      return id;
    },
  };
}

/** A logger that keeps every line, to check that no secret is logged. */
export function recordingLogger(): StepLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (obj: Record<string, unknown>, msg?: string) => {
    lines.push(JSON.stringify({ ...obj, msg }));
  };
  return { lines, debug: log, info: log, warn: log, error: log };
}

export interface RunOptions {
  nodeType: NodeType;
  config: Record<string, unknown>;
  access: ConnectionAccess;
  gate?: ReturnType<typeof memoryRateGate>;
  apiUrls: { google?: string; slack?: string };
  executionId?: string;
  nodeId?: string;
  attempt?: number;
  previousAttempts?: { attempt: number; errorCode?: string }[];
  logger?: StepLogger;
}

/** One attempt of a node as the executor runs it, with the owner's connections. */
export async function runAttempt(
  opts: RunOptions,
): Promise<{ result?: StepResult; error?: unknown }> {
  try {
    const result = await executeStep(
      opts.nodeType,
      { id: opts.nodeId ?? 'step', config: opts.config },
      {
        input: { trigger: {}, steps: {} },
        signal: AbortSignal.timeout(20_000),
        executionId: opts.executionId ?? randomUUID(),
        attempt: opts.attempt ?? 1,
        previousAttempts: opts.previousAttempts,
        http: {},
        logger: opts.logger,
        connections: stepConnections({
          access: opts.access,
          ownerId: OWNER,
          gate: opts.gate ?? memoryRateGate(),
          apiUrls: opts.apiUrls,
        }),
      },
    );
    return { result };
  } catch (error) {
    return { error };
  }
}

/** A provider fake as a suite uses it: its recorded requests cleared per test, closed at the end. */
interface ProviderFake {
  clearRequests(): void;
  close(): Promise<void>;
}

/**
 * The set-up every provider suite shares: the fake started once for the file, and before each
 * test its requests cleared, a fresh {@link fakeConnectionAccess} and one connection of `OWNER`
 * holding a token the fake issued. Read the fields inside tests (they change per test).
 *
 * @example
 * const fx = providerFixture(() => startFakeGoogle({ accounts: [{ email: ALICE }] }), (google, conns) => {
 *   const token = google.issueToken({ email: ALICE, scopes }).accessToken;
 *   return { token, connectionId: conns.add('google', token, ALICE, scopes) };
 * });
 */
export function providerFixture<F extends ProviderFake>(
  start: () => Promise<F>,
  connect: (
    fake: F,
    conns: ReturnType<typeof fakeConnectionAccess>,
  ) => { token: string; connectionId: string },
) {
  const fx = {} as {
    fake: F;
    conns: ReturnType<typeof fakeConnectionAccess>;
    token: string;
    connectionId: string;
  };
  beforeAll(async () => {
    fx.fake = await start();
  });
  afterAll(() => fx.fake.close());
  beforeEach(() => {
    fx.fake.clearRequests();
    fx.conns = fakeConnectionAccess();
    Object.assign(fx, connect(fx.fake, fx.conns));
  });
  return fx;
}
