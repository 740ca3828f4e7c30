import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  consumerNames,
  EventEnvelopeSchema,
  eventCatalog,
  httpRoutes,
  routingTable,
  SCHEDULED_TIME,
  SCHEDULER_EXECUTION_ID,
} from '@flowgenie/contracts';
import {
  buildApp,
  IMAGE_RDS_CA_BUNDLE,
  serviceNames,
  type FlowGenieStacks,
  type ServiceName,
} from '../src/app';
import { STREAM_ALLOWED_HEADERS } from '../src/execution-stream';
import { foundationParameterKeys } from '../src/foundation';
import { API_5XX_PERCENT_THRESHOLD } from '../src/stacks/api-stack';

/** API Gateway HTTP APIs end every integration at 30 s; nothing raises it. */
const HTTP_API_INTEGRATION_LIMIT_MS = 30_000;
/** Actions IAM offers no resource-level permission for: they can only be granted on "*". */
const ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'ecr:GetAuthorizationToken',
]);
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const statementsOf = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
        .PolicyDocument.Statement,
  );
const actionsOf = (st: Statement) => [st.Action].flat();
const variablesOf = (template: Template) =>
  (
    Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }
  ).Properties.Environment.Variables;

// One synth of the whole app (with CloudFormation schema validation on) serves every test here:
// a synth costs seconds and ~500 MB, so the suite shares it.
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const fixtureEntry = path.join(__dirname, 'fixtures', 'lambda.ts');
const cdkJsonContext = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;
let outdir: string;
let stacks: FlowGenieStacks;
let templates: Record<string, Template>;
let validationReport: { pluginReports: Array<{ summary?: unknown; violations?: unknown[] }> };

const serviceTemplate = (name: ServiceName) => templates[stacks.services[name].stackName];
/** Resources of one type across all stacks, keyed `<stack>/<logical id>` (logical IDs repeat across stacks). */
const resourcesOf = (type: string): Resources =>
  Object.fromEntries(
    Object.entries(templates).flatMap(([stack, t]) =>
      Object.entries(t.findResources(type)).map(([id, r]) => [`${stack}/${id}`, r]),
    ),
  ) as Resources;
/** The container of the execution stack's executor task (its only task definition). */
const executorContainer = () => {
  const [taskDef] = Object.values(
    serviceTemplate('execution').findResources('AWS::ECS::TaskDefinition'),
  ) as Resources[string][];
  return (taskDef.Properties?.ContainerDefinitions as Array<Record<string, unknown>>)[0];
};

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgenie-cdk-'));
  const app = new App({
    outdir,
    context: {
      // The feature flags `cdk synth` runs with, so the templates are the ones that deploy.
      ...cdkJsonContext,
      env: undefined,
      // Skip esbuild: the templates are what is under test, not the bundles.
      'aws:cdk:bundling-stacks': [],
      // Schema errors fail the synth instead of being printed as warnings.
      '@aws-cdk/core:validateAgainstDefaultRules': true,
    },
  });
  stacks = buildApp(app, {
    envName: 'staging',
    executorImageTag: 'abc1234',
    spaOrigin: 'https://main.fgapp.amplifyapp.com',
    googleClientId: 'fg-staging.apps.googleusercontent.com',
    lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixtureEntry])),
    streamEntry: fixtureEntry,
  });
  const assembly = app.synth();
  validationReport = JSON.parse(
    fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
  );
  templates = Object.fromEntries(
    [stacks.platform, stacks.bus, stacks.api, ...Object.values(stacks.services)].map((s) => [
      s.stackName,
      Template.fromStack(s),
    ]),
  );
}, 180_000);

afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

