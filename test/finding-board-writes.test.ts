import { expect } from 'chai';
import mongoose from 'mongoose';
import * as store from '../src/db/store';
import { writer } from '../src/db/writer';
import { Board } from '../src/modules/findings/finding.board';
import { makeActors, uniq, type Actors } from './helpers/factories';
import { raise } from './helpers/findings';

/*
 * A finding's board entry is written with one conditional upsert (store.putEntry). Its filter must
 * lead with _id: FerretDB narrows a filter to the _id index only then (build patch
 * sqlite-id-pushdown); otherwise each put scans and decodes every board (most of a full scan's
 * write time, measured by `BENCH_OPS=1 npm run bench:scan`).
 */
type Cmd = { commandName: string; command: Record<string, unknown> };

/** The commands the writing connection sends while `fn` runs. */
async function sent(fn: () => Promise<unknown>): Promise<Cmd[]> {
  const client = (writer.laneConnection ?? mongoose.connection).getClient();
  const seen: Cmd[] = [];
  const listen = (e: Cmd) => { seen.push({ commandName: e.commandName, command: e.command }); };
  client.on('commandStarted', listen);
  try {
    await fn();
  } finally {
    client.off('commandStarted', listen);
  }
  return seen;
}

describe('finding board writes', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when a finding is raised, then its board entry is written by a filter whose first key is _id, which the database narrows by the _id index', async () => {
    let id = '';
    const cmds = await sent(async () => { id = (await raise(a)).finding.id; });
    const puts = cmds.filter((c) => c.commandName === 'update' && c.command.update === 'finding_boards')
      .map((c) => (c.command.updates as { q: Record<string, unknown>; u: { $set?: Record<string, unknown> } }[])[0])
      .filter((u) => Object.keys(u.u.$set ?? {}).includes(`items.${id}`));
    expect(puts, 'one board put for the new finding').to.have.length(1);
    const q = puts[0].q;
    expect(Object.keys(q)[0]).to.equal('_id');
    expect(q).to.have.property('$or');
    if (store.backend() === 'ferretdb') {
      const plan = await mongoose.connection.db!.command({ explain: { find: 'finding_boards', filter: q } });
      expect(JSON.stringify(plan.queryPlanner)).to.match(/SEARCH \S+ USING INDEX \S+__id_/);
    }
  });

  it('when entries of one record are put out of order, then only a newer version replaces the stored one, and a tombstone keeps an older live entry out', async () => {
    const doc = `board-${uniq()}`;
    const entry = (v: number, title: string) => ({ v, title });
    const stored = async () => ((await Board.findById(doc).lean())?.items as Record<string, { v: number; title?: string; gone?: boolean }>)?.f1;
    expect(await store.putEntry(Board, doc, 'items', 'f1', entry(2, 'second'))).to.equal(true); // creates the document
    expect(await store.putEntry(Board, doc, 'items', 'f1', entry(1, 'first'))).to.equal(false);
    expect(await store.putEntry(Board, doc, 'items', 'f1', entry(2, 'again'))).to.equal(false);
    expect(await stored()).to.deep.include({ v: 2, title: 'second' });
    expect(await store.putEntry(Board, doc, 'items', 'f1', entry(3, 'third'))).to.equal(true);
    expect(await stored()).to.deep.include({ v: 3, title: 'third' });
    expect(await store.putEntry(Board, doc, 'items', 'f1', { v: 4, gone: true, at: new Date() } as never)).to.equal(true);
    expect(await store.putEntry(Board, doc, 'items', 'f1', entry(4, 'late'))).to.equal(false);
    expect(await stored()).to.deep.include({ v: 4, gone: true });
    expect(await store.putEntry(Board, doc, 'items', 'f2', entry(0, 'other'))).to.equal(true);
    await store.deleteById(Board, doc);
  });
});
