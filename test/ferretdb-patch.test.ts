import { expect } from 'chai';
import mongoose from 'mongoose';
import { backend } from '../src/db/store';
import { harness } from './helpers/harness';

/*
 * The build patches of the embedded FerretDB (src/db/ferretdb-install.ts). Each test here fails on
 * a binary built without its patch (`npm run db:install -- --without <patch> --bin <path>`, then
 * FERRETDB_BIN=<path> npm test): measured figures are in the README.
 */
const { MongoClient } = mongoose.mongo;

async function withClients<T>(n: number, poolSize: number, fn: (clients: InstanceType<typeof MongoClient>[]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(Array.from({ length: n }, () => new MongoClient(harness().uri, { maxPoolSize: poolSize, serverSelectionTimeoutMS: 5000 }).connect()));
  try {
    return await fn(clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

describe('embedded FerretDB build patches', () => {
  before(function () { if (backend() !== 'ferretdb') this.skip(); });

  it('sqlite-id-index: when a document is looked up, updated or deleted by _id, then SQLite uses the _id index', async () => {
    const db = mongoose.connection.db!;
    const c = db.collection('patch_probe');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `probe-${i}` as never, n: i })));
    for (const id of ['probe-7', new mongoose.Types.ObjectId()]) {
      const plan = await db.command({ explain: { find: 'patch_probe', filter: { _id: id } } });
      expect(JSON.stringify(plan.queryPlanner)).to.match(/SEARCH \S+ USING INDEX \S+__id_/);
      expect(plan.filterPushdown).to.equal(true);
    }
  });

  it('sqlite-id-pushdown: when a filter is an _id and more (a conditional update), then SQLite still narrows it by the _id index', async () => {
    const db = mongoose.connection.db!;
    const plan = await db.command({ explain: { find: 'patch_probe', filter: { _id: 'probe-7', n: 7 } } });
    expect(JSON.stringify(plan.queryPlanner)).to.match(/SEARCH \S+ USING INDEX \S+__id_/);
    // the rest of the filter still applies
    expect(await db.collection('patch_probe').findOne({ _id: 'probe-7' as never, n: 8 })).to.equal(null);
    expect(await db.collection('patch_probe').findOne({ _id: 'probe-7' as never, n: 7 })).to.include({ n: 7 });
    const u = await db.collection('patch_probe').updateOne({ _id: 'probe-8' as never, n: 7 }, { $set: { n: 0 } });
    expect(u.matchedCount).to.equal(0);
  });

  it('op-msg-more-to-come: when a w: 0 write is sent, then each of the 1 000 reads after it on the same connection gets its own document', async function () {
    this.timeout(60_000);
    await withClients(1, 1, async ([client]) => {
      const c = client.db().collection<{ _id: string; i: number }>('patch_wire');
      await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: `wire-${i}`, i })));
      // unacknowledged: the driver sets moreToCome and reads no answer
      await c.insertOne({ _id: 'unacknowledged', i: -1 }, { writeConcern: { w: 0 } });
      let mismatched = 0;
      for (let i = 0; i < 1000; i++) {
        try {
          const d = await c.findOne({ _id: `wire-${i}` });
          if (d?._id !== `wire-${i}` || d.i !== i) mismatched++;
        } catch {
          mismatched++; // the driver's own complaint about a reply that is not a cursor
        }
      }
      expect(mismatched, 'replies that belonged to another request').to.equal(0);
      // and the unacknowledged write did land
      expect(await c.findOne({ _id: 'unacknowledged' })).to.include({ i: -1 });
    });
  });

  it('serialised-writes: when 200 increments arrive at once over 8 connections, then the count is 200', async function () {
    this.timeout(60_000);
    await withClients(8, 4, async (clients) => {
      const id = `inc-${Date.now()}`;
      await clients[0].db().collection('patch_race').insertOne({ _id: id as never, n: 0 });
      await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % 8].db().collection('patch_race').updateOne({ _id: id as never }, { $inc: { n: 1 } })));
      expect((await clients[0].db().collection('patch_race').findOne({ _id: id as never }))?.n).to.equal(200);
    });
  });

  it('serialised-writes: when two connections race the same conditional update 20 times, then every race has exactly one winner', async function () {
    this.timeout(60_000);
    await withClients(2, 1, async ([a, b]) => {
      const id = `cas-${Date.now()}`;
      await a.db().collection('patch_race').insertOne({ _id: id as never, version: 0, winners: [] });
      let doubleWins = 0;
      for (let v = 0; v < 20; v++) {
        const [x, y] = await Promise.all([a, b].map((c, k) => c.db().collection('patch_race').updateOne({ _id: id as never, version: v }, { $set: { version: v + 1 }, $push: { winners: k } } as never)));
        if (x.modifiedCount + y.modifiedCount !== 1) doubleWins++;
      }
      expect(doubleWins).to.equal(0);
      expect((await a.db().collection('patch_race').findOne({ _id: id as never }))?.winners).to.have.length(20);
    });
  });
});
