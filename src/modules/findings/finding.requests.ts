import type { FindingDoc } from './finding.model';
import { FINDING_TRANSITIONS } from './finding.workflow';
import { change, event } from './finding.change';
import { AppError } from '../../http/errors';
import { Ctx, hasRole } from '../../shared/actor';
import { OPEN_FINDING_STATUSES } from '../../shared/enums';
import { FINDING_STATUS_TEXT } from '../../shared/words';
import { displayDate } from '../../shared/display';

/* Requests on a finding: risk acceptance (owner or inspector), deadline extension (owner) and its decision (another admin). */

const isOwnerOf = (ctx: Ctx, f: FindingDoc) => hasRole(ctx.actor, 'owner') && ctx.actor.organization === f.organization.toString();

export async function requestRiskAcceptance(ctx: Ctx, id: string, input: { justification: string; compensatingControls: string; expiresAt: Date }) {
  return (await change(ctx, id, 'finding.risk_acceptance_request', (f) => {
    if (!FINDING_TRANSITIONS[f.status].includes('risk_accepted')) throw AppError.conflict({ en: `A finding that is ${f.status} cannot be risk-accepted`, vi: `Không thể chấp nhận rủi ro cho phát hiện ở trạng thái “${FINDING_STATUS_TEXT[f.status].vi}”` }, { status: f.status });
    if (!isOwnerOf(ctx, f) && !hasRole(ctx.actor, 'inspector')) throw AppError.forbidden({ en: 'Only the system owner or an inspector may request a risk acceptance', vi: 'Chỉ chủ quản hệ thống hoặc thanh tra viên mới được đề nghị chấp nhận rủi ro' });
    if (input.expiresAt.getTime() <= Date.now()) throw AppError.rule('expiresAt', 'must lie in the future');
    return {
      $set: { riskAcceptance: { requestedBy: ctx.actor.id, requestedAt: new Date(), ...input } },
      $push: { history: event(ctx, { action: 'risk_acceptance_requested', comment: input.justification }) },
    };
  })).view;
}

export async function requestExtension(ctx: Ctx, id: string, input: { dueAt: Date; reason: string }) {
  return (await change(ctx, id, 'finding.extension_request', (f) => {
    if (!isOwnerOf(ctx, f)) throw AppError.forbidden({ en: 'Only the system owner may request an extension', vi: 'Chỉ chủ quản hệ thống mới được đề nghị gia hạn' });
    if (!OPEN_FINDING_STATUSES.includes(f.status)) throw AppError.conflict({ en: `A finding that is ${f.status} has no deadline to extend`, vi: `Phát hiện ở trạng thái “${FINDING_STATUS_TEXT[f.status].vi}” không có hạn xử lý để gia hạn` }, { status: f.status });
    if (input.dueAt.getTime() <= Date.now()) throw AppError.rule('dueAt', 'must lie in the future');
    if (input.dueAt.getTime() <= f.dueAt.getTime()) {
      throw AppError.rule('dueAt', 'must be later than the current deadline');
    }
    if (f.extension && !f.extension.decision) throw AppError.conflict({ en: 'An extension request is already pending', vi: 'Đã có một yêu cầu gia hạn đang chờ duyệt' });
    return {
      $set: { extension: { requestedBy: ctx.actor.id, requestedAt: new Date(), reason: input.reason, dueAt: input.dueAt } },
      // the person's words stay the comment; the service's line names the day asked for, in the display zone
      $push: { history: event(ctx, { action: 'extension_requested', comment: input.reason,
        text: { vi: `Đề nghị gia hạn đến ngày ${displayDate(input.dueAt, 'vi')}`, en: `Asks for a new deadline of ${displayDate(input.dueAt, 'en')}` } }) },
    };
  })).view;
}

export async function decideExtension(ctx: Ctx, id: string, input: { approve: boolean; comment?: string }) {
  return (await change(ctx, id, 'finding.extension_decision', (f) => {
    const x = f.extension;
    if (!x || x.decision) throw AppError.conflict({ en: 'No extension request is pending', vi: 'Không có yêu cầu gia hạn nào đang chờ duyệt' });
    if (x.requestedBy === ctx.actor.id) throw new AppError(403, 'separation_of_duties', { en: 'The requester of an extension cannot decide it', vi: 'Người đề nghị gia hạn không được tự quyết định đề nghị đó' });
    const decision = input.approve ? 'approved' : 'rejected';
    return {
      $set: {
        'extension.decision': decision, 'extension.decidedBy': ctx.actor.id, 'extension.decidedAt': new Date(), 'extension.comment': input.comment,
        ...(input.approve && { dueAt: x.dueAt }),
      },
      $push: { history: event(ctx, { action: 'extension_decided', comment: input.comment,
        text: input.approve
          ? { vi: `Chấp thuận gia hạn đến ngày ${displayDate(x.dueAt, 'vi')}`, en: `Extension to ${displayDate(x.dueAt, 'en')} approved` }
          : { vi: `Từ chối gia hạn đến ngày ${displayDate(x.dueAt, 'vi')}`, en: `Extension to ${displayDate(x.dueAt, 'en')} rejected` } }) },
    };
  })).view;
}
