import { expect } from 'chai';
import mongoose from 'mongoose';
import { backend } from '../src/db/store';

/*
 * Build patch sqlite-id-index (src/db/ferretdb-install.ts): FerretDB 1.24.2's SQLite backend
 * indexes `_id` under one expression and looks it up under another, so the index was never used.
 * Without the patch the plan below is "SCAN <table>" and lookups by _id cost ~2.7 µs per stored
 * document (36 ms on 20 000 documents, measured); with it, "SEARCH … USING INDEX".
 */
describe('embedded FerretDB build patches', () => {
  before(function () { if (backend() !== 'ferretdb') this.skip(); });

  it('when a document is looked up, updated or deleted by _id, then SQLite uses the _id index', async () => {
    const db = mongoose.connection.db!;
    const c = db.collection('patch_probe');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `probe-${i}` as never, n: i })));
    for (const id of ['probe-7', new mongoose.Types.ObjectId()]) {
      const plan = await db.command({ explain: { find: 'patch_probe', filter: { _id: id } } });
      expect(JSON.stringify(plan.queryPlanner)).to.match(/SEARCH \S+ USING INDEX \S+__id_/);
      expect(plan.filterPushdown).to.equal(true);
    }
  });
});
