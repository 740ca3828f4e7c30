import * as path from 'node:path';
import { App, Duration, Tags, type Environment } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import {
  consumerNames,
  routesOf,
  routingTable,
  schedulerTargetInput,
  type ConsumerName,
} from '@flowgenie/contracts';
import { ExecutionStream } from './execution-stream';
import { Executor } from './executor';
import { Schedules } from './schedules';
import { ApiStack } from './stacks/api-stack';
import { BusStack } from './stacks/bus-stack';
import { PlatformStack } from './stacks/platform-stack';
import { ServiceStack, WEBHOOK_WAIT_MS } from './stacks/service-stack';
import { stageSettings, type StageName } from './stages';

/** The four services; each is a consumer of the routing table. */
export type ServiceName = ConsumerName;

/** The services: the consumers of the routing table, each serving its routes of the route catalog. */
export const serviceNames = [...consumerNames];

/** Packages a service's Lambda bundle installs instead of bundling (native addons). */
const nativeModules: Partial<Record<ServiceName, string[]>> = { auth: ['argon2'] };

/** Services that seal or open secrets at rest with the KMS key (signing keys, connection and webhook secrets). */
const usesSecretsKey: Record<ServiceName, boolean> = {
  auth: true,
  'workflow-catalog': true,
  trigger: true,
  execution: false,
};

/** The fixed schedule of the trigger's Slack events sweep, in the trigger's schedule group. */
export const SLACK_SWEEP_SCHEDULE = 'slack-sweep';
/** Envelope id of its messages (fixed: Scheduler has no UUID placeholder, nothing dedupes by it). */
const SLACK_SWEEP_EVENT_ID = '5b1a7c3e-2f4d-4e8a-9c61-0d7f3b2a9e15';

/** Where the RDS CA bundle sits in the platform image (the Dockerfile adds it). */
export const IMAGE_RDS_CA_BUNDLE = '/etc/ssl/certs/rds-global-bundle.pem';

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

export interface FlowGenieAppOptions {
  /** The stage (`dev`, `staging`, `prod`): stack name part and SSM path (`/flowgenie/<stage>/...`). */
  readonly envName: StageName | string;
  /**
   * Account and region of every stack.
   * @default - environment-agnostic stacks
   */
  readonly env?: Environment;
  /**
   * Root of the repository.
   * @default - two directories above this file
   */
  readonly repoRoot?: string;
  /**
   * Lambda handler file per service.
   * @default - `<repoRoot>/services/<name>/src/lambda.ts`
   */
  readonly lambdaEntries?: Partial<Record<ServiceName, string>>;
  /**
   * The live execution stream's handler file (Lambda response streaming).
   * @default - `<repoRoot>/services/execution/src/lambda-stream.ts`
   */
  readonly streamEntry?: string;
  /** Tag of the platform image the executor runs (the commit SHA the pipeline pushed). */
  readonly executorImageTag: string;
  /**
   * Browser origins allowed by the API's CORS configuration (the Amplify SPA's domain).
   * @default - no CORS configuration
   */
  readonly corsAllowOrigins?: string[];
  /**
   * The SPA's origin (`https://<branch>.<app id>.amplifyapp.com` or a custom domain): auth's
   * PUBLIC_BASE_URL (redirects after sign-in) and the origin the refresh cookie is honoured from.
   * @default - auth's default (the local gateway)
   */
  readonly spaOrigin?: string;
  /**
   * OAuth client ids (public values) of Sign in with Google / Google connections and of Slack.
   * Each given id turns the provider on in auth, with its secret read from Secrets Manager.
   * @default - the provider is off (auth answers 409 provider_not_configured)
   */
  readonly googleClientId?: string;
  readonly slackClientId?: string;
}

export interface FlowGenieStacks {
  readonly platform: PlatformStack;
  readonly bus: BusStack;
  readonly api: ApiStack;
  readonly services: Record<ServiceName, ServiceStack>;
  readonly executor: Executor;
  readonly schedules: Schedules;
  readonly stream: ExecutionStream;
}

