import { startHarness, stopHarness } from './harness';
import { misplacedIdFilters, watchFilterOrder } from './filter-order';

// Root hooks: one database and one app for the whole run.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(10 * 60_000); // the first run may build FerretDB
    await startHarness();
    watchFilterOrder();
  },
  async afterAll() {
    // a filter whose _id equality is not its first key scans the whole collection on FerretDB
    const misplaced = misplacedIdFilters();
    await stopHarness();
    if (Object.keys(misplaced).length) throw new Error(`filters sent with _id not first (a full collection scan on FerretDB): ${JSON.stringify(misplaced)}`);
  },
};
