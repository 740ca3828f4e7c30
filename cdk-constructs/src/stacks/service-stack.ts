import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { Foundation } from '../foundation';
import { NodeService } from '../node-service';
import { ServiceQueue } from '../service-queue';

export interface ServiceStackProps extends StackProps {
  readonly envName: string;
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

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const name = `flowgenie-${props.envName}-${props.serviceName}`;
    this.foundation = new Foundation(this, 'Foundation', { envName: props.envName });

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
      REDIS_URL: this.foundation.redisUrl,
      AUTH_JWKS_URL: props.authJwksUrl,
    };
    if (this.inbox) environment.QUEUE_URL = this.inbox.queue.queueUrl;
    // Large payloads by reference: the trigger stores them, the execution service reads them.
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
    });
    props.bus.grantPutEventsTo(this.service.function);
    this.foundation.databaseSecret.grantRead(this.service.function);
    if (payloads === 'write') {
      this.foundation.payloadBucket.grantReadWrite(this.service.function, 'payloads/*');
      this.foundation.payloadBucket.grantDelete(this.service.function, 'payloads/*');
    } else if (payloads === 'read') {
      this.foundation.payloadBucket.grantRead(this.service.function, 'payloads/*');
    }
  }
}

/** Which services touch the payload bucket, and how (the executor reads too: see app.ts). */
const PAYLOAD_ACCESS: Record<string, 'read' | 'write' | undefined> = {
  trigger: 'write',
  execution: 'read',
};
