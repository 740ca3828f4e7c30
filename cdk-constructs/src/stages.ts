import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** The deployment stages; each has its own stacks (`FlowGenie-<stage>-*`) and SSM path. */
export const stageNames = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

/** What differs between stages; everything else is the same template. */
export interface StageSettings {
  readonly name: StageName;
  /** Steady-state requests per second the HTTP API lets through (the account limit is 10 000). */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Retention of Lambda, executor and API access logs. */
  readonly logRetention: logs.RetentionDays;
  /** An execution inbox message older than this raises the executor lag alarm. */
  readonly executorLagThreshold: Duration;
  /**
   * Live execution streams open at once (the stream function's reserved concurrency; beyond it
   * the web app polls). Reserved from the account's concurrency, which must keep 100 unreserved,
   * so dev reserves none: a fresh account (quota 10) deploys it, bounded by the account's quota.
   */
  readonly streamConcurrency?: number;
}

const settings: Record<StageName, Omit<StageSettings, 'name'>> = {
  dev: {
    apiRateLimit: 50,
    apiBurstLimit: 100,
    logRetention: logs.RetentionDays.ONE_WEEK,
    executorLagThreshold: Duration.minutes(5),
  },
  staging: {
    apiRateLimit: 100,
    apiBurstLimit: 200,
    logRetention: logs.RetentionDays.ONE_MONTH,
    executorLagThreshold: Duration.minutes(5),
    streamConcurrency: 25,
  },
  prod: {
    apiRateLimit: 1000,
    apiBurstLimit: 2000,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    executorLagThreshold: Duration.minutes(2),
    streamConcurrency: 100,
  },
};

/**
 * The settings of a stage, refusing any other name (a typo would otherwise create a whole new
 * environment reading SSM parameters Terraform never wrote).
 *
 * @example
 * stageSettings('prod').apiRateLimit; // 1000
 */
export function stageSettings(name: string): StageSettings {
  if (!(stageNames as readonly string[]).includes(name)) {
    throw new Error(`unknown stage "${name}": use one of ${stageNames.join(', ')}`);
  }
  return { name: name as StageName, ...settings[name as StageName] };
}
