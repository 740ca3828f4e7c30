import type { ChildProcess } from 'node:child_process';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { GOOGLE_CONNECTION_SCOPES } from '@flowgenie/integrations';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { waitFor } from '@flowgenie/testing';
import { ALICE, SERVICE_TOKEN, startAuthInternal, startInterposer } from './connections-support';
import { spawnExecutor, startExecutionService, stepOf, type TestExecution } from './support';

jest.setTimeout(90_000);

const BOB = 'bob@example.com';

interface Rig {
  google: FakeGoogle;
  auth: Awaited<ReturnType<typeof startAuthInternal>>;
  hop: Awaited<ReturnType<typeof startInterposer>>;
  svc: TestExecution;
  child?: ChildProcess;
}

/** Fake Gmail behind an interposer that swallows the first send's answer, auth, and no executor yet. */
function rigFor(label: string): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    rig.google = await startFakeGoogle({ accounts: [{ email: ALICE }, { email: BOB }] });
    rig.auth = await startAuthInternal();
    // The send reaches Gmail, but its answer never comes back: the worker is killed meanwhile.
    rig.hop = await startInterposer(
      rig.google.url,
      (method, path) => method === 'POST' && path.endsWith('/messages/send'),
    );
    rig.svc = await startExecutionService(
      label,
      {
        AUTH_INTERNAL_URL: rig.auth.url,
        INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
        GOOGLE_BASE_URL: rig.hop.url,
        STEP_LOCK_MS: '1000',
        STEP_STALLED_INTERVAL_MS: '500',
        REAPER_STALE_MS: '1500',
        REAPER_INTERVAL_MS: '200',
      },
      { executor: false },
    );
  });
  afterAll(async () => {
    if (rig.child && rig.child.exitCode === null) rig.child.kill('SIGKILL');
    await rig.svc?.close();
    await rig.hop?.close();
    await rig.auth?.close();
    await rig.google?.close();
  });
  return rig;
}

function mailGraph(connectionId: string, subject: string, attempts: number): WorkflowGraph {
  return {
    nodes: [
      { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'mail',
        type: 'gmail_send',
        position: { x: 200, y: 0 },
        config: { connectionId, to: BOB, subject, text: 'Hello Bob' },
        retry: { attempts, backoff: { type: 'fixed', delayMs: 50 }, timeoutMs: 60_000 },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'mail' }],
  };
}

/** Starts an execution on a spawned executor and kills that executor while Gmail holds the send. */
async function killedMidSend(rig: Rig, subject: string, attempts: number) {
  const { google, auth, hop, svc } = rig;
  const user = await svc.userToken();
  const token = google.issueToken({ email: ALICE, scopes: GOOGLE_CONNECTION_SCOPES }).accessToken;
  const connectionId = auth.add(user.userId, 'google', token);
  const spawned = await spawnExecutor(svc.env);
  rig.child = spawned.child;
  const { executionId } = await svc.trigger({
    ownerId: user.userId,
    graph: mailGraph(connectionId, subject, attempts),
  });
  await waitFor(() => hop.held() === 1, {
    timeoutMs: 30_000,
    message: 'the first worker never sent',
  });
  expect(google.gmailMessages(BOB).filter((m) => m.subject === subject)).toHaveLength(1);
  const exited = new Promise((r) => rig.child!.once('exit', r));
  rig.child.kill('SIGKILL');
  await exited;
  return { user, token, executionId, spawned };
}

describe('an integration step whose worker dies mid-send', () => {
  const rig = rigFor('execution_integrations_recovery');

  it('the next attempt finds the message in Sent instead of sending it twice', async () => {
    const { google, svc } = rig;
    const { user, token, executionId, spawned } = await killedMidSend(rig, 'Exactly once', 3);
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
    // The dead worker's log lines (JSON, debug level) hold no token.
    expect(spawned.output()).toContain('step started');
    expect(spawned.output()).not.toContain(token);
    expect(JSON.stringify(execution)).not.toContain(token);
  });
});

describe('a failed integration step retried by the user', () => {
  const rig = rigFor('execution_integrations_manual_retry');

  it('looks in Sent first although the retried run counts its attempts from 1 again', async () => {
    const { google, svc } = rig;
    // One attempt allowed: the killed worker's attempt is the last, so the step fails for good.
    const { user, executionId } = await killedMidSend(rig, 'Retried by hand', 1);
    await svc.startExecutor();
    const failed = await svc.waitForExecution(executionId, user.token, undefined, 30_000);
    expect(failed.status).toBe('failed');
    expect(stepOf(failed, 'mail').attemptLog[0]).toMatchObject({ attempt: 1, code: 'interrupted' });

    const retry = await svc.call('POST', `/executions/${executionId}/retry`, { token: user.token });
    expect(retry.status).toBe(202);
    // Finished again, with the retried attempt in the log.
    const execution = await svc.waitForExecution(
      executionId,
      user.token,
      (e) => ['succeeded', 'failed'].includes(e.status) && stepOf(e, 'mail').attemptLog.length > 1,
      30_000,
    );
    expect(execution.status).toBe('succeeded');
    // The user's retry found what the killed worker had sent: still one email, one send request.
    expect(google.requests('/gmail/v1/users/me/messages/send')).toHaveLength(1);
    const sent = google.gmailMessages(BOB).filter((m) => m.subject === 'Retried by hand');
    expect(sent).toHaveLength(1);
    expect(stepOf(execution, 'mail').output.messageId).toBe(sent[0].messageId);
  });
});
