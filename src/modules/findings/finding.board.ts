import { Schema, model } from 'mongoose';
import { Finding, type FindingDoc } from './finding.model';
import * as store from '../../db/store';
import { all, cacheCollection } from '../../db/cache';
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
 * Both are derived: `repair()` rebuilds them from the findings at start-up.
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
  severity: Severity;
  status: FindingStatus;
  dueAt: Date;
  assignee?: string;
  control?: string;
  source: { type: FindingSource; assessment?: string; scanRun?: string; check?: string; target?: string };
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
export const FIRST_YEAR = 2015;

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function entryOf(f: FindingDoc): Entry {
  return {
    v: f.version ?? 0, id: f._id.toString(), system: f.system.toString(), organization: f.organization.toString(), systemCode: f.systemCode,
    level: f.level, title: f.title, severity: f.severity, status: f.status, dueAt: f.dueAt, assignee: str(f.assignee), control: f.control,
    source: { type: f.source.type, assessment: str(f.source.assessment), scanRun: str(f.source.scanRun), check: f.source.check, target: f.source.target },
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
 * Rebuilds board and archive entries from the finding documents (a crash between a finding's
 * write and its entry's leaves the entry behind). One scan of the findings, then one conditional
 * write per board document that differs; entries are only replaced by newer ones.
 */
export async function repair(): Promise<{ findings: number; documents: number }> {
  const wanted = new Map<string, { model: typeof Board; items: Record<string, Entry | Tomb> }>();
  const add = (model: typeof Board, docId: string, id: string, e: Entry | Tomb) => {
    const k = `${model.modelName}/${docId}`;
    const w = wanted.get(k) ?? { model, items: {} };
    w.items[id] = e;
    wanted.set(k, w);
  };
  let findings = 0;
  for await (const f of Finding.find({}, { history: 0, description: 0 }).lean<FindingDoc>().cursor({ batchSize: 500 })) {
    findings++;
    const e = entryOf(f as FindingDoc);
    const tomb = tombOf(e.v);
    const board = f.system.toString();
    if (archived(f.status)) { add(Archive, archiveId(f), e.id, e); add(Board, board, e.id, tomb); } else { add(Board, board, e.id, e); add(Archive, archiveId(f), e.id, tomb); }

  }
  let documents = 0;
  for (const [k, w] of wanted) {
    const docId = k.slice(k.indexOf('/') + 1);
    const needed = Object.values(w.items).some((e) => !e.gone);
    if (needed) await store.lease(w.model, { _id: docId, items: {}, version: 0 });
    const m = await store.mutate<BoardDoc>(w.model, docId, (d) => {
      const $set: Record<string, unknown> = {};
      const $unset: Record<string, 1> = {};
      for (const [id, e] of Object.entries(w.items)) {
        const cur = d.items?.[id];
        // a tombstone only to kill a stale live entry; an entry where it is missing or older
        if (e.gone ? cur && !cur.gone && (cur.v ?? -1) < e.v : !cur || (cur.v ?? -1) < e.v) $set[`items.${id}`] = e;
      }
      for (const [id, cur] of Object.entries(d.items ?? {})) {
        if (cur.gone && !$set[`items.${id}`] && Date.now() - new Date(cur.at).getTime() > TOMB_KEEP_MS) $unset[`items.${id}`] = 1;
      }
      if (!Object.keys($set).length && !Object.keys($unset).length) return null;
      return { ...(Object.keys($set).length && { $set }), ...(Object.keys($unset).length && { $unset }) };
    });
    if (m && m.after !== m.before) documents++;
  }
  return { findings, documents };
}
