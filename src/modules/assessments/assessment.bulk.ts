import type { AssessmentDoc } from './assessment.model';
import { noteRequired } from './assessment.workflow';
import { change, startIfNeeded } from './assessment.lifecycle';
import { AppError } from '../../http/errors';
import { serialize } from '../../db/serialize';
import type { Ctx } from '../../shared/actor';
import type { ResultValue } from '../../shared/enums';

export interface BulkEntry { controlId: string; result: ResultValue; note?: string; version: number }

/**
 * Records many controls' results in one write: all or nothing. Each entry carries the version of
 * the result as the inspector last read it (any mismatch: 409 naming the controls). A note left
 * out keeps the control's note; a result other than met needs a note (given or kept), otherwise
 * 422 naming every control that lacks one.
 */
export async function saveResults(ctx: Ctx, id: string, entries: BulkEntry[]) {
  let before: AssessmentDoc['results'] = [];
  const m = await change(ctx, id, (a) => {
    const start = startIfNeeded(ctx, a);
    const index = new Map(a.results.map((r, i) => [r.controlId, i]));
    const unknown = entries.map((e, n) => ({ e, n })).filter(({ e }) => !index.has(e.controlId));
    if (unknown.length) {
      const ids = unknown.map(({ e }) => e.controlId).join(', ');
      throw AppError.unprocessable({ en: `Not controls of this assessment: ${ids}`, vi: `Không phải biện pháp của lần đánh giá này: ${ids}` },
        unknown.map(({ e, n }) => ({ field: `results.${n}.controlId`, in: 'body', reason: 'is not a control of this assessment', controlId: e.controlId })));
    }
    const stale = entries.filter((e) => a.results[index.get(e.controlId)!].version !== e.version);
    if (stale.length) {
      const ids = stale.map((e) => e.controlId).join(', ');
      throw AppError.conflict({ en: `Saved by someone else meanwhile: ${ids}; reload them and try again`, vi: `Đã được người khác lưu trong lúc này: ${ids}; hãy tải lại rồi thử lại` },
        { conflicts: stale.map((e) => ({ controlId: e.controlId, currentVersion: a.results[index.get(e.controlId)!].version })) });
    }
    const notes = entries.map((e) => (e.note === undefined ? a.results[index.get(e.controlId)!].note ?? '' : e.note).trim());
    const missing = entries.map((e, n) => ({ e, n })).filter(({ e, n }) => noteRequired(e.result) && !notes[n]);
    if (missing.length) {
      const ids = missing.map(({ e }) => e.controlId).join(', ');
      throw AppError.unprocessable({ en: `A note is required for: ${ids}`, vi: `Cần ghi chú của người đánh giá cho: ${ids}` },
        missing.map(({ e, n }) => ({ field: `results.${n}.note`, in: 'body', reason: `is required when the result is ${e.result}`, controlId: e.controlId })));
    }
    before = entries.map((e) => a.results[index.get(e.controlId)!]);
    const now = new Date();
    const $set: Record<string, unknown> = {};
    const $inc: Record<string, number> = {};
    entries.forEach((e, n) => {
      const p = `results.${index.get(e.controlId)!}`;
      Object.assign($set, { [`${p}.result`]: e.result, [`${p}.note`]: notes[n], [`${p}.updatedBy`]: ctx.actor.id, [`${p}.updatedAt`]: now });
      $inc[`${p}.version`] = 1;
    });
    const s = start as { $set?: Record<string, unknown>; $push?: Record<string, unknown> };
    return { ...s, $set: { ...s.$set, ...$set }, $inc };
  }, {
    action: 'assessment.results',
    before: (a) => ({ status: a.status, results: before.map((r) => ({ controlId: r.controlId, result: r.result, note: r.note })) }),
    after: (a) => ({ status: a.status, results: entries.map((e) => { const r = a.results.find((x) => x.controlId === e.controlId)!; return { controlId: r.controlId, result: r.result, note: r.note }; }) }),
  });
  const wanted = new Set(entries.map((e) => e.controlId));
  return {
    results: m.after.results.filter((r) => wanted.has(r.controlId)).map((r) => ({ controlId: r.controlId, ...serialize<Record<string, unknown>>(r) })),
    assessmentVersion: m.after.version,
  };
}
