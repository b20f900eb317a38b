import { AsyncLocalStorage } from 'node:async_hooks';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import { AppError } from '../http/errors';
import { isDuplicateKey, normalizeWriteError } from './db-errors';
import { bump, idsOf, lean, write, writable } from './write-job';

export { DuplicateKeyError, isDuplicateKey } from './db-errors';
export { findByIds, streamInOrder } from './reads';

/*
 * The persistence seam. Services say what must hold — "update if the version is still N",
 * "read, decide and write this one record", "insert this key once" — and this module makes it
 * true on the server it is connected to. Every conditional write is one command whose filter
 * carries the condition ({_id, version}), atomic on MongoDB and on the embedded FerretDB (its
 * build patch serialised-writes makes update, findAndModify and delete atomic against each other
 * across connections and processes; sqlite-id-pushdown keeps such a filter on the _id index).
 *
 * On FerretDB every write of this process also goes through one lane on one connection, in
 * arrival order. Every write is keyed by _id (the only indexed path on FerretDB), every error of a
 * unique index comes back as a DuplicateKeyError (409), whichever dialect the server speaks, and
 * every document a write returns must carry the _id it was addressed to (db/guard.ts).
 */

/** FerretDB hangs on a bulk write of ~100 updates in one command; chunks of 40 are measured safe. */
export const BULK_CHUNK = 40;
/** Inserts are one SQLite transaction per command on FerretDB; 500 documents each is measured safe. */
export const INSERT_CHUNK = 500;

export { configureStore, backend, laneDepth, type Backend } from './writer';

type AnyModel = Model<any>;
type Id = unknown;
export type Update = UpdateQuery<any>;

/** Inserts one document (defaults and validation of the schema applied); returns it. */
export function insertOne<T>(m: AnyModel, doc: object): Promise<T> {
  const d = doc as { _id?: unknown };
  if (d._id === undefined && m.schema.path('_id')?.instance === 'ObjectId') d._id = new Types.ObjectId();
  return write(m, async (w) => lean<T>(await new w(d).save()), { ids: d._id === undefined ? 'all' : [d._id] });
}

/** Inserts many documents in chunks; all or an error (a duplicate → 409). */
export async function insertMany(m: AnyModel, docs: object[]): Promise<number> {
  // ids given here, so that a cached collection learns which documents are new
  if (m.schema.path('_id')?.instance === 'ObjectId') for (const d of docs as { _id?: unknown }[]) d._id ??= new Types.ObjectId();
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    const chunk = docs.slice(i, i + INSERT_CHUNK);
    await write(m, (w) => w.insertMany(chunk, { ordered: true }), { ids: idsOf(chunk) });
  }
  return docs.length;
}

/** Inserts those documents whose _id is new; returns how many were new and how many already there. */
export async function insertNew(m: AnyModel, docs: object[]): Promise<{ inserted: number; duplicates: number }> {
  let duplicates = 0;
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    const chunk = docs.slice(i, i + INSERT_CHUNK);
    const w = writable(m);
    try {
      await write(m, () => w.insertMany(chunk, { ordered: false }), { raw: true, ids: idsOf(chunk) });
    } catch (err) {
      const writeErrors = ([] as unknown[]).concat((err as { writeErrors?: unknown[] }).writeErrors ?? []);
      if (!writeErrors.length || !writeErrors.every(isDuplicateKey)) throw normalizeWriteError(err, m);
      duplicates += writeErrors.length;
    }
  }
  return { inserted: docs.length - duplicates, duplicates };
}

/**
 * Inserts `doc` keyed by its _id as a lease: true if this call created it, false if it existed.
 * An insert into the unique _id index is atomic on FerretDB and MongoDB alike.
 */
