import { AuditEventDoc, AuditHead, AuditHeadDoc, AuditRecord, eventId, eventsAt, partitionOf } from './audit.model';
import { canonicalJson } from '../../shared/canonical';
import { mac } from './audit.key';
import * as store from '../../db/store';
import { fault, safeCount } from '../../db/faults';

export const GENESIS = '0'.repeat(64);

export type EventBody = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

/** The sealed text of an event: canonical JSON of everything but its hash. */
export function seal(e: Omit<AuditRecord, 'hash'>): string {
  return canonicalJson({
    seq: e.seq, at: e.at instanceof Date ? e.at.toISOString() : e.at, actor: e.actor, action: e.action, entity: e.entity,
    entityId: e.entityId, before: e.before, after: e.after, requestId: e.requestId, ref: e.ref, prevHash: e.prevHash,
  });
}

/** The event a stored document holds (its text parsed; `at` a Date again). */
export function unseal(doc: AuditEventDoc): AuditRecord {
  const e = JSON.parse(doc.d) as AuditRecord & { at: string };
  return { ...e, at: new Date(e.at), hash: doc.h };
}

export interface Position { seq: number; hash: string }
export interface Linked { doc: AuditEventDoc; event: AuditRecord }

/** Links bodies after `from`: consecutive seqs, each hash (keyed: audit.key.ts) over its content and the previous hash. */
export function link(from: Position, bodies: EventBody[]): Linked[] {
  let prevHash = from.hash;
  return bodies.map((b, i) => {
    const seq = from.seq + i + 1;
    const d = seal({ ...b, seq, prevHash });
    const h = mac(d);
    const out = { doc: { _id: eventId(seq), seq, d, h }, event: { ...b, seq, prevHash, hash: h } };
    prevHash = h;
    return out;
  });
}

const storedHash = async (seq: number) => (await eventsAt(seq).findById(eventId(seq), { h: 1 }).lean())?.h;

/**
 * The chain's real end at or after `seq - 1`, found by lookups by _id (galloping, then binary
 * search), never by sorting the collection — a sort scans every event on FerretDB.
 */
export async function findEnd(seq: number): Promise<Position> {
  let lo = safeCount(seq, 'an audit position') - 1; // known to exist (or 0)
  let step = 1;
  let hi = seq;
  while (await storedHash(hi)) {
    lo = hi; step *= 2; hi = lo + step;
    if (!Number.isSafeInteger(hi)) throw fault('no_progress', 'the end of the audit chain could not be found', 'audit_events');
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await storedHash(mid)) lo = mid; else hi = mid;
  }
  if (lo <= 0) return { seq: 0, hash: GENESIS };
  return { seq: lo, hash: (await storedHash(lo))! };
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * The recorded head of the chain. Its sequence must be a safe integer and its hash a hash: anything
 * else is a database fault, never a position to link after (a NaN seq once made every append loop
 * forever without writing).
 */
export async function readHead(): Promise<Position & { recorded: boolean }> {
  const h = await AuditHead.findById('head').lean();
  if (!h) return { seq: 0, hash: GENESIS, recorded: false };
  const seq = safeCount(h.seq, 'the audit head\'s sequence', 'audit_head');
  if (typeof h.hash !== 'string' || !HASH.test(h.hash)) throw fault('bad_value', 'the audit head\'s hash is not a hash', 'audit_head');
  return { seq, hash: h.hash, recorded: true };
}

/** The consistency repair of a head that is not a position: set to the chain's real end, if it is still invalid. */
export async function replaceInvalidHead(to: Position): Promise<void> {
  await store.mutate<AuditHeadDoc>(AuditHead, 'head', (h) => (Number.isSafeInteger(h.seq) && h.seq >= 0 && typeof h.hash === 'string' && HASH.test(h.hash) ? null : { $set: { seq: to.seq, hash: to.hash } }));
}

/** Moves the recorded head forward to `to` (never back: another writer may be ahead already). */
export async function advanceHead(to: Position): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const moved = await store.mutate<AuditHeadDoc>(AuditHead, 'head', (h) => (h.seq >= to.seq ? null : { $set: { seq: to.seq, hash: to.hash } }));
    if (moved) return;
    if (await store.lease(AuditHead, { _id: 'head', seq: to.seq, hash: to.hash, version: 0 })) return;
  }
  // the head is neither there nor insertable: the database is not answering what it holds
  throw fault('no_progress', 'the audit head could neither be read nor created', 'audit_head');
}

/** Inserts linked events partition by partition, in seq order (an error leaves a prefix stored). */
export async function insertInOrder(docs: AuditEventDoc[]): Promise<void> {
  for (let i = 0; i < docs.length;) {
    const seq = safeCount(docs[i].seq, 'an audit event\'s sequence');
    const p = partitionOf(seq);
    let j = i;
    while (j < docs.length && partitionOf(docs[j].seq) === p) j++;
    // every round stores at least one event, or the loop would never end
    if (j === i) throw fault('no_progress', 'audit events could not be grouped by partition');
    await store.insertMany(eventsAt(seq), docs.slice(i, j));
    i = j;
  }
}

/**
 * Appends bodies to the chain. The insert keyed by seq is the arbiter: two writers (instances,
 * or a CLI beside the service) that read the same end cannot both take the next position. The
 * loser keeps whatever of its own prefix was stored, finds the real end and links the rest after it.
 */
export async function append(bodies: EventBody[]): Promise<AuditRecord[]> {
  const written: AuditRecord[] = [];
  let at: Position = await readHead();
  let rest = bodies;
  for (let attempt = 0; rest.length; attempt++) {
    if (attempt > 100) throw new Error('audit chain: could not append after 100 attempts');
    const linked = link(at, rest);
    try {
      await insertInOrder(linked.map((l) => l.doc));
      written.push(...linked.map((l) => l.event));
      break;
    } catch (err) {
      if (!(err instanceof store.DuplicateKeyError)) throw err;
      // an ordered insert stored a prefix of ours, if any: keep it, continue after the real end
      let k = 0;
      while (k < linked.length && (await storedHash(linked[k].doc.seq)) === linked[k].doc.h) k++;
      written.push(...linked.slice(0, k).map((l) => l.event));
      rest = rest.slice(k);
      at = await findEnd(linked[k]?.doc.seq ?? linked[linked.length - 1].doc.seq + 1);
    }
  }
  const last = written[written.length - 1];
  if (last) await advanceHead({ seq: last.seq, hash: last.hash });
  return written;
}
