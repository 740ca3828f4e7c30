import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface ExecutorProps {
  readonly vpc: ec2.IVpc;
  /** Security groups of the tasks (the one RDS and ElastiCache accept). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Name of the SSM parameter holding the ECR repository name (written by Terraform), e.g.
   * `/flowgenie/dev/ecr-repository-name`. Read at deploy time, never hard-coded.
   */
  readonly repositoryNameParameter: string;
  /**
   * Image tag to run: the commit SHA the pipeline pushed. No default: the repository's tags are
   * immutable, so a moving tag such as `latest` cannot be pushed twice.
   */
  readonly imageTag: string;
  /**
   * Command of the container (the image's entrypoint is `node`; dist/ holds the built entries).
   * @default ['dist/executor.js']
   */
  readonly command?: string[];
  /**
   * @default 512 (0.5 vCPU)
   */
  readonly cpu?: number;
  /**
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Environment of the container, merged over `LOG_LEVEL`, `NODE_ENV` and
   * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED`.
   * @default - the defaults only
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets injected as environment variables (read by the execution role at task start).
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Queue the worker long-polls for events; it gets permission to receive and delete.
   * @default - no queue
   */
  readonly queue?: sqs.IQueue;
  /**
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The executor worker as an ECS Fargate service in private subnets, running the platform image
 * from the ECR repository whose name Terraform wrote to SSM. Rolls back a deployment that does not
 * reach a steady state.
 *
 * @example
 * new Executor(this, 'Executor', {
 *   vpc: foundation.vpc,
 *   securityGroups: [foundation.securityGroup],
 *   repositoryNameParameter: '/flowgenie/dev/ecr-repository-name',
 *   imageTag: 'a1b2c3d',
 *   queue: inbox.queue,
 * });
 */
export class Executor extends Construct {
  public readonly cluster: ecs.ICluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: ExecutorProps) {
    super(scope, id);

    const repositoryName = ssm.StringParameter.valueForStringParameter(
      this,
      props.repositoryNameParameter,
    );
    const repository = ecr.Repository.fromRepositoryName(this, 'Repository', repositoryName);

    this.cluster =
      props.cluster ??
      new ecs.Cluster(this, 'Cluster', {
        vpc: props.vpc,
        containerInsightsV2: ecs.ContainerInsights.ENABLED,
      });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.container = this.taskDefinition.addContainer('executor', {
      image: ecs.ContainerImage.fromEcrRepository(repository, props.imageTag),
      command: props.command ?? ['dist/executor.js'],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'executor', logGroup }),
      environment: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        // The image runs Node 20, which AWS SDK v3 warns about on every client.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
      secrets: props.secrets,
      // Writable root: the image has not been run with a read-only one yet.
      readonlyRootFilesystem: false,
      stopTimeout: Duration.seconds(60),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? 1,
      securityGroups: props.securityGroups,
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
    });

    props.queue?.grantConsumeMessages(this.taskDefinition.taskRole);
  }
}
