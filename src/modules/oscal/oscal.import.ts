import { checklistFile, FILE_VALIDATION, type Bilingual, type ChecklistFile } from '../checklists/checklist.schemas';
import { ChecklistFileError, type ChecklistIssue, type ParsedChecklist } from '../checklists/checklist.loader';
import { canonicalJson, sha256 } from '../../shared/canonical';
import { NS } from './oscal.common';

/*
 * An OSCAL catalog back into a checklist version: the reverse of oscal.catalog.ts. What Attest keeps
 * in its own props and parts (ns urn:attest:oscal) is read back; the result then goes through the
 * very validation a YAML checklist file goes through, so the import is exactly as strict.
 */

interface OProp { name?: unknown; ns?: unknown; value?: unknown; class?: unknown }
interface OPart { id?: unknown; name?: unknown; ns?: unknown; class?: unknown; prose?: unknown; props?: unknown; parts?: unknown }
interface OControl { id?: unknown; class?: unknown; title?: unknown; props?: unknown; parts?: unknown; controls?: unknown }
interface OGroup { id?: unknown; groups?: unknown; controls?: unknown }

const MAX_DEPTH = 6;
const MAX_NODES = 5000;
/** A level as a key; anything else is reported as a bad level (and never becomes a key such as __proto__). */
const LEVEL_KEY = /^[0-9]{1,2}$/;

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? v as T[] : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Attest's props (its namespace); the OSCAL `label` and others are not read. */
const ours = (props: unknown, name: string, cls?: string) => arr<OProp>(props)
  .filter((p) => p && p.ns === NS && p.name === name && (cls === undefined || p.class === cls))
  .map((p) => str(p.value)).filter((v): v is string => v !== undefined);
const one = (props: unknown, name: string, cls?: string) => ours(props, name, cls)[0];
const partsOf = (parts: unknown, name: string, cls: string) => arr<OPart>(parts).filter((p) => p && p.name === name && p.class === cls);
const proseOf = (parts: unknown, name: string, cls: string) => str(partsOf(parts, name, cls)[0]?.prose);
const bilingual = (en: string | undefined, vi: string | undefined): Bilingual | undefined =>
  en === undefined && vi === undefined ? undefined : { en: en as string, vi: vi as string };
const levelNumber = (v: string) => (/^[0-9]+$/.test(v) ? Number(v) : v);

function controlOf(c: OControl, group: string | undefined): Record<string, unknown> {
  const levels = ours(c.props, 'level').map(levelNumber);
  const refs: Record<string, string> = {};
  for (const p of arr<OProp>(c.props)) {
    const m = p && p.ns === NS && p.name === 'ref' && typeof p.class === 'string' ? /^level-(.+)$/.exec(p.class) : null;
    if (m && typeof p.value === 'string' && LEVEL_KEY.test(m[1])) refs[m[1]] = p.value;
    else if (m) levels.push(m[1]);
  }
  const levelText: Record<string, Bilingual> = {};
  for (const cls of ['en', 'vi'] as const) {
    for (const p of partsOf(c.parts, 'level-statement', cls)) {
      const l = one(p.props, 'level');
      if (l === undefined || typeof p.prose !== 'string') continue;
      if (!LEVEL_KEY.test(l)) { levels.push(l); continue; }
      levelText[l] = { ...(levelText[l] ?? {}), [cls]: p.prose } as Bilingual;
    }
  }
  const evEn = partsOf(c.parts, 'evidence', 'en').map((p) => str(p.prose));
  const evVi = partsOf(c.parts, 'evidence', 'vi').map((p) => str(p.prose));
  const scanCheck = one(c.props, 'scan-check');
  return {
    id: one(c.props, 'control-id'),
    group: str(c.class) ?? group,
    domain: one(c.props, 'domain'),
    levels,
    refs,
    title: bilingual(str(c.title), one(c.props, 'title', 'vi')),
    requirement: bilingual(proseOf(c.parts, 'statement', 'en'), proseOf(c.parts, 'statement', 'vi')),
    ...(Object.keys(levelText).length && { levelText }),
    severity: one(c.props, 'severity'),
    evidence: Array.from({ length: Math.max(evEn.length, evVi.length) }, (_, i) => bilingual(evEn[i], evVi[i])),
    ...(scanCheck !== undefined && { scanCheck }),
  };
}