describe('the FlowGenie CDK app', () => {
  it('has a stack for the bus, the API and each consumer of the routing table', () => {
    expect(Object.keys(templates).sort()).toEqual(
      [
        'FlowGenie-staging-Platform',
        'FlowGenie-staging-Bus',
        'FlowGenie-staging-Api',
        'FlowGenie-staging-Auth',
        'FlowGenie-staging-WorkflowCatalog',
        'FlowGenie-staging-Trigger',
        'FlowGenie-staging-Execution',
      ].sort(),
    );
    expect([...serviceNames].sort()).toEqual([...consumerNames].sort());
  });

  it('passes CloudFormation schema validation with no findings', () => {
    const findings = validationReport.pluginReports.flatMap((r) => r.violations ?? []);
    expect(findings).toEqual([]);
  });

  it("gives each consumer one rule on the bus with exactly the routing table's event types", () => {
    const busRef = Match.objectLike({
      'Fn::ImportValue': Match.stringLikeRegexp('FlowGenie-staging-Bus'),
    });
    for (const name of consumerNames) {
      const expected = [...routingTable[name]].sort();
      const rules = Object.values(
        serviceTemplate(name).findResources('AWS::Events::Rule'),
      ) as Resources[string][];
      if (expected.length === 0) {
        // Nothing is routed to it: no rule and no queue to pay for.
        expect(rules).toHaveLength(0);
        serviceTemplate(name).resourceCountIs('AWS::SQS::Queue', 0);
        continue;
      }
      expect(rules).toHaveLength(1);
      const pattern = rules[0].Properties?.EventPattern as { 'detail-type': string[] };
      expect({ name, types: [...pattern['detail-type']].sort() }).toEqual({
        name,
        types: expected,
      });
      serviceTemplate(name).hasResourceProperties('AWS::Events::Rule', {
        EventBusName: busRef,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('InboxQueue'), 'Arn'] },
          }),
        ],
      });
    }
  });

  it('gives every queue a dead-letter queue after 5 receives, all encrypted', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const withDlq = Object.entries(queues).filter(([, q]) => q.Properties?.RedrivePolicy);
    const dlqIds = new Set(
      withDlq.map(([id, q]) => {
        const redrive = q.Properties?.RedrivePolicy as {
          maxReceiveCount: number;
          deadLetterTargetArn: { 'Fn::GetAtt': string[] };
        };
        expect(redrive.maxReceiveCount).toBe(5);
        return `${id.split('/')[0]}/${redrive.deadLetterTargetArn['Fn::GetAtt'][0]}`;
      }),
    );
    const consumersWithEvents = consumerNames.filter((c) => routingTable[c].length > 0);
    expect(withDlq).toHaveLength(consumersWithEvents.length);
    // Every queue is either an inbox with a DLQ or the DLQ of one.
    for (const [id, q] of Object.entries(queues)) {
      expect({ id, hasDlqOrIsDlq: Boolean(q.Properties?.RedrivePolicy) || dlqIds.has(id) }).toEqual(
        { id, hasDlqOrIsDlq: true },
      );
      expect({ id, sse: q.Properties?.SqsManagedSseEnabled }).toEqual({ id, sse: true });
    }
  });

  it('runs every Lambda on nodejs22.x', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(serviceNames.length);
    expect(new Set(functions.map((f) => f.Properties?.Runtime))).toEqual(new Set(['nodejs22.x']));
  });

  it('routes every route of the catalog, and only those, to the service that serves it', () => {
    for (const name of serviceNames) {
      const routeKeys = Object.values(
        serviceTemplate(name).findResources('AWS::ApiGatewayV2::Route'),
      ).map((r) => (r as Resources[string]).Properties?.RouteKey);
      const wanted = httpRoutes
        .filter((r) => r.service === name)
        .map((r) => `${r.method.toUpperCase()} ${r.path}`);
      expect({ name, routeKeys: routeKeys.sort() }).toEqual({ name, routeKeys: wanted.sort() });
      // The integration invokes this stack's function.
      serviceTemplate(name).hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceFunction'), 'Arn'] },
      });
    }
  });

  it('reads every foundation ID from SSM and hard-codes no account ID', () => {
    for (const name of serviceNames) {
      const params = serviceTemplate(name).toJSON().Parameters as Record<
        string,
        { Type: string; Default: string }
      >;
      const ssmNames = Object.values(params)
        .filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value<'))
        .map((p) => p.Default);
      for (const key of foundationParameterKeys.filter(
        (k) => k !== 'ecr-repository-name' && k !== 'payload-bucket-name',
      )) {
        expect(ssmNames).toContain(`/flowgenie/staging/${key}`);
      }
    }
    for (const [stackName, template] of Object.entries(templates)) {
      const json = JSON.stringify(template.toJSON());
      // A 12-digit number standing alone is an account ID (asset hashes are hex runs, not matched).
      expect({
        stackName,
        accountIds: json.match(/(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/g) ?? [],
      }).toEqual({
        stackName,
        accountIds: [],
      });
      expect({
        stackName,
        arns: json.match(/arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d+/g) ?? [],
      }).toEqual({
        stackName,
        arns: [],
      });
    }
  });

  it('runs the executor on Fargate from the ECR repository named in SSM and lets it consume the execution inbox', () => {
    const execution = serviceTemplate('execution');
    const params = execution.toJSON().Parameters as Record<string, { Default?: string }>;
    const repoParam = Object.entries(params).find(
      ([, p]) => p.Default === '/flowgenie/staging/ecr-repository-name',
    )?.[0];
    expect(repoParam).toBeDefined();
    execution.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }),
      },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
    const container = executorContainer();
    const image = JSON.stringify(container.Image);
    expect(image).toContain(repoParam);
    expect(image).toContain(':abc1234');
    expect(container.Command).toEqual(['dist/executor.js']);
    // The executor task role may receive and delete messages of the execution inbox.
    const taskRoleStatements = Object.values(execution.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('ExecutorTaskTaskRole'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } })
            .Properties.PolicyDocument.Statement,
      );
    const inboxActions = taskRoleStatements
      .filter((st) => JSON.stringify(st.Resource).includes('InboxQueue'))
      .flatMap((st) => st.Action as string[] | string);
    expect(inboxActions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    // The executor, not the execution Lambda, consumes the inbox.
    execution.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  it('lets the Lambdas of the other consumers take their inbox with partial batch failures', () => {
    for (const name of consumerNames.filter(
      (c) => c !== 'execution' && routingTable[c].length > 0,
    )) {
      serviceTemplate(name).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('InboxQueue'), 'Arn'] },
      });
    }
  });

  it('gives the trigger service a schedule group whose role can only send to the trigger inbox', () => {
    const trigger = serviceTemplate('trigger');
    trigger.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: 'flowgenie-staging-triggers',
    });
    trigger.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    trigger.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SCHEDULES: 'aws',
          SCHEDULE_GROUP_NAME: Match.anyValue(),
          SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulesRole'), 'Arn'] },
          SCHEDULE_TARGET_QUEUE_ARN: {
            'Fn::GetAtt': [Match.stringLikeRegexp('InboxQueue'), 'Arn'],
          },
          EVENT_BUS: 'aws',
        }),
      },
    });
  });

  it('runs the Slack events sweep every minute: a fixed schedule sending slack.sweep.due to the trigger inbox', () => {
    const trigger = serviceTemplate('trigger');
    const schedules = Object.values(trigger.findResources('AWS::Scheduler::Schedule')) as Array<{
      Properties: Record<string, unknown> & { Target: { Input: string } };
    }>;
    // The only schedule in the template: the others are the trigger service's, made at runtime.
    expect(schedules).toHaveLength(1);
    expect(schedules[0].Properties).toMatchObject({
      Name: 'slack-sweep',
      GroupName: 'flowgenie-staging-triggers',
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/InboxQueue/), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesRole/), 'Arn'] },
      },
    });
    // What Scheduler sends, its placeholders filled in, is an envelope the trigger's queue
    // consumer accepts (the same checks eventFromSqsBody makes).
    const body = JSON.parse(
      schedules[0].Properties.Target.Input.replaceAll(
        SCHEDULED_TIME,
        '2026-03-02T08:05:00Z',
      ).replaceAll(SCHEDULER_EXECUTION_ID, 'b5a1c0e6d2f34a97'),
    ) as { 'detail-type': string; detail: { type: 'slack.sweep.due'; data: unknown } };
    expect(body['detail-type']).toBe('slack.sweep.due');
    expect(EventEnvelopeSchema.safeParse(body.detail).success).toBe(true);
    expect(body.detail.type).toBe('slack.sweep.due');
    expect(eventCatalog['slack.sweep.due'].data.safeParse(body.detail.data).success).toBe(true);
  });

  it('lets the trigger function manage schedules in its group only, and pass only the scheduler role', () => {
    const trigger = serviceTemplate('trigger');
    const statements = Object.values(trigger.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } })
          .Properties.PolicyDocument.Statement,
    );
    const actionsOf = (st: Record<string, unknown>) => [st.Action].flat() as string[];
    const schedulerStatements = statements.filter((st) =>
      actionsOf(st).some((a) => a.startsWith('scheduler:')),
    );
    expect(schedulerStatements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
      ]),
    );
    for (const st of schedulerStatements) {
      // Only the schedules of the trigger group: arn:…:schedule/<group>/*, never a wildcard.
      const resource = JSON.stringify(st.Resource);
      expect(resource).toMatch(/schedule\/.*\/\*/);
      expect(resource).not.toBe('"*"');
    }
    const passRole = statements.filter((st) => actionsOf(st).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SchedulesRole/), 'Arn'],
    });
  });

  it('gives the catalog, the trigger and the executor side the payload bucket, each only what it needs', () => {
    // S3 actions each function's or task's role may take on the payload bucket.
    const s3Actions = (template: Template, roleMatch: RegExp) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) =>
          JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).match(
            roleMatch,
          ),
        )
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } })
              .Properties.PolicyDocument.Statement,
        )
        .filter((st) => JSON.stringify(st.Resource).includes('payloadbucketname'))
        .flatMap((st) => [st.Action].flat() as string[]);
    const bucketParam = (name: ServiceName) =>
      Object.entries(
        serviceTemplate(name).toJSON().Parameters as Record<string, { Default?: string }>,
      ).find(([, p]) => p.Default === '/flowgenie/staging/payload-bucket-name')?.[0];

    for (const name of ['trigger', 'execution', 'workflow-catalog'] as const) {
      serviceTemplate(name).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            PAYLOAD_STORE: 's3',
            PAYLOAD_BUCKET: { Ref: bucketParam(name) },
          }),
        },
      });
    }
    const trigger = s3Actions(serviceTemplate('trigger'), /ServiceFunction/);
    expect(trigger).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject*', 's3:DeleteObject*']),
    );
    const execution = s3Actions(serviceTemplate('execution'), /ServiceFunction/);
    expect(execution).toEqual(expect.arrayContaining(['s3:GetObject*']));
    expect(execution.filter((a) => /Put|Delete/.test(a))).toEqual([]);
    const executor = s3Actions(serviceTemplate('execution'), /ExecutorTask/);
    expect(executor).toEqual(expect.arrayContaining(['s3:GetObject*']));
    expect(executor.filter((a) => /Put|Delete/.test(a))).toEqual([]);
    const container = executorContainer();
    expect(container.Environment).toEqual(
      expect.arrayContaining([{ Name: 'PAYLOAD_STORE', Value: 's3' }]),
    );
    // The catalog stores the graphs it announces by reference, and nothing else.
    const catalog = s3Actions(serviceTemplate('workflow-catalog'), /ServiceFunction/);
    expect(catalog).toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(catalog.filter((a) => /Get|Delete|List/.test(a))).toEqual([]);
    // Services that never see a payload get neither the variables nor access.
    for (const name of ['auth'] as const) {
      const fn = Object.values(serviceTemplate(name).findResources('AWS::Lambda::Function'));
      expect(JSON.stringify(fn)).not.toContain('PAYLOAD_STORE');
      expect(s3Actions(serviceTemplate(name), /./)).toEqual([]);
    }
  });

  it('names every stack and resource after one of the stages dev, staging and prod, and refuses any other', () => {
    for (const name of Object.keys(templates)) expect(name).toMatch(/^FlowGenie-staging-/);
    expect(() => buildApp(new App(), { envName: 'test', executorImageTag: 'abc1234' })).toThrow(
      'unknown stage "test": use one of dev, staging, prod',
    );
  });

  it('keeps a rotating KMS key that outlives the stack, and lets only the services that seal secrets use it, for Encrypt and Decrypt only', () => {
    const platform = templates[stacks.platform.stackName];
    platform.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    platform.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/flowgenie-staging-secrets',
    });
    const keyImport = Match.objectLike({
      'Fn::ImportValue': Match.stringLikeRegexp('Platform:.*SecretsKey'),
    });
    for (const name of serviceNames) {
      const template = serviceTemplate(name);
      const kmsStatements = statementsOf(template).filter((st) =>
        actionsOf(st).some((a) => a.startsWith('kms:')),
      );
      if (name === 'execution') {
        // Neither the execution Lambda nor the executor seals or opens a secret.
        expect(kmsStatements).toEqual([]);
        expect(variablesOf(template).SECRETS_KEY_PROVIDER).toBeUndefined();
        continue;
      }
      expect({ name, actions: kmsStatements.flatMap(actionsOf).sort() }).toEqual({
        name,
        actions: ['kms:Decrypt', 'kms:Encrypt'],
      });
      expect(JSON.stringify(kmsStatements[0].Resource)).toMatch(/Platform:.*SecretsKey/);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SECRETS_KEY_PROVIDER: 'kms',
            SECRETS_KMS_KEY_ID: keyImport,
          }),
        },
      });
    }
  });

  it('gives every process the database secret and the internal token by ARN (read at boot), with TLS to the database', () => {
    const tokenImport = Match.objectLike({
      'Fn::ImportValue': Match.stringLikeRegexp('Platform:.*InternalServiceToken'),
    });
    templates[stacks.platform.stackName].hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'flowgenie/staging/internal-service-token',
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    for (const name of serviceNames) {
      const template = serviceTemplate(name);
      const vars = variablesOf(template);
      expect({ name, vars }).toEqual({
        name,
        vars: expect.objectContaining({
          DATABASE_SECRET_ARN: { Ref: expect.stringMatching(/^Foundationdbsecretarn/) },
          DATABASE_SSLMODE: 'verify-full',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          METRICS_EMF_NAMESPACE: 'FlowGenie/staging',
        }),
      });
      expect(vars).not.toHaveProperty('DATABASE_PASSWORD');
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ INTERNAL_SERVICE_TOKEN_SECRET_ARN: tokenImport }),
        },
      });
      const secretReads = statementsOf(template)
        .filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'))
        .map((st) => JSON.stringify(st.Resource));
      expect(secretReads.some((r) => r.includes('Foundationdbsecretarn'))).toBe(true);
      expect(secretReads.some((r) => r.includes('InternalServiceToken'))).toBe(true);
      // The others reach auth's internal endpoints on its function URL, never through the API.
      if (name !== 'auth') {
        expect(JSON.stringify(vars.AUTH_INTERNAL_URL)).toContain('FunctionUrl');
      }
    }
    serviceTemplate('auth').hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    // The catalog and the execution service serve their `/internal` routes on function URLs too
    // (IAM-signed, token-guarded): the trigger reads run specs from the catalog, the catalog reads
    // last runs from the execution service, each from the other stack's function URL.
    for (const owner of ['workflow-catalog', 'execution'] as const) {
      // The execution stack's second URL is the live stream's (its own test below).
      serviceTemplate(owner).resourceCountIs('AWS::Lambda::Url', owner === 'execution' ? 2 : 1);
      serviceTemplate(owner).hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'AWS_IAM',
        TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceFunction'), 'Arn'] },
      });
    }
    for (const name of ['trigger', 'auth'] as const)
      serviceTemplate(name).resourceCountIs('AWS::Lambda::Url', name === 'auth' ? 1 : 0);
    const urlImport = (owner: ServiceName) =>
      expect.objectContaining({
        'Fn::Join': [
          '',
          [
            'https://',
            {
              'Fn::Select': [
                2,
                {
                  'Fn::Split': [
                    '/',
                    {
                      'Fn::ImportValue': expect.stringMatching(
                        new RegExp(`^${stacks.services[owner].stackName}:.*FunctionUrl`),
                      ),
                    },
                  ],
                },
              ],
            },
          ],
        ],
      });
    expect(variablesOf(serviceTemplate('trigger')).CATALOG_INTERNAL_URL).toEqual(
      urlImport('workflow-catalog'),
    );
    expect(variablesOf(serviceTemplate('workflow-catalog')).EXECUTION_INTERNAL_URL).toEqual(
      urlImport('execution'),
    );
    expect(variablesOf(serviceTemplate('execution'))).not.toHaveProperty('CATALOG_INTERNAL_URL');
    const container = executorContainer();
    const names = (container.Environment as Array<{ Name: string }>).map((e) => e.Name);
    expect(names).toEqual(
      expect.arrayContaining(['DATABASE_SECRET_ARN', 'DATABASE_SSLMODE', 'AUTH_INTERNAL_URL']),
    );
    expect(names).not.toContain('DATABASE_PASSWORD');
    // The image holds the RDS CA bundle where the executor is told to find it.
    const caPath = (container.Environment as Array<{ Name: string; Value: string }>).find(
      (e) => e.Name === 'NODE_EXTRA_CA_CERTS',
    )?.Value;
    expect(caPath).toBe(IMAGE_RDS_CA_BUNDLE);
    const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      new RegExp(`^ADD .*global-bundle\\.pem ${IMAGE_RDS_CA_BUNDLE}$`, 'm'),
    );
    expect(container.Secrets).toEqual([
      {
        Name: 'INTERNAL_SERVICE_TOKEN',
        ValueFrom: { 'Fn::ImportValue': expect.stringMatching(/Platform:.*InternalServiceToken/) },
      },
    ]);
  });

  it('turns on the providers given a client id, their secrets read from Secrets Manager by auth only, and points auth at the SPA origin', () => {
    const auth = variablesOf(serviceTemplate('auth'));
    expect(auth).toEqual(
      expect.objectContaining({
        PUBLIC_BASE_URL: 'https://main.fgapp.amplifyapp.com',
        AUTH_ALLOWED_ORIGINS: 'https://main.fgapp.amplifyapp.com',
        GOOGLE_CLIENT_ID: 'fg-staging.apps.googleusercontent.com',
        GOOGLE_CLIENT_SECRET_ARN: {
          'Fn::ImportValue': expect.stringMatching(/Platform:.*GoogleClientSecret/),
        },
      }),
    );
    // No Slack client id was given: Slack stays off, and its secret is not readable.
    expect(Object.keys(auth).filter((k) => k.startsWith('SLACK_'))).toEqual([]);
    const reads = (name: ServiceName) =>
      statementsOf(serviceTemplate(name))
        .filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'))
        .map((st) => JSON.stringify(st.Resource));
    expect(reads('auth').filter((r) => /ClientSecret/.test(r))).toEqual([
      expect.stringMatching(/GoogleClientSecret/),
    ]);
    for (const name of serviceNames.filter((n) => n !== 'auth')) {
      expect(reads(name).filter((r) => /ClientSecret/.test(r))).toEqual([]);
    }
  });

  it('with a Slack app, lets the trigger read the signing secret and auth the client secret, and nobody else', () => {
    expect(JSON.stringify(variablesOf(serviceTemplate('trigger')))).not.toContain('SLACK');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const withSlack = buildApp(app, {
      envName: 'dev',
      executorImageTag: 'abc1234',
      slackClientId: 'fg-slack-client',
      lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixtureEntry])),
      streamEntry: fixtureEntry,
    });
    const template = (name: ServiceName) => Template.fromStack(withSlack.services[name]);
    const secretReads = (name: ServiceName) =>
      statementsOf(template(name))
        .filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'))
        .map((st) => JSON.stringify(st.Resource))
        .filter((r) => /Slack/.test(r));
    expect(variablesOf(template('trigger'))).toEqual(
      expect.objectContaining({
        SLACK_SIGNING_SECRET_ARN: {
          'Fn::ImportValue': expect.stringMatching(/Platform:.*SlackSigningSecret/),
        },
      }),
    );
    expect(variablesOf(template('auth'))).toEqual(
      expect.objectContaining({ SLACK_CLIENT_ID: 'fg-slack-client' }),
    );
    expect(secretReads('trigger')).toEqual([expect.stringMatching(/SlackSigningSecret/)]);
    expect(secretReads('auth')).toEqual([expect.stringMatching(/SlackClientSecret/)]);
    expect(secretReads('workflow-catalog')).toEqual([]);
    expect(secretReads('execution')).toEqual([]);
  });

  it('lets every function outlive the webhook wait, which ends before API Gateway gives up', () => {
    const wait = Number(variablesOf(serviceTemplate('trigger')).WEBHOOK_WAIT_TIMEOUT_MS);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThan(HTTP_API_INTEGRATION_LIMIT_MS);
    for (const [id, fn] of Object.entries(resourcesOf('AWS::Lambda::Function'))) {
      const timeoutMs = Number(fn.Properties?.Timeout) * 1000;
      expect({ id, longerThanTheWait: timeoutMs > wait }).toEqual({ id, longerThanTheWait: true });
    }
  });

  it('serves live execution streams on a response-streaming function URL open to the SPA origin only, with reserved concurrency as its throttle', () => {
    const template = serviceTemplate('execution');
    const streamFn = stacks.services.execution.getLogicalId(
      stacks.stream.function.node.defaultChild as CfnElement,
    );
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [streamFn, 'Arn'] },
      Cors: {
        AllowOrigins: ['https://main.fgapp.amplifyapp.com'],
        AllowMethods: ['GET'],
        AllowHeaders: STREAM_ALLOWED_HEADERS,
        AllowCredentials: false,
        MaxAge: 3600,
      },
    });
    // The internal URL of the execution API stays buffered: only the stream streams.
    const urls = Object.values(template.findResources('AWS::Lambda::Url')) as Resources[string][];
    expect(urls.map((u) => u.Properties?.InvokeMode ?? 'BUFFERED').sort()).toEqual([
      'BUFFERED',
      'RESPONSE_STREAM',
    ]);
    const fn = template.findResources('AWS::Lambda::Function')[streamFn] as Resources[string];
    const props = fn.Properties as {
      ReservedConcurrentExecutions: number;
      Timeout: number;
      Environment: { Variables: Record<string, unknown> };
    };
    expect(props.ReservedConcurrentExecutions).toBe(25);
    const vars = props.Environment.Variables;
    // The stream ends with its reconnect hint before the function would be cut off.
    expect(Number(vars.STREAM_MAX_MS)).toBeLessThan(props.Timeout * 1000);
    expect(Number(vars.STREAM_MAX_MS)).toBeGreaterThanOrEqual(60_000);
    expect(vars).toEqual(
      expect.objectContaining({
        DATABASE_SECRET_ARN: { Ref: expect.stringMatching(/^Foundationdbsecretarn/) },
        DATABASE_SSLMODE: 'verify-full',
        PAYLOAD_STORE: 's3',
        STREAM_DB_POOL_MAX: '1',
      }),
    );
    // It verifies tokens against auth's JWKS on the API, like every service.
    expect(JSON.stringify(vars.AUTH_JWKS_URL)).toContain('/.well-known/jwks.json');
    expect(vars.AUTH_JWKS_URL).toEqual(variablesOf(template).AUTH_JWKS_URL);
    // It only reads: no bus, no queue, no service token.
    for (const name of ['EVENT_BUS_NAME', 'QUEUE_URL', 'INTERNAL_SERVICE_TOKEN_SECRET_ARN'])
      expect(vars).not.toHaveProperty(name);
    template.hasOutput('StreamUrl', {
      Value: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^StreamFunctionFunctionUrl'), 'FunctionUrl'],
      },
    });
    // Its role reads the database secret and stored payloads, and writes nothing.
    const role = (fn.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify((p as Resources[string]).Properties?.Roles).includes(role),
    ) as Resources[string][];
    const actions = policies.flatMap((p) =>
      (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.flatMap(actionsOf),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 's3:GetObject*']),
    );
    expect(
      actions
        .filter((a) => !ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE.has(a))
        .filter((a) => /Put|Delete|SendMessage|kms:/.test(a)),
    ).toEqual([]);
  });

  it('reserves no stream concurrency in dev, so a fresh account (quota 10) can deploy it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const dev = buildApp(app, {
      envName: 'dev',
      executorImageTag: 'abc1234',
      lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixtureEntry])),
      streamEntry: fixtureEntry,
    });
    const functions = Object.values(
      Template.fromStack(dev.services.execution).findResources('AWS::Lambda::Function'),
    ) as Resources[string][];
    expect(functions.length).toBeGreaterThan(1);
    for (const fn of functions)
      expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('refuses a stream origin that is a wildcard or not an origin', () => {
    for (const origin of ['*', 'https://*.amplifyapp.com', 'https://main.fgapp.amplifyapp.com/']) {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      expect(() =>
        buildApp(app, {
          envName: 'dev',
          executorImageTag: 'abc1234',
          // Without corsAllowOrigins the stream is open to the SPA origin.
          spaOrigin: origin,
          lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixtureEntry])),
          streamEntry: fixtureEntry,
        }),
      ).toThrow(/must be a scheme and host/);
    }
  });

  it('writes a JSON access log line per API request (no query string) and throttles the stage', () => {
    const api = templates[stacks.api.stackName];
    const [stage] = Object.values(
      api.findResources('AWS::ApiGatewayV2::Stage'),
    ) as Resources[string][];
    expect(stage.Properties).toEqual(
      expect.objectContaining({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^AccessLogs/), 'Arn'] },
          Format: expect.any(String),
        },
      }),
    );
    const format = JSON.parse((stage.Properties?.AccessLogSettings as { Format: string }).Format);
    expect(format).toEqual(
      expect.objectContaining({ requestId: '$context.requestId', status: '$context.status' }),
    );
    expect(JSON.stringify(format)).not.toMatch(/querystring|header/i);
    api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('alarms to one SNS topic on every DLQ, on every Lambda error and throttle, on executor lag and on the API 5xx rate', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    const topic = /Platform:.*Alarms/;
    for (const [id, alarm] of Object.entries(alarms)) {
      expect({ id, actions: JSON.stringify(alarm.Properties?.AlarmActions) }).toEqual({
        id,
        actions: expect.stringMatching(topic),
      });
    }
    const watched = (metric: string, stack: string) =>
      Object.entries(alarms)
        .filter(([id, a]) => id.startsWith(`${stack}/`) && a.Properties?.MetricName === metric)
        .map(([, a]) => JSON.stringify(a.Properties?.Dimensions));
    // Every dead-letter queue of every stack.
    for (const [id, q] of Object.entries(resourcesOf('AWS::SQS::Queue'))) {
      const redrive = q.Properties?.RedrivePolicy as
        { deadLetterTargetArn: { 'Fn::GetAtt': string[] } } | undefined;
      if (!redrive) continue;
      const [stack] = id.split('/');
      const dlq = redrive.deadLetterTargetArn['Fn::GetAtt'][0];
      expect({ id, watched: watched('ApproximateNumberOfMessagesVisible', stack).join() }).toEqual({
        id,
        watched: expect.stringContaining(dlq),
      });
    }
    for (const name of serviceNames) {
      const stack = stacks.services[name].stackName;
      expect({
        name,
        errors: watched('Errors', stack).length,
        throttles: watched('Throttles', stack).length,
      }).toEqual({
        name,
        // The execution stack's stream function too, but not on its throttles: its reserved
        // concurrency is the designed limit, and the web app polls beyond it.
        errors: name === 'execution' ? 2 : 1,
        throttles: 1,
      });
    }
    expect(
      watched('Errors', stacks.services.execution.stackName).some((d) => d.includes('Stream')),
    ).toBe(true);
    const lag = watched('ApproximateAgeOfOldestMessage', stacks.services.execution.stackName);
    expect(lag).toHaveLength(1);
    expect(lag[0]).toContain('InboxQueue');
    templates[stacks.api.stackName].hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: API_5XX_PERCENT_THRESHOLD,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('errors / requests') }),
      ]),
    });
  });

  it('lets exactly the calling roles invoke exactly the internal function URLs they call, and nobody else', () => {
    // The live stream's URL is public by design (it checks the user's token itself; its own test).
    const isStream = (id: string) => /Stream/.test(id);
    const urls = Object.entries(resourcesOf('AWS::Lambda::Url')).filter(([id]) => !isStream(id));
    expect(urls.map(([, u]) => u.Properties?.AuthType)).toEqual(['AWS_IAM', 'AWS_IAM', 'AWS_IAM']);
    // No resource policy opens an internal function to a URL caller (public URLs need one on "*").
    for (const [id, permission] of Object.entries(resourcesOf('AWS::Lambda::Permission'))) {
      if (isStream(id)) continue;
      expect(permission.Properties?.Principal).toBe('apigateway.amazonaws.com');
      expect(permission.Properties).not.toHaveProperty('FunctionUrlAuthType');
    }
    // Every identity grant to invoke a function, as "<calling role> -> <owner stack>".
    const ownerOf = (resource: unknown) =>
      /^(FlowGenie-staging-\w+):.*ServiceFunction.*Arn/.exec(
        (resource as { 'Fn::ImportValue'?: string })['Fn::ImportValue'] ?? '',
      )?.[1] ?? JSON.stringify(resource);
    const grants: string[] = [];
    for (const [stack, template] of Object.entries(templates)) {
      for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
        const props = policy.Properties as {
          Roles: { Ref: string }[];
          PolicyDocument: { Statement: (Statement & { Condition?: unknown })[] };
        };
        const role = props.Roles.map((r) => r.Ref.replace(/[0-9A-F]{8}$/, '')).join(',');
        for (const st of props.PolicyDocument.Statement) {
          const invoke = actionsOf(st).filter((a) => a.startsWith('lambda:Invoke'));
          if (invoke.length === 0) continue;
          expect(invoke).toHaveLength(1);
          // InvokeFunction only through a function URL, InvokeFunctionUrl only with IAM auth.
          expect(st.Condition).toEqual(
            invoke[0] === 'lambda:InvokeFunctionUrl'
              ? { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } }
              : { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
          );
          // Statements that differ only in resource are merged (policy minimization).
          for (const resource of [st.Resource].flat())
            grants.push(`${invoke[0]} ${stack}/${role} -> ${ownerOf(resource)}`);
        }
      }
    }
    const callers = {
      'FlowGenie-staging-Auth': [
        'FlowGenie-staging-WorkflowCatalog/ServiceFunctionServiceRole',
        'FlowGenie-staging-Trigger/ServiceFunctionServiceRole',
        'FlowGenie-staging-Execution/ExecutorTaskTaskRole',
      ],
      'FlowGenie-staging-Execution': [
        'FlowGenie-staging-WorkflowCatalog/ServiceFunctionServiceRole',
      ],
      'FlowGenie-staging-WorkflowCatalog': ['FlowGenie-staging-Trigger/ServiceFunctionServiceRole'],
    };
    const expected = Object.entries(callers).flatMap(([owner, roles]) =>
      roles.flatMap((role) =>
        ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'].map(
          (a) => `${a} ${role} -> ${owner}`,
        ),
      ),
    );
    expect(grants.sort()).toEqual(expected.sort());
  });

  it('grants nothing on "*" except the actions AWS offers no resource-level permission for, and no service-wide action', () => {
    for (const [stack, template] of Object.entries(templates)) {
      for (const st of statementsOf(template)) {
        const actions = actionsOf(st);
        for (const action of actions) {
          expect({ stack, action }).not.toEqual({
            stack,
            action: expect.stringMatching(/^\*$|:\*$/),
          });
        }
        if (JSON.stringify(st.Resource).includes('"*"') || st.Resource === '*') {
          expect({
            stack,
            actions: actions.filter((a) => !ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE.has(a)),
          }).toEqual({
            stack,
            actions: [],
          });
        }
      }
    }
  });
});
