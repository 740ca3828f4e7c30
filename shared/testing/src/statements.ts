import type { KyselyPlugin } from 'kysely';

/**
 * A Kysely plugin counting the queries sent through the instance it is added to (a
 * transaction's BEGIN and COMMIT are not counted), for tests that show work grouped into fewer
 * statements.
 *
 * @example
 * const counter = statementCounter();
 * const store = new SomeStore(db.withPlugin(counter));
 * expect(counter.count).toBeLessThanOrEqual(4);
 */
export function statementCounter(): KyselyPlugin & { count: number } {
  return {
    count: 0,
    transformQuery(args) {
      this.count += 1;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}
