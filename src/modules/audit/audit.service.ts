import './audit.derived'; // registers the chain's derived structures
import { AuditEventDoc, PARTITION, eventsIn, partitionOf } from './audit.model';
import { mac } from './audit.key';
import { eventAt, eventsBySeq } from './audit.read';
import { lastCheckpoint } from './audit.checkpoint';
import { append, GENESIS, readHead, type EventBody } from './audit.chain';
import { eventId } from './audit.model';
import { catchUp, indexEvents, seqsOf } from './audit.index';
import type { Ctx } from '../../shared/actor';
import { AUDIT_ENTITIES, type AuditEntity } from '../../shared/enums';
import * as store from '../../db/store';

export interface AuditInput {
  action: string;
  entity: AuditEntity;
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

/** The event of an input, as the chain will hold it (without position and hashes). */
export function body(ctx: Ctx, i: AuditInput, at: Date): EventBody {
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
  const at = new Date();
  return recordBodies(inputs.map((i) => body(ctx, i, at)));
}

/** Appends prepared event bodies (the intents of changes, audit.intent.ts); resolves once stored. */
export function recordBodies(bodies: EventBody[]): Promise<void> {
  if (!bodies.length) return Promise.resolve();
  return new Promise((resolve, reject) => {
    queue.push({ bodies, resolve, reject });
    kick();
  });
}

/** Whether the chain holds an event of this entity with this intent key (read through the entity's index). */
export async function hasRef(entity: string, entityId: string | undefined, ref: string): Promise<boolean> {
  if (!entityId) return false;
  const events = await eventsBySeq(await seqsOf(`e:${entity}:${entityId}`));
  return events.some((e) => e.ref === ref);
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
    let e = await eventAt(probe);
    // a missing event (deleted): look at the next ones
    while (!e && probe < hi - 1) e = await eventAt(++probe);
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
  // each filter is one key, or (an id without its entity) the union of that id under every entity
  const keys: string[][] = [];
  if (q.entity) keys.push([q.entityId ? `e:${q.entity}:${q.entityId}` : `e:${q.entity}`]);
  else if (q.entityId) keys.push(AUDIT_ENTITIES.map((e) => `e:${e}:${q.entityId}`));
  if (q.actor) keys.push([`a:${q.actor}`]);
  if (q.action) keys.push([`x:${q.action}`]);
  const skip = (q.page - 1) * q.limit;
  let ids: number[];
  let total: number;
  if (keys.length) {
    let set: number[] | undefined;
    for (const alternatives of keys) {
      const seqs = [...new Set((await Promise.all(alternatives.map(seqsOf))).flat())].sort((x, y) => y - x);
      set = set ? intersect(set, seqs) : seqs;
    }
    const inRange = set!.filter((s) => s >= lo && s <= hi);
    total = inRange.length;
    ids = inRange.slice(skip, skip + q.limit);
  } else {
    total = Math.max(0, hi - lo + 1);
    ids = Array.from({ length: Math.max(0, Math.min(q.limit, total - skip)) }, (_, i) => hi - skip - i);
  }
  const items = await eventsBySeq(ids);
  return { items: items.map((e) => ({ id: String(e.seq), ...e })), total, page: q.page, limit: q.limit };
}

export interface VerifyResult {
  ok: boolean; checked: number; headSeq: number; problems: { seq: number; reason: string }[];
  /** the furthest anchor outside the database (audit.checkpoint.ts) the chain was compared with */
  checkpoint?: { seq: number; at: string; reason?: string };
}

interface Ends { seq: number; prevHash: string; hash: string }
interface PartitionCheck { first?: Ends; last?: Ends; checked: number; problems: VerifyResult['problems'] }

/** Checks one partition on its own: consecutive seqs, each seal's hash, each link inside it. */
async function checkPartition(p: number, maxProblems: number): Promise<PartitionCheck> {
  const out: PartitionCheck = { checked: 0, problems: [] };
  let expected = p === 0 ? 1 : p * PARTITION;
  let prev: Ends | undefined;
  for await (const doc of store.streamInOrder<AuditEventDoc>(eventsIn(p), (d) => d.seq)) {
    out.checked++;
    let e: Ends = { seq: doc.seq, prevHash: '', hash: doc.h };
    let intact = mac(doc.d) === doc.h && doc._id === eventId(doc.seq) && partitionOf(doc.seq) === p;
    try {
      const sealed = JSON.parse(doc.d) as { seq: number; prevHash: string };
      e = { ...e, prevHash: sealed.prevHash };
      intact &&= sealed.seq === doc.seq;
    } catch { intact = false; }
    out.first ??= e;
    if (e.seq !== expected) out.problems.push({ seq: e.seq, reason: e.seq > expected ? `events ${expected}..${e.seq - 1} are missing` : 'out of order' });
    if (prev && e.prevHash !== prev.hash) out.problems.push({ seq: e.seq, reason: 'does not link to the previous event' });
    if (!intact) out.problems.push({ seq: e.seq, reason: 'content does not match its hash (modified)' });
    expected = e.seq + 1;
    prev = e;
    out.last = e;
    if (out.problems.length >= maxProblems) break;
  }
  return out;
}

/**
 * Walks the whole chain: a changed event breaks its hash, a deleted one breaks seq or the link,
 * a removed tail disagrees with the recorded head. Partitions are checked three at a time (the
 * scans run in the database's process, in parallel) and joined at their boundaries; memory stays
 * bounded by the reorder window of one scan per partition.
 */
export async function verify(maxProblems = 20): Promise<VerifyResult> {
  const head = await readHead();
  const last = Math.max(partitionOf(Math.max(head.seq, 1)), 0);
  // partitions past the head's, if events were appended after a head that lags
  let end = last;
  while ((await eventsIn(end + 1).exists({}))) end++;
  const checks: PartitionCheck[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(VERIFY_PARALLEL, end + 1) }, async () => {
    while (next <= end) { const p = next++; checks[p] = await checkPartition(p, maxProblems); }
  }));
  const problems: VerifyResult['problems'] = [];
  let prevHash = GENESIS;
  let expected = 1;
  let checked = 0;
  for (const [p, c] of checks.entries()) {
    checked += c.checked;
    const start = p === 0 ? 1 : p * PARTITION;
    if (c.first && expected < start) problems.push({ seq: start, reason: `events ${expected}..${start - 1} are missing` });
    if (c.first?.seq === start && expected === start && c.first.prevHash !== prevHash) problems.push({ seq: start, reason: 'does not link to the previous event' });
    problems.push(...c.problems);
    if (c.last) { prevHash = c.last.hash; expected = c.last.seq + 1; }
  }
  const ordered = problems.sort((x, y) => x.seq - y.seq).slice(0, maxProblems);
  if (head.recorded && ordered.length < maxProblems) {
    if (head.seq > expected - 1) ordered.push({ seq: head.seq, reason: `events ${expected}..${head.seq} are missing from the end` });
    else if (head.seq === expected - 1 && head.hash !== prevHash) ordered.push({ seq: head.seq, reason: 'last event does not match the recorded head' });
  }
  const cp = lastCheckpoint();
  if (cp && ordered.length < maxProblems) {
    const { checkpoint: c } = cp;
    if (!cp.authentic) ordered.push({ seq: c.seq, reason: 'the last checkpoint does not carry a valid key: the checkpoint file was edited' });
    else if (expected - 1 < c.seq) ordered.push({ seq: c.seq, reason: `the chain ends at ${expected - 1} but ${c.seq} events were recorded by ${c.at}: events were removed` });
    else {
      // from the database, not the cache of recent events: this is what is being checked
      const at = await eventsIn(partitionOf(c.seq)).findById(eventId(c.seq), { h: 1 }).lean();
      if (at?.h !== c.hash) ordered.push({ seq: c.seq, reason: `event ${c.seq} differs from the checkpoint of ${c.at}: the chain was rewritten` });
    }
  }
  return { ok: ordered.length === 0, checked, headSeq: expected - 1, problems: ordered, ...(cp && { checkpoint: { seq: cp.checkpoint.seq, at: cp.checkpoint.at, ...(cp.checkpoint.reason && { reason: cp.checkpoint.reason }) } }) };
}

/** Partitions scanned at once by verify (the database decodes each scan on its own core). */
const VERIFY_PARALLEL = 3;

