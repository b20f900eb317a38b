import mongoose from 'mongoose';
import type { Instance } from './instances';
import type { World } from './world';
import { dashboardDiffs, figuresKey, findingOrderKey, listDiffs, stableCompare, summaryDiffs, systemsListKey, truthReader, type Snapshot } from './truth';
import { note, sleep } from './stats';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Client = InstanceType<typeof mongoose.mongo.MongoClient>;
const { MongoClient, ObjectId } = mongoose.mongo;

export function dbClient(port: number, maxPoolSize: number): Client {
  return new MongoClient(`mongodb://127.0.0.1:${port}/attest`, { maxPoolSize, serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000, socketTimeoutMS: 10_000 });
}

/** A checker: its admin token (a fresh login now and then, on any instance). */
export type TokenOf = () => Promise<string | undefined>;

/**
 * GET /dashboard of every available instance, between two reads of the truth, against the figures
 * recomputed from the source documents. One drift is counted per instance that disagrees; within
 * 60 s after a deliberate kill apart (derived data the repair fixes).
 */
export async function checkFigures(w: World, truth: Client, token: TokenOf, insts: Instance[]): Promise<void> {
  const targets = insts.filter((i) => i.available);
  const reader = targets.length ? await truthReader(truth.db('attest')).catch(() => undefined) : undefined;
  if (!reader) return;
  let v = await stableCompare(reader.read, figuresKey, async () => {
    const t = await token();
    const dashes = t ? await Promise.all(targets.map((inst) => w.api.get({ path: '/api/v1/dashboard', token: t, inst }))) : [];
    return dashes.length && dashes.every(Boolean) ? dashes : undefined;
  }, (dashes, snap) => dashes.flatMap((d, k) => dashboardDiffs(d, snap).map((x) => `${targets[k].name} ${x}`)));
  if (v.kind === 'drift' && (await reader.approvedChanged().catch(() => true))) v = { kind: 'unstable' };
  w.stats.add('figureChecks');
  if (v.kind === 'drift') {
    const diffs = v.diffs;
    for (const inst of targets.filter((i) => diffs.some((x) => x.startsWith(`${i.name} `)))) {
      const msg = `${inst.name} GET /api/v1/dashboard, stable on 3 tries: ${diffs.filter((x) => x.startsWith(`${inst.name} `)).map((x) => x.slice(2)).join('; ')}`;
      if (w.stats.afterFault()) w.stats.add('driftsAfterFaults', 1, msg); else w.stats.add('figureDrifts', 1, msg);
    }
  } else if (v.kind === 'unstable') w.stats.add('unstableTruth');
  else if (v.kind === 'unavailable' && !w.stats.inDbDowntime(Date.now() - 5000, Date.now())) note(`figure check skipped: ${v.why}`);
}

/** Every page of a list as admin: distinct ids == total == what the database holds. */
type Page = { total: number; ids: string[]; items: any[] };
async function walk(w: World, token: string, path: string, limit: number): Promise<Page[] | undefined> {
  const pages: Page[] = [];
  const inst = w.api.route();
  for (let page = 1; page <= 1000; page++) {
    const b = await w.api.get({ path: `${path}${path.includes('?') ? '&' : '?'}page=${page}&limit=${limit}`, token, inst });
    if (!b) return undefined;
    pages.push({ total: b.total, ids: b.items.map((i: any) => i.id), items: b.items });
    if (page * limit >= b.total) break;
  }
  return pages;
}

export async function checkLists(w: World, truth: Client, token: TokenOf): Promise<void> {
  const reader = await truthReader(truth.db('attest'), false).catch(() => undefined);
  if (!reader) return;
  const read = reader.read;
  // the systems list also carries each system's compliance summary: its open findings are checked too
  const lists: [string, number, (p: Page[], s: Snapshot) => string[], (s: Snapshot) => string][] = [
    ['/api/v1/systems', 20, (p, s) => [...listDiffs('GET /api/v1/systems (limit 20)', p, s.systems.map((x) => x.id)), ...summaryDiffs(p.flatMap((x) => x.items), s)], systemsListKey],
    ['/api/v1/findings', 50, (p, s) => listDiffs('GET /api/v1/findings (limit 50)', p, s.findings.map((x) => x.id)), findingOrderKey],
  ];
  for (const [path, limit, compare, key] of lists) {
    const v = await stableCompare(read, key, async () => { const t = await token(); return t ? walk(w, t, path, limit) : undefined; }, compare);
    w.stats.add('listChecks');
    if (v.kind === 'drift') {
      const summaries = v.diffs.filter((x) => x.startsWith('summary '));
      const lists = v.diffs.filter((x) => !x.startsWith('summary '));
      const after = w.stats.afterFault();
      if (lists.length) w.stats.add(after ? 'driftsAfterFaults' : 'listDrifts', 1, `stable on 3 tries: ${lists.join('; ')}`);
      if (summaries.length) w.stats.add(after ? 'driftsAfterFaults' : 'summaryDrifts', summaries.length, `GET ${path} stable on 3 tries: ${summaries.join('; ')}`);
    } else if (v.kind === 'unstable') w.stats.add('unstableTruth');
  }
}

