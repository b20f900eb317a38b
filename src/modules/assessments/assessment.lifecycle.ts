import { Assessment, AssessmentDoc } from './assessment.model';
import { EDITABLE, TRANSITIONS, checkTransition, summarize } from './assessment.workflow';
import * as audit from '../audit/audit.service';
import { AppError } from '../../http/errors';
import * as store from '../../db/store';
import { Ctx, canSee } from '../../shared/actor';
import type { AssessmentStatus } from '../../shared/enums';
import { ASSESSMENT_STATUS_TEXT, NOUN } from '../../shared/words';

const ACTION_VI: Record<string, string> = { submit: 'gửi duyệt', approve: 'phê duyệt', return: 'trả lại', change: 'thay đổi', delete: 'xóa' };

export const illegal = (a: Pick<AssessmentDoc, 'status'>, action: string) =>
  AppError.conflict({ en: `Cannot ${action} an assessment that is ${a.status}`, vi: `Không thể ${ACTION_VI[action] ?? action} lần đánh giá ở trạng thái “${ASSESSMENT_STATUS_TEXT[a.status].vi}”` },
    { status: a.status, allowedTransitions: TRANSITIONS[a.status] });

export const changedConcurrently = () => AppError.conflict({ en: 'The assessment was changed by someone else; reload it and try again', vi: 'Lần đánh giá đã được người khác thay đổi; hãy tải lại rồi thử lại' });

/** Read by _id; scope checked on the record (owners: their organization). */
export async function load(ctx: Ctx, id: string): Promise<AssessmentDoc> {
  const a = await Assessment.findById(id).lean();
  if (!a || !canSee(ctx.actor, a.organization)) throw AppError.notFound(NOUN.assessment);
  return a;
}

type Decide = (a: AssessmentDoc) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;
interface AuditOf { action: string; before?: (a: AssessmentDoc) => unknown; after?: (a: AssessmentDoc) => unknown }

/**
 * Every change of an assessment: read, decide on what was read, write conditioned on its version
 * (db/store.ts; decided again if someone wrote in between), then the audit event. Results,
 * evidence and status all change here, so nothing is added to an assessment that left EDITABLE.
 */
export async function change(ctx: Ctx, id: string, decide: Decide, log: AuditOf): Promise<{ before: AssessmentDoc; after: AssessmentDoc }> {
  const m = await store.mutate<AssessmentDoc>(Assessment, id, (a) => {
    if (!canSee(ctx.actor, a.organization)) throw AppError.notFound(NOUN.assessment);
    return decide(a);
  });
  if (!m) throw AppError.notFound(NOUN.assessment);
  if (m.after !== m.before) {
    await audit.record(ctx, { action: log.action, entity: 'assessment', entityId: id, before: log.before?.(m.before), after: log.after?.(m.after) });
  }
  return m;
}

const historyOf = (ctx: Ctx, from: AssessmentStatus, to: AssessmentStatus, reason?: string) => ({ at: new Date(), by: ctx.actor.id, from, to, ...(reason && { reason }) });

/** The $set/$push that moves `a` to `to` (after checkTransition), for use inside a decision. */
export function move(ctx: Ctx, a: AssessmentDoc, to: AssessmentStatus, extra: Record<string, unknown> = {}, reason?: string) {
  const check = checkTransition({ from: a.status, to, actorId: ctx.actor.id, submittedBy: a.submittedBy });
  if (!check.ok) {
    if (check.status === 403) throw new AppError(403, check.code ?? 'forbidden', { en: check.reason, vi: 'Thanh tra viên đã gửi lần đánh giá không được tự phê duyệt lần đánh giá đó' });
    throw AppError.conflict({ en: check.reason, vi: `Không thể chuyển lần đánh giá từ “${ASSESSMENT_STATUS_TEXT[a.status].vi}” sang “${ASSESSMENT_STATUS_TEXT[to].vi}”` }, { status: a.status, allowedTransitions: TRANSITIONS[a.status] });
  }
  return { $set: { status: to, ...extra }, $push: { history: historyOf(ctx, a.status, to, reason) } };
}

export interface TransitionInput { to: 'submitted' | 'approved' | 'returned'; expectedVersion?: number; reason?: string }

/** submit / approve / return: one path for every status change a person asks for. */
export async function transition(ctx: Ctx, id: string, input: TransitionInput) {
  const now = new Date();
  return change(ctx, id, (a) => {
    if (!TRANSITIONS[a.status].includes(input.to)) throw illegal(a, input.to === 'submitted' ? 'submit' : input.to === 'approved' ? 'approve' : 'return');
    if (input.expectedVersion !== undefined && input.expectedVersion !== a.version) throw changedConcurrently();
    if (input.to === 'submitted') {
      const unanswered = a.results.filter((r) => !r.result).map((r) => r.controlId);
      if (unanswered.length) throw AppError.unprocessable({ en: `${unanswered.length} of ${a.results.length} controls are not answered`, vi: `Còn ${unanswered.length}/${a.results.length} biện pháp chưa có kết quả` }, { unanswered });
      return move(ctx, a, 'submitted', { submittedBy: ctx.actor.id, submittedAt: now, summary: summarize(a.results) });
    }
    if (input.to === 'approved') return move(ctx, a, 'approved', { approvedBy: ctx.actor.id, approvedAt: now });
    return move(ctx, a, 'returned', { returnReason: input.reason }, input.reason);
  }, {
    action: { submitted: 'assessment.submit', approved: 'assessment.approve', returned: 'assessment.return' }[input.to],
    before: (a) => ({ status: a.status }),
    after: (a) => ({ status: a.status, ...(input.to === 'returned' ? { reason: input.reason } : { summary: a.summary }) }),
  });
}

/** The first edit of a draft or returned assessment puts it in progress, in the same write. */
export function startIfNeeded(ctx: Ctx, a: AssessmentDoc) {
  if (!EDITABLE.includes(a.status)) throw illegal(a, 'change');
  return a.status === 'in_progress' ? {} : move(ctx, a, 'in_progress');
}
