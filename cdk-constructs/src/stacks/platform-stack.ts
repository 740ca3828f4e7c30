import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface PlatformStackProps extends StackProps {
  readonly envName: string;
}

/**
 * What every service shares and nothing else owns: the KMS key that seals secrets at rest
 * (signing keys, connection tokens, webhook secrets: SECRETS_KEY_PROVIDER=kms), the internal
 * service token (auth's `/internal/*` endpoints), and the SNS topic every alarm notifies.
 */
export class PlatformStack extends Stack {
  public readonly secretsKey: kms.Key;
  public readonly internalServiceToken: secretsmanager.Secret;
  public readonly alarmTopic: sns.Topic;
  /**
   * The Google and Slack OAuth client secrets auth reads at boot. Created with a random
   * placeholder: put the real value with `aws secretsmanager put-secret-value` (docs/DEPLOY.md).
   */
  public readonly providerSecrets: Record<
    'google' | 'slack' | 'slackSigning',
    secretsmanager.Secret
  >;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      alias: `alias/flowgenie-${props.envName}-secrets`,
      description: 'FlowGenie: seals signing keys, connection secrets and webhook secrets',
      enableKeyRotation: true,
      // Deleting the key makes every sealed value unreadable: never with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.internalServiceToken = new secretsmanager.Secret(this, 'InternalServiceToken', {
      secretName: `flowgenie/${props.envName}/internal-service-token`,
      description: "Token services present on auth's /internal endpoints",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const placeholder = (id: string, name: string, what: string) =>
      new secretsmanager.Secret(this, id, {
        secretName: `flowgenie/${props.envName}/${name}`,
        description: `${what} of FlowGenie (replace the placeholder)`,
      });
    this.providerSecrets = {
      google: placeholder(
        'GoogleClientSecret',
        'google-client-secret',
        'Google OAuth client secret',
      ),
      slack: placeholder('SlackClientSecret', 'slack-client-secret', 'Slack OAuth client secret'),
      slackSigning: placeholder(
        'SlackSigningSecret',
        'slack-signing-secret',
        'Slack app signing secret',
      ),
    };
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      topicName: `flowgenie-${props.envName}-alarms`,
      displayName: `FlowGenie ${props.envName} alarms`,
      enforceSSL: true,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Subscribe the on-call address: aws sns subscribe --protocol email ...',
    });
    new CfnOutput(this, 'SecretsKeyArn', { value: this.secretsKey.keyArn });
  }
}
