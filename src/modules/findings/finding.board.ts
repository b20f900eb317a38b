import { Schema, model } from 'mongoose';
import { Finding, type FindingDoc } from './finding.model';
import * as store from '../../db/store';
import { all, cacheCollection } from '../../db/cache';
import { registerDerived, type Difference } from '../../db/derived';
import { canonicalJson } from '../../shared/canonical';
import type { FindingSource, FindingStatus, Severity } from '../../shared/enums';

/*
 * Findings are read through keyed summaries, because on the embedded FerretDB every filter scans
 * and decodes the whole collection (15 000 findings ≈ 0.6 s a query). Each system has a board:
 * one document holding a small entry per finding that is not verified (the working set; boards
 * are a cached collection, db/cache.ts), and per creation year an archive document for its
 * verified findings. A list filters the boards in memory; the finding documents are read by _id
 * for details. Boards are per system, not per organization, because FerretDB rewrites a whole
 * document on every change: a board stays a few KB however large its organization.
 * Entries carry the finding's version and are only ever replaced by newer ones; a finding that
 * moves between board and archive leaves a tombstone, so a late writer cannot resurrect it.
 * Both are derived: the consistency check (src/db/derived.ts) compares them with the findings and repairs them.
 */
export interface Entry {
  v: number;
  gone?: undefined;
  id: string;
  system: string;
  organization: string;
  systemCode: string;
  level: number;
  title: string;
  titleVi?: string;
  severity: Severity;
  status: FindingStatus;
  dueAt: Date;
  assignee?: string;
  control?: string;
  source: { type: FindingSource; assessment?: string; scanRun?: string; check?: string; target?: string; problem?: string; scanImport?: string; tool?: string; rule?: string };
  firstSeenAt?: Date;
  lastSeenAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  riskExpiresAt?: Date;
  extensionPending?: boolean;
  /** a risk acceptance was requested and nobody has approved it yet */
  riskPending?: boolean;
}

/** Left where an entry moved away from; dropped by repair() a day later. */
interface Tomb { v: number; gone: true; at: Date }
const TOMB_KEEP_MS = 86_400_000;
const tombOf = (v: number): Tomb => ({ v, gone: true, at: new Date() });

interface BoardDoc { _id: string; items: Record<string, Entry | Tomb>; version: number }
const boardSchema = () => new Schema<BoardDoc>({ _id: String, items: { type: Schema.Types.Mixed, default: () => ({}) }, version: { type: Number, default: 0 } }, { versionKey: false, minimize: false });
export const Board = model<BoardDoc>('FindingBoard', boardSchema(), 'finding_boards');
// the working set is read on every findings list: held in memory, revalidated per read (db/cache.ts)
cacheCollection(Board);
export const Archive = model<BoardDoc>('FindingArchive', boardSchema(), 'finding_archive');

const archived = (status: FindingStatus) => status === 'verified';
const archiveId = (f: Pick<FindingDoc, 'system' | 'createdAt'>) => `${f.system}:${f.createdAt.getUTCFullYear()}`;
/** Where a finding's entry lives: its system's board while open, its system's archive of its year once verified. */
export const placeOf = (f: Pick<FindingDoc, 'system' | 'createdAt' | 'status'>) =>
  (archived(f.status) ? { model: Archive, docId: archiveId(f) } : { model: Board, docId: f.system.toString() });
export const FIRST_YEAR = 2015;

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function entryOf(f: FindingDoc): Entry {
  return {
    v: f.version ?? 0, id: f._id.toString(), system: f.system.toString(), organization: f.organization.toString(), systemCode: f.systemCode,
    level: f.level, title: f.title, titleVi: f.titleVi, severity: f.severity, status: f.status, dueAt: f.dueAt, assignee: str(f.assignee), control: f.control,
    source: { type: f.source.type, assessment: str(f.source.assessment), scanRun: str(f.source.scanRun), check: f.source.check, target: f.source.target, problem: f.source.problem, scanImport: str(f.source.scanImport), tool: f.source.tool, rule: f.source.rule },
    firstSeenAt: f.firstSeenAt, lastSeenAt: f.lastSeenAt, createdAt: f.createdAt, updatedAt: f.updatedAt,
    riskExpiresAt: f.status === 'risk_accepted' ? f.riskAcceptance?.expiresAt : undefined,
    extensionPending: !!f.extension && !f.extension.decision,
    riskPending: !!f.riskAcceptance && !f.riskAcceptance.approvedAt && f.status !== 'risk_accepted',
  };
}

