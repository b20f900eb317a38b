import { AuditEvent, AuditEventDoc } from './audit.model';
import { append, GENESIS, hashOf, readHead, type EventBody } from './audit.chain';
import { catchUp, indexEvents, seqsOf } from './audit.index';
import type { Ctx } from '../../shared/actor';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';

export interface AuditInput {
  action: string;
  entity: string;
  entityId?: string;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = new Set(['password', 'passwordHash', 'tokenHash', 'secret', 'token']);

/** A JSON-safe copy without secrets: what is stored is exactly what is hashed. */
function snapshot(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value), (k, v) => (SECRET_KEYS.has(k) ? undefined : v));
}

function body(ctx: Ctx, i: AuditInput, at: Date): EventBody {
  return {
    at, actor: { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name }, action: i.action, entity: i.entity,
    entityId: i.entityId, before: snapshot(i.before), after: snapshot(i.after), requestId: ctx.requestId,
  };
}

/*
 * Group commit: events recorded while an append is under way wait and go together in the next
 * one, so this process has one appender at a time and concurrent requests share its writes.
 * Each record() resolves once its events are stored in the chain.
 */
interface Waiting { bodies: EventBody[]; resolve: () => void; reject: (err: unknown) => void }
let queue: Waiting[] = [];
let appending = false;
const MAX_GROUP = 1000;

function kick(): void {
  if (appending) return;
  appending = true;
  void (async () => {
    try {
      while (queue.length) {
        const group: Waiting[] = [];
        let n = 0;
        while (queue.length && (n === 0 || n + queue[0].bodies.length <= MAX_GROUP)) {
          const w = queue.shift()!;
          group.push(w);
          n += w.bodies.length;
        }
        try {
          const written = await append(group.flatMap((w) => w.bodies));
          await indexEvents(written);
          group.forEach((w) => w.resolve());
        } catch (err) {
          group.forEach((w) => w.reject(err));
        }
      }
    } finally {
      appending = false;
    }
  })();
}

export function recordMany(ctx: Ctx, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return Promise.resolve();
  const at = new Date();
  const bodies = inputs.map((i) => body(ctx, i, at));
  return new Promise((resolve, reject) => {
    queue.push({ bodies, resolve, reject });
    kick();
  });
}

export const record = (ctx: Ctx, input: AuditInput) => recordMany(ctx, [input]);

/** Start-up: index what a crash left unindexed. */
export async function reconcile(): Promise<{ indexed: number }> {
  const head = await readHead();
  return { indexed: await catchUp(head.seq) };
}

export interface AuditQuery { entity?: string; entityId?: string; actor?: string; action?: string; from?: Date; to?: Date; page: number; limit: number }

/** The first seq whose event is at or after `t` (binary search by _id; seq order is time order). */
async function firstAtOrAfter(t: Date, head: number): Promise<number> {
  let lo = 1;
  let hi = head + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    let probe = mid;
    let e = await AuditEvent.findById(probe, { at: 1 }).lean();
    // a missing event (deleted): look at the next ones
    while (!e && probe < hi - 1) e = await AuditEvent.findById(++probe, { at: 1 }).lean();
    if (e && e.at.getTime() < t.getTime()) lo = probe + 1; else hi = mid;
  }
  return lo;
}

function intersect(a: number[], b: number[]): number[] {
  const s = new Set(b);
  return a.filter((x) => s.has(x));
}

/** Newest first. Filters read the index documents and events by _id, never a scan of the events. */
export async function list(q: AuditQuery) {
  const head = (await readHead()).seq;
  const lo = q.from ? await firstAtOrAfter(q.from, head) : 1;
  const hi = q.to ? (await firstAtOrAfter(new Date(q.to.getTime() + 1), head)) - 1 : head;
  const keys: string[] = [];
  if (q.entity) keys.push(q.entityId ? `e:${q.entity}:${q.entityId}` : `e:${q.entity}`);
  if (q.actor) keys.push(`a:${q.actor}`);
  if (q.action) keys.push(`x:${q.action}`);
  const skip = (q.page - 1) * q.limit;
  let ids: number[];
  let total: number;
  if (keys.length) {
    let set: number[] | undefined;
    for (const k of keys) {
      const seqs = await seqsOf(k);
      set = set ? intersect(set, seqs) : seqs;
    }
    const inRange = set!.filter((s) => s >= lo && s <= hi);
    total = inRange.length;
    ids = inRange.slice(skip, skip + q.limit);
  } else {
    total = Math.max(0, hi - lo + 1);
    ids = Array.from({ length: Math.max(0, Math.min(q.limit, total - skip)) }, (_, i) => hi - skip - i);
  }
  const items = await store.findByIds<AuditEventDoc>(AuditEvent, ids);
  return { items: items.map((i) => serialize(i)), total, page: q.page, limit: q.limit };
}

export interface VerifyResult { ok: boolean; checked: number; headSeq: number; problems: { seq: number; reason: string }[] }

/** Walks the chain in order: a changed event breaks its hash, a deleted one breaks seq or the link. */
export async function verify(maxProblems = 20): Promise<VerifyResult> {
  const problems: VerifyResult['problems'] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let checked = 0;
  for await (const e of store.streamByNumericId<AuditEventDoc>(AuditEvent)) {
    checked++;
    if (e.seq !== expectedSeq) problems.push({ seq: e.seq, reason: e.seq > expectedSeq ? `events ${expectedSeq}..${e.seq - 1} are missing` : 'out of order' });
    if (e.prevHash !== prevHash) problems.push({ seq: e.seq, reason: 'does not link to the previous event' });
    const { hash, _id, ...rest } = e;
    if (_id !== e.seq || hashOf(rest) !== hash) problems.push({ seq: e.seq, reason: 'content does not match its hash (modified)' });
    expectedSeq = e.seq + 1;
    prevHash = hash;
    if (problems.length >= maxProblems) break;
  }
  const head = await readHead();
  if (head.recorded && problems.length < maxProblems) {
    if (head.seq > expectedSeq - 1) problems.push({ seq: head.seq, reason: `events ${expectedSeq}..${head.seq} are missing from the end` });
    else if (head.seq === expectedSeq - 1 && head.hash !== prevHash) problems.push({ seq: head.seq, reason: 'last event does not match the recorded head' });
  }
  return { ok: problems.length === 0, checked, headSeq: expectedSeq - 1, problems };
}
