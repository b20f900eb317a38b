import type { Model } from 'mongoose';
import { backend } from './writer';

/*
 * Reads that must not scan on the embedded FerretDB, where only a filter that is exactly
 * {_id: <string or ObjectId>} uses an index (see the build patch in ferretdb-install.ts).
 */
type AnyModel = Model<any>;

/**
 * Documents by _id, in the order asked (missing ones left out). MongoDB answers one `$in`;
 * FerretDB scans the whole collection for `$in`, so there each id is its own indexed lookup.
 */
export async function findByIds<T extends { _id: unknown }>(m: AnyModel, ids: unknown[], projection?: object): Promise<T[]> {
  if (!ids.length) return [];
  let found: T[];
  if (backend() === 'mongodb') found = await m.find({ _id: { $in: ids } }, projection).lean<T[]>();
  else found = (await Promise.all(ids.map((id) => m.findById(id, projection).lean<T>()))).filter((d): d is NonNullable<typeof d> => !!d) as T[];
  const byId = new Map(found.map((d) => [String(d._id), d]));
  return ids.map((id) => byId.get(String(id))).filter((d): d is T => !!d);
}

/**
 * Every document of a collection whose _id order is the order of `position(doc)` (consecutive
 * integers), streamed in that order with bounded memory. MongoDB walks its _id index; FerretDB
 * has no usable sort, so its natural (insertion) order is read and put right by a bounded reorder
 * window (inserts of this process are in order already; another process may interleave a few).
 */
export async function* streamInOrder<T>(m: AnyModel, position: (d: T) => number, window = 10_000): AsyncGenerator<T> {
  if (backend() === 'mongodb') {
    for await (const d of m.find({}).sort({ _id: 1 }).lean().cursor({ batchSize: 1000 })) yield d as T;
    return;
  }
  const pending = new Map<number, T>();
  let next = -Infinity;
  const drain = function* (all: boolean): Generator<T> {
    while (pending.size && (all || pending.size > window || pending.has(next))) {
      if (!pending.has(next)) next = Math.min(...pending.keys());
      const d = pending.get(next)!;
      pending.delete(next);
      next++;
      yield d;
    }
  };
  for await (const d of m.find({}).lean().cursor({ batchSize: 1000 })) {
    const doc = d as T;
    const at = position(doc);
    if (next === -Infinity) next = at;
    if (at < next) { yield doc; continue; } // arrived after its place was passed: still reported, out of order
    pending.set(at, doc);
    yield* drain(false);
  }
  yield* drain(true);
}