/**
 * Records the finding's current state in its board or archive. When the change moved it between
 * the two (`previous` = its status before), the document it left gets a tombstone.
 */
export async function put(f: FindingDoc, previous?: FindingStatus): Promise<void> {
  const e = entryOf(f);
  const board = f.system.toString();
  const [to, from] = archived(f.status) ? [[Archive, archiveId(f)], [Board, board]] as const : [[Board, board], [Archive, archiveId(f)]] as const;
  await store.putEntry(to[0], to[1], 'items', e.id, e);
  if (previous !== undefined && archived(previous) !== archived(f.status)) await store.putEntry(from[0], from[1], 'items', e.id, tombOf(e.v));
}

const live = (d: BoardDoc | null | undefined): Entry[] => Object.values(d?.items ?? {}).filter((e): e is Entry => !e.gone);

/** Working-set entries (not verified), of the given systems and organizations or of all. */
export async function openEntries(scope: { orgs?: string[]; systems?: string[] } = {}): Promise<Entry[]> {
  const docs = await all<BoardDoc>(Board);
  const systems = scope.systems && new Set(scope.systems);
  const orgs = scope.orgs && new Set(scope.orgs);
  return docs.filter((d) => !systems || systems.has(d._id)).flatMap(live).filter((e) => !orgs || orgs.has(e.organization));
}