let consistencyMissing = false;
/**
 * GET /admin/consistency?repair=false: its differences, apart within 60 s after a deliberate kill.
 * `recheck`: only noted (to tell whether differences found at the end persist), never counted.
 */
export async function checkConsistency(w: World, token: TokenOf, truth: Client, inst?: Instance, recheck = false): Promise<number> {
  const t = await token();
  if (!t) return 0;
  const r = await w.api.call({ path: '/api/v1/admin/consistency?repair=false', token: t, inst, ok: [200, 404], timeoutMs: 60_000 });
  if (!r) return 0;
  if (r.status === 404) {
    if (!consistencyMissing) note('GET /api/v1/admin/consistency answers 404 in this checkout: consistency not checked');
    consistencyMissing = true;
    return 0;
  }
  if (r.status !== 200) return 0;
  const n = Number(r.body?.differences ?? 0);
  const detail = (r.body.structures ?? []).filter((x: any) => x.differences).map((x: any) => `${x.name}: ${x.differences} (${JSON.stringify(x.samples ?? []).slice(0, 300)})`).join('; ');
  const now = await summariesNow(truth, (r.body.structures ?? []).find((x: any) => x.name === 'compliance')?.samples ?? []);
  if (recheck) { note(`consistency re-check on ${r.inst.name}: ${n} differences${n ? `: ${detail}${now}` : ''}`); return n; }
  w.stats.add('consistencyChecks');
  if (!n) return 0;
  if (w.stats.afterFault()) w.stats.add('repairedAfterFaults', n, `${r.inst.name}: ${detail}`);
  else w.stats.add('consistencyDiffs', n, `${r.inst.name} rid=${r.rid} at ${new Date(Date.now() - r.ms).toISOString().slice(11, 23)}: ${n} differences: ${detail}${now}`);
  return n;
}

/** For compliance samples: the stored summary's open findings and what the finding documents say, read right after. */
async function summariesNow(truth: Client, samples: { id: string }[]): Promise<string> {
  try {
    const db = truth.db('attest');
    const out: string[] = [];
    for (const { id } of samples.slice(0, 3)) {
      const s = await db.collection('systems').findOne({ _id: new ObjectId(id) }, { projection: { code: 1, 'compliance.openFindings': 1 } });
      const open = await db.collection('findings').find({ system: new ObjectId(id), status: { $in: ['open', 'in_remediation', 'resolved', 'reopened'] } }, { projection: { severity: 1 } }).toArray();
      const counts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
      for (const f of open) counts[f.severity]++;
      out.push(`${s?.code}: stored ${JSON.stringify(s?.compliance?.openFindings)}, findings ${JSON.stringify(counts)}`);
    }
    return out.length ? ` — right after, in the database: ${out.join('; ')}` : '';
  } catch { return ''; }
}

/** Until no scan is queued or running (the load has stopped; a run still going changes findings). */
export async function scansIdle(w: World, token: TokenOf, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const t = await token();
    const busy = t ? await Promise.all(['running', 'queued'].map((s) => w.api.get({ path: `/api/v1/scans?status=${s}&limit=1`, token: t }))) : [];
    if (busy.length && busy.every((b) => b && b.total === 0)) return true;
    await sleep(2000);
  }
  return false;
}

/**
 * On the soak's own connection (one socket): an unacknowledged insert, then reads by _id of known
 * systems. A reply for another request (a server answering the w:0 write) shows up as a wrong _id.
 */
