import mongoose from 'mongoose';
import { sleep } from './stats';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = InstanceType<typeof mongoose.mongo.Db>;

/** shared/enums.ts OPEN_FINDING_STATUSES: the states in which a finding counts against its system */
const OPEN = ['open', 'in_remediation', 'resolved', 'reopened'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * The source documents the programme figures derive from, read straight from the database:
 * systems, approved assessments, findings and certificates — nothing derived (no compliance
 * summary, board, cache or system.certificate copy).
 */
export interface Snapshot {
  systems: { id: string; active: boolean; evaluated: boolean; met: boolean; certified: boolean }[];
  findings: { id: string; system: string; status: string; severity: string; due: number }[];
  certificates: { id: string; system: string; status: string }[];
}

const s = (v: unknown) => String(v);

/** Per system its newest approved assessment (by approvedAt): did it meet all criteria? */
async function readApproved(db: Db): Promise<Map<string, boolean>> {
  const assessments = await db.collection('assessments').find({ status: 'approved' }, { projection: { system: 1, approvedAt: 1, summary: 1 } }).toArray();
  const newest = new Map<string, any>();
  for (const a of assessments) {
    const cur = newest.get(s(a.system));
    if (!cur || new Date(a.approvedAt).getTime() > new Date(cur.approvedAt).getTime()) newest.set(s(a.system), a);
  }
  return new Map([...newest].map(([k, a]) => [k, !!a.summary?.metAllCriteria]));
}

/** how long each read of the truth took (reported) */
export const readTimes: number[] = [];

/**
 * Reads of the truth for one check. Approved assessments (large documents, each decoded whole by
 * FerretDB; nothing in the soak approves one) are read at the start and compared at the end
 * (`approvedChanged`); systems, findings and certificates are read on every `read()`. A list check
 * needs none of them (`withApproved` false).
 */
export async function truthReader(db: Db, withApproved = true): Promise<{ read: () => Promise<Snapshot>; approvedChanged: () => Promise<boolean> }> {
  const t0 = Date.now();
  const approved = withApproved ? await readApproved(db) : new Map<string, boolean>();
  if (withApproved) readTimes.push(Date.now() - t0);
  const key = (m: Map<string, boolean>) => JSON.stringify([...m].sort());
  return {
    read: async () => { const t = Date.now(); const snap = await readSnapshot(db, approved); readTimes.push(Date.now() - t); return snap; },
    approvedChanged: async () => key(await readApproved(db)) !== key(approved),
  };
}

async function readSnapshot(db: Db, approved: Map<string, boolean>): Promise<Snapshot> {
  const [systems, findings, certificates] = await Promise.all([
    db.collection('systems').find({}, { projection: { status: 1 } }).toArray(),
    db.collection('findings').find({}, { projection: { system: 1, status: 1, severity: 1, dueAt: 1 } }).toArray(),
    db.collection('certificates').find({}, { projection: { system: 1, status: 1 } }).toArray(),
  ]);
  const validFor = new Set(certificates.filter((c) => c.status === 'valid').map((c) => s(c.system)));
  return {
    systems: systems.map((x) => ({
      id: s(x._id), active: x.status === 'active', evaluated: approved.has(s(x._id)), met: !!approved.get(s(x._id)), certified: validFor.has(s(x._id)),
    })).sort((a, b) => a.id.localeCompare(b.id)),
    findings: findings.map((f) => ({ id: s(f._id), system: s(f.system), status: s(f.status), severity: s(f.severity), due: new Date(f.dueAt).getTime() }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    certificates: certificates.map((c) => ({ id: s(c._id), system: s(c.system), status: s(c.status) })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/*
 * What "the same truth" means for each comparison: two reads are the same when these keys are
 * equal. Only what the observation depends on goes in, so that changes that cannot move it (a
 * finding going from open to in_remediation, for the dashboard) do not make the truth "unstable".
 */
export function figuresKey(snap: Snapshot): string {
  const active = snap.systems.filter((x) => x.active);
  const ids = new Set(active.map((x) => x.id));
  return JSON.stringify({
    systems: active.map((x) => `${x.evaluated ? 1 : 0}${x.met ? 1 : 0}${x.certified ? 1 : 0}`).sort(),
    open: snap.findings.filter((f) => ids.has(f.system) && OPEN.includes(f.status)).map((f) => `${f.severity}@${f.due}`).sort(),
    certificates: snap.certificates.map((c) => c.status).sort(),
  });
}
/** the systems list: its ids, and the open findings per system its compliance summaries count */
export const systemsListKey = (snap: Snapshot) => `${snap.systems.map((x) => x.id).join()}|${openBySystem(snap)}`;
const openBySystem = (snap: Snapshot) => snap.findings.filter((f) => OPEN.includes(f.status)).map((f) => `${f.system}:${f.severity}`).sort().join();

/** Systems whose compliance summary (as listed) counts other open findings than the findings themselves. */
export function summaryDiffs(items: any[], snap: Snapshot): string[] {
  const want = new Map<string, Record<string, number>>();
  for (const f of snap.findings) {
    if (!OPEN.includes(f.status)) continue;
    const c = want.get(f.system) ?? { critical: 0, high: 0, medium: 0, low: 0 };
    c[f.severity]++;
    want.set(f.system, c);
  }
  const diffs: string[] = [];
  for (const i of items) {
    const got = i?.compliance?.openFindings ?? {};
    const exp = want.get(i.id) ?? { critical: 0, high: 0, medium: 0, low: 0 };
    if (SEVERITIES.some((v) => (got[v] ?? 0) !== exp[v])) diffs.push(`summary of system ${i.code} (${i.id}): compliance.openFindings ${JSON.stringify(got)}, its findings say ${JSON.stringify(exp)}`);
  }
  return diffs;
}
/** the findings list is sorted by due date: a changed date may move an item to another page */
export const findingOrderKey = (snap: Snapshot) => snap.findings.map((f) => `${f.id}@${f.due}`).join();

/** The figures GET /dashboard must show (dashboard.service.ts semantics), at `now` = its generatedAt. */
export function figuresOf(snap: Snapshot, now: number) {
  const active = snap.systems.filter((x) => x.active);
  const activeIds = new Set(active.map((x) => x.id));
  const open = Object.fromEntries(SEVERITIES.map((v) => [v, 0])) as Record<(typeof SEVERITIES)[number], number>;
  let overdue = 0;
  for (const f of snap.findings) {
    if (!activeIds.has(f.system) || !OPEN.includes(f.status)) continue;
    open[f.severity as keyof typeof open]++;
    if (f.due < now) overdue++;
  }
  return {
    systems: {
      total: active.length, evaluated: active.filter((x) => x.evaluated).length,
      metAllCriteria: active.filter((x) => x.met).length, certified: active.filter((x) => x.certified).length,
    },
    findings: { open, overdue },
    certificates: { valid: snap.certificates.filter((c) => c.status === 'valid').length, suspended: snap.certificates.filter((c) => c.status === 'suspended').length },
  };
}

/** Where the dashboard disagrees with the truth (empty: it agrees). */
export function dashboardDiffs(dash: any, snap: Snapshot): string[] {
  const now = new Date(dash?.generatedAt).getTime();
  if (!Number.isFinite(now)) return [`no generatedAt in ${JSON.stringify(dash).slice(0, 200)}`];
  const want = figuresOf(snap, now);
  const diffs: string[] = [];
  const cmp = (path: string, got: unknown, exp: unknown) => { if (got !== exp) diffs.push(`${path}: dashboard ${got}, recomputed ${exp}`); };
  for (const k of ['total', 'evaluated', 'metAllCriteria', 'certified'] as const) cmp(`systems.${k}`, dash.systems?.[k], want.systems[k]);
  for (const v of SEVERITIES) cmp(`findings.open.${v}`, dash.findings?.open?.[v], want.findings.open[v]);
  cmp('findings.overdue', dash.findings?.overdue, want.findings.overdue);
  cmp('certificates.valid', dash.certificates?.valid, want.certificates.valid);
  cmp('certificates.suspended', dash.certificates?.suspended, want.certificates.suspended);
  return diffs;
}

/** Where a walk through every page of a list disagrees with the ids in the database. */
export function listDiffs(what: string, pages: { total: number; ids: string[] }[], truthIds: string[]): string[] {
  const diffs: string[] = [];
  const seen = new Set<string>();
  let dupes = 0;
  for (const p of pages) for (const id of p.ids) { if (seen.has(id)) dupes++; seen.add(id); }
  const totals = [...new Set(pages.map((p) => p.total))];
  const truth = new Set(truthIds);
  if (totals.length !== 1 || totals[0] !== truth.size) diffs.push(`${what}: total ${totals.join('/')} but ${truth.size} in the database`);
  if (seen.size !== truth.size) diffs.push(`${what}: ${seen.size} distinct ids over ${pages.length} pages (${dupes} repeated), ${truth.size} in the database`);
  const missing = [...truth].filter((id) => !seen.has(id));
  const extra = [...seen].filter((id) => !truth.has(id));
  if (missing.length) diffs.push(`${what}: missing from the pages: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}`);
  if (extra.length) diffs.push(`${what}: listed but not in the database: ${extra.slice(0, 5).join(', ')}`);
  return diffs;
}

export type Verdict = { kind: 'ok' } | { kind: 'drift'; diffs: string[] } | { kind: 'unstable' } | { kind: 'unavailable'; why: string };

/**
 * Compares an observation with the truth only when the truth held still around it: truth, observe,
 * truth again; if the two truths differ, retried (up to 10 times, short sleeps). A drift is a stable
 * truth the observation disagrees with on 3 consecutive tries, ~1 s apart.
 */
export async function stableCompare<T>(read: () => Promise<Snapshot>, keyOf: (s: Snapshot) => string, observe: () => Promise<T | undefined>, compare: (o: T, snap: Snapshot) => string[]): Promise<Verdict> {
  let disagreements = 0;
  let last: string[] = [];
  for (let tries = 0; tries < 10 && disagreements < 3; tries++) {
    let stable: { o: T; snap: Snapshot } | undefined;
    for (let attempt = 0; attempt < 10 && !stable; attempt++) {
      let before: Snapshot; let after: Snapshot; let o: T | undefined;
      try {
        before = await read();
        o = await observe();
        after = await read();
      } catch (err) { return { kind: 'unavailable', why: (err as Error).message }; }
      if (o === undefined) return { kind: 'unavailable', why: 'no answer' };
      if (keyOf(before) === keyOf(after)) stable = { o, snap: after };
      else await sleep(100 + attempt * 100);
    }
    if (!stable) return { kind: 'unstable' };
    last = compare(stable.o, stable.snap);
    if (!last.length) return { kind: 'ok' };
    disagreements++;
    if (disagreements < 3) await sleep(1000);
  }
  return disagreements >= 3 ? { kind: 'drift', diffs: last } : { kind: 'unstable' };
}
