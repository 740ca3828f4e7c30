import { Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ServiceAlarms } from '../alarms';
import { Foundation } from '../foundation';
import { NodeService } from '../node-service';
import { ServiceQueue } from '../service-queue';
import type { StageSettings } from '../stages';

/**
 * How long a webhook caller waits for the workflow's answer behind API Gateway: under the HTTP
 * API's 30 s integration limit (which cannot be raised), so the caller gets the answer or the
 * 202 with the status URL, never API Gateway's 503.
 */
export const WEBHOOK_WAIT_MS = 25_000;
/** Every function's timeout: above the webhook wait, so the function always gets to answer. */
export const FUNCTION_TIMEOUT = Duration.seconds(35);
/** RDS forces TLS; the Node.js 22 Lambda runtime holds the RDS CA bundle at this path. */
export const LAMBDA_RDS_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export interface ServiceStackProps extends StackProps {
  readonly stage: StageSettings;
  readonly serviceName: string;
  /** Absolute path of the service's Lambda handler file. */
  readonly entry: string;
  readonly bus: events.IEventBus;
  readonly httpApi: apigwv2.IHttpApi;
  readonly routes: readonly { method: string; path: string }[];
  /**
   * Event types the service consumes, from the routing table. Empty: no queue and no rule.
   */
  readonly detailTypes: readonly string[];
  /**
   * Let the service's Lambda consume its queue. Turn off when another worker (the ECS executor)
   * long-polls it instead.
   * @default true
   */
  readonly consumeEventsInLambda?: boolean;
  /** URL of the auth service's JWKS every service verifies access tokens against. */
  readonly authJwksUrl: string;
  /**
   * Packages the Lambda bundle installs instead of bundling (native addons).
   * @default []
   */
  readonly nodeModules?: string[];
  /**
   * Lock file for bundling.
   * @default - the nearest package-lock.json
   */
  readonly depsLockFilePath?: string;
  /**
   * The KMS key secrets at rest are sealed with (SECRETS_KEY_PROVIDER=kms), for a service that
   * seals or opens them; it may Encrypt and Decrypt with it, nothing else.
   * @default - the service uses no secrets key
   */
  readonly secretsKey?: kms.IKey;
  /** The internal service token (auth checks it, the others present it), read at boot. */
  readonly internalServiceToken: secretsmanager.ISecret;
  /**
   * Base URL of auth's internal endpoints (`/internal/connections/*`).
   * @default - none (the auth service itself)
   */
  readonly authInternalUrl?: string;
  /** Where the service's alarms notify. */
  readonly alarmTopic: sns.ITopic;
  /** Variables of this service only. @default - none */
  readonly extraEnvironment?: Record<string, string>;
}

/**
 * One service's stack: its inbox (EventBridge rule → SQS + DLQ) for the event types it consumes,
 * its Lambda with the foundation it needs (VPC, database, Redis, read from SSM) and its API routes.
 */
export class ServiceStack extends Stack {
  public readonly foundation: Foundation;
  /** The inbox, when the service consumes at least one event type. */
  public readonly inbox?: ServiceQueue;
  public readonly service: NodeService;
  public readonly alarms: ServiceAlarms;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const name = `flowgenie-${props.stage.name}-${props.serviceName}`;
    this.foundation = new Foundation(this, 'Foundation', { envName: props.stage.name });

    if (props.detailTypes.length > 0) {
      this.inbox = new ServiceQueue(this, 'Inbox', {
        bus: props.bus,
        detailTypes: props.detailTypes,
        queueName: name,
      });
    }

