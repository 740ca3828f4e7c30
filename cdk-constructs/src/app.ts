import * as path from 'node:path';
import { App, Tags, type Environment } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { consumerNames, routesOf, routingTable, type ConsumerName } from '@flowgenie/contracts';
import { Executor } from './executor';
import { Schedules } from './schedules';
import { ApiStack } from './stacks/api-stack';
import { BusStack } from './stacks/bus-stack';
import { ServiceStack } from './stacks/service-stack';

/** The four services; each is a consumer of the routing table. */
export type ServiceName = ConsumerName;

/** The services: the consumers of the routing table, each serving its routes of the route catalog. */
export const serviceNames = [...consumerNames];

/** Packages a service's Lambda bundle installs instead of bundling (native addons). */
const nativeModules: Partial<Record<ServiceName, string[]>> = { auth: ['argon2'] };

const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

export interface FlowGenieAppOptions {
  /** Environment name: stack name part and SSM path (`/flowgenie/<envName>/...`). */
  readonly envName: string;
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
  /** Tag of the platform image the executor runs (the commit SHA the pipeline pushed). */
  readonly executorImageTag: string;
  /**
   * Browser origins allowed by the API's CORS configuration (the Amplify SPA's domain).
   * @default - no CORS configuration
   */
  readonly corsAllowOrigins?: string[];
}

export interface FlowGenieStacks {
  readonly bus: BusStack;
  readonly api: ApiStack;
  readonly services: Record<ServiceName, ServiceStack>;
  readonly executor: Executor;
  readonly schedules: Schedules;
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
  const { envName, env } = options;
  const repoRoot = options.repoRoot ?? path.resolve(__dirname, '..', '..');
  const prefix = `FlowGenie-${envName}`;

  const bus = new BusStack(app, `${prefix}-Bus`, { env, envName });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    envName,
    corsAllowOrigins: options.corsAllowOrigins,
  });
  const authJwksUrl = `${api.httpApi.apiEndpoint}/.well-known/jwks.json`;

  const services = {} as Record<ServiceName, ServiceStack>;
  for (const name of serviceNames) {
    services[name] = new ServiceStack(app, `${prefix}-${pascal(name)}`, {
      env,
      envName,
      serviceName: name,
      entry:
        options.lambdaEntries?.[name] ?? path.join(repoRoot, 'services', name, 'src', 'lambda.ts'),
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      bus: bus.bus,
      httpApi: api.httpApi,
      routes: routesOf(name),
      detailTypes: routingTable[name],
      // The executor long-polls the execution inbox: one workflow.triggered → one execution.
      consumeEventsInLambda: name !== 'execution',
      authJwksUrl,
      nodeModules: nativeModules[name],
    });
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
      ...foundation.payloadEnvironment(),
    },
    secrets: {
      DATABASE_USER: ecs.Secret.fromSecretsManager(foundation.databaseSecret, 'username'),
      DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(foundation.databaseSecret, 'password'),
    },
  });
  bus.bus.grantPutEventsTo(executor.taskDefinition.taskRole);
  // Steps read large trigger payloads stored by reference.
  foundation.payloadBucket.grantRead(executor.taskDefinition.taskRole, 'payloads/*');

  const trigger = services.trigger;
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

  for (const stack of [bus, api, ...Object.values(services)]) {
    Tags.of(stack).add('project', 'flowgenie');
    Tags.of(stack).add('environment', envName);
  }
  return { bus, api, services, executor, schedules };
}

if (require.main === module) {
  const app = new App();
  const envName: string = app.node.tryGetContext('env') ?? process.env.FLOWGENIE_ENV ?? 'dev';
  const origins: string | undefined = app.node.tryGetContext('corsAllowOrigins');
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
  });
  app.synth();
}
