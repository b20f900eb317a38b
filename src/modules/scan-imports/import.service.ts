import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { Types } from 'mongoose';
import * as lifecycle from '../findings/finding.lifecycle';
import { importName, seenBy } from '../findings/finding.texts';
import { dueFrom } from '../findings/finding.workflow';
import * as checklists from '../checklists/checklist.service';
import type { FrozenControl } from '../checklists/checklist.service';
import * as settings from '../settings/settings.service';
import { createdWith, intentOf, settle } from '../audit/audit.intent';
import * as store from '../../db/store';
import { serialize } from '../../db/serialize';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import type { Ctx } from '../../shared/actor';
import { LEVELS } from '../../shared/enums';
import { ScanImport, type ImportCounts, type ScanImportDoc } from './import.model';
import { HostIndex, type SystemLite } from './match';
import { mapping } from './mapping';
import { existingFindings, Planner, TOOL_NAMES, type Plan } from './plan';
import { detectFormat, HEAD_BYTES, parseReport } from './parsers';
import { DEFAULT_LIMITS, ReportError, type ImportedItem, type ImportTool, type ParsedReport } from './types';

let cfg = { publicBaseUrl: 'http://localhost:3000' };
export function configureScanImports(c: { publicBaseUrl: string }): void { cfg = c; }

export interface Upload { path: string; originalname?: string; size: number }

/** Parses the uploaded file while hashing it, each item to `sink`; a report that cannot be read is 422 naming why (and the line). */
async function read(file: Upload, tool: ImportTool | undefined, sink?: (item: ImportedItem) => void): Promise<{ report: ParsedReport; sha256: string }> {
  const hash = crypto.createHash('sha256');
  const tap = new Transform({ transform(chunk, _enc, done) { hash.update(chunk); done(null, chunk); } });
  const input = fs.createReadStream(file.path).pipe(tap);
  try {
    const report = await parseReport(input, { tool, filename: file.originalname, limits: { ...DEFAULT_LIMITS, sink } });
    input.resume(); // the rest (after a root element closed early) still counts in the hash
    await new Promise((r) => (input.readableEnded ? r(null) : input.once('end', r)));
    return { report, sha256: hash.digest('hex') };
  } catch (err) {
    if (err instanceof ReportError) throw AppError.unprocessable({ en: `The report cannot be imported: ${err.message}`, vi: `Không thể nhập báo cáo: ${err.text.vi}` }, { line: err.line });
    throw err;
  } finally {
    input.destroy();
  }
}

/** The active checklist's controls per level (a level it does not cover has none). */
async function controlsByLevel(): Promise<Map<number, Map<string, FrozenControl>>> {
  const checklistId = await settings.activeChecklistId();
  const out = new Map<number, Map<string, FrozenControl>>();
  for (const level of LEVELS) {
    const controls = await checklists.controlsFor(checklistId, level).then((c) => c.controls, () => []);
    out.set(level, new Map(controls.map((x) => [x.id, x])));
  }
  return out;
}

const bySeverity = (report: ParsedReport) => ({ ...report.counts });

/** The first bytes of the upload: which tool wrote it. */
async function head(path: string): Promise<Buffer> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally { await fh.close(); }
}
const planned = (p: Plan): ImportCounts => ({
  opened: p.actions.filter((a) => a.action === 'open').length, refreshed: p.actions.filter((a) => a.action === 'refresh').length,
  reopened: p.actions.filter((a) => a.action === 'reopen').length, verified: p.verify.length, ignored: p.ignored,
});

/**
 * Reads, matches and plans a report in one pass: items of hosts in no system are counted and
 * dropped as they are read, so memory follows the matched findings, not the file.
 */
async function prepare(file: Upload, forced?: ImportTool) {
  const tool = forced ?? detectFormat(await head(file.path), file.originalname);
  if (!tool) { await read(file, undefined); throw AppError.unprocessable({ en: 'The report cannot be imported', vi: 'Không thể nhập báo cáo' }); } // read() names why
  const m = await mapping();
  const planner = new Planner(tool, await HostIndex.load(), m, await controlsByLevel(), await existingFindings(tool));
  const { report, sha256 } = await read(file, forced, planner.add);
  return { report, sha256, plan: planner.finish(report), mappingVersion: m.version };
}

/** What applying would do; nothing is written. */
export async function preview(_ctx: Ctx, file: Upload, tool?: ImportTool) {
  const { report, sha256, plan, mappingVersion } = await prepare(file, tool);
  const perSystem = new Map<string, { id: string; code: string; name: string; opened: number; refreshed: number; reopened: number; verified: number }>();
  const row = (s: SystemLite) => perSystem.get(s._id.toString()) ?? perSystem.set(s._id.toString(), { id: s._id.toString(), code: s.code, name: s.name, opened: 0, refreshed: 0, reopened: 0, verified: 0 }).get(s._id.toString())!;
  for (const a of plan.actions) row(a.system)[a.action === 'open' ? 'opened' : a.action === 'refresh' ? 'refreshed' : 'reopened']++;
  for (const v of plan.verify) row(v.system).verified++;
  return {
    tool: report.tool, toolName: TOOL_NAMES[report.tool], toolVersion: report.toolVersion, scannedAt: report.scannedAt, filename: file.originalname, sha256, bytes: file.size, mappingVersion,
    items: bySeverity(report), statedCounts: report.statedCounts, planned: planned(plan),
    systems: [...perSystem.values()].sort((x, y) => x.code.localeCompare(y.code)),
    findings: plan.actions.slice(0, 200).map((a) => ({ action: a.action, system: a.system.code, title: a.texts.title, titleVi: a.texts.titleVi, severity: a.severity, target: a.target, rule: a.rule, control: a.control, finding: a.existing })),
    verify: plan.verify.slice(0, 200).map((v) => ({ system: v.system.code, finding: v.id, title: v.title, target: v.target })),
    unmatchedHosts: plan.unmatchedHosts.slice(0, 500), unmatchedHostCount: plan.unmatchedHosts.length,
  };
}