export async function canary(w: World, client: Client, ids: string[]): Promise<void> {
  const t0 = Date.now();
  try {
    const db = client.db('attest');
    await db.collection('soak_canary').insertOne({ _id: new ObjectId(), at: new Date(), note: 'soak canary (w:0)' }, { writeConcern: { w: 0 } });
    for (const id of ids) {
      const doc = await db.collection('systems').findOne({ _id: new ObjectId(id) }, { projection: { _id: 1, code: 1 } });
      w.stats.add('canaryChecks');
      if (String(doc?._id) !== id) w.stats.add('mismatchedReplies', 1, `canary: findOne systems {_id: ${id}} answered ${JSON.stringify(doc)}`);
    }
  } catch (err) {
    if (w.stats.inDbDowntime(t0, Date.now())) return;
    w.stats.add('mismatchedReplies', 1, `canary: ${(err as Error).name}: ${(err as Error).message}`);
  }
}

/**
 * The end: the audit chain verifies, and every finding the soak changed has as many audit events
 * (finding.transition / finding.comment) as history entries (transition / comment).
 */
export async function checkAudit(w: World, token: string, truth: Client): Promise<void> {
  const v = await w.api.call({ path: '/api/v1/audit/verify', token, ok: [200], timeoutMs: 120_000 });
  if (v?.status === 200 && v.body?.ok !== true) {
    const problems = (v.body?.problems ?? []) as any[];
    w.stats.add('auditMissing', Math.max(1, problems.length), `GET /audit/verify: ${JSON.stringify(problems.slice(0, 5))}`);
  } else if (v?.status !== 200) w.stats.add('auditMissing', 1, `GET /audit/verify answered ${v?.status ?? 'nothing'}`);
  const ACTIONS: Record<string, string> = { transition: 'finding.transition', comment: 'finding.comment' };
  for (const id of w.changed) {
    const f = await w.api.get({ path: `/api/v1/findings/${id}`, token, check: (b) => (b?.id === id ? undefined : `asked for ${id}, got ${b?.id}`) });
    if (!f) continue;
    const events: any[] = [];
    for (let page = 1; page <= 50; page++) {
      const a = await w.api.get({ path: `/api/v1/audit?entity=finding&entityId=${id}&limit=100&page=${page}`, token,
        check: (b) => expectAbout(b, id) });
      if (!a) break;
      events.push(...a.items);
      if (page * 100 >= a.total) break;
    }
    w.stats.add('auditChecked');
    for (const [h, e] of Object.entries(ACTIONS)) {
      const inHistory = (f.history ?? []).filter((x: any) => x.action === h).length;
      const inAudit = events.filter((x) => x.action === e).length;
      if (inHistory > inAudit) w.stats.add('auditMissing', inHistory - inAudit, `finding ${id}: ${inHistory} ${h} entries in its history, ${inAudit} ${e} audit events${await pendingIntents(w, truth, id)}`);
      else if (inAudit > inHistory) w.stats.add('auditExtra', inAudit - inHistory, `finding ${id}: ${inAudit} ${e} audit events, ${inHistory} ${h} history entries`);
    }
  }
}

/** Audit intents still on the finding document (written with a change whose event was never appended). */
async function pendingIntents(w: World, truth: Client, id: string): Promise<string> {
  try {
    const f = await truth.db('attest').collection('findings').findOne({ _id: new ObjectId(id) }, { projection: { auditIntents: 1 } });
    const intents = Object.values((f?.auditIntents ?? {}) as Record<string, any>);
    return intents.length ? `; intents still on the document: ${intents.map((i) => `${i.action} at ${new Date(i.at).toISOString()} by ${i.actor?.email} rid=${i.requestId} (${served(w, i.requestId)})`).join(', ')}` : '; no intent left on the document';
  } catch (err) { return `; (intents not read: ${(err as Error).message})`; }
}

const served = (w: World, rid: string) => {
  const r = w.api.log.find((x) => x.rid === rid);
  return r ? `sent to ${r.inst} at ${new Date(r.t0).toISOString().slice(11, 23)}, ${r.status ? `answered ${r.status}` : 'no answer'} after ${r.t1 - r.t0} ms` : 'not a soak request';
};

const expectAbout = (b: any, id: string) => {
  const bad = (b?.items ?? []).find((e: any) => e.entity !== 'finding' || e.entityId !== id);
  return Array.isArray(b?.items) ? (bad ? `audit of finding ${id} lists ${bad.entity} ${bad.entityId}` : undefined) : 'no items';
};

/** Runs `fn` every `ms` until `stop()` says so (the first run after `ms`). */
export async function every(ms: number, stop: () => boolean, fn: () => Promise<void>): Promise<void> {
  while (!stop()) {
    const t0 = Date.now();
    while (!stop() && Date.now() - t0 < ms) await sleep(Math.min(250, ms));
    if (stop()) return;
    try { await fn(); } catch (err) { note(`check: ${(err as Error).stack ?? err}`); }
  }
}
