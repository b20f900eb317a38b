import type { FindingStatus, Role } from '../../shared/enums';
import { FINDING_STATUS_TEXT } from '../../shared/words';

/** The finding lifecycle (DESIGN §2): who may move a finding from where to where. */
export const FINDING_TRANSITIONS: Record<FindingStatus, FindingStatus[]> = {
  open: ['in_remediation', 'risk_accepted'],
  in_remediation: ['resolved', 'risk_accepted'],
  resolved: ['verified', 'reopened', 'risk_accepted'],
  verified: ['reopened'],
  reopened: ['in_remediation', 'risk_accepted'],
  risk_accepted: ['reopened'],
};

/** The role that performs a move into each state ('system' = a job, e.g. risk-acceptance expiry). */
export const TRANSITION_ROLE: Record<FindingStatus, Role | 'system'> = {
  open: 'system',
  in_remediation: 'owner',
  resolved: 'owner',
  verified: 'inspector',
  reopened: 'inspector',
  risk_accepted: 'admin',
};

/**
 * Moves made by Attest itself on automated evidence: a control met on resubmission or a scan
 * check that passes verifies an open finding; a scan that still fails reopens a resolved one,
 * and one that fails again reopens a verified one; an expired risk acceptance reopens.
 */
export const SYSTEM_TRANSITIONS: Partial<Record<FindingStatus, FindingStatus[]>> = {
  open: ['verified'],
  in_remediation: ['verified'],
  reopened: ['verified'],
  resolved: ['verified', 'reopened'],
  verified: ['reopened'],
  risk_accepted: ['reopened'],
};

export type TransitionCheck =
  | { ok: true }
  | { ok: false; status: 403 | 409 | 422; reason: string; vi: string };

export interface TransitionInput {
  from: FindingStatus;
  to: FindingStatus;
  roles: readonly (Role | 'system')[];
  comment?: string;
  evidenceCount: number;
}

const S = (s: FindingStatus) => FINDING_STATUS_TEXT[s].vi;

/** Pure rule check; the service adds scope, separation of duties and the write. */
export function checkTransition(t: TransitionInput): TransitionCheck {
  if (t.roles.includes('system')) {
    return SYSTEM_TRANSITIONS[t.from]?.includes(t.to) ? { ok: true } : { ok: false, status: 409, reason: `A finding that is ${t.from} cannot become ${t.to} automatically`, vi: `Phát hiện ở trạng thái “${S(t.from)}” không thể tự động chuyển sang “${S(t.to)}”` };
  }
  if (!FINDING_TRANSITIONS[t.from].includes(t.to)) {
    return { ok: false, status: 409, reason: `A finding that is ${t.from} cannot become ${t.to}`, vi: `Phát hiện ở trạng thái “${S(t.from)}” không thể chuyển sang “${S(t.to)}”` };
  }
  const role = TRANSITION_ROLE[t.to];
  if (!t.roles.includes(role) && !(t.to === 'reopened' && t.from === 'risk_accepted' && t.roles.includes('admin'))) {
    return { ok: false, status: 403, reason: `Only ${role === 'owner' ? 'the system owner' : `an ${role}`} may move a finding to ${t.to}`, vi: `Chỉ ${role === 'owner' ? 'chủ quản hệ thống' : role === 'admin' ? 'quản trị viên' : 'thanh tra viên'} mới được chuyển phát hiện sang “${S(t.to)}”` };
  }
  if (t.to === 'resolved' && (!t.comment?.trim() || t.evidenceCount < 1)) {
    return { ok: false, status: 422, reason: 'Marking a finding resolved needs a comment and at least one evidence item', vi: 'Cần ghi chú và ít nhất một minh chứng để đánh dấu phát hiện đã khắc phục' };
  }
  if ((t.to === 'reopened' || t.to === 'risk_accepted') && !t.comment?.trim()) {
    return { ok: false, status: 422, reason: `Moving a finding to ${t.to} needs a comment`, vi: `Cần ghi chú khi chuyển phát hiện sang “${S(t.to)}”` };
  }
  return { ok: true };
}

export const DAY_MS = 86_400_000;
export const dueFrom = (start: Date, slaDays: number) => new Date(start.getTime() + slaDays * DAY_MS);

/** The moves the caller's roles allow from `status` (the console shows exactly these). */
export function movesFor(status: FindingStatus, roles: readonly (Role | 'system')[]): FindingStatus[] {
  return FINDING_TRANSITIONS[status].filter((to) => checkTransition({ from: status, to, roles, comment: 'x', evidenceCount: 1 }).ok);
}