/**
 * Applies a report: everything is read, matched and planned first (a report that cannot be read
 * writes nothing), then the import record (with its audit event), then every finding through the
 * finding lifecycle. Finding ids derive from their keys, so if the process stops half-way the same
 * file applied again completes the work without twins.
 */
export async function apply(ctx: Ctx, file: Upload, tool?: ImportTool) {
  const { report, sha256, plan, mappingVersion } = await prepare(file, tool);
  const _id = new Types.ObjectId();
  const now = new Date();
  const p = planned(plan);
  const systems = [...new Set([...plan.actions.map((a) => a.system._id.toString()), ...plan.verify.map((v) => v.system._id.toString())])].map((s) => new Types.ObjectId(s));
  const intent = intentOf(ctx, { action: 'scan_import.apply', entity: 'scan_import', entityId: _id.toString(), after: { tool: report.tool, sha256, filename: file.originalname, planned: p, systems: systems.length } }, now);
  await store.insertOne(ScanImport, createdWith({
    _id, tool: report.tool, toolVersion: report.toolVersion, filename: file.originalname, sha256, bytes: file.size, scannedAt: report.scannedAt, mappingVersion,
    status: 'applying', by: ctx.actor.id, createdAt: now, items: bySeverity(report), statedCounts: report.statedCounts, planned: p, systems,
    unmatchedHosts: plan.unmatchedHosts.slice(0, 500), version: 0,
  }, intent));
  await settle(ScanImport, _id, [intent]);
  // a sighting is dated by the report (when the tool saw it), so an older report never counts as newer news
  const counts = await write(ctx, _id, report.tool, plan, now, report.scannedAt && report.scannedAt <= now ? report.scannedAt : now);
  await store.updateById(ScanImport, _id, { $set: { status: 'applied', counts, finishedAt: new Date() }, $inc: { version: 1 } });
  return get(ctx, _id.toString());
}

async function write(ctx: Ctx, importId: Types.ObjectId, tool: ImportTool, plan: Plan, now: Date, seenAt: Date): Promise<ImportCounts> {
  const s = await settings.getSettings();
  const counts: ImportCounts = { opened: 0, refreshed: 0, reopened: 0, verified: 0, ignored: plan.ignored };
  const evidence = [{ url: `${cfg.publicBaseUrl}/api/v1/scan-imports/${importId}`, title: `${TOOL_NAMES[tool]} report (import ${importId})` }];
  for (const a of plan.actions) {
    const _id = lifecycle.idFor(a.dedupeKey);
    if (a.action === 'open') {
      const raised = await lifecycle.raise(ctx, {
        _id, system: a.system._id, organization: a.system.organization, systemCode: a.system.code, level: a.system.level,
        source: { type: 'import', scanImport: importId, tool, rule: a.rule, target: a.target }, control: a.control, ...a.texts, severity: a.severity,
        dueAt: dueFrom(now, settings.slaDaysFor(s, a.severity, a.system.level)), dedupeKey: a.dedupeKey, firstSeenAt: seenAt, lastSeenAt: seenAt, createdBy: ctx.actor.id,
      }, seenBy('raised', importName(TOOL_NAMES[tool], now)));
      if (raised) { counts.opened++; continue; }
    }
    const id = a.existing ?? _id.toString();
    if (a.action === 'reopen' && await lifecycle.autoTransition(ctx, id, 'reopened', seenBy('again', importName(TOOL_NAMES[tool], now)), evidence)) counts.reopened++;
    else if (a.action !== 'reopen') counts.refreshed++;
    const { description, ...texts } = a.texts;
    await lifecycle.sightedAgain(id, { at: seenAt, description, texts });
  }
  for (const v of plan.verify) {
    if (await lifecycle.autoTransition(ctx, v.id, 'verified', seenBy('gone', importName(TOOL_NAMES[tool], now), `, which covered ${v.target}`), evidence)) counts.verified++;
  }
  return counts;
}

export async function get(_ctx: Ctx, id: string) {
  const doc = Types.ObjectId.isValid(id) ? await ScanImport.findById(id, { auditIntents: 0 }).lean<ScanImportDoc>() : null;
  if (!doc) throw AppError.notFound(NOUN.scanImport);
  return serialize<Record<string, unknown>>(doc);
}

export async function list(_ctx: Ctx, q: { page: number; limit: number }) {
  const [items, total] = await Promise.all([
    ScanImport.find({}, { auditIntents: 0, unmatchedHosts: 0 }).sort({ createdAt: -1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean<ScanImportDoc[]>(),
    ScanImport.countDocuments({}),
  ]);
  return { items: items.map((d) => serialize<Record<string, unknown>>(d)), total, page: q.page, limit: q.limit };
}
