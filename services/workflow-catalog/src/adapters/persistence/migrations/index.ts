import {
  messagingMigration,
  messagingRetentionMigration,
  outboxHoldMigration,
} from '@flowgenie/messaging/outbox';
import type { Migrations } from '@flowgenie/platform';
import { workflowsMigration } from './2026_11_26_001_workflows';
import { versionPublisherMigration } from './2026_12_01_001_version_publisher';
import { oneExpressionSyntaxMigration } from './2026_12_01_002_one_expression_syntax';
import { dropLastExecutionMigration } from './2026_12_01_003_drop_last_execution';

/** This service's migrations, run in name order inside its own schema. */
export const migrations: Migrations = {
  '2026_11_26_000_messaging': messagingMigration,
  '2026_11_26_001_workflows': workflowsMigration,
  '2026_12_01_001_version_publisher': versionPublisherMigration,
  '2026_12_01_002_one_expression_syntax': oneExpressionSyntaxMigration,
  '2026_12_01_003_drop_last_execution': dropLastExecutionMigration,
  '2026_12_21_000_outbox_hold': outboxHoldMigration,
  '2026_12_22_000_messaging_retention': messagingRetentionMigration,
};
