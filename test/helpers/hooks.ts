import { startHarness, stopHarness } from './harness';

// Root hooks: one database and one app for the whole run.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(10 * 60_000); // the first run may build FerretDB
    await startHarness();
  },
  async afterAll() {
    await stopHarness();
  },
};
