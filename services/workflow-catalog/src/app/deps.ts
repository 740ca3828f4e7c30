import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { SecretSealer } from '../ports/secret-sealer';
import type { WorkflowStore } from '../ports/workflow-store';

/** What every use case may depend on: ports only. */
export interface CatalogDeps {
  store: WorkflowStore;
  clock: Clock;
  ids: IdGenerator;
  secrets: SecretSealer;
}
