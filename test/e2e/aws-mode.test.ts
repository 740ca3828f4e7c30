import { waitFor } from '@flowgenie/testing';
import { Session, type GatewayClient } from './support/client';
import { startLocalAws, synthesizedInboxRules, type InboxRule, type LocalAws } from './support/aws';
import { startTestServer, type TestServer } from './support/servers';
import { startE2eStack, type E2eStack } from './support/stack';
import { chain, graph } from './support/workflows';

// Six processes and a CDK synth on a busy machine; each flow waits on real work.
jest.setTimeout(120_000);

/**
 * The whole platform with its AWS adapters (EVENT_BUS=aws, SCHEDULES=aws) against AWS on loopback:
 * events go out by EventBridge PutEvents to a fake bus that routes them by the rules the CDK app
 * synthesizes into each consumer's SQS queue (a local SQS server), the services long-poll their
 * queues, and schedule triggers become EventBridge Scheduler schedules whose firings arrive on the
 * trigger's queue; payloads and graphs above 1 KiB travel through S3 (PAYLOAD_STORE=s3). The flows
 * are the local bus's, with the same answers.
 */
describe('FlowGenie end to end on its AWS adapters (local SQS, fake EventBridge, Scheduler and S3)', () => {
  let rules: InboxRule[];
  let aws: LocalAws;
  let e2e: E2eStack;
  let client: GatewayClient;
  let server: TestServer;
  let alice: Session;

  beforeAll(async () => {
    // The synth runs in its own process while the stack starts; events flow only once both are done.
    const synth = synthesizedInboxRules();
    server = await startTestServer();
    aws = await startLocalAws(`e2e${Date.now().toString(36)}`);
    const started = startE2eStack('e2e-aws', aws.env, {
      processEnv: {
        trigger: aws.queueEnv('trigger'),
        'workflow-catalog': aws.queueEnv('workflow-catalog'),
        // The execution inbox is the executor's (ECS in AWS); the API process competes for it.
        execution: aws.queueEnv('execution'),
        executor: aws.queueEnv('execution'),
      },
    });
    const [synthesized, stack] = await Promise.allSettled([synth, started]);
    if (stack.status === 'fulfilled') e2e = stack.value;
    if (synthesized.status === 'rejected') throw synthesized.reason;
    if (stack.status === 'rejected') throw stack.reason;
    rules = synthesized.value;
    aws.routeBy(rules);
    client = e2e.client;
    alice = await Session.signUp(client, `alice-aws-${Date.now()}@example.com`);
  }, 300_000);

  afterAll(async () => {
    await e2e?.close();
    await aws?.close();
    await server?.close();
  });

  async function activeWorkflow(name: string, definition: unknown) {
    const created = await alice.post('/api/workflows', { body: { name, graph: definition } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await alice.post(`/api/workflows/${id}/publish`)).status).toBe(201);
    const activated = await alice.post(`/api/workflows/${id}/activate`, { body: {} });
    expect(activated.status).toBe(200);
    return { id, hookPath: created.body.hookPath as string };
  }

  const hookRegistered = (hookPath: string) =>
    waitFor(async () => (await client.get(hookPath)).status !== 404, {
      timeoutMs: 15_000,
      message: 'hook registered (workflow.activated through EventBridge and SQS)',
    });

  const executionsOf = async (workflowId: string) => {
    const res = await alice.get(`/api/executions?workflowId=${workflowId}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.items as { id: string; status: string; mode: string; createdAt: string }[];
  };

  it('routes by the CDK rules: every consumer with events has exactly one rule', () => {
    expect(rules.map((r) => r.consumer).sort()).toEqual(['execution', 'trigger']);
  });

  it('answers a respond_node webhook with the workflow’s reply, every event crossing the bus', async () => {
    const wf = await activeWorkflow(
      'Greet over AWS',
      graph(
        [
          { id: 'hook', type: 'webhook', config: { responseMode: 'respond_node' } },
          {
            id: 'fetch_user',
            type: 'http_request',
            config: { method: 'GET', url: `${server.url}/users/{{ trigger.body.userId }}` },
          },
          {
            id: 'shape',
            type: 'transform',
            config: {
              expression:
                '{{ { "greeting": "Hello " & steps.fetch_user.body.name, "score": steps.fetch_user.body.score * 2 } }}',
            },
          },
          {
            id: 'reply',
            type: 'respond_to_webhook',
            config: { status: 200, body: '{{ steps.shape }}' },
          },
        ],
        chain('hook', 'fetch_user', 'shape', 'reply'),
      ),
    );
    await hookRegistered(wf.hookPath);

    const res = await client.post(wf.hookPath, { body: { userId: 'ada' } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ greeting: 'Hello User ada', score: 24 });
    // The run's end is not published: no consumer is routed to execution.* (the catalog reads
    // last runs from the execution service), so by default (EXECUTION_EVENTS=routed) the
    // execution service writes no such event.
    const [run] = await waitFor(async () => {
      const items = await executionsOf(wf.id);
      return items.length === 1 && items[0].status === 'succeeded' ? items : undefined;
    });
    expect(run.mode).toBe('webhook');
    const delivered = (type: string) =>
      aws.bus.events.filter(
        (e) =>
          e.event['detail-type'] === type &&
          (e.event.detail as { data?: { workflowId?: string } }).data?.workflowId === wf.id,
      );
    expect(delivered('workflow.activated').flatMap((e) => e.rules)).toEqual(['trigger']);
    expect(delivered('workflow.triggered').flatMap((e) => e.rules)).toEqual(['execution']);
    expect(
      aws.bus.events.filter((e) => String(e.event['detail-type']).startsWith('execution.')),
    ).toEqual([]);
  });

  it('answers an immediate-mode webhook with 202 and runs it, its large body travelling through S3', async () => {
    const wf = await activeWorkflow(
      'Echo over AWS',
      graph(
        [
          { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
          { id: 'echo', type: 'transform', config: { expression: '{{ trigger.body }}' } },
        ],
        chain('hook', 'echo'),
      ),
    );
    await hookRegistered(wf.hookPath);

    const body = { n: 7, note: 'x'.repeat(4096) };
    const res = await client.post(wf.hookPath, { body });

    expect(res.status).toBe(202);
    const executionId = res.body.executionId as string;
    const done = await waitFor(
      async () => {
        const r = await alice.get(`/api/executions/${executionId}`);
        return r.status === 200 && r.body.status === 'succeeded' ? r.body : undefined;
      },
      { timeoutMs: 20_000, message: 'the immediate-mode run succeeded' },
    );
    const echo = done.steps.find((s: { nodeId: string }) => s.nodeId === 'echo');
    expect(echo.output).toEqual(body);
    // Above PAYLOAD_INLINE_MAX_BYTES: stored in the bucket, the event carried its reference.
    const stored = [...aws.s3.objects.entries()].filter(([key]) => key.includes('/payloads/'));
    expect(stored.some(([, o]) => o.body.toString('utf8').includes(body.note))).toBe(true);
  });

  it('keeps a Scheduler schedule per active schedule trigger and runs each firing once', async () => {
    const wf = await activeWorkflow(
      'Weekday mornings over AWS',
      graph(
        [
          {
            id: 'tick',
            type: 'schedule',
            config: { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
          },
          {
            id: 'note',
            type: 'transform',
            config: { expression: '{{ { "at": trigger.scheduledAt } }}' },
          },
        ],
        chain('tick', 'note'),
      ),
    );
    const name = `wf-${wf.id}`;
    const schedule = await waitFor(
      async () => aws.scheduler.schedules.get(`${aws.scheduleGroup}/${name}`),
      { timeoutMs: 15_000, message: 'the Scheduler schedule created' },
    );
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(0 9 ? * MON,TUE,WED,THU,FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: { Arn: aws.env.SCHEDULE_TARGET_QUEUE_ARN },
    });

    const at = new Date('2026-12-01T08:00:00Z');
    await aws.scheduler.fire(aws.scheduleGroup, name, at);
    // Scheduler delivers at least once: the same planned time again is a duplicate.
    await aws.scheduler.fire(aws.scheduleGroup, name, at);

    const [run] = await waitFor(
      async () => {
        const items = await executionsOf(wf.id);
        return items.length === 1 && items[0].status === 'succeeded' ? items : undefined;
      },
      { timeoutMs: 20_000, message: 'the scheduled run succeeded' },
    );
    expect(run.mode).toBe('schedule');
    const detail = (await alice.get(`/api/executions/${run.id}`)).body;
    const note = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'note');
    expect(note.output).toEqual({ at: at.toISOString() });
    // Give a second delivery time to (wrongly) start a second run.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await executionsOf(wf.id)).toHaveLength(1);

    expect((await alice.post(`/api/workflows/${wf.id}/deactivate`)).status).toBe(200);
    await waitFor(
      async () => (aws.scheduler.schedules.has(`${aws.scheduleGroup}/${name}`) ? undefined : true),
      { timeoutMs: 15_000, message: 'the schedule deleted on deactivation' },
    );
  });
});
