import { Types } from 'mongoose';

/** Turns a lean document into its API form: `_id` → `id`, `__v` and private fields dropped. */
export function serialize<T = Record<string, unknown>>(doc: unknown, hidden: readonly string[] = []): T {
  return convert(doc, new Set(hidden), true) as T;
}

function convert(value: unknown, hidden: Set<string>, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, hidden, false));
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (value instanceof Types.ObjectId) return value.toString();
  if ((value as { _bsontype?: string })._bsontype) return String(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // audit intents (modules/audit/audit.intent.ts) are the seam's business, never the API's
    if (k === '__v' || (top && (hidden.has(k) || k === 'auditIntents'))) continue;
    if (k === '_id') out.id = v instanceof Types.ObjectId ? v.toString() : v;
    else out[k] = convert(v, hidden, false);
  }
  return out;
}
