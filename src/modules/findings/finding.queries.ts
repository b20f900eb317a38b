import * as board from './finding.board';
import type { Entry } from './finding.board';
import { FINDING_TRANSITIONS, movesFor } from './finding.workflow';
import * as lifecycle from './finding.lifecycle';
import * as systems from '../systems/system.service';
import { AppError } from '../../http/errors';
import { displayDateTime, displayIsoDay } from '../../shared/display';
import { Ctx, scopedOrganization } from '../../shared/actor';
import { FINDING_STATUSES, OPEN_FINDING_STATUSES, SEVERITIES, type FindingStatus, type Severity } from '../../shared/enums';

export interface FindingFilter {
  system?: string; organization?: string; status?: FindingStatus | 'open_any' | FindingStatus[]; severity?: string; source?: string;
  assignee?: string; overdue?: boolean; q?: string;
  /** requests waiting for an admin's decision */
  pending?: 'risk_acceptance' | 'extension';
}

const statusSet = (s: FindingFilter['status']): Set<FindingStatus> | undefined => {
  if (s === undefined) return undefined;
  if (s === 'open_any') return new Set(OPEN_FINDING_STATUSES);
  return new Set(Array.isArray(s) ? s : [s]);
};

const isOverdue = (e: Entry, now: number) => OPEN_FINDING_STATUSES.includes(e.status) && new Date(e.dueAt).getTime() < now;

/**
 * The entries matching a filter, limited to what the actor may see (owners: their organization).
 * Reads the boards of the organizations in scope; the archives only when verified findings are asked for.
 */
export async function matching(ctx: Ctx, f: FindingFilter): Promise<Entry[]> {
  const scope = scopedOrganization(ctx.actor);
  if (scope === null) return [];
  let orgs: string[] | undefined = scope ? [scope] : undefined;
  const narrow = (org: string) => { orgs = orgs ? orgs.filter((o) => o === org) : [org]; };
  if (f.organization) narrow(f.organization);
  if (f.system) {
    const s = await systems.findById(f.system);
    if (!s) return [];
    narrow(s.organization.toString());
  }
  if (orgs && !orgs.length) return [];
  const statuses = statusSet(f.status);
  const fromBoard = !statuses || [...statuses].some((s) => s !== 'verified');
  const fromArchive = !statuses || statuses.has('verified');
  const scopeSystems = f.system ? [f.system] : orgs ? await systems.idsIn(orgs) : undefined;
  const all = [
    ...(fromBoard ? await board.openEntries({ orgs, systems: f.system ? [f.system] : undefined }) : []),
    ...(fromArchive ? await board.archivedEntries(scopeSystems) : []),
  ];
  const now = Date.now();
  const me = f.assignee === 'me' ? ctx.actor.id : f.assignee;
  const needle = f.q?.toLowerCase();
  return all.filter((e) => (!f.system || e.system === f.system)
    && (!statuses || statuses.has(e.status))
    && (!f.severity || e.severity === f.severity)
    && (!f.source || e.source.type === f.source)
    && (!me || e.assignee === me)
    && (f.overdue === undefined || (f.overdue ? isOverdue(e, now) : new Date(e.dueAt).getTime() >= now))
    && (!f.pending || (f.pending === 'extension' ? !!e.extensionPending : !!e.riskPending))
    && (!needle || [e.title, e.systemCode, e.control ?? ''].some((t) => t.toLowerCase().includes(needle))));
}

const byDue = (x: Entry, y: Entry) => new Date(x.dueAt).getTime() - new Date(y.dueAt).getTime() || x.id.localeCompare(y.id);

