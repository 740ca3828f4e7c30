import {
  messagingMigration,
  messagingRetentionMigration,
  outboxHoldMigration,
} from '@flowgenie/messaging/outbox';
import type { Migrations } from '@flowgenie/platform';
import { connectionsMigration } from './2026_12_20_011_connections';
import { authTablesMigration } from './2026_11_26_001_auth_tables';
import { apiKeyScopesMigration } from './2026_12_10_002_api_key_scopes';
import { googleIdentitiesMigration } from './2026_12_20_010_google_identities';

/**
 * The auth schema's migrations in name order. The outbox/inbox tables come first although nothing
 * is emitted yet: connection.created/revoked will be, and a migration added later with an earlier
 * name would be refused by the migrator on existing databases.
 */
export const migrations: Migrations = {
  '2026_11_26_000_messaging': messagingMigration,
  '2026_11_26_001_auth_tables': authTablesMigration,
  '2026_12_10_002_api_key_scopes': apiKeyScopesMigration,
  '2026_12_20_010_google_identities': googleIdentitiesMigration,
  '2026_12_20_011_connections': connectionsMigration,
  '2026_12_21_000_outbox_hold': outboxHoldMigration,
  '2026_12_22_000_messaging_retention': messagingRetentionMigration,
};