/** Every control of the catalog in document order, with the OSCAL id each came from. */
function collect(catalog: { groups?: unknown; controls?: unknown }, issues: ChecklistIssue[]): { oscalIds: string[]; controls: Record<string, unknown>[] } {
  const out = { oscalIds: [] as string[], controls: [] as Record<string, unknown>[] };
  let nodes = 0;
  const walkControls = (list: unknown, group: string | undefined) => {
    for (const c of arr<OControl>(list)) {
      if (++nodes > MAX_NODES || !c || typeof c !== 'object') continue;
      out.oscalIds.push(str(c.id) ?? '?');
      out.controls.push(controlOf(c, group));
      if (arr(c.controls).length) issues.push({ path: `control ${str(c.id) ?? '?'}`, reason: 'has sub-controls (control enhancements), which a checklist cannot hold' });
    }
  };
  const walk = (groups: unknown, group: string | undefined, depth: number) => {
    if (depth > MAX_DEPTH) { issues.push({ path: '', reason: `groups are nested deeper than ${MAX_DEPTH} levels` }); return; }
    for (const g of arr<OGroup & { class?: unknown }>(groups)) {
      if (++nodes > MAX_NODES || !g || typeof g !== 'object') continue;
      const cls = str(g.class);
      const inherited = cls === 'management' || cls === 'technical' ? cls : group;
      walkControls(g.controls, inherited);
      walk(g.groups, inherited, depth + 1);
    }
  };
  walkControls(catalog.controls, undefined);
  walk(catalog.groups, undefined, 0);
  if (nodes > MAX_NODES) issues.push({ path: '', reason: `more than ${MAX_NODES} groups and controls` });
  return out;
}

/** A checklist path (controls.3.title.vi) said with the OSCAL control it came from. */
function located(path: (string | number)[], oscalIds: string[]): string {
  if (path[0] !== 'controls' || typeof path[1] !== 'number') return path.length ? `metadata: ${path.join('.')}` : '';
  const rest = path.slice(2).join('.');
  return `control ${oscalIds[path[1]] ?? path[1]}${rest ? `: ${rest}` : ''}`;
}

/**
 * Reads and validates an OSCAL catalog `{catalog: …}` as a checklist version; throws
 * ChecklistFileError naming each problem (by OSCAL control id) and writes nothing.
 */
export function parseOscalCatalog(doc: { catalog: Record<string, unknown> }, name = 'OSCAL catalog'): ParsedChecklist {
  const c = doc.catalog;
  const md = (c.metadata ?? {}) as { title?: unknown; version?: unknown; published?: unknown; props?: unknown };
  const issues: ChecklistIssue[] = [];
  const { oscalIds, controls } = collect(c, issues);
  const published = str(md.published);
  const raw = {
    framework: one(md.props, 'framework'),
    version: str(md.version),
    title: bilingual(str(md.title), one(md.props, 'title', 'vi')),
    publishedAt: published && /^\d{4}-\d{2}-\d{2}/.test(published) ? published.slice(0, 10) : published,
    levels: ours(md.props, 'level').map(levelNumber),
    controls,
  };
  const { value, error } = checklistFile.validate(raw, FILE_VALIDATION);
  if (error) issues.push(...error.details.map((d) => ({ path: located(d.path, oscalIds), reason: d.message })));
  if (issues.length) throw new ChecklistFileError(name, issues);
  const content = value as ChecklistFile;
  return { file: name, content, contentHash: sha256(canonicalJson(content)) };
}
