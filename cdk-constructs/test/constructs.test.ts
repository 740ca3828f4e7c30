import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBus, NodeService, Schedules, ServiceQueue } from '../src';

// Small single-stack synths of the constructs' defaults and opt-outs. The whole app is asserted
// in app.test.ts; here schema validation is off to keep each synth well under a second.
let outRoot: string;
beforeAll(() => {
  outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgenie-constructs-'));
});
afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

const newStack = () =>
  new Stack(
    new App({
      outdir: fs.mkdtempSync(path.join(outRoot, 'app-')),
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:bundling-stacks': [] },
    }),
    'Test',
  );
const fixtureEntry = path.join(__dirname, 'fixtures', 'lambda.ts');

describe('ServiceQueue', () => {
  it('routes the given event types to an encrypted queue with a DLQ after 5 receives', () => {
    // Prepare
    const stack = newStack();
    const { bus } = new EventBus(stack, 'Bus');
    // Act
    const inbox = new ServiceQueue(stack, 'Inbox', {
      bus,
      detailTypes: ['workflow.deleted', 'workflow.triggered'],
    });
    // Assess
    const template = Template.fromStack(stack);
    expect(inbox.deadLetterQueue).toBeDefined();
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'detail-type': ['workflow.deleted', 'workflow.triggered'] },
      // What EventBridge cannot deliver lands in the DLQ too.
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    // Only TLS connections may use the queues.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('honours a different receive count and an opted-out DLQ', () => {
    const stack = newStack();
    const { bus } = new EventBus(stack, 'Bus', { archive: false });
    new ServiceQueue(stack, 'Seven', { bus, detailTypes: ['a.b'], maxReceiveCount: 7 });
    const bare = new ServiceQueue(stack, 'Bare', {
      bus,
      detailTypes: ['c.d'],
      deadLetterQueue: false,
    });

    const template = Template.fromStack(stack);
    expect(bare.deadLetterQueue).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 7 }),
    });
    template.resourceCountIs('AWS::Events::Archive', 0);
  });

  it('refuses an empty or repeated list of event types and a bad receive count', () => {
    const stack = newStack();
    const { bus } = new EventBus(stack, 'Bus');
    expect(() => new ServiceQueue(stack, 'Empty', { bus, detailTypes: [] })).toThrow(
      /detailTypes is empty/,
    );
    expect(() => new ServiceQueue(stack, 'Twice', { bus, detailTypes: ['a.b', 'a.b'] })).toThrow(
      /a\.b is listed twice/,
    );
    expect(
      () => new ServiceQueue(stack, 'Zero', { bus, detailTypes: ['a.b'], maxReceiveCount: 0 }),
    ).toThrow(/maxReceiveCount/);
  });
});

describe('EventBus', () => {
  it('archives every event of the bus for 30 days and keeps the bus on stack deletion', () => {
    const stack = newStack();
    new EventBus(stack, 'Bus', { eventBusName: 'flowgenie-test' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Events::EventBus', {
      DeletionPolicy: 'Retain',
      Properties: { Name: 'flowgenie-test' },
    });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
    });
  });
});

describe('NodeService', () => {
  it('puts a Node.js 22 function behind each of its routes', () => {
    const stack = newStack();
    const httpApi = new apigwv2.HttpApi(stack, 'Api');
    const service = new NodeService(stack, 'Svc', {
      serviceName: 'demo',
      entry: fixtureEntry,
      httpApi,
      routes: [
        { method: 'get', path: '/api/demo' },
        { method: 'post', path: '/api/demo/{id}/run' },
      ],
      environment: { FOO: 'bar' },
    });
    const template = Template.fromStack(stack);
    expect(service.routes.map((r) => r.path)).toEqual(['/api/demo', '/api/demo/{id}/run']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/demo/{id}/run',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 15,
      Environment: {
        Variables: Match.objectLike({ SERVICE_NAME: 'demo', FOO: 'bar', LOG_LEVEL: 'info' }),
      },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  it('refuses route paths that do not start with / or end with /, and unknown methods', () => {
    const stack = newStack();
    const httpApi = new apigwv2.HttpApi(stack, 'Api');
    const make =
      (path: string, method = 'get') =>
      () =>
        new NodeService(stack, `Svc${path.length}${method}`, {
          serviceName: 's',
          entry: fixtureEntry,
          httpApi,
          routes: [{ method, path }],
        });
    expect(make('api/x')).toThrow(/must start with \//);
    expect(make('/api/x/')).toThrow(/must start with \//);
    expect(make('/api/x', 'fetch')).toThrow(/unknown HTTP method/);
  });
});

describe('Schedules', () => {
  it('lets the granted function create schedules that pass only the scheduler role', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Queue');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const schedules = new Schedules(stack, 'Schedules', {
      targetQueue: queue,
      scheduleGroupName: 'triggers',
    });
    schedules.grantManageSchedules(fn);

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'triggers' });
    const fnRole = stack.getLogicalId(fn.role?.node.defaultChild as CfnElement);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: fnRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule']),
          }),
          Match.objectLike({ Action: 'scheduler:DeleteSchedule' }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulesRole'), 'Arn'] },
          }),
        ]),
      },
    });
    // The role Scheduler assumes may send to the target queue.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SchedulesRole') }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']) })],
      },
    });
  });

  it('adds a fixed rate() schedule sending its input to the queue with the scheduler role', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Queue');
    const schedules = new Schedules(stack, 'Schedules', {
      targetQueue: queue,
      scheduleGroupName: 'triggers',
    });
    schedules.addRateSchedule('Sweep', {
      scheduleName: 'sweep',
      every: Duration.minutes(5),
      input: '{"detail-type":"x"}',
    });

    Template.fromStack(stack).hasResource('AWS::Scheduler::Schedule', {
      Properties: {
        Name: 'sweep',
        GroupName: 'triggers',
        ScheduleExpression: 'rate(5 minutes)',
        Target: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Queue'), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulesRole'), 'Arn'] },
          Input: '{"detail-type":"x"}',
        },
      },
      // Created after its group (whose name is a plain string, not a reference).
      DependsOn: [Match.stringLikeRegexp('^SchedulesGroup')],
    });
    // Scheduler's finest rate is a minute; wf- and poll- names are the trigger service's.
    expect(() =>
      schedules.addRateSchedule('Fast', {
        scheduleName: 'fast',
        every: Duration.seconds(30),
        input: '{}',
      }),
    ).toThrow(/whole minute/);
    expect(() =>
      schedules.addRateSchedule('Poll', {
        scheduleName: 'poll-x',
        every: Duration.minutes(1),
        input: '{}',
      }),
    ).toThrow(/belong to the trigger service/);
  });
});
