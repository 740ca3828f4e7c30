import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { consumerNames, httpRoutes, routingTable } from '@flowgenie/contracts';
import { buildApp, serviceNames, type FlowGenieStacks, type ServiceName } from '../src/app';
import { foundationParameterKeys } from '../src/foundation';

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
    envName: 'test',
    executorImageTag: 'abc1234',
    lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixtureEntry])),
  });
  const assembly = app.synth();
  validationReport = JSON.parse(
    fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
  );
  templates = Object.fromEntries(
    [stacks.bus, stacks.api, ...Object.values(stacks.services)].map((s) => [
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
        'FlowGenie-test-Bus',
        'FlowGenie-test-Api',
        'FlowGenie-test-Auth',
        'FlowGenie-test-WorkflowCatalog',
        'FlowGenie-test-Trigger',
        'FlowGenie-test-Execution',
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
      'Fn::ImportValue': Match.stringLikeRegexp('FlowGenie-test-Bus'),
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
        expect(ssmNames).toContain(`/flowgenie/test/${key}`);
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
      ([, p]) => p.Default === '/flowgenie/test/ecr-repository-name',
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
    const [taskDef] = Object.values(
      execution.findResources('AWS::ECS::TaskDefinition'),
    ) as Resources[string][];
    const container = (
      taskDef.Properties?.ContainerDefinitions as Array<Record<string, unknown>>
    )[0];
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
      Name: 'flowgenie-test-triggers',
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

  it('gives the trigger and the executor side the payload bucket, each only what it needs', () => {
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
      ).find(([, p]) => p.Default === '/flowgenie/test/payload-bucket-name')?.[0];

    for (const name of ['trigger', 'execution'] as const) {
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
    const [taskDef] = Object.values(
      serviceTemplate('execution').findResources('AWS::ECS::TaskDefinition'),
    ) as Resources[string][];
    const container = (
      taskDef.Properties?.ContainerDefinitions as Array<Record<string, unknown>>
    )[0];
    expect(container.Environment).toEqual(
      expect.arrayContaining([{ Name: 'PAYLOAD_STORE', Value: 's3' }]),
    );
    // Services that never see a payload get neither the variables nor access.
    for (const name of ['auth', 'workflow-catalog'] as const) {
      const fn = Object.values(serviceTemplate(name).findResources('AWS::Lambda::Function'));
      expect(JSON.stringify(fn)).not.toContain('PAYLOAD_STORE');
      expect(s3Actions(serviceTemplate(name), /./)).toEqual([]);
    }
  });
});
