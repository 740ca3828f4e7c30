import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';

export interface ApiStackProps extends StackProps {
  readonly envName: string;
  /**
   * Origins allowed to call the API from a browser (the Amplify SPA).
   * @default - no CORS configuration
   */
  readonly corsAllowOrigins?: string[];
}

/** The public HTTP API; each service stack adds its own path-prefix routes to it. */
export class ApiStack extends Stack {
  public readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const origins = props.corsAllowOrigins ?? [];
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `flowgenie-${props.envName}`,
      description: 'FlowGenie public API (routes by path prefix to one Lambda per service)',
      corsPreflight:
        origins.length > 0
          ? {
              allowOrigins: origins,
              allowMethods: [apigwv2.CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
              allowCredentials: true,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
  }
}