export async function lease(m: AnyModel, doc: { _id: unknown; [field: string]: unknown }): Promise<boolean> {
  try {
    await write(m, (w) => w.collection.insertOne(doc as never), { ids: [doc._id] });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * An unconditional update of one document by _id (atomic by itself); the new document or null.
 * A versioned document's version moves too, so a mutate that read it before decides again.
 */
export function updateById<T>(m: AnyModel, id: Id, update: Update, opts: { upsert?: boolean } = {}): Promise<T | null> {
  const u = m.schema.path('version') ? bump(update) : update;
  return write(m, (w) => w.findOneAndUpdate({ _id: id }, u, { new: true, runValidators: true, upsert: !!opts.upsert }).lean<T>().exec(), { ids: [id] });
}

/** The filter of a write conditioned on a version (0 also matches a document that has none yet). */
const atVersion = (id: Id, version: number) => ({ _id: id, version: version === 0 ? { $in: [0, null] } : version });

/** Updates the document if its version is still `version` (and bumps it); the new document or null. */
export function updateIfVersion<T>(m: AnyModel, id: Id, version: number | undefined, update: Update): Promise<T | null> {
  return write(m, (w) => w.findOneAndUpdate(atVersion(id, version ?? 0), bump(update), { new: true, runValidators: true }).lean<T>().exec(), { ids: [id] });
}

/** Deletes a document by _id, if its version is still `version` when one is given. */
export function deleteById(m: AnyModel, id: Id, version?: number): Promise<boolean> {
  const filter = version === undefined ? { _id: id } : atVersion(id, version);
  return write(m, async (w) => (await w.deleteOne(filter)).deletedCount === 1, { ids: [id] });
}

/**
 * Removes fields of one document without moving its version: only for fields that no decision
 * reads and that only ever change through $set/$unset of their own paths (audit intents).
 */
export async function clearFields(m: AnyModel, id: Id, paths: string[]): Promise<void> {
  if (!paths.length) return;
  await write(m, (w) => w.updateOne({ _id: id }, { $unset: Object.fromEntries(paths.map((p) => [p, 1])) }, { strict: false, timestamps: false }), { ids: [id] });
}

/** Housekeeping over a filter (a scan on FerretDB: keep it to small or bounded sets). */
export function deleteMany(m: AnyModel, filter: object): Promise<number> {
  return write(m, async (w) => (await w.deleteMany(filter)).deletedCount);
}

/** Updates each of `ids` with the same update, in chunks of BULK_CHUNK commands. */
export async function updateEach(m: AnyModel, ids: Id[], update: Update): Promise<number> {
  return bulk(m, ids.map((_id) => ({ updateOne: { filter: { _id }, update } })));
}

/** A bulk write in chunks of BULK_CHUNK operations (larger ones hang FerretDB). */
export async function bulk(m: AnyModel, ops: object[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ops.length; i += BULK_CHUNK) {
    const chunk = ops.slice(i, i + BULK_CHUNK);
    const r = await write(m, (w) => w.bulkWrite(chunk as never, { ordered: true }));
    n += (r.modifiedCount ?? 0) + (r.insertedCount ?? 0) + (r.upsertedCount ?? 0) + (r.deletedCount ?? 0);
  }
  return n;
}

export interface Mutation<T> { before: T; after: T }
export type Decide<T> = (current: T) => Update | null | undefined | Promise<Update | null | undefined>;

/** How long mutate keeps deciding again under contention before it answers 409. */
export const MUTATE_BUDGET_MS = 10_000;

/*
 * The mutations of one document in this process run one after another (a queue per document), so
 * they never race each other; only another process can win a race, and then the loser reads and
 * decides again. A mutation inside a mutation of the same document (a decide that mutates it again)
 * runs inline rather than waiting for itself.
 */
const queues = new Map<string, Promise<unknown>>();
const holding = new AsyncLocalStorage<Set<string>>();

function oneAtATime<T>(key: string, job: () => Promise<T>): Promise<T> {
  const held = holding.getStore();
  if (held?.has(key)) return job();
  const run = () => holding.run(new Set([...(held ?? []), key]), job);
  const prev = queues.get(key);
  const p = prev ? prev.then(run, run) : run();
  const tail = p.then(() => undefined, () => undefined);
  queues.set(key, tail);
  void tail.then(() => { if (queues.get(key) === tail) queues.delete(key); });
  return p;
}

/**
 * Read → decide → write for one document, retried when someone else wrote it in between.
 * `decide` sees the current document and returns the update (or null for "nothing to do"); it
 * may throw to refuse. The write is conditioned on the version read, so a decision is never
 * applied to a document it did not see. Returns null when the document does not exist.
 * `decide` must be quick and must not do slow work (password hashing, computations over other
 * collections): do that before, and let `decide` check that what it relied on still holds.
 */
export function mutate<T extends { version?: number }>(m: AnyModel, id: Id, decide: Decide<T>): Promise<Mutation<T> | null> {
  return oneAtATime(`${m.collection.collectionName}/${String(id)}`, async () => {
    const deadline = Date.now() + MUTATE_BUDGET_MS;
    for (let attempt = 0; ; attempt++) {
      const before = await m.findById(id).lean<T>();
      if (!before) return null;
      const update = await decide(before);
      if (!update) return { before, after: before };
      const after = await updateIfVersion<T>(m, id, before.version, update);
      if (after) return { before, after };
      if (Date.now() > deadline) throw AppError.conflict({ en: 'The record is being changed by others right now; try again', vi: 'Bản ghi đang được người khác thay đổi; hãy thử lại' });
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
  });
}

/** The same update on every document matching a filter (a scan on FerretDB: rare or small sets only). */
export function updateMany(m: AnyModel, filter: object, update: Update): Promise<number> {
  return write(m, async (w) => (await w.updateMany(filter, update)).modifiedCount);
}

/**
 * Sets `<field>.<key>` of document `docId` to `entry` unless the stored entry is as new or newer
 * (by `entry.v`); creates the document when missing. Keeps a keyed summary (one entry per record)
 * right when writers of different versions of one record race.
 */
export async function putEntry(m: AnyModel, docId: string, field: string, key: string, entry: { v: number }): Promise<boolean> {
  const path = `${field}.${key}`;
  try {
    const r = await write(m, (w) => {
      const q = w.updateOne({}, { $set: { [path]: entry } }, { upsert: true });
      // _id must stay the filter's first key: FerretDB narrows to the _id index only then (build patch
      // sqlite-id-pushdown), and mongoose's filter argument moves a top-level $or first (a scan of
      // the whole collection: ~40 ms a put at 124 boards). setQuery keeps the order as written.
      q.setQuery({ _id: docId, $or: [{ [path]: { $exists: false } }, { [`${path}.v`]: { $lt: entry.v } }] });
      return q.exec();
    }, { ids: [docId] });
    return r.modifiedCount + r.upsertedCount > 0;
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return false; // the document exists with a newer entry
    throw err;
  }
}
