import { Types } from 'mongoose';
import type { FrozenControl } from '../modules/checklists/checklist.service';
import { summarize } from '../modules/assessments/assessment.workflow';
import type { DemoSystem } from './portfolio';
import { sha256 } from '../shared/canonical';

const DAY = 86_400_000;
const MONTH = 30 * DAY;
/** Deterministic ids: loading the demo twice inserts nothing twice. */
export const demoId = (key: string) => new Types.ObjectId(sha256(`attest-demo:${key}`).slice(0, 24));
export const PERIOD_MONTHS: Record<number, number> = { 1: 36, 2: 36, 3: 24, 4: 12, 5: 6 };

/** When the system's latest assessment was approved: within its period, or (lapsed) just past it. */
export function approvalDate(s: DemoSystem, index: number, now: Date): Date {
  const period = PERIOD_MONTHS[s.level];
  const monthsAgo = s.plan === 'compliant_lapsed' ? period + 1 : 1 + (index % Math.max(1, Math.min(period - 2, 20)));
  return new Date(now.getTime() - monthsAgo * MONTH - (index % 17) * DAY);
}

export interface AssessmentSeed { assessment: Record<string, unknown>; controls: { _id: Types.ObjectId; controls: FrozenControl[] } }

/**
 * One assessment of a demo system, as the workflow would have left it. `failing` controls are
 * answered partial / not met (with the inspector's note); the rest met, a few not applicable.
 */
export function assessmentOf(s: DemoSystem, key: string, systemId: Types.ObjectId, orgId: Types.ObjectId, c: { checklist: { id: string; framework: string; version: string }; controls: FrozenControl[] },
  opts: { status: 'approved' | 'submitted' | 'in_progress'; at: Date; failing: number; answered?: number; inspector: string; approver: string }): AssessmentSeed {
  const _id = demoId(`assessment:${key}`);
  const answered = opts.answered ?? c.controls.length;
  const results = c.controls.map((k, i) => {
    if (i >= answered) return { controlId: k.id, evidence: [], version: 0 };
    const failing = i % 7 === 3 && i / 7 < opts.failing;
    const result = failing ? (i % 2 ? 'partial' : 'not_met') : i % 23 === 22 ? 'not_applicable' : 'met';
    return {
      controlId: k.id, result, version: 1, updatedBy: opts.inspector, updatedAt: opts.at,
      note: result === 'met' ? '' : result === 'not_applicable' ? 'Không áp dụng cho hệ thống này (mẫu)' : 'Chưa đáp ứng đầy đủ khi kiểm tra tại chỗ (mẫu)',
      evidence: result === 'met' && i % 5 === 0 ? [{ kind: 'link', url: `https://evidence.demo.example/${s.code}/${k.id}.pdf`, title: 'Biên bản kiểm tra (mẫu)', addedBy: opts.inspector, addedAt: opts.at }] : [],
    };
  });
  const approved = opts.status === 'approved';
  const submitted = approved || opts.status === 'submitted';
  const history = [
    { at: new Date(opts.at.getTime() - 20 * DAY), by: opts.inspector, to: 'draft' },
    { at: new Date(opts.at.getTime() - 19 * DAY), by: opts.inspector, from: 'draft', to: 'in_progress' },
    ...(submitted ? [{ at: new Date(opts.at.getTime() - 3 * DAY), by: opts.inspector, from: 'in_progress', to: 'submitted' }] : []),
    ...(approved ? [{ at: opts.at, by: opts.approver, from: 'submitted', to: 'approved' }] : []),
  ];
  return {
    controls: { _id, controls: c.controls },
    assessment: {
      _id, system: systemId, organization: orgId, systemCode: s.code, systemName: s.name, level: s.level,
      checklist: { id: new Types.ObjectId(c.checklist.id), framework: c.checklist.framework, version: c.checklist.version },
      status: opts.status, results, createdBy: opts.inspector, history, version: results.length + history.length,
      ...(submitted && { summary: summarize(results as never), submittedBy: opts.inspector, submittedAt: new Date(opts.at.getTime() - 3 * DAY) }),
      ...(approved && { approvedBy: opts.approver, approvedAt: opts.at }),
      createdAt: new Date(opts.at.getTime() - 20 * DAY), updatedAt: opts.at,
    },
  };
}