/**
 * Assembles FlowGenie's stacks in `app`: the bus, the HTTP API, and one stack per service whose
 * inbox rule lists exactly the event types the routing table gives that consumer. The execution
 * stack also runs the ECS executor (which consumes the execution inbox); the trigger stack owns
 * the EventBridge Scheduler group whose firings go to the trigger inbox.
 *
 * @example
 * const app = new App();
 * buildApp(app, { envName: 'dev', executorImageTag: 'a1b2c3d' });
 * app.synth();
 */
export function buildApp(app: App, options: FlowGenieAppOptions): FlowGenieStacks {
  const { env } = options;
  const stage = stageSettings(options.envName);
  const envName = stage.name;
  const repoRoot = options.repoRoot ?? path.resolve(__dirname, '..', '..');
  const prefix = `FlowGenie-${envName}`;

  const platform = new PlatformStack(app, `${prefix}-Platform`, { env, envName });
  const bus = new BusStack(app, `${prefix}-Bus`, { env, envName });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    stage,
    corsAllowOrigins: options.corsAllowOrigins,
    alarmTopic: platform.alarmTopic,
  });
  const authJwksUrl = `${api.httpApi.apiEndpoint}/.well-known/jwks.json`;
  const common = {
    env,
    stage,
    depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    bus: bus.bus,
    httpApi: api.httpApi,
    authJwksUrl,
    internalServiceToken: platform.internalServiceToken,
    alarmTopic: platform.alarmTopic,
  };
  const entryOf = (name: ServiceName) =>
    options.lambdaEntries?.[name] ?? path.join(repoRoot, 'services', name, 'src', 'lambda.ts');

  // Auth first: the others call its internal endpoints through its function URL (the HTTP API
  // never routes /internal; IAM auth and the service token guard it).
  const services = {} as Record<ServiceName, ServiceStack>;
  services.auth = new ServiceStack(app, `${prefix}-Auth`, {
    ...common,
    serviceName: 'auth',
    entry: entryOf('auth'),
    routes: routesOf('auth'),
    detailTypes: routingTable.auth,
    nodeModules: nativeModules.auth,
    secretsKey: platform.secretsKey,
    extraEnvironment: {
      ...(options.spaOrigin && {
        PUBLIC_BASE_URL: options.spaOrigin,
        AUTH_ALLOWED_ORIGINS: options.spaOrigin,
      }),
      ...(options.googleClientId && {
        GOOGLE_CLIENT_ID: options.googleClientId,
        GOOGLE_CLIENT_SECRET_ARN: platform.providerSecrets.google.secretArn,
      }),
      ...(options.slackClientId && {
        SLACK_CLIENT_ID: options.slackClientId,
        SLACK_CLIENT_SECRET_ARN: platform.providerSecrets.slack.secretArn,
      }),
    },
  });
  const authFn = services.auth.service.function;
  if (options.googleClientId) platform.providerSecrets.google.grantRead(authFn);
  if (options.slackClientId) platform.providerSecrets.slack.grantRead(authFn);
  const authInternalUrl = services.auth.addInternalUrl();

  const triggerEnvironment: Record<string, string> = {
    WEBHOOK_WAIT_TIMEOUT_MS: String(WEBHOOK_WAIT_MS),
    // Slack events are verified with the app's signing secret (with a Slack app only).
    ...(options.slackClientId && {
      SLACK_SIGNING_SECRET_ARN: platform.providerSecrets.slackSigning.secretArn,
    }),
  };
  // The other services' internal endpoints, each on its function URL: the catalog reads last
  // runs from the execution service, the trigger reads run specs from the catalog. A URL's owner
  // is created before its caller, so each is an export of an existing stack (no cycle).
  const internalUrls: Partial<Record<ServiceName, string>> = { auth: authInternalUrl };
  const servesInternal: readonly ServiceName[] = ['execution', 'workflow-catalog'];
  const internalUrlOf = (owner: ServiceName): string => {
    const url = internalUrls[owner];
    if (!url) throw new Error(`${owner}'s stack must be created before its internal callers`);
    return url;
  };
  const extraEnvironment = (name: ServiceName): Record<string, string> | undefined => {
    if (name === 'workflow-catalog') return { EXECUTION_INTERNAL_URL: internalUrlOf('execution') };
    if (name === 'trigger')
      return { ...triggerEnvironment, CATALOG_INTERNAL_URL: internalUrlOf('workflow-catalog') };
    return undefined;
  };
  const creationOrder: ServiceName[] = ['execution', 'workflow-catalog', 'trigger'];
  for (const name of [
    ...creationOrder,
    ...serviceNames.filter((n) => n !== 'auth' && !creationOrder.includes(n)),
  ]) {
    services[name] = new ServiceStack(app, `${prefix}-${pascal(name)}`, {
      ...common,
      serviceName: name,
      entry: entryOf(name),
      routes: routesOf(name),
      detailTypes: routingTable[name],
      // The executor long-polls the execution inbox: one workflow.triggered → one execution.
      consumeEventsInLambda: name !== 'execution',
      nodeModules: nativeModules[name],
      secretsKey: usesSecretsKey[name] ? platform.secretsKey : undefined,
      authInternalUrl,
      extraEnvironment: extraEnvironment(name),
    });
    if (servesInternal.includes(name)) internalUrls[name] = services[name].addInternalUrl();
  }

  const execution = services.execution;
  if (!execution.inbox) throw new Error('the routing table gives the execution service no events');
  const { foundation } = execution;
  const executor = new Executor(execution, 'Executor', {
    vpc: foundation.vpc,
    securityGroups: [foundation.securityGroup],
    repositoryNameParameter: foundation.parameterName('ecr-repository-name'),
    imageTag: options.executorImageTag,
    queue: execution.inbox.queue,
    environment: {
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: bus.bus.eventBusName,
      QUEUE_URL: execution.inbox.queue.queueUrl,
      REDIS_URL: foundation.redisUrl,
      DATABASE_HOST: foundation.databaseHost,
      DATABASE_PORT: foundation.databasePort,
      DATABASE_NAME: foundation.databaseName,
      AUTH_JWKS_URL: authJwksUrl,
      AUTH_INTERNAL_URL: authInternalUrl,
      // The task reads the secret itself (not injected at task start), so a rotation is followed.
      DATABASE_SECRET_ARN: foundation.databaseSecret.secretArn,
      DATABASE_SSLMODE: 'verify-full',
      NODE_EXTRA_CA_CERTS: IMAGE_RDS_CA_BUNDLE,
      ...foundation.payloadEnvironment(),
    },
    secrets: {
      INTERNAL_SERVICE_TOKEN: ecs.Secret.fromSecretsManager(platform.internalServiceToken),
    },
    logRetention: stage.logRetention,
  });
  foundation.databaseSecret.grantRead(executor.taskDefinition.taskRole);
  execution.alarms.onQueueLag(execution.inbox.queue, stage.executorLagThreshold);
  bus.bus.grantPutEventsTo(executor.taskDefinition.taskRole);
  // Steps read large trigger payloads stored by reference.
  foundation.payloadBucket.grantRead(executor.taskDefinition.taskRole, 'payloads/*');

  // Live execution streams: API Gateway would buffer them, so they have a function URL of their own,
  // open to the SPA's origin only (the pipeline passes it as corsAllowOrigins, else spaOrigin).
  const stream = new ExecutionStream(execution, 'Stream', {
    entry:
      options.streamEntry ??
      path.join(repoRoot, 'services', 'execution', 'src', 'lambda-stream.ts'),
    name: `flowgenie-${envName}-execution-stream`,
    foundation,
    authJwksUrl,
    reservedConcurrency: stage.streamConcurrency,
    allowedOrigins: options.corsAllowOrigins ?? (options.spaOrigin ? [options.spaOrigin] : []),
    alarmTopic: platform.alarmTopic,
    logRetention: stage.logRetention,
    depsLockFilePath: common.depsLockFilePath,
  });

  // Who may call whose internal function URL (each signs with its own role): the catalog checks
  // connections with auth and reads last runs from the execution service, the trigger reads run
  // specs from the catalog and connections from auth, the executor connections from auth.
  const catalogFn = services['workflow-catalog'].service.function;
  const internalCallers: Partial<Record<ServiceName, iam.IGrantable[]>> = {
    auth: [catalogFn, services.trigger.service.function, executor.taskDefinition.taskRole],
    execution: [catalogFn],
    'workflow-catalog': [services.trigger.service.function],
  };
  for (const owner of ['auth', ...servesInternal] as const)
    for (const caller of internalCallers[owner] ?? []) services[owner].grantInternalInvoke(caller);

  const trigger = services.trigger;
  if (options.slackClientId)
    platform.providerSecrets.slackSigning.grantRead(trigger.service.function);
  if (!trigger.inbox) throw new Error('the routing table gives the trigger service no events');
  const schedules = new Schedules(trigger, 'Schedules', {
    targetQueue: trigger.inbox.queue,
    scheduleGroupName: `flowgenie-${envName}-triggers`,
  });
  const triggerFn = trigger.service.function;
  schedules.grantManageSchedules(triggerFn);
  // One EventBridge Scheduler schedule per active schedule trigger; firings reach the inbox.
  triggerFn.addEnvironment('SCHEDULES', 'aws');
  triggerFn.addEnvironment('SCHEDULE_GROUP_NAME', schedules.group.scheduleGroupName);
  triggerFn.addEnvironment('SCHEDULER_ROLE_ARN', schedules.role.roleArn);
  triggerFn.addEnvironment('SCHEDULE_TARGET_QUEUE_ARN', trigger.inbox.queue.queueArn);
  // The Slack events sweep, a timer in a long-running trigger process: here a fixed schedule whose
  // slack.sweep.due messages reach the trigger's Lambda through its inbox.
  schedules.addRateSchedule('SlackSweep', {
    scheduleName: SLACK_SWEEP_SCHEDULE,
    every: Duration.minutes(1),
    input: schedulerTargetInput('slack.sweep.due', {}, SLACK_SWEEP_EVENT_ID),
    description: 'FlowGenie: fires Slack deliveries acknowledged but not processed',
  });

  for (const stack of [platform, bus, api, ...Object.values(services)]) {
    Tags.of(stack).add('project', 'flowgenie');
    Tags.of(stack).add('environment', envName);
  }
  return { platform, bus, api, services, executor, schedules, stream };
}

if (require.main === module) {
  const app = new App();
  const envName: string = app.node.tryGetContext('env') ?? process.env.FLOWGENIE_ENV ?? 'dev';
  const origins: string | undefined = app.node.tryGetContext('corsAllowOrigins');
  const spaOrigin: string | undefined = app.node.tryGetContext('spaOrigin');
  const googleClientId: string | undefined = app.node.tryGetContext('googleClientId');
  const slackClientId: string | undefined = app.node.tryGetContext('slackClientId');
  const executorImageTag: string | undefined =
    app.node.tryGetContext('executorImageTag') ?? process.env.EXECUTOR_IMAGE_TAG;
  if (!executorImageTag) {
    throw new Error(
      'pass the executor image tag: cdk synth -c executorImageTag=<commit sha pushed to ECR>',
    );
  }
  buildApp(app, {
    envName,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    executorImageTag,
    corsAllowOrigins: origins ? origins.split(',').map((o) => o.trim()) : undefined,
    spaOrigin,
    googleClientId,
    slackClientId,
  });
  app.synth();
}
