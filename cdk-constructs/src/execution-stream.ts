import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ServiceAlarms } from './alarms';
import type { Foundation } from './foundation';
import { createNodeFunction } from './node-service';
import { LAMBDA_RDS_CA_BUNDLE } from './stacks/service-stack';

/** Headers a browser may send on a stream request (the bearer token, and what SSE clients add). */
export const STREAM_ALLOWED_HEADERS = ['authorization', 'accept', 'cache-control', 'last-event-id'];

export interface ExecutionStreamProps {
  /** Absolute path of the streaming handler file (`services/execution/src/lambda-stream.ts`). */
  readonly entry: string;
  /** Name prefix of the alarms, e.g. `flowgenie-dev-execution-stream`. */
  readonly name: string;
  /** The foundation (VPC, database, payload bucket) of the execution stack. */
  readonly foundation: Foundation;
  /** The auth JWKS the handler verifies access tokens against. */
  readonly authJwksUrl: string;
  /**
   * Streams open at once: the function's reserved concurrency (one stream holds one instance for
   * its whole life). Above it, a stream request is refused (429) and the web app polls instead;
   * it also caps the database connections streams hold (one per instance). Undefined reserves
   * nothing (bounded by the account's quota).
   */
  readonly reservedConcurrency?: number;
  /**
   * Browser origins allowed to open a stream (the SPA's). `*` is refused: the handler takes a
   * bearer token from script, and only the SPA's origin should be able to read the answer.
   * @default - no CORS configuration (only non-browser clients)
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Function timeout; a stream ends with a reconnect hint 30 s before it.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /** Milliseconds between two looks at the execution's change marker. @default 500 */
  readonly pollMs?: number;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention?: logs.RetentionDays;
  readonly depsLockFilePath?: string;
  /** Extra security groups. @default - the foundation's services group */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * Live execution streams (`GET /api/executions/{id}/stream`, server-sent events) served as they
 * happen: a Lambda with response streaming behind its own function URL
 * (`invokeMode: RESPONSE_STREAM`), because an API Gateway HTTP API buffers a Lambda's response
 * and ends it at 30 s. The URL has no authorizer: the handler verifies the access token itself
 * (the services' verifier and JWKS). Reserved concurrency is its throttle. The web app reaches it
 * through its build-time `VITE_STREAM_URL` (the `StreamUrl` output).
 *
 * @example
 * new ExecutionStream(stack, 'Stream', { entry, name, foundation, authJwksUrl, reservedConcurrency: 20, allowedOrigins: [spa], alarmTopic });
 */
export class ExecutionStream extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly url: lambda.FunctionUrl;
  public readonly alarms: ServiceAlarms;

  constructor(scope: Construct, id: string, props: ExecutionStreamProps) {
    super(scope, id);
    const origins = props.allowedOrigins ?? [];
    for (const origin of origins) {
      if (!/^https?:\/\/[^/*]+$/.test(origin)) {
        throw new Error(
          `ExecutionStream ${this.node.path}: allowed origin "${origin}" must be a scheme and host (no "*", no path)`,
        );
      }
    }
    const timeout = props.timeout ?? Duration.minutes(5);
    const maxStreamMs = timeout.toMilliseconds() - 30_000;
    if (maxStreamMs < 30_000) throw new Error('ExecutionStream: timeout must be at least 1 minute');
    const { foundation } = props;

    this.function = createNodeFunction(this, {
      serviceName: 'execution-stream',
      entry: props.entry,
      timeout,
      // A stream mostly waits: the smallest memory that boots in reasonable time.
      memorySize: 256,
      vpc: foundation.vpc,
      securityGroups: props.securityGroups ?? [foundation.securityGroup],
      depsLockFilePath: props.depsLockFilePath,
      logRetention: props.logRetention,
      environment: {
        DATABASE_HOST: foundation.databaseHost,
        DATABASE_PORT: foundation.databasePort,
        DATABASE_NAME: foundation.databaseName,
        DATABASE_SECRET_ARN: foundation.databaseSecret.secretArn,
        DATABASE_SSLMODE: 'verify-full',
        NODE_EXTRA_CA_CERTS: LAMBDA_RDS_CA_BUNDLE,
        AUTH_JWKS_URL: props.authJwksUrl,
        ...foundation.payloadEnvironment(),
        STREAM_POLL_MS: String(props.pollMs ?? 500),
        STREAM_MAX_MS: String(maxStreamMs),
        // One stream per instance at a time: one connection is all it uses.
        STREAM_DB_POOL_MAX: '1',
      },
    });
    const fn = this.function.node.defaultChild as lambda.CfnFunction;
    fn.reservedConcurrentExecutions = props.reservedConcurrency;
    foundation.databaseSecret.grantRead(this.function);
    foundation.payloadBucket.grantRead(this.function, 'payloads/*');

    this.url = this.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      cors:
        origins.length > 0
          ? {
              allowedOrigins: [...origins],
              allowedMethods: [lambda.HttpMethod.GET],
              allowedHeaders: STREAM_ALLOWED_HEADERS,
              // The token travels in a header, never a cookie.
              allowCredentials: false,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    new CfnOutput(this, 'StreamUrl', {
      key: 'StreamUrl',
      description: "The execution stream's function URL: the web app's VITE_STREAM_URL",
      value: this.url.url,
    });

    this.alarms = new ServiceAlarms(this, 'Alarms', { name: props.name, topic: props.alarmTopic });
    this.alarms.onErrors(this.function);
  }
}
