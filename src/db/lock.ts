import crypto from 'node:crypto';
import { Schema, model } from 'mongoose';
import { AppError } from '../http/errors';

/*
 * Why this exists: FerretDB 1.24 on SQLite does not apply a conditional single-document update
 * atomically. Measured here: of 20 races between two `findOneAndUpdate({_id, v: 0}, {$set: {v: 1}})`
 * 24 "won", and 100 concurrent `$inc`s on one document left it at 68. Inserting into a unique
 * index *is* atomic on both FerretDB and MongoDB, so writes to a shared document take a short
 * lock: a document in `locks` whose _id is the key. On MongoDB the conditional updates inside
 * the lock are atomic anyway; the lock costs two small writes.
 */
interface LockDoc { _id: string; owner: string; expiresAt: Date }
const Lock = model<LockDoc>('Lock', new Schema<LockDoc>({ _id: String, owner: String, expiresAt: Date }, { versionKey: false }), 'locks');

export interface LockOptions { ttlMs?: number; waitMs?: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while holding the lock `key`; waits up to `waitMs` for it, else 409 busy. */
export async function withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const ttlMs = opts.ttlMs ?? 15_000;
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  const owner = crypto.randomUUID();
  let delay = 4;
  for (;;) {
    try {
      await Lock.collection.insertOne({ _id: key, owner, expiresAt: new Date(Date.now() + ttlMs) } as never);
      break;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    const held = await Lock.findById(key).lean();
    // a holder that crashed leaves an expired lock: take it over
    if (held && held.expiresAt.getTime() < Date.now()) {
      await Lock.deleteOne({ _id: key, owner: held.owner });
      continue;
    }
    if (Date.now() > deadline) throw new AppError(409, 'busy', 'The record is being changed by someone else; try again');
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    await Lock.deleteOne({ _id: key, owner });
  }
}
