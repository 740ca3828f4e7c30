import { CfnOutput, CfnParameter, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The SSM parameters Terraform writes for CDK (terraform/modules/foundation/ssm.tf, which every
 * environment calls, writes exactly these keys; a test checks the two lists agree). CDK never
 * hard-codes a foundation ID or ARN: it reads them at deploy time through CloudFormation SSM
 * parameter types.
 */
export const foundationParameterKeys = [
  'vpc-id',
  'private-subnet-ids',
  'services-security-group-id',
  'db-secret-arn',
  'db-host',
  'db-port',
  'db-name',
  'redis-endpoint',
  'redis-port',
  'ecr-repository-name',
  'payload-bucket-name',
] as const;

export type FoundationParameterKey = (typeof foundationParameterKeys)[number];

/**
 * The full SSM parameter name of a foundation value.
 *
 * @example
 * foundationParameterName('dev', 'vpc-id'); // '/flowgenie/dev/vpc-id'
 */
export function foundationParameterName(envName: string, key: FoundationParameterKey): string {
  return `/flowgenie/${envName}/${key}`;
}

export interface FoundationProps {
  /** Environment name used in the SSM parameter path, e.g. `dev` → `/flowgenie/dev/...`. */
  readonly envName: string;
  /**
   * How many private subnets (one per availability zone) Terraform wrote to
   * `/flowgenie/<env>/private-subnet-ids`. Must match the network module's `az_count`.
   * @default 2
   */
  readonly availabilityZoneCount?: number;
}

/**
 * The long-lived foundation Terraform owns (VPC, services security group, RDS, ElastiCache, the
 * payload bucket),
 * imported into a stack from SSM parameters. Each stack that needs it creates its own instance:
 * the values become CloudFormation parameters of that stack, so no cross-stack exports are needed.
 *
 * @example
 * const foundation = new Foundation(this, 'Foundation', { envName: 'dev' });
 * new lambda.Function(this, 'Fn', { vpc: foundation.vpc, securityGroups: [foundation.securityGroup], ... });
 */
export class Foundation extends Construct {
  public readonly envName: string;
  public readonly vpc: ec2.IVpc;
  /** The security group RDS and ElastiCache accept connections from. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The RDS-managed master user secret (`{ username, password }`). */
  public readonly databaseSecret: secretsmanager.ISecret;
  public readonly databaseHost: string;
  public readonly databasePort: string;
  public readonly databaseName: string;
  /** `rediss://host:port`: ElastiCache has in-transit encryption on. */
  public readonly redisUrl: string;
  private bucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: FoundationProps) {
    super(scope, id);
    this.envName = props.envName;
    const azCount = props.availabilityZoneCount ?? 2;
    if (!Number.isInteger(azCount) || azCount < 1) {
      throw new Error(`availabilityZoneCount must be a positive integer, got ${azCount}`);
    }

    // Typed SSM parameters: CloudFormation checks at deploy time that each value is a real VPC,
    // subnet or security group of the account before it changes anything.
    const vpcId = this.parameter('vpc-id', 'AWS::EC2::VPC::Id');
    // Lambda and ECS need only subnets and security groups; the output says which VPC they run in
    // (and keeps the parameter referenced, which CloudFormation validation asks for).
    new CfnOutput(this, 'VpcId', {
      value: vpcId.valueAsString,
      description: "VPC of this stack's compute",
    });
    const subnetIds = this.parameter(
      'private-subnet-ids',
      'List<AWS::EC2::Subnet::Id>',
    ).valueAsList;
    const indexes = Array.from({ length: azCount }, (_, i) => i);
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: vpcId.valueAsString,
      availabilityZones: indexes.map((i) => Fn.select(i, Fn.getAzs())),
      privateSubnetIds: indexes.map((i) => Fn.select(i, subnetIds)),
    });
    this.securityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'ServicesSecurityGroup',
      this.parameter('services-security-group-id', 'AWS::EC2::SecurityGroup::Id').valueAsString,
      { mutable: false },
    );
    this.databaseSecret = secretsmanager.Secret.fromSecretAttributes(this, 'DatabaseSecret', {
      secretCompleteArn: this.value('db-secret-arn'),
    });
    this.databaseHost = this.value('db-host');
    this.databasePort = this.value('db-port');
    this.databaseName = this.value('db-name');
    this.redisUrl = `rediss://${this.value('redis-endpoint')}:${this.value('redis-port')}`;
  }

  /**
   * The bucket of large payloads passed by reference (PAYLOAD_STORE=s3); Terraform owns it. Its
   * SSM parameter joins the stack on first use only (stacks that never touch payloads have none).
   */
  get payloadBucket(): s3.IBucket {
    this.bucket ??= s3.Bucket.fromBucketName(
      this,
      'PayloadBucket',
      this.value('payload-bucket-name'),
    );
    return this.bucket;
  }

  /** The environment of a process that stores or reads large payloads in the payload bucket. */
  payloadEnvironment(): Record<string, string> {
    return { PAYLOAD_STORE: 's3', PAYLOAD_BUCKET: this.payloadBucket.bucketName };
  }

  /** The SSM parameter name of one foundation value in this environment. */
  parameterName(key: FoundationParameterKey): string {
    return foundationParameterName(this.envName, key);
  }

  private parameter(key: FoundationParameterKey, valueType = 'String'): CfnParameter {
    return new CfnParameter(this, key, {
      type: `AWS::SSM::Parameter::Value<${valueType}>`,
      default: this.parameterName(key),
      description: `Written by Terraform (terraform/envs/${this.envName})`,
    });
  }

  private value(key: FoundationParameterKey): string {
    return this.parameter(key).valueAsString;
  }
}
