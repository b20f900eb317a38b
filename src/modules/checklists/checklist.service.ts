import { Checklist } from './checklist.model';
import type { Bilingual, ChecklistControl, Group } from './checklist.schemas';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import type { Severity } from '../../shared/enums';

/** A control as it applies at one level: the ref and requirement wording of that level. */
export interface FrozenControl {
  id: string;
  group: Group;
  domain: string;
  ref: string;
  title: Bilingual;
  requirement: Bilingual;
  severity: Severity;
  evidence: Bilingual[];
  scanCheck?: string;
}

export interface ChecklistSummary {
  id: string;
  framework: string;
  version: string;
  title: Bilingual;
  publishedAt: string;
  levels: number[];
  controlCount: number;
  countsByLevel: Record<string, number>;
  importedAt: Date;
}

export interface ChecklistView extends ChecklistSummary {
  contentHash: string;
  /** present when the controls were asked for one level */
  level?: number;
  controls: FrozenControl[] | ChecklistControl[];
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export function freeze(c: ChecklistControl, level: number): FrozenControl {
  const key = String(level);
  return {
    id: c.id, group: c.group, domain: c.domain, ref: c.refs[key],
    title: c.title, requirement: c.levelText?.[key] ?? c.requirement,
    severity: c.severity, evidence: c.evidence, ...(c.scanCheck && { scanCheck: c.scanCheck }),
  };
}

/** Imported versions never change, so each is read once per process (a few hundred KB each). */
const loaded = new Map<string, ChecklistView>();

async function load(id: string): Promise<ChecklistView> {
  const hit = loaded.get(id);
  if (hit) return hit;
  const doc = OBJECT_ID.test(id) ? await Checklist.findById(id).lean() : null;
  if (!doc) throw AppError.notFound(NOUN.checklist);
  const view = serialize<ChecklistView>(doc);
  if (loaded.size >= 50) loaded.clear();
  loaded.set(id, view);
  return view;
}

/** 422: the checklist has no controls for this level (`where`: the part of the request that named it). */
export function levelNotCovered(c: { framework: string; version: string; levels: number[] }, level: number, where: 'body' | 'path') {
  return AppError.unprocessable({
    en: `Checklist ${c.framework} ${c.version} covers levels ${c.levels.join(', ')}, not level ${level}`,
    vi: `Bộ tiêu chí ${c.framework} ${c.version} áp dụng cho cấp độ ${c.levels.join(', ')}, không áp dụng cho cấp độ ${level}`,
  }, [{ field: 'level', ...(where === 'path' && { in: where }), reason: `not covered by ${c.framework} ${c.version}` }]);
}

function controlsAt(c: ChecklistView, level: number): FrozenControl[] {
  if (!c.levels.includes(level)) {
    throw levelNotCovered(c, level, 'body');
  }
  return (c.controls as ChecklistControl[]).filter((k) => k.levels.includes(level)).map((k) => freeze(k, level));
}

/** Every imported version, newest first within a framework; without the controls. */
export async function list(): Promise<ChecklistSummary[]> {
  const docs = await Checklist.find({}, { controls: 0, contentHash: 0 }).sort({ framework: 1, importedAt: -1 }).limit(1000).lean();
  return docs.map((d) => serialize<ChecklistSummary>(d));
}

/** One version with all its controls as authored, or with `level` only that level's controls, frozen. */
export async function get(id: string, level?: number): Promise<ChecklistView> {
  const c = await load(id);
  if (level === undefined) return c;
  return { ...c, level, controls: controlsAt(c, level) };
}

/** What an assessment of a system at `level` is made against. 404 unknown id, 422 level not covered. */
export async function controlsFor(checklistId: string, level: number): Promise<{ checklist: { id: string; framework: string; version: string }; controls: FrozenControl[] }> {
  const c = await load(checklistId);
  return { checklist: { id: c.id, framework: c.framework, version: c.version }, controls: controlsAt(c, level) };
}

export async function findByFrameworkVersion(framework: string, version: string): Promise<{ id: string; framework: string; version: string; levels: number[] } | undefined> {
  const d = await Checklist.findOne({ framework, version }, { framework: 1, version: 1, levels: 1 }).lean();
  return d ? { id: d._id.toString(), framework: d.framework, version: d.version, levels: d.levels } : undefined;
}

/** The most recently imported version of a framework. */
export async function latest(framework: string): Promise<{ id: string; framework: string; version: string } | undefined> {
  const d = await Checklist.findOne({ framework }, { framework: 1, version: 1 }).sort({ importedAt: -1, _id: -1 }).lean();
  return d ? { id: d._id.toString(), framework: d.framework, version: d.version } : undefined;
}
