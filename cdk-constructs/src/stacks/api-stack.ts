import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { StageSettings } from '../stages';

export interface ApiStackProps extends StackProps {
  readonly stage: StageSettings;
  /**
   * Origins allowed to call the API from a browser (the Amplify SPA).
   * @default - no CORS configuration
   */
  readonly corsAllowOrigins?: string[];
  /** Where the API's alarms notify. */
  readonly alarmTopic: sns.ITopic;
}

/** Share of 5xx answers (percent over 5 minutes) that raises the API's alarm. */
export const API_5XX_PERCENT_THRESHOLD = 5;

/**
 * The public HTTP API; each service stack adds its own routes to it. Its `$default` stage writes
 * one JSON access log line per request, is throttled per the stage's settings, and alarms on its
 * 5xx rate.
 */
export class ApiStack extends Stack {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const origins = props.corsAllowOrigins ?? [];
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `flowgenie-${props.stage.name}`,
      description: 'FlowGenie public API (routes by path prefix to one Lambda per service)',
      createDefaultStage: false,
      corsPreflight:
        origins.length > 0
          ? {
              allowOrigins: origins,
              allowMethods: [apigwv2.CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id'],
              allowCredentials: true,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.stage.apiRateLimit, burstLimit: props.stage.apiBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        // No query string (OAuth codes travel in it) and no headers: ids, route, status, timing.
        format: apigwv2AccessLogFormat(),
      },
    });

    const errors = this.httpApi.metricServerError({
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    const requests = this.httpApi.metricCount({ period: Duration.minutes(5), statistic: 'Sum' });
    const rate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors, requests },
      period: Duration.minutes(5),
      label: '5xx %',
    });
    const alarm = rate.createAlarm(this, 'ServerErrorRate', {
      alarmName: `flowgenie-${props.stage.name}-api-5xx-rate`,
      alarmDescription: `More than ${API_5XX_PERCENT_THRESHOLD}% of API answers were 5xx over 5 minutes`,
      threshold: API_5XX_PERCENT_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'StageName', { value: stage.stageName });
  }
}

/** One JSON object per request; `$context` variables of HTTP APIs. */
function apigwv2AccessLogFormat() {
  const fields: Record<string, string> = {
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    time: '$context.requestTime',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  };
  return apigw.AccessLogFormat.custom(JSON.stringify(fields));
}
