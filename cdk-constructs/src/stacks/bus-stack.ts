import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EventBus } from '../event-bus';

export interface BusStackProps extends StackProps {
  readonly envName: string;
}

/** The shared EventBridge bus (`flowgenie-<env>`) with its archive. */
export class BusStack extends Stack {
  public readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: BusStackProps) {
    super(scope, id, props);
    this.bus = new EventBus(this, 'EventBus', { eventBusName: `flowgenie-${props.envName}` }).bus;
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }
}
