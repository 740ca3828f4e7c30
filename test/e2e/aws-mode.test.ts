import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { HttpApiEvent, HttpApiResult } from '@flowgenie/runtime/lambda';
import { waitFor } from '@flowgenie/testing';
import { createLambdaHandler as createTriggerLambda } from '../../services/trigger/src/lambda';
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
 * are the local bus's, with the same answers. Every process reads its database credentials and the
 * internal service token from a fake Secrets Manager at boot and seals secrets with a fake KMS
 * (both speaking the SDK's JSON 1.1 protocol), and the webhook and the manual-run API are also
 * driven through the trigger's real Lambda handler with API Gateway HTTP API (payload 2.0) events.
 */
describe('FlowGenie end to end on its AWS adapters (local SQS, fake EventBridge, Scheduler and S3)', () => {
  let rules: InboxRule[];
  let aws: LocalAws;
  let e2e: E2eStack;
  let client: GatewayClient;
  let server: TestServer;
  let alice: Session;
  let triggerLambda: ReturnType<typeof createTriggerLambda>;
  let catalogRelay: PlainRelay;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    // The synth runs in its own process while the stack starts; events flow only once both are done.
    const synth = synthesizedInboxRules();
    server = await startTestServer();
    aws = await startLocalAws(`e2e${Date.now().toString(36)}`);
    const started = startE2eStack('e2e-aws', aws.env, {
      databaseSecretArn: aws.secretArns.database,
      processEnv: {
        trigger: await aws.queueEnv('trigger', 'trigger'),
        'workflow-catalog': await aws.queueEnv('workflow-catalog', 'workflow-catalog'),
        // As in AWS: the execution API knows its inbox (CDK gives its Lambda QUEUE_URL), but only
        // the ECS executor long-polls it.
        execution: await aws.queueEnv('execution', 'execution'),
        executor: await aws.queueEnv('executor', 'execution'),
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

    // The trigger's Lambda in this process, as NodeService deploys it: the SDK clients find the
    // loopback AWS through the environment, the database through its secret.
    Object.assign(process.env, aws.env);
    const running = e2e.stack;
    const ca = fs.readFileSync(running.certs.caCert);
    const dispatcher = new Agent({ connect: { ca } });
    const jwks = (await (
      await undiciFetch(`${running.urls.auth}/.well-known/jwks.json`, { dispatcher })
    ).json()) as JSONWebKeySet;
    await dispatcher.close();
    // The catalog's internal URL over plain HTTP on loopback (this process does not trust the dev CA).
    catalogRelay = await plainRelay(running.urls.catalog, ca);
    const database = new URL(running.databaseUrl);
    triggerLambda = createTriggerLambda({
      env: {
        ...aws.env,
        DATABASE_HOST: database.hostname,
        DATABASE_PORT: database.port || '5432',
        DATABASE_NAME: database.pathname.slice(1),
        DATABASE_SECRET_ARN: aws.secretArns.database,
        // Its inbox, as CDK gives it; the SQS event source, not the function, receives from it.
        QUEUE_URL: (await aws.queueEnv('trigger-lambda', 'trigger')).EVENTS_QUEUE_URL,
        REDIS_URL: running.redisUrl,
        REDIS_PREFIX: running.redisPrefix,
        CATALOG_INTERNAL_URL: catalogRelay.url,
        // Nothing here polls Gmail or Calendar: auth's connections are never asked for.
        AUTH_INTERNAL_URL: 'http://127.0.0.1:9',
        PUBLIC_BASE_URL: running.urls.gateway,
        INTERNAL_SERVICE_TOKEN_FILE: running.internalTokenFile,
        LOG_LEVEL: 'silent',
        SERVICE_NAME: 'trigger',
      },
      compose: { keySet: createLocalJWKSet(jwks) },
    });
  }, 300_000);

  afterAll(async () => {
    await triggerLambda?.close();
    await catalogRelay?.close();
    process.env = savedEnv;
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

  it('announces a graph above the inline limit through S3: workflow.activated carries its reference, the hook runs', async () => {
    const note = 'n'.repeat(4096);
    const wf = await activeWorkflow(
      'Large graph over AWS',
      graph(
        [
          { id: 'hook', type: 'webhook', config: { responseMode: 'respond_node' } },
          { id: 'reply', type: 'respond_to_webhook', config: { status: 200, body: { note } } },
        ],
        chain('hook', 'reply'),
      ),
    );
    await hookRegistered(wf.hookPath);

    const res = await client.post(wf.hookPath, { body: {} });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ note });
    // The catalog stored the version's graph in the bucket; the event on the bus carried its key.
    const [activated] = aws.bus.events.filter(
      (e) =>
        e.event['detail-type'] === 'workflow.activated' &&
        (e.event.detail as { data: { workflowId: string } }).data.workflowId === wf.id,
    );
    const data = (
      activated.event.detail as { data: { graph?: unknown; graphRef?: { key: string } } }
    ).data;
    expect(data.graph).toBeUndefined();
    expect(data.graphRef?.key).toBe(`workflows/${wf.id}/v1.graph`);
    expect(
      [...aws.s3.objects.keys()].some((key) =>
        key.endsWith(`/payloads/workflows/${wf.id}/v1.graph`),
      ),
    ).toBe(true);
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

  /** An API Gateway HTTP API (payload 2.0) request as the trigger's routes deliver it. */
  function httpApiEvent(
    method: string,
    rawPath: string,
    opts: { token?: string; body?: unknown } = {},
  ): HttpApiEvent {
    const headers: Record<string, string> = {
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'e2e',
    };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return {
      version: '2.0',
      rawPath,
      rawQueryString: '',
      headers,
      ...(opts.body !== undefined
        ? { body: Buffer.from(JSON.stringify(opts.body)).toString('base64'), isBase64Encoded: true }
        : {}),
      requestContext: { requestId: randomUUID(), http: { method, sourceIp: '203.0.113.9' } },
    };
  }

  const answerOf = (result: HttpApiResult) => ({
    status: result.statusCode,
    body: result.body
      ? (JSON.parse(
          result.isBase64Encoded
            ? Buffer.from(result.body, 'base64').toString('utf8')
            : result.body,
        ) as Record<string, unknown>)
      : undefined,
  });

  it('answers a respond_node webhook through the trigger’s Lambda handler', async () => {
    const wf = await activeWorkflow(
      'Greet through the Lambda',
      graph(
        [
          { id: 'hook', type: 'webhook', config: { responseMode: 'respond_node' } },
          {
            id: 'reply',
            type: 'respond_to_webhook',
            config: { status: 201, body: '{{ { "hello": trigger.body.name } }}' },
          },
        ],
        chain('hook', 'reply'),
      ),
    );
    await hookRegistered(wf.hookPath);

    const result = await triggerLambda(
      httpApiEvent('POST', wf.hookPath, { body: { name: 'Lambda' } }),
    );

    expect(answerOf(result as HttpApiResult)).toEqual({ status: 201, body: { hello: 'Lambda' } });
    const [run] = await waitFor(async () => {
      const items = await executionsOf(wf.id);
      return items.length === 1 && items[0].status === 'succeeded' ? items : undefined;
    });
    expect(run.mode).toBe('webhook');
  });

  it('starts a manual run through the trigger’s Lambda handler (POST /api/workflows/{id}/runs)', async () => {
    const wf = await activeWorkflow(
      'Run once through the Lambda',
      graph(
        [
          { id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } },
          { id: 'echo', type: 'transform', config: { expression: '{{ trigger }}' } },
        ],
        chain('hook', 'echo'),
      ),
    );
    const path = `/api/workflows/${wf.id}/runs`;

    const anonymous = answerOf(
      (await triggerLambda(httpApiEvent('POST', path, { body: {} }))) as HttpApiResult,
    );
    expect(anonymous.status).toBe(401);
    const accepted = answerOf(
      (await triggerLambda(
        httpApiEvent('POST', path, { token: await alice.token(), body: { payload: { n: 21 } } }),
      )) as HttpApiResult,
    );

    expect(accepted.status).toBe(202);
    const executionId = accepted.body?.executionId as string;
    const done = await waitFor(
      async () => {
        const r = await alice.get(`/api/executions/${executionId}`);
        return r.status === 200 && r.body.status === 'succeeded' ? r.body : undefined;
      },
      { timeoutMs: 20_000, message: 'the manual run succeeded' },
    );
    expect(done.mode).toBe('manual');
    expect(done.steps.find((s: { nodeId: string }) => s.nodeId === 'echo').output).toEqual({
      n: 21,
    });
    // The run spec came from the catalog's internal route, with the token from Secrets Manager.
    expect(
      catalogRelay.paths.some((p) => p.startsWith(`/internal/workflows/${wf.id}/run-spec`)),
    ).toBe(true);
  });

  it('reads the database credentials and the service token from Secrets Manager and seals secrets with KMS', async () => {
    // Every process booted on the database secret (the stack passes no DATABASE_URL), and so did the Lambda.
    const reads = (arn: string) => aws.secretsManager.reads.filter((r) => r === arn).length;
    expect(reads(aws.secretArns.database)).toBeGreaterThanOrEqual(6);
    expect(reads(aws.secretArns.internalToken)).toBeGreaterThanOrEqual(6);
    // The token that guards /internal is the secret's, not the local token file's.
    const internal = (token: string) =>
      fetch(
        `${catalogRelay.url}/internal/workflows/${randomUUID()}/run-spec?ownerId=${randomUUID()}&draft=false`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
    const fileToken = fs.readFileSync(e2e.stack.internalTokenFile, 'utf8').trim();
    expect((await internal(fileToken)).status).toBe(401);
    const secretToken = aws.secretsManager.current(aws.secretArns.internalToken);
    expect(secretToken).toBeDefined();
    expect((await internal(secretToken!)).status).toBe(404);
    // Auth's signing key is sealed with the KMS key (kept in the database) and opened with it.
    const calls = aws.kms.calls;
    expect(new Set(calls.map((c) => c.keyArn))).toEqual(new Set([aws.env.SECRETS_KMS_KEY_ID]));
    for (const operation of ['Encrypt', 'Decrypt'])
      expect(calls).toContainEqual(
        expect.objectContaining({
          operation,
          context: { flowgenie: expect.stringMatching(/^auth\.signing_key:/) },
        }),
      );
  });

  it('lets only the ECS executor long-poll the execution inbox, as on AWS', async () => {
    await waitFor(async () => (aws.receivers('execution').length > 0 ? true : undefined), {
      message: 'the execution inbox polled',
    });
    expect(aws.receivers('execution')).toEqual(['executor']);
    // The trigger's Lambda was given its queue's URL too, and never polled it.
    expect(aws.receivers('trigger')).toEqual(['trigger']);
  });
});

interface PlainRelay {
  url: string;
  /** The path of every request relayed. */
  paths: string[];
  close(): Promise<void>;
}

/** Plain HTTP on loopback to an HTTPS service of the stack, trusting its dev CA. */
async function plainRelay(target: string, ca: Buffer): Promise<PlainRelay> {
  const paths: string[] = [];
  const relay: Server = http.createServer((req, res) => {
    paths.push(req.url ?? '/');
    const upstream = https.request(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host }, ca },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    paths,
    async close() {
      relay.closeAllConnections();
      await new Promise<void>((r) => relay.close(() => r()));
    },
  };
}