/** Verified entries of the given systems (every archive year), or of all. */
export async function archivedEntries(systems?: string[]): Promise<Entry[]> {
  if (!systems) return (await Archive.find({}).lean<BoardDoc[]>()).flatMap(live);
  const years = Array.from({ length: new Date().getUTCFullYear() - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
  const ids = systems.flatMap((o) => years.map((y) => `${o}:${y}`));
  return (await store.findByIds<BoardDoc>(Archive, ids)).flatMap(live);
}

/**
 * The board and archive entries the finding documents call for, and what is stored: every finding's
 * entry in its place (board while not verified, archive after), a tombstone or nothing in the other;
 * no live entry of a finding that does not exist. One scan of the findings and of both collections.
 */
async function compare(): Promise<{ checked: number; differences: Difference[]; wanted: Map<string, { model: typeof Board; docId: string; e: Entry | Tomb }[]>; stored: Map<string, BoardDoc> }> {
  const wanted = new Map<string, { model: typeof Board; docId: string; e: Entry | Tomb }[]>();
  for await (const f of Finding.find({}, { history: 0, description: 0, auditIntents: 0 }).lean<FindingDoc>().cursor({ batchSize: 500 })) {
    const e = entryOf(f as FindingDoc);
    const here = placeOf(f);
    const there = here.model === Board ? { model: Archive, docId: archiveId(f) } : { model: Board, docId: f.system.toString() };
    wanted.set(e.id, [{ ...here, e }, { ...there, e: tombOf(e.v) }]);
  }
  const stored = new Map<string, BoardDoc>();
  for (const model of [Board, Archive]) for (const d of await model.find({}).lean<BoardDoc[]>()) stored.set(`${model.modelName}/${d._id}`, d);
  // null and a missing field say the same (a stored undefined may come back as null)
  const text = (x: unknown) => canonicalJson(JSON.parse(JSON.stringify(x), (_k, v: unknown) => (v === null ? undefined : v)));
  const differences: Difference[] = [];
  for (const [id, [place, other]] of wanted) {
    const cur = stored.get(`${place.model.modelName}/${place.docId}`)?.items?.[id];
    const e = place.e as Entry;
    if (!cur || cur.gone || (cur.v ?? -1) < e.v) differences.push({ id, reason: `${place.model === Board ? 'board' : 'archive'} entry ${!cur ? 'missing' : cur.gone ? 'is a tombstone' : `v${cur.v} older than the finding v${e.v}`}` });
    else if (cur.v === e.v && text(cur) !== text(e)) differences.push({ id, reason: 'entry differs from the finding at the same version' });
    const left = stored.get(`${other.model.modelName}/${other.docId}`)?.items?.[id];
    if (left && !left.gone && (left.v ?? -1) < e.v) differences.push({ id, reason: `a stale live entry in the ${other.model === Board ? 'board' : 'archive'}` });
  }
  for (const [k, d] of stored) {
    for (const [id, cur] of Object.entries(d.items ?? {})) if (!cur.gone && !wanted.has(id)) differences.push({ id: `${k}#${id}`, reason: 'entry of a finding that does not exist' });
  }
  return { checked: wanted.size, differences, wanted, stored };
}

/**
 * Puts right the entries of the given findings (newer entries only ever replace older ones, so this
 * is safe beside live writers), removes entries of findings that do not exist, and drops tombstones
 * older than a day.
 */
async function repairBoards(differences: Difference[]): Promise<number> {
  const { wanted } = await compare();
  let n = 0;
  for (const id of new Set(differences.filter((d) => !d.id.includes('#')).map((d) => d.id))) {
    for (const w of wanted.get(id) ?? []) {
      if (!w.e.gone) await store.lease(w.model, { _id: w.docId, items: {}, version: 0 });
      if (await store.putEntry(w.model, w.docId, 'items', id, w.e)) n++;
    }
  }
  const orphans = differences.filter((d) => d.id.includes('#')).map((d) => d.id);
  for (const k of orphans) {
    const [doc, id] = [k.slice(0, k.indexOf('#')), k.slice(k.indexOf('#') + 1)];
    const [modelName, docId] = [doc.slice(0, doc.indexOf('/')), doc.slice(doc.indexOf('/') + 1)];
    const model = modelName === Board.modelName ? Board : Archive;
    const m = await store.mutate<BoardDoc>(model, docId, (d) => (d.items?.[id] && !d.items[id].gone && !wanted.has(id) ? { $unset: { [`items.${id}`]: 1 } } : null));
    if (m && m.after !== m.before) n++;
  }
  return n;
}

/** Tombstones are kept a day (a late writer of an old version must not resurrect a moved entry). */
async function dropOldTombstones(stored: Map<string, BoardDoc>): Promise<void> {
  for (const model of [Board, Archive]) {
    for (const [k, d] of stored) {
      if (!k.startsWith(`${model.modelName}/`)) continue;
      const old = Object.entries(d.items ?? {}).filter(([, e]) => e.gone && Date.now() - new Date(e.at).getTime() > TOMB_KEEP_MS).map(([id]) => id);
      if (!old.length) continue;
      await store.mutate<BoardDoc>(model, d._id, (cur) => {
        const still = old.filter((id) => cur.items?.[id]?.gone);
        return still.length ? { $unset: Object.fromEntries(still.map((id) => [`items.${id}`, 1])) } : null;
      });
    }
  }
}

registerDerived({
  name: 'finding-boards',
  source: 'the findings (an entry per finding in its system\'s board, or in the archive once verified)',
  async check() {
    const { checked, differences, stored } = await compare();
    // housekeeping on the documents just read (a clean check only): tombstones past their day go
    if (!differences.length) await dropOldTombstones(stored);
    return { checked, differences };
  },
  repair: repairBoards,
});

/** Start-up: puts right whatever differs (the consistency check does the same while the service runs). */
export async function repair(): Promise<{ findings: number; documents: number }> {
  const { checked, differences } = await compare();
  return { findings: checked, documents: differences.length ? await repairBoards(differences) : 0 };
}
