import type { ChildProcess } from 'node:child_process';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { GOOGLE_CONNECTION_SCOPES } from '@flowgenie/integrations';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { waitFor } from '@flowgenie/testing';
import { ALICE, SERVICE_TOKEN, startAuthInternal, startInterposer } from './connections-support';
import { spawnExecutor, startExecutionService, type Json, type TestExecution } from './support';

jest.setTimeout(90_000);

const BOB = 'bob@example.com';
const stepOf = (execution: Json, nodeId: string) =>
  execution.steps.find((s: Json) => s.nodeId === nodeId);

describe('an integration step whose worker dies mid-send', () => {
  let google: FakeGoogle;
  let auth: Awaited<ReturnType<typeof startAuthInternal>>;
  let hop: Awaited<ReturnType<typeof startInterposer>>;
  let svc: TestExecution;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle({ accounts: [{ email: ALICE }, { email: BOB }] });
    auth = await startAuthInternal();
    // The send reaches Gmail, but its answer never comes back: the worker is killed meanwhile.
    hop = await startInterposer(
      google.url,
      (method, path) => method === 'POST' && path.endsWith('/messages/send'),
    );
    svc = await startExecutionService(
      'execution_integrations_recovery',
      {
        AUTH_INTERNAL_URL: auth.url,
        INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
        GOOGLE_BASE_URL: hop.url,
        STEP_LOCK_MS: '1000',
        STEP_STALLED_INTERVAL_MS: '500',
        REAPER_STALE_MS: '1500',
        REAPER_INTERVAL_MS: '200',
      },
      { executor: false },
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await svc?.close();
    await hop?.close();
    await auth?.close();
    await google?.close();
  });

  it('the next attempt finds the message in Sent instead of sending it twice', async () => {
    const user = await svc.userToken();
    const token = google.issueToken({ email: ALICE, scopes: GOOGLE_CONNECTION_SCOPES }).accessToken;
    const connectionId = auth.add(user.userId, 'google', token);
    const graph: WorkflowGraph = {
      nodes: [
        { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
        {
          id: 'mail',
          type: 'gmail_send',
          position: { x: 200, y: 0 },
          config: { connectionId, to: BOB, subject: 'Exactly once', text: 'Hello Bob' },
          retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 50 }, timeoutMs: 60_000 },
        },
      ],
      edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'mail' }],
    };
    const spawned = await spawnExecutor(svc.env);
    child = spawned.child;
    const { executionId } = await svc.trigger({ ownerId: user.userId, graph });
    await waitFor(() => hop.held() === 1, {
      timeoutMs: 30_000,
      message: 'the first worker never sent',
    });
    expect(google.gmailMessages(BOB).filter((m) => m.subject === 'Exactly once')).toHaveLength(1);

    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await svc.startExecutor();

    const execution = await svc.waitForExecution(executionId, user.token, undefined, 30_000);
    expect(execution.status).toBe('succeeded');
    const step = stepOf(execution, 'mail');
    expect(step.attempts).toBe(2);
    expect(step.attemptLog[0]).toMatchObject({ attempt: 1, code: 'interrupted' });
    // One send in all: attempt 2 looked in Sent and returned what attempt 1 had sent.
    expect(google.requests('/gmail/v1/users/me/messages/send')).toHaveLength(1);
    const sent = google.gmailMessages(BOB).filter((m) => m.subject === 'Exactly once');
    expect(sent).toHaveLength(1);
    expect(step.output.messageId).toBe(sent[0].messageId);
    // The dead worker's log lines (JSON, info level) hold no token.
    expect(spawned.output()).toContain('step started');
    expect(spawned.output()).not.toContain(token);
    expect(JSON.stringify(execution)).not.toContain(token);
  });
});
