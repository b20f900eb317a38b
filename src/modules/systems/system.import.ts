import { parse } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { System, SystemDoc } from './system.model';
import { afterPatch, patchUpdate, type SystemInput } from './system.service';
import * as store from '../../db/store';
import { importRow } from './system.schemas';
import * as audit from '../audit/audit.service';
import * as organizations from '../organizations/organization.service';
import { User } from '../users/user.model';
import { AppError } from '../../http/errors';
import { bilingualDetail, joiReason } from '../../http/messages';
import { serialize } from '../../db/serialize';
import { canonicalJson, sha256 } from '../../shared/canonical';
import type { Ctx } from '../../shared/actor';
import { TEXT_ERROR } from '../../shared/text';

export const MAX_IMPORT_ROWS = 5000;

export interface RowError { row: number; field: string; reason: string }

const LIST_COLUMNS = new Set(['endpoints', 'scanPorts', 'allowedPorts', 'owners', 'tags']);
export const CSV_COLUMNS = [
  'code', 'name', 'organization', 'level', 'levelApprovalReference', 'levelApprovalDate', 'description',
  'category', 'hosting', 'endpoints', 'scanPorts', 'allowedPorts', 'owners', 'status', 'tags',
] as const;

/** 413 of an import with too many rows (`count`: how many were sent, when known). */
export const tooManyRows = (count?: number) => ({
  en: `At most ${MAX_IMPORT_ROWS} rows per import${count === undefined ? '' : `; this one has ${count}`}`,
  vi: `Mỗi lần nhập tối đa ${MAX_IMPORT_ROWS} dòng${count === undefined ? '' : `; tệp này có ${count} dòng`}`,
});

/** CSV text → row objects shaped like the JSON import (lists split on `;`, empty cells omitted). */
export function csvToRows(text: string): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, trim: true, skip_empty_lines: true, max_record_size: 64 * 1024, to: MAX_IMPORT_ROWS + 1 });
  } catch (err) {
    const reason = (err as Error).message.slice(0, 200);
    throw AppError.unprocessable({ en: 'The CSV could not be read', vi: 'Không đọc được tệp CSV' },
      [{ row: 0, field: 'csv', reason, message: { en: reason, vi: `Tệp CSV sai định dạng (${reason})` } }]);
  }
  const header = records.length ? Object.keys(records[0]) : [];
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) {
    throw AppError.unprocessable({ en: 'Unknown CSV columns', vi: `Tệp CSV có cột không xác định: ${unknown.join(', ')}` }, unknown.map((c) => ({ row: 1, field: c, reason: `unknown column; expected some of ${CSV_COLUMNS.join(', ')}` })));
  }
  return records.map((rec) => {
    const row: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(rec)) {
      if (raw === '') continue;
      if (k === 'levelApprovalReference' || k === 'levelApprovalDate') {
        const la = (row.levelApproval ??= {}) as Record<string, string>;
        la[k === 'levelApprovalReference' ? 'reference' : 'date'] = raw;
      } else if (LIST_COLUMNS.has(k)) row[k] = raw.split(';').map((v) => v.trim()).filter(Boolean);
      else row[k] = raw;
    }
    return row;
  });
}

type Row = Record<string, any>;

const plain = (v: unknown) => canonicalJson(v === undefined ? null : JSON.parse(JSON.stringify(v)));
/** Whether applying the row would change the stored system. */
function differs(stored: Record<string, any>, row: Row): boolean {
  return Object.keys(row).some((k) => plain(stored[k]) !== plain(row[k]));
}

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}
const isHexId = (s: string) => /^[0-9a-f]{24}$/i.test(s);

/**
 * Validates every row, then writes all of them; with any error nothing is written. Rows are
 * keyed by code, so re-running an import after a crash completes it without duplicates.
 */
