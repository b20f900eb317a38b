import { Types } from 'mongoose';
import type { AssessmentDoc, EvidenceItem } from './assessment.model';
import { EDITABLE, noteRequired } from './assessment.workflow';
import { change, illegal, load, startIfNeeded } from './assessment.lifecycle';
import * as evidence from './evidence.service';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import type { Ctx } from '../../shared/actor';
import type { ResultValue } from '../../shared/enums';

function indexOf(a: AssessmentDoc, controlId: string): number {
  const i = a.results.findIndex((r) => r.controlId === controlId);
  if (i < 0) throw AppError.notFound({ en: `Control ${controlId} in this assessment`, vi: `biện pháp ${controlId} trong lần đánh giá này` });
  return i;
}

const merge = (a: Record<string, any>, b: Record<string, any>) => ({
  ...a, ...b, $set: { ...a.$set, ...b.$set }, ...((a.$push || b.$push) && { $push: { ...a.$push, ...b.$push } }), ...((a.$inc || b.$inc) && { $inc: { ...a.$inc, ...b.$inc } }),
});

/**
 * Records one control's result. `version` is the result's version as the inspector last read it:
 * of several saves made against the same version exactly one is applied, the others get 409.
 */
export async function saveResult(ctx: Ctx, id: string, controlId: string, input: { result: ResultValue; note?: string; evidence?: EvidenceItem[]; version: number }) {
  const note = input.note?.trim() || undefined;
  if (noteRequired(input.result) && !note) {
    throw AppError.rule('note', `is required when the result is ${input.result}`);
  }
  let before: AssessmentDoc['results'][number] | undefined;
  const m = await change(ctx, id, (a) => {
    const start = startIfNeeded(ctx, a);
    const i = indexOf(a, controlId);
    before = a.results[i];
    if (before.version !== input.version) {
      throw AppError.conflict({ en: 'This result was saved by someone else meanwhile; reload it and try again', vi: 'Kết quả này đã được người khác lưu trong lúc này; hãy tải lại rồi thử lại' }, { currentVersion: before.version });
    }
    const now = new Date();
    const links = input.evidence?.map((e) => ({ ...e, kind: 'link' as const, addedBy: ctx.actor.id, addedAt: now }));
    const files = before.evidence.filter((e) => e.kind !== 'link');
    const p = `results.${i}`;
    return merge(start, {
      $set: {
        [`${p}.result`]: input.result, [`${p}.note`]: note ?? '', [`${p}.updatedBy`]: ctx.actor.id, [`${p}.updatedAt`]: now,
        ...(links && { [`${p}.evidence`]: [...files, ...links] }),
      },
      $inc: { [`${p}.version`]: 1 },
    });
  }, {
    action: 'assessment.result',
    before: (a) => ({ controlId, status: a.status, result: before?.result, note: before?.note }),
    after: (a) => ({ controlId, status: a.status, result: input.result, note }),
  });
  const saved = m.after.results.find((r) => r.controlId === controlId)!;
  return { controlId, ...serialize<Record<string, unknown>>(saved), assessmentVersion: m.after.version };
}

/** Stores the file, then links it in the same conditional write that checks the assessment is editable. */
export async function addEvidenceFile(ctx: Ctx, id: string, controlId: string, file: { buffer: Buffer; originalname: string; mimetype: string }) {
  const a = await load(ctx, id);
  if (!EDITABLE.includes(a.status)) throw illegal(a, 'add evidence to');
  indexOf(a, controlId);
  const stored = await evidence.store(file.buffer, file.originalname, file.mimetype, { assessment: id, controlId, uploadedBy: ctx.actor.id });
  const item: EvidenceItem = { kind: 'file', ...stored, addedBy: ctx.actor.id, addedAt: new Date() };
  try {
    await change(ctx, id, (cur) => {
      if (!EDITABLE.includes(cur.status)) throw illegal(cur, 'add evidence to');
      return { $push: { [`results.${indexOf(cur, controlId)}.evidence`]: item } };
    }, { action: 'assessment.evidence_add', after: () => ({ controlId, ...stored }) });
  } catch (err) {
    // submitted meanwhile (or gone): the file must not linger unlinked
    await evidence.remove(stored.fileId);
    throw err;
  }
  return serialize(item);
}

export async function openEvidence(ctx: Ctx, id: string, fileId: string) {
  await load(ctx, id);
  const f = await evidence.findFile(fileId, id);
  if (!f) throw AppError.notFound(NOUN.evidenceFile);
  return { file: f, stream: evidence.openDownload(f._id as Types.ObjectId) };
}

export async function removeEvidenceFile(ctx: Ctx, id: string, fileId: string) {
  const fid = new Types.ObjectId(fileId);
  let controlId: string | undefined;
  await change(ctx, id, (a) => {
    if (!EDITABLE.includes(a.status)) throw illegal(a, 'remove evidence from');
    const i = a.results.findIndex((r) => r.evidence.some((e) => e.fileId?.toString() === fileId));
    if (i < 0) throw AppError.notFound(NOUN.evidenceFile);
    controlId = a.results[i].controlId;
    return { $pull: { [`results.${i}.evidence`]: { fileId: fid } } };
  }, { action: 'assessment.evidence_remove', before: () => ({ controlId, fileId }) });
  // after the link is gone: an interrupted removal leaves an orphan file, never a dangling link
  await evidence.remove(fid);
}
