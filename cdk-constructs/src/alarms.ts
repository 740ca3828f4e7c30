import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ServiceAlarmsProps {
  /** Alarm name prefix, e.g. `flowgenie-prod-trigger`. */
  readonly name: string;
  /** Where every alarm notifies. */
  readonly topic: sns.ITopic;
}

/**
 * The alarms of one service, all notifying one SNS topic: a message in a dead-letter queue (an
 * event that failed 5 times), Lambda errors and throttles, and the age of the oldest message of a
 * queue a worker drains (the executor's lag).
 *
 * @example
 * const alarms = new ServiceAlarms(this, 'Alarms', { name: 'flowgenie-dev-trigger', topic });
 * alarms.onDeadLetters(inbox.deadLetterQueue);
 * alarms.onFunction(fn);
 */
export class ServiceAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServiceAlarmsProps,
  ) {
    super(scope, id);
  }

  /** Any message in the DLQ: someone must look (`npm run dlq` locally, the SQS console in AWS). */
  onDeadLetters(dlq: sqs.IQueue): cloudwatch.Alarm {
    return this.add(
      'DeadLetters',
      dlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      { threshold: 1, description: 'events failed 5 deliveries and wait in the dead-letter queue' },
    );
  }

  /** Any error or throttle of the function over 5 minutes. */
  onFunction(fn: lambda.IFunction): cloudwatch.Alarm[] {
    return [
      this.onErrors(fn),
      this.add('Throttles', fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), {
        threshold: 1,
        description: 'invocations were throttled (concurrency limit)',
      }),
    ];
  }

  /**
   * Any error of the function over 5 minutes, for a function whose throttles are its design (its
   * reserved concurrency is the limit, and its clients fall back).
   */
  onErrors(fn: lambda.IFunction): cloudwatch.Alarm {
    return this.add('Errors', fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), {
      threshold: 1,
      description: 'the function failed (uncaught error or timeout)',
    });
  }

  /** The oldest message of a queue a worker drains is older than `threshold`: the worker lags. */
  onQueueLag(queue: sqs.IQueue, threshold: Duration): cloudwatch.Alarm {
    return this.add(
      'QueueLag',
      queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      {
        threshold: threshold.toSeconds(),
        evaluationPeriods: 3,
        description: `a message waited more than ${threshold.toHumanString()} in the queue`,
      },
    );
  }

  private add(
    what: string,
    metric: cloudwatch.IMetric,
    opts: { threshold: number; description: string; evaluationPeriods?: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, what, {
      alarmName: `${this.props.name}-${what.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
      alarmDescription: opts.description,
      metric,
      threshold: opts.threshold,
      evaluationPeriods: opts.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.props.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