export async function importSystems(ctx: Ctx, input: unknown[], opts: { dryRun?: boolean; csv?: boolean } = {}) {
  if (input.length === 0) {
    const details = [{ row: 0, field: 'rows', reason: 'no rows' }];
    const nothing = { en: 'Nothing to import', vi: 'Không có gì để nhập' };
    throw opts.csv ? AppError.unprocessable(nothing, details) : AppError.badRequest(nothing, details);
  }
  if (input.length > MAX_IMPORT_ROWS) throw new AppError(413, 'payload_too_large', tooManyRows());
  const errors: RowError[] = [];
  const rows: Row[] = [];
  // a JSON row that does not match the documented row schema is a 400; every other problem (and
  // any problem of a CSV, whose rows no schema describes) breaks a rule: 422
  let schemaErrors = false;
  input.forEach((raw, i) => {
    const { value, error } = importRow.validate(raw, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
    if (error) error.details.forEach((d) => errors.push(bilingualDetail({ row: i + 1, field: d.path.join('.') || 'row', reason: d.message }, joiReason(d))));
    // the text rule is 422 in a JSON row too, as in a request (http/text-rule.ts)
    if (error?.details.some((d) => d.type !== TEXT_ERROR)) schemaErrors = true;
    rows.push(value ?? {});
  });

  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!r.code) return;
    if (seen.has(r.code)) errors.push({ row: i + 1, field: 'code', reason: `duplicate of row ${seen.get(r.code)}` });
    else seen.set(r.code, i + 1);
  });

  // organizations by code (or id), owners by e-mail: resolved in two queries for the whole file
  const orgRefs = rows.map((r) => String(r.organization ?? '')).filter(Boolean);
  const byCode = await organizations.idsByCode(orgRefs.map((o) => o.toUpperCase()));
  const byId = new Set((await organizations.codesById(orgRefs.filter(isHexId).map((o) => o.toLowerCase()))).keys());
  const emails = [...new Set(rows.flatMap((r) => (r.owners as string[] | undefined) ?? []))];
  const owners = await User.find({ email: { $in: emails }, roles: 'owner', active: true }, { email: 1, organization: 1 }).lean();
  const ownerByEmail = new Map(owners.map((u) => [u.email, u]));

  rows.forEach((r, i) => {
    if (!r.organization) return;
    const ref = String(r.organization);
    const orgId = isHexId(ref) && byId.has(ref.toLowerCase()) ? ref.toLowerCase() : byCode.get(ref.toUpperCase());
    if (!orgId) { errors.push({ row: i + 1, field: 'organization', reason: `no organization with code ${ref}` }); return; }
    r.organization = orgId;
    r.owners = ((r.owners as string[] | undefined) ?? []).flatMap((email) => {
      const u = ownerByEmail.get(email);
      if (!u || u.organization?.toString() !== orgId) {
        errors.push({ row: i + 1, field: 'owners', reason: `${email} is not an active owner of this organization` });
        return [];
      }
      return [u._id.toString()];
    });
  });

  if (errors.length) {
    errors.sort((a, b) => a.row - b.row);
    const bad = new Set(errors.map((e) => e.row)).size;
    const message = { en: `${bad} of ${rows.length} rows are invalid; nothing was imported`, vi: `${bad}/${rows.length} dòng không hợp lệ; chưa có hệ thống nào được nhập` };
    throw schemaErrors && !opts.csv ? AppError.badRequest(message, errors) : AppError.unprocessable(message, errors);
  }

  const codes = rows.map((r) => r.code as string);
  const existing = new Map((await System.find({ code: { $in: codes } }).lean()).map((s) => [s.code, s]));
  const toCreate = rows.filter((r) => !existing.has(r.code));
  // a re-import of an unchanged inventory writes nothing: only rows that differ are updated
  const toUpdate = rows.filter((r) => existing.has(r.code) && differs(existing.get(r.code)!, r));
  const result = { created: toCreate.length, updated: toUpdate.length, unchanged: rows.length - toCreate.length - toUpdate.length, dryRun: !!opts.dryRun };
  if (opts.dryRun) return result;

  // the audit events go first, written before any system: a crash part-way through can leave an
  // event whose change did not happen (a re-run makes it, with the same id), never a change without
  // its event. New systems get ids derived from their codes, so the event names the id they will have.
  for (const r of toCreate) r._id = new Types.ObjectId(sha256(`system:${r.code}`).slice(0, 24));
  await audit.recordMany(ctx, [
    ...toCreate.map((r) => ({ action: 'system.create', entity: 'system' as const, entityId: r._id.toString(), after: { ...r, _id: undefined } })),
    ...toUpdate.map((r) => {
      const before = existing.get(r.code)!;
      return { action: 'system.update', entity: 'system' as const, entityId: before._id.toString(), before: serialize(before), after: { ...serialize<Record<string, unknown>>(before), ...r } };
    }),
  ]);
  if (toCreate.length) {
    try {
      await store.insertMany(System, toCreate);
    } catch (err) {
      if (err instanceof store.DuplicateKeyError) throw AppError.conflict({ en: 'Another import created some of these systems at the same time; run the import again', vi: 'Một lần nhập khác vừa tạo một số hệ thống này cùng lúc; hãy chạy lại việc nhập' });
      throw err;
    }
  }
  // each update is a conditional write of its own (a bulk update of many documents hangs FerretDB),
  // the same update an API patch makes: a new level marks the summary as needing re-assessment
  await eachLimit(toUpdate, 8, async (r) => {
    const m = await store.mutate<SystemDoc>(System, existing.get(r.code)!._id, (before) => patchUpdate(before, r as SystemInput));
    if (m) await afterPatch(m.after._id.toString(), m.before, r as SystemInput);
  });
  return result;
}