/** A list item: the finding without its history and request details (GET /findings/:id has them). */
export function itemView(e: Entry, roles?: Ctx['actor']['roles']) {
  const { v, gone: _gone, riskExpiresAt, extensionPending, riskPending, ...rest } = e;
  return {
    ...rest, version: v, overdue: isOverdue(e, Date.now()), allowedTransitions: roles ? movesFor(e.status, roles) : FINDING_TRANSITIONS[e.status],
    ...(riskExpiresAt && { riskAcceptance: { expiresAt: riskExpiresAt } }), ...(extensionPending && { extensionPending }), ...(riskPending && { riskAcceptancePending: true }),
  };
}

export async function list(ctx: Ctx, f: FindingFilter & { page: number; limit: number }) {
  const rows = (await matching(ctx, f)).sort(byDue);
  const skip = (f.page - 1) * f.limit;
  return { items: rows.slice(skip, skip + f.limit).map((e) => itemView(e, ctx.actor.roles)), total: rows.length, page: f.page, limit: f.limit };
}

/** Counts by status, open counts by severity, and overdue, for an organization or system. */
export async function summary(ctx: Ctx, f: { organization?: string; system?: string }) {
  const rows = await matching(ctx, f);
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const now = Date.now();
  let overdue = 0;
  for (const e of rows) {
    byStatus[e.status]++;
    if (OPEN_FINDING_STATUSES.includes(e.status)) openBySeverity[e.severity]++;
    if (isOverdue(e, now)) overdue++;
  }
  return { byStatus, openBySeverity, overdue };
}

export const MAX_EXPORT = 10_000;
const CSV_COLUMNS = ['id', 'system', 'title', 'severity', 'status', 'control', 'source', 'assignee', 'dueAt', 'overdue', 'createdAt'];

/** A date cell: yyyy-mm-dd hh:mm in the display time zone (DISPLAY_TIME_ZONE), as people read it and spreadsheets sort it. */
export const csvDate = (d: Date): string => `${displayIsoDay(d)} ${displayDateTime(d, 'vi').slice(-5)}`;

/**
 * One CSV cell, safe whatever the reader's locale: quoted whenever it holds a separator any
 * common locale uses (`,` `;` tab) or a quote or line break, and a formula start (= + - @) is
 * neutralised at the beginning and after any of those separators, where a spreadsheet that
 * splits on another character would otherwise start a new cell with it.
 */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : value instanceof Date ? csvDate(value) : String(value);
  s = s.replace(/(^|[,;\t\r\n])([=+\-@])/g, "$1'$2");
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportCsv(ctx: Ctx, f: FindingFilter): Promise<string> {
  const rows = (await matching(ctx, f)).sort(byDue);
  if (rows.length > MAX_EXPORT) throw AppError.unprocessable({ en: `${rows.length} findings match; narrow the filter to at most ${MAX_EXPORT}`, vi: `Có ${rows.length} phát hiện khớp bộ lọc; hãy thu hẹp bộ lọc còn tối đa ${MAX_EXPORT}` });
  const now = Date.now();
  const lines = rows.map((r) => [
    r.id, r.systemCode, r.title, r.severity, r.status, r.control, r.source.type, r.assignee, new Date(r.dueAt), isOverdue(r, now), new Date(r.createdAt),
  ].map(csvCell).join(','));
  // BOM: spreadsheet programs then read the Vietnamese text as UTF-8
  return `\ufeff${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Inspector bulk action over a filtered set (at most `max`), one audited change per finding. */
export async function bulk(ctx: Ctx, input: { filter: FindingFilter; action: 'assign' | 'severity'; assignee?: string | null; severity?: Severity }, max: number) {
  const rows = await matching(ctx, input.filter);
  if (rows.length > max) throw AppError.unprocessable({ en: `More than ${max} findings match; narrow the filter`, vi: `Có hơn ${max} phát hiện khớp bộ lọc; hãy thu hẹp bộ lọc` });
  let changed = 0;
  for (const { id } of rows) {
    await lifecycle.update(ctx, id, input.action === 'assign' ? { assignee: input.assignee ?? null } : { severity: input.severity });
    changed++;
  }
  return { matched: rows.length, changed };
}
