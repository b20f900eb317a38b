import { AuditEvent, AuditEventDoc, AuditHead } from './audit.model';
import { canonicalJson, sha256 } from '../../shared/canonical';
import type { Ctx } from '../../shared/actor';
import { serialize } from '../../db/serialize';
import { withLock } from '../../db/lock';

export interface AuditInput {
  action: string;
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
}

const GENESIS = '0'.repeat(64);
const SECRET_KEYS = new Set(['password', 'passwordHash', 'tokenHash', 'secret', 'token']);

/** A JSON-safe copy without secrets: what is stored is exactly what is hashed. */
function snapshot(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value), (k, v) => (SECRET_KEYS.has(k) ? undefined : v));
}

function hashOf(e: Omit<AuditEventDoc, 'hash'>): string {
  return sha256(canonicalJson({
    seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, entity: e.entity,
    entityId: e.entityId, before: e.before, after: e.after, requestId: e.requestId, prevHash: e.prevHash,
  }));
}

/**
 * Appends events to the hash chain. Appends from all instances are serialised by one lock (see
 * db/lock.ts): FerretDB does not make read-then-write atomic, and the chain needs exactly that.
 * The unique index on seq is the safety net: a collision re-reads the chain's real end.
 */
export async function recordMany(ctx: Ctx, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return;
  const actor = { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name };
  await withLock('audit-chain', async () => {
    let head = await readHead(false);
    for (let attempt = 0; attempt < 5; attempt++) {
      let seq = head.seq;
      let prevHash = head.hash;
      const at = new Date();
      const docs = inputs.map((i) => {
        const base = {
          seq: ++seq, at, actor, action: i.action, entity: i.entity, entityId: i.entityId,
          before: snapshot(i.before), after: snapshot(i.after), requestId: ctx.requestId, prevHash,
        };
        const hash = hashOf(base);
        prevHash = hash;
        return { ...base, hash };
      });
      try {
        await AuditEvent.insertMany(docs, { ordered: true });
        const last = docs[docs.length - 1];
        await AuditHead.updateOne({ _id: 'head' }, { $set: { seq: last.seq, hash: last.hash } }, { upsert: true });
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        head = await readHead(true);
      }
    }
    throw new Error('could not append to the audit chain');
  }, { waitMs: 30_000 });
}

/**
 * The chain's newest position. The head document is one read by key; the events collection is
 * only sorted when the head document is missing or known to be stale.
 */
async function readHead(fromEvents: boolean): Promise<{ seq: number; hash: string }> {
  if (!fromEvents) {
    const h = await AuditHead.findById('head').lean();
    if (h) return { seq: h.seq, hash: h.hash };
  }
  const last = await AuditEvent.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
  return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS };
}

export const record = (ctx: Ctx, input: AuditInput) => recordMany(ctx, [input]);

export interface AuditQuery { entity?: string; entityId?: string; actor?: string; action?: string; from?: Date; to?: Date; page: number; limit: number }

export async function list(q: AuditQuery) {
  const filter: Record<string, unknown> = {};
  if (q.entity) filter.entity = q.entity;
  if (q.entityId) filter.entityId = q.entityId;
  if (q.actor) filter['actor.id'] = q.actor;
  if (q.action) filter.action = q.action;
  if (q.from || q.to) filter.at = { ...(q.from && { $gte: q.from }), ...(q.to && { $lte: q.to }) };
  const [items, total] = await Promise.all([
    AuditEvent.find(filter).sort({ seq: -1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
    AuditEvent.countDocuments(filter),
  ]);
  return { items: items.map((i) => serialize(i)), total, page: q.page, limit: q.limit };
}

export interface VerifyResult { ok: boolean; checked: number; headSeq: number; problems: { seq: number; reason: string }[] }

/** Walks the chain in order: a changed event breaks its hash, a deleted one breaks seq or the link. */
export async function verify(maxProblems = 20): Promise<VerifyResult> {
  const problems: VerifyResult['problems'] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let checked = 0;
  const cursor = AuditEvent.find({}).sort({ seq: 1 }).lean().cursor({ batchSize: 500 });
  for await (const e of cursor) {
    checked++;
    if (e.seq !== expectedSeq) problems.push({ seq: e.seq, reason: `events ${expectedSeq}..${e.seq - 1} are missing` });
    if (e.prevHash !== prevHash) problems.push({ seq: e.seq, reason: 'does not link to the previous event' });
    const { hash, ...rest } = e as AuditEventDoc & { _id: unknown };
    if (hashOf(rest) !== hash) problems.push({ seq: e.seq, reason: 'content does not match its hash (modified)' });
    expectedSeq = e.seq + 1;
    prevHash = hash;
    if (problems.length >= maxProblems) break;
  }
  const head = await AuditHead.findById('head').lean();
  if (head && problems.length < maxProblems) {
    if (head.seq > expectedSeq - 1) problems.push({ seq: head.seq, reason: `events ${expectedSeq}..${head.seq} are missing from the end` });
    else if (head.seq === expectedSeq - 1 && head.hash !== prevHash) problems.push({ seq: head.seq, reason: 'last event does not match the recorded head' });
  }
  return { ok: problems.length === 0, checked, headSeq: expectedSeq - 1, problems };
}
