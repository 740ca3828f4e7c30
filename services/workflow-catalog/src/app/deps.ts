import type { Clock } from '../ports/clock';
import type { ConnectionChecker } from '../ports/connection-checker';
import type { GraphClaims } from '../ports/graph-claims';
import type { IdGenerator } from '../ports/id-generator';
import type { LastExecutions } from '../ports/last-executions';
import type { SecretSealer } from '../ports/secret-sealer';
import type { WorkflowStore } from '../ports/workflow-store';

/** What every use case may depend on: ports only. */
export interface CatalogDeps {
  store: WorkflowStore;
  clock: Clock;
  ids: IdGenerator;
  secrets: SecretSealer;
  /** Whether the connections a workflow names work (auth), at publish, activation and validate. */
  connections: ConnectionChecker;
  /** Each workflow's last run, from the execution service (asked once per answer). */
  lastExecutions: LastExecutions;
  /**
   * Where schedule triggers will run: with `aws` (EventBridge Scheduler) a cron it cannot express
   * is refused at publish and activation. @default 'local'
   */
  scheduleBackend?: 'local' | 'aws';
  /**
   * Graphs announced in workflow.published / workflow.activated: above the inline limit they are
   * stored and the event carries graphRef. @default inline
   */
  graphs?: GraphClaims;
}
