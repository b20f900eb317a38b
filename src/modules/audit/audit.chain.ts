import { AuditEventDoc, AuditHead, AuditHeadDoc, eventId, eventsAt, partitionOf } from './audit.model';
import { canonicalJson, sha256 } from '../../shared/canonical';
import * as store from '../../db/store';

export const GENESIS = '0'.repeat(64);

export type EventBody = Omit<AuditEventDoc, '_id' | 'seq' | 'prevHash' | 'hash'>;

export function hashOf(e: Omit<AuditEventDoc, 'hash' | '_id'>): string {
  return sha256(canonicalJson({
    seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, entity: e.entity,
    entityId: e.entityId, before: e.before, after: e.after, requestId: e.requestId, prevHash: e.prevHash,
  }));
}

export interface Position { seq: number; hash: string }

/** Links bodies after `from`: consecutive seqs, each hash over its content and the previous hash. */
export function link(from: Position, bodies: EventBody[]): AuditEventDoc[] {
  let prevHash = from.hash;
  return bodies.map((b, i) => {
    const seq = from.seq + i + 1;
    const hash = hashOf({ ...b, seq, prevHash });
    const doc = { _id: eventId(seq), seq, ...b, prevHash, hash };
    prevHash = hash;
    return doc;
  });
}

const exists = async (seq: number) => !!(await eventsAt(seq).findById(eventId(seq), { _id: 1 }).lean());

/**
 * The chain's real end at or after `seq - 1`, found by lookups by _id (galloping, then binary
 * search), never by sorting the collection — a sort scans every event on FerretDB.
 */
export async function findEnd(seq: number): Promise<Position> {
  let lo = seq - 1; // known to exist (or 0)
  let step = 1;
  let hi = seq;
  while (await exists(hi)) { lo = hi; step *= 2; hi = lo + step; }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid; else hi = mid;
  }
  if (lo <= 0) return { seq: 0, hash: GENESIS };
  const e = await eventsAt(lo).findById(eventId(lo), { hash: 1 }).lean();
  return { seq: lo, hash: e!.hash };
}

export async function readHead(): Promise<Position & { recorded: boolean }> {
  const h = await AuditHead.findById('head').lean();
  return h ? { seq: h.seq, hash: h.hash, recorded: true } : { seq: 0, hash: GENESIS, recorded: false };
}

/** Moves the recorded head forward to `to` (never back: another writer may be ahead already). */
export async function advanceHead(to: Position): Promise<void> {
  for (;;) {
    const moved = await store.mutate<AuditHeadDoc>(AuditHead, 'head', (h) => (h.seq >= to.seq ? null : { $set: { seq: to.seq, hash: to.hash } }));
    if (moved) return;
    if (await store.lease(AuditHead, { _id: 'head', seq: to.seq, hash: to.hash, version: 0 })) return;
  }
}

/** Inserts linked events partition by partition, in seq order (an error leaves a prefix stored). */
export async function insertInOrder(docs: AuditEventDoc[]): Promise<void> {
  for (let i = 0; i < docs.length;) {
    const p = partitionOf(docs[i].seq);
    let j = i;
    while (j < docs.length && partitionOf(docs[j].seq) === p) j++;
    await store.insertMany(eventsAt(docs[i].seq), docs.slice(i, j));
    i = j;
  }
}

/**
 * Appends bodies to the chain. The insert keyed by seq is the arbiter: two writers (instances,
 * or a CLI beside the service) that read the same end cannot both take the next position. The
 * loser keeps whatever of its own prefix was stored, finds the real end and links the rest after it.
 */
export async function append(bodies: EventBody[]): Promise<AuditEventDoc[]> {
  const written: AuditEventDoc[] = [];
  let at: Position = await readHead();
  let rest = bodies;
  for (let attempt = 0; rest.length; attempt++) {
    if (attempt > 100) throw new Error('audit chain: could not append after 100 attempts');
    const docs = link(at, rest);
    try {
      await insertInOrder(docs);
      written.push(...docs);
      break;
    } catch (err) {
      if (!(err instanceof store.DuplicateKeyError)) throw err;
      // an ordered insert stored a prefix of ours, if any: keep it, continue after the real end
      let k = 0;
      while (k < docs.length && (await eventsAt(docs[k].seq).findById(docs[k]._id, { hash: 1 }).lean())?.hash === docs[k].hash) k++;
      written.push(...docs.slice(0, k));
      rest = rest.slice(k);
      at = await findEnd(docs[k]?.seq ?? docs[docs.length - 1].seq + 1);
    }
  }
  const last = written[written.length - 1];
  if (last) await advanceHead({ seq: last.seq, hash: last.hash });
  return written;
}
