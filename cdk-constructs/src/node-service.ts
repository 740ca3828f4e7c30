import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface NodeServiceProps {
  /** Service name, e.g. `workflow-catalog`; used for the function description and `SERVICE_NAME`. */
  readonly serviceName: string;
  /** Absolute path of the Lambda handler file (e.g. `services/auth/src/lambda.ts`). Must exist. */
  readonly entry: string;
  /**
   * Exported handler function in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;
  /** The HTTP API the service's routes are added to. */
  readonly httpApi: apigwv2.IHttpApi;
  /**
   * The routes this service serves, each an HTTP API route `<METHOD> <path>` (path parameters as
   * `{name}`), e.g. `[{ method: 'get', path: '/api/workflows/{id}' }]`. The app passes the
   * service's entries of the route catalog in `@flowgenie/contracts`.
   */
  readonly routes: readonly { method: string; path: string }[];
  /**
   * Environment variables of the function (merged over `SERVICE_NAME`, `NODE_OPTIONS`, `LOG_LEVEL`).
   * @default - none beyond the defaults
   */
  readonly environment?: Record<string, string>;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Function timeout. API Gateway HTTP APIs give up after 30 s.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
  /**
   * @default lambda.Architecture.ARM_64 - cheaper per GB-second; all dependencies are JS or ship arm64 prebuilds
   */
  readonly architecture?: lambda.Architecture;
  /**
   * VPC to attach the function to (needed to reach RDS and ElastiCache).
   * @default - not attached to a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Security groups of the function, when `vpc` is set.
   * @default - one created by Lambda
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The service's event queue. When set, the function also consumes it, reporting partial batch
   * failures so that one bad message does not redeliver the whole batch.
   * @default - the function consumes no queue
   */
  readonly queue?: sqs.IQueue;
  /**
   * @default 10
   */
  readonly queueBatchSize?: number;
  /**
   * Packages that cannot be bundled (native addons such as `argon2`); installed next to the bundle.
   * @default []
   */
  readonly nodeModules?: string[];
  /**
   * The lock file esbuild bundling resolves from; its directory is the bundling project root.
   * @default - the nearest `package-lock.json` above the working directory
   */
  readonly depsLockFilePath?: string;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * @default 'info'
   */
  readonly logLevel?: string;
}

/**
 * One service as a Lambda (Node.js 22, bundled by the local esbuild, never Docker) behind
 * path-prefix routes of an HTTP API, optionally consuming the service's event queue.
 *
 * @example
 * new NodeService(this, 'Service', {
 *   serviceName: 'execution',
 *   entry: path.join(repoRoot, 'services/execution/src/lambda.ts'),
 *   httpApi,
 *   routes: [{ method: 'get', path: '/api/executions' }],
 * });
 */
export class NodeService extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly routes: apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: NodeServiceProps) {
    super(scope, id);
    if (props.routes.length === 0) {
      throw new Error(`NodeService ${this.node.path}: routes is empty`);
    }
    for (const route of props.routes) {
      if (!/^\/[A-Za-z0-9._~\-/{}]*[A-Za-z0-9._~}-]$/.test(route.path)) {
        throw new Error(
          `NodeService ${this.node.path}: route path "${route.path}" must start with / and not end with /`,
        );
      }
      if (!(route.method.toUpperCase() in apigwv2.HttpMethod)) {
        throw new Error(`NodeService ${this.node.path}: unknown HTTP method "${route.method}"`);
      }
    }

    this.function = createNodeFunction(this, props);

    if (props.queue) {
      this.function.addEventSource(
        new SqsEventSource(props.queue, {
          batchSize: props.queueBatchSize ?? 10,
          reportBatchItemFailures: true,
        }),
      );
    }

    const integration = new HttpLambdaIntegration('Integration', this.function);
    this.routes = props.routes.map((route) => {
      const method = route.method.toUpperCase() as keyof typeof apigwv2.HttpMethod;
      return new apigwv2.HttpRoute(
        this,
        `Route${method}${route.path.replace(/[^A-Za-z0-9]/g, '')}`,
        {
          httpApi: props.httpApi,
          routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[method]),
          integration,
        },
      );
    });
  }
}

/** What {@link createNodeFunction} takes: NodeService's function settings. */
export type NodeFunctionProps = Omit<
  NodeServiceProps,
  'httpApi' | 'routes' | 'queue' | 'queueBatchSize'
>;

/**
 * A service's Lambda as every FlowGenie function is built: Node.js 22 on ARM64, bundled by the
 * local esbuild (never Docker), JSON logs in its own log group, X-Ray on, in the VPC's private
 * subnets when given one. Creates `Logs` and `Function` in `scope`.
 *
 * @example
 * const fn = createNodeFunction(this, { serviceName: 'execution-stream', entry, timeout: Duration.minutes(5) });
 */
export function createNodeFunction(
  scope: Construct,
  props: NodeFunctionProps,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new nodejs.NodejsFunction(scope, 'Function', {
    description: `FlowGenie ${props.serviceName} service`,
    entry: props.entry,
    handler: props.handler ?? 'handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: props.architecture ?? lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 512,
    timeout: props.timeout ?? Duration.seconds(15),
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    vpc: props.vpc,
    vpcSubnets: props.vpc ? { subnets: props.vpc.privateSubnets } : undefined,
    securityGroups: props.vpc ? props.securityGroups : undefined,
    depsLockFilePath: props.depsLockFilePath,
    environment: {
      SERVICE_NAME: props.serviceName,
      NODE_OPTIONS: '--enable-source-maps',
      LOG_LEVEL: props.logLevel ?? 'info',
      ...props.environment,
    },
    bundling: {
      forceDockerBundling: false,
      target: 'node22',
      format: nodejs.OutputFormat.CJS,
      minify: true,
      sourceMap: true,
      // The v3 SDK is in the Node.js 22 runtime; bundling it would only grow the package.
      externalModules: ['@aws-sdk/*'],
      nodeModules: props.nodeModules,
    },
  });
}
