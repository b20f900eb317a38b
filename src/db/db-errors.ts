import type { Model } from 'mongoose';
import { AppError } from '../http/errors';
import { labelOf } from '../http/field-labels';
import type { Bilingual } from '../shared/bilingual';
import { nounOf } from '../shared/words';

/** A unique index refused a write. Status 409; `details` name the fields when they are known. */
export class DuplicateKeyError extends AppError {
  constructor(public readonly fields: string[], model?: string) {
    super(409, 'conflict', duplicateText(fields, model), fields.map((f) => ({ field: f, reason: 'already exists' })));
  }
}

/** "Mã này đã được dùng cho hệ thống khác" / "A record with the same code already exists". */
function duplicateText(fields: string[], model?: string): Bilingual {
  const noun = model ? nounOf(model) : undefined;
  const label = fields.length ? fields.map((f) => labelOf(f).vi).join(' + ') : 'Giá trị này';
  return {
    en: fields.length ? `A record with the same ${fields.join(' + ')} already exists` : 'A record with the same unique value already exists',
    vi: `${label}${fields.length ? ' này' : ''} đã được dùng cho ${noun ? `${noun.vi} khác` : 'một bản ghi khác'}`,
  };
}

interface DriverError { err?: { code?: number; errmsg?: string }; code?: number; keyValue?: Record<string, unknown>; keyPattern?: Record<string, unknown>; message?: string; writeErrors?: DriverError[] }

/** FerretDB names the SQLite index of a unique violation on update: `… index '<table>_<index name>'`. */
const SQLITE_UNIQUE = /UNIQUE constraint failed: index '([^']+)'/;

function indexFields(model: Model<any> | undefined): { name: string; fields: string[] }[] {
  if (!model) return [];
  return model.schema.indexes()
    .filter(([, opts]) => opts?.unique)
    .map(([keys, opts]) => ({
      name: String(opts?.name ?? Object.entries(keys).map(([k, v]) => `${k}_${v}`).join('_')),
      fields: Object.keys(keys),
    }));
}

/**
 * Whether an error is a duplicate key, in either server's dialect: MongoDB's 11000, or FerretDB's
 * code 1 "UNIQUE constraint failed" that an update (not an insert) gives on SQLite.
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as DriverError | undefined;
  if (!e) return false;
  if (e instanceof DuplicateKeyError || e.code === 11000) return true;
  if (e.code === 1 && SQLITE_UNIQUE.test(e.message ?? '')) return true;
  // a write error of an unordered bulk insert, as mongoose hands it over
  if (e.err && isDuplicateKey({ code: e.err.code, message: e.err.errmsg })) return true;
  return (e.writeErrors ?? []).some((w) => isDuplicateKey(w));
}

/** Which fields a duplicate key error is about, as far as the server says. */
export function duplicateFields(err: unknown, model?: Model<any>): string[] {
  const e = err as DriverError;
  if (e.keyValue) return Object.keys(e.keyValue);
  if (e.keyPattern) return Object.keys(e.keyPattern);
  const unique = indexFields(model);
  const m = SQLITE_UNIQUE.exec(e.message ?? '');
  if (m) {
    if (m[1].endsWith('__id_')) return ['_id'];
    const hit = unique.find((u) => m[1].endsWith(`_${u.name}`));
    if (hit) return hit.fields;
  }
  // an insert on FerretDB says only "duplicate key": with one unique index besides _id, it is that one
  return unique.length === 1 ? unique[0].fields : [];
}

/** Turns a duplicate key error into a DuplicateKeyError (409); anything else passes unchanged. */
export function normalizeWriteError(err: unknown, model?: Model<any>): unknown {
  if (err instanceof AppError) return err;
  if (isDuplicateKey(err)) return new DuplicateKeyError(duplicateFields(err, model), model?.modelName);
  return err;
}