    const environment: Record<string, string> = {
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: props.bus.eventBusName,
      DATABASE_HOST: this.foundation.databaseHost,
      DATABASE_PORT: this.foundation.databasePort,
      DATABASE_NAME: this.foundation.databaseName,
      DATABASE_SECRET_ARN: this.foundation.databaseSecret.secretArn,
      DATABASE_SSLMODE: 'verify-full',
      NODE_EXTRA_CA_CERTS: LAMBDA_RDS_CA_BUNDLE,
      REDIS_URL: this.foundation.redisUrl,
      AUTH_JWKS_URL: props.authJwksUrl,
      INTERNAL_SERVICE_TOKEN_SECRET_ARN: props.internalServiceToken.secretArn,
      // The services' counters, flushed as EMF log lines after every invocation.
      METRICS_EMF_NAMESPACE: `FlowGenie/${props.stage.name}`,
      ...props.extraEnvironment,
    };
    if (props.authInternalUrl) environment.AUTH_INTERNAL_URL = props.authInternalUrl;
    if (props.secretsKey) {
      environment.SECRETS_KEY_PROVIDER = 'kms';
      environment.SECRETS_KMS_KEY_ID = props.secretsKey.keyArn;
    }
    if (this.inbox) environment.QUEUE_URL = this.inbox.queue.queueUrl;
    // Large payloads by reference: the trigger stores them, the execution service reads them; the
    // catalog stores graphs too large to announce inline, which the trigger reads.
    const payloads = PAYLOAD_ACCESS[props.serviceName];
    if (payloads) Object.assign(environment, this.foundation.payloadEnvironment());

    this.service = new NodeService(this, 'Service', {
      serviceName: props.serviceName,
      entry: props.entry,
      httpApi: props.httpApi,
      routes: props.routes,
      vpc: this.foundation.vpc,
      securityGroups: [this.foundation.securityGroup],
      environment,
      queue: (props.consumeEventsInLambda ?? true) ? this.inbox?.queue : undefined,
      nodeModules: props.nodeModules,
      depsLockFilePath: props.depsLockFilePath,
      timeout: FUNCTION_TIMEOUT,
      logRetention: props.stage.logRetention,
    });
    const fn = this.service.function;
    props.bus.grantPutEventsTo(fn);
    this.foundation.databaseSecret.grantRead(fn);
    props.internalServiceToken.grantRead(fn);
    // Explicit actions: grantEncryptDecrypt would add kms:ReEncrypt* and kms:GenerateDataKey*.
    props.secretsKey?.grant(fn, 'kms:Encrypt', 'kms:Decrypt');

    this.alarms = new ServiceAlarms(this, 'Alarms', { name, topic: props.alarmTopic });
    this.alarms.onFunction(fn);
    if (this.inbox?.deadLetterQueue) this.alarms.onDeadLetters(this.inbox.deadLetterQueue);
    if (payloads === 'write') {
      this.foundation.payloadBucket.grantReadWrite(fn, 'payloads/*');
      this.foundation.payloadBucket.grantDelete(fn, 'payloads/*');
    } else if (payloads === 'read') {
      this.foundation.payloadBucket.grantRead(fn, 'payloads/*');
    } else if (payloads === 'put') {
      this.foundation.payloadBucket.grantPut(fn, 'payloads/*');
    }
  }

  /**
   * A function URL where other services reach this service's `/internal` routes (the HTTP API
   * never routes `/internal`). `authType: AWS_IAM`: Lambda turns away, before the function runs,
   * any call not SigV4-signed by a role given `grantInternalInvoke` (callers sign with
   * `functionUrlFetch`); every `/internal` route still requires the internal service token too.
   *
   * @returns the base URL, `https://<id>.lambda-url.<region>.on.aws` (no trailing slash)
   */
  public addInternalUrl(): string {
    const url = this.service.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
    });
    return `https://${Fn.select(2, Fn.split('/', url.url))}`;
  }

  /**
   * Lets `caller` (another service's function or the executor's task role) call this service's
   * internal function URL: `lambda:InvokeFunctionUrl` (auth type AWS_IAM) and `lambda:InvokeFunction`
   * (only via a function URL), both on this function's ARN alone, in the caller's role policy.
   */
  public grantInternalInvoke(caller: iam.IGrantable): void {
    this.service.function.grantInvokeUrl(caller);
  }
}

/** Which services touch the payload bucket, and how (the executor reads too: see app.ts). */
const PAYLOAD_ACCESS: Record<string, 'read' | 'write' | 'put' | undefined> = {
  trigger: 'write',
  execution: 'read',
  // Writes announced graphs, never reads or deletes them (they expire).
  'workflow-catalog': 'put',
};
