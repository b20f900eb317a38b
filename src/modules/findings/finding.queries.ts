import { Types } from 'mongoose';
import { Finding, FindingDoc } from './finding.model';
import { view } from './finding.lifecycle';
import * as lifecycle from './finding.lifecycle';
import { AppError } from '../../http/errors';
import { escapeRegex } from '../../shared/joi';
import { Ctx, scopedOrganization } from '../../shared/actor';
import { FINDING_STATUSES, OPEN_FINDING_STATUSES, SEVERITIES, type FindingStatus, type Severity } from '../../shared/enums';

export interface FindingFilter {
  system?: string; organization?: string; status?: FindingStatus | 'open_any' | FindingStatus[]; severity?: string; source?: string;
  assignee?: string; overdue?: boolean; q?: string;
}

const NONE = new Types.ObjectId('000000000000000000000000');

/** The query for a filter, limited to what the actor may see (owners: their organization). */
export function toQuery(ctx: Ctx, f: FindingFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.system) q.system = new Types.ObjectId(f.system);
  if (f.organization) q.organization = new Types.ObjectId(f.organization);
  if (f.status === 'open_any') q.status = { $in: OPEN_FINDING_STATUSES };
  else if (Array.isArray(f.status)) q.status = { $in: f.status };
  else if (f.status) q.status = f.status;
  if (f.severity) q.severity = f.severity;
  if (f.source) q['source.type'] = f.source;
  if (f.assignee) q.assignee = new Types.ObjectId(f.assignee === 'me' ? ctx.actor.id === 'system' ? NONE : ctx.actor.id : f.assignee);
  if (f.overdue === true) Object.assign(q, { dueAt: { $lt: new Date() }, ...(!f.status && { status: { $in: OPEN_FINDING_STATUSES } }) });
  if (f.overdue === false) q.dueAt = { $gte: new Date() };
  if (f.q) {
    const rx = { $regex: escapeRegex(f.q), $options: 'i' };
    q.$or = [{ title: rx }, { systemCode: rx }, { control: rx }];
  }
  const org = scopedOrganization(ctx.actor);
  if (org !== undefined) {
    const mine = new Types.ObjectId(org ?? NONE);
    q.organization = q.organization && !(q.organization as Types.ObjectId).equals(mine) ? NONE : mine;
  }
  return q;
}

export async function list(ctx: Ctx, f: FindingFilter & { page: number; limit: number }) {
  const q = toQuery(ctx, f);
  const [items, total] = await Promise.all([
    Finding.find(q, { history: 0 }).sort({ dueAt: 1, _id: 1 }).skip((f.page - 1) * f.limit).limit(f.limit).lean(),
    Finding.countDocuments(q),
  ]);
  return { items: items.map((i) => view(i as FindingDoc)), total, page: f.page, limit: f.limit };
}

/** Counts by status, open counts by severity, and overdue, for an organization or system. */
export async function summary(ctx: Ctx, f: { organization?: string; system?: string }) {
  const q = toQuery(ctx, f);
  const rows = await Finding.aggregate<{ _id: { status: FindingStatus; severity: string }; n: number }>([
    { $match: q },
    { $group: { _id: { status: '$status', severity: '$severity' }, n: { $sum: 1 } } },
  ]);
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<string, number>;
  for (const r of rows) {
    byStatus[r._id.status] += r.n;
    if (OPEN_FINDING_STATUSES.includes(r._id.status)) openBySeverity[r._id.severity] += r.n;
  }
  const overdue = await Finding.countDocuments({ ...q, status: { $in: OPEN_FINDING_STATUSES }, dueAt: { $lt: new Date() } });
  return { byStatus, openBySeverity, overdue };
}

export const MAX_EXPORT = 10_000;
const CSV_COLUMNS = ['id', 'system', 'title', 'severity', 'status', 'control', 'source', 'assignee', 'dueAt', 'overdue', 'createdAt'];

/** One CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets don't run it. */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportCsv(ctx: Ctx, f: FindingFilter): Promise<string> {
  const q = toQuery(ctx, f);
  const total = await Finding.countDocuments(q);
  if (total > MAX_EXPORT) throw AppError.unprocessable(`${total} findings match; narrow the filter to at most ${MAX_EXPORT}`);
  const rows = await Finding.find(q, { history: 0 }).sort({ dueAt: 1, _id: 1 }).limit(MAX_EXPORT).lean();
  const now = Date.now();
  const lines = rows.map((r) => [
    r._id, r.systemCode, r.title, r.severity, r.status, r.control, r.source.type, r.assignee, r.dueAt,
    OPEN_FINDING_STATUSES.includes(r.status) && r.dueAt.getTime() < now, r.createdAt,
  ].map(csvCell).join(','));
  // BOM: spreadsheet programs then read the Vietnamese text as UTF-8
  return `\ufeff${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Ids of the findings a bulk action would touch, refusing oversized sets. */
export async function idsFor(ctx: Ctx, f: FindingFilter, max: number): Promise<string[]> {
  const rows = await Finding.find(toQuery(ctx, f), { _id: 1 }).limit(max + 1).lean();
  if (rows.length > max) throw AppError.unprocessable(`More than ${max} findings match; narrow the filter`);
  return rows.map((r) => r._id.toString());
}

/** Inspector bulk action over a filtered set (at most `max`), one audited change per finding. */
export async function bulk(ctx: Ctx, input: { filter: FindingFilter; action: 'assign' | 'severity'; assignee?: string | null; severity?: Severity }, max: number) {
  const ids = await idsFor(ctx, input.filter, max);
  let changed = 0;
  for (const id of ids) {
    await lifecycle.update(ctx, id, input.action === 'assign' ? { assignee: input.assignee ?? null } : { severity: input.severity });
    changed++;
  }
  return { matched: ids.length, changed };
}
