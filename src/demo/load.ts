import { Types } from 'mongoose';
import { DEMO_USERS, ORGS, systems as demoSystems } from './portfolio';
import { approvalDate, assessmentOf, demoId } from './history';
import { Organization } from '../modules/organizations/organization.model';
import { System } from '../modules/systems/system.model';
import { Assessment, AssessmentControls } from '../modules/assessments/assessment.model';
import { ScanSchedule } from '../modules/scans/scan.model';
import { seedScans } from './scans';
import { Counter } from '../modules/certificates/certificate.model';
import * as users from '../modules/users/user.service';
import * as checklists from '../modules/checklists/checklist.service';
import * as settings from '../modules/settings/settings.service';
import * as findings from '../modules/findings/finding.service';
import * as compliance from '../modules/compliance/compliance.service';
import * as certificates from '../modules/certificates/certificate.service';
import * as audit from '../modules/audit/audit.service';
import * as store from '../db/store';
import { systemActor, type Actor } from '../shared/actor';

const MARKER = 'demo:portfolio-v1';
const DAY = 86_400_000;

export interface DemoPasswords { inspector: string; owner: string; approver: string }
export interface DemoResult { loaded: boolean; reason?: string; ms?: number; accounts: { role: string; email: string }[] }

async function ensureUser(email: string, name: string, password: string, roles: ('admin' | 'inspector' | 'owner')[], organization?: string): Promise<Actor> {
  const found = await users.findForLogin(email);
  if (found) return users.toActor(found);
  const u = await users.create({ actor: systemActor('demo') }, { email, name, password, roles, organization });
  return { id: u.id, email: u.email, name: u.name, roles: u.roles, organization: u.organization };
}

/**
 * Loads the demo portfolio into a fresh database (no systems yet); does nothing when it is there
 * already or the database holds someone's own data. Every record has a deterministic id, so a load
 * interrupted half-way completes on the next start without duplicates.
 */
export async function loadDemo(passwords: DemoPasswords, now = new Date()): Promise<DemoResult> {
  const accounts = Object.values(DEMO_USERS).map((u) => ({ role: u === DEMO_USERS.inspector ? 'inspector' : u === DEMO_USERS.owner ? 'owner' : 'admin (approver)', email: u.email }));
  if ((await Counter.findById(MARKER).lean())?.seq === 1) return { loaded: false, reason: 'already loaded', accounts };
  const plan = demoSystems();
  if (await System.exists({ code: { $nin: plan.map((s) => s.code) } })) return { loaded: false, reason: 'the database has systems of its own', accounts: [] };
  const started = Date.now();
  const orgIds = new Map(ORGS.map((o) => [o.code, demoId(`org:${o.code}`)]));
  await store.insertNew(Organization, ORGS.map((o) => ({ _id: orgIds.get(o.code), ...o, version: 0 })));
  const inspector = await ensureUser(DEMO_USERS.inspector.email, DEMO_USERS.inspector.name, passwords.inspector, ['inspector']);
  const owner = await ensureUser(DEMO_USERS.owner.email, DEMO_USERS.owner.name, passwords.owner, ['owner'], orgIds.get(DEMO_USERS.owner.org)!.toString());
  const approver = await ensureUser(DEMO_USERS.approver.email, DEMO_USERS.approver.name, passwords.approver, ['admin']);

  const sysIds = new Map(plan.map((s) => [s.code, demoId(`system:${s.code}`)]));
  await store.insertNew(System, plan.map((s) => ({
    _id: sysIds.get(s.code), code: s.code, name: s.name, organization: orgIds.get(s.org), level: s.level, endpoints: [s.endpoint], scanPorts: [], allowedPorts: [443],
    owners: s.org === DEMO_USERS.owner.org ? [new Types.ObjectId(owner.id)] : [], status: 'active', tags: ['demo'], description: 'Hệ thống mẫu để trình diễn (demo data).',
    category: 'e-government', hosting: 'government_cloud', levelApproval: { reference: `${s.code}/QĐ-MẪU`, date: new Date(now.getTime() - 900 * DAY) }, version: 0,
  })));
  // demo endpoints are reserved example names: the scheduler must never try them
  await store.insertNew(ScanSchedule, plan.map((s) => ({ _id: sysIds.get(s.code)!.toString(), cron: '0 3 * * 0', enabled: false, checks: [], version: 1 })));

  const checklistId = await settings.activeChecklistId();
  const byLevel = new Map(await Promise.all([1, 2, 3, 4, 5].map(async (l) => [l, await checklists.controlsFor(checklistId, l)] as const)));
  const seeds: ReturnType<typeof assessmentOf>[] = [];
  const latestFor = new Map<string, ReturnType<typeof assessmentOf>>();
  // the first systems in assessment wait for approval (fully answered, all met): the admin's journey starts there
  let waiting = 3;
  plan.forEach((s, i) => {
    if (s.plan === 'not_assessed') return;
    const c = byLevel.get(s.level)!;
    const systemId = sysIds.get(s.code)!;
    const orgId = orgIds.get(s.org)!;
    const base = { inspector: inspector.id, approver: approver.id };
    if (s.earlier) seeds.push(assessmentOf(s, `${s.code}:earlier`, systemId, orgId, c, { ...base, status: 'approved', at: new Date(approvalDate(s, i, now).getTime() - 600 * DAY), failing: 2 }));
    const submit = s.plan === 'in_assessment' && waiting-- > 0;
    const latest = s.plan === 'in_assessment'
      ? assessmentOf(s, `${s.code}:current`, systemId, orgId, c, submit
        ? { ...base, status: 'submitted', at: new Date(now.getTime() - DAY), failing: 0 }
        : { ...base, status: 'in_progress', at: new Date(now.getTime() - (i % 20) * DAY), failing: 1, answered: Math.floor(c.controls.length / 2) })
      : assessmentOf(s, `${s.code}:latest`, systemId, orgId, c, { ...base, status: 'approved', at: approvalDate(s, i, now), failing: s.plan === 'non_compliant' ? 2 + (i % 3) : 0 });
    seeds.push(latest);
    latestFor.set(s.code, latest);
  });
  await store.insertNew(AssessmentControls, seeds.map((x) => x.controls));
  await store.insertNew(Assessment, seeds.map((x) => x.assessment));
  for (const s of plan) {
    const latest = latestFor.get(s.code)?.assessment;
    if (!latest) continue;
    const open = latest.status === 'in_progress' || latest.status === 'submitted';
    await store.updateById(System, sysIds.get(s.code), { $set: {
      assessmentCount: s.earlier ? 2 : 1, ...(open ? { activeAssessment: latest._id, activeAssessmentSince: latest.createdAt } : { lastApprovedAssessment: latest._id }),
    } });
  }

  // failing results of the latest assessments become findings through the real finding lifecycle
  const s0 = await settings.getSettings();
  const ctx = { actor: systemActor('demo') };
  for (const s of plan.filter((p) => p.plan === 'non_compliant')) {
    const a = latestFor.get(s.code)!.assessment as { _id: Types.ObjectId; results: { controlId: string; result?: string; note?: string }[]; approvedAt: Date };
    const controls = byLevel.get(s.level)!.controls;
    const failures = a.results.filter((r) => r.result === 'partial' || r.result === 'not_met').map((r) => {
      const k = controls.find((x) => x.id === r.controlId)!;
      return { controlId: k.id, ref: k.ref, title: k.title, requirement: k.requirement, severity: k.severity, result: r.result as 'partial' | 'not_met', note: r.note };
    });
    await findings.syncFromAssessment(ctx, {
      assessmentId: a._id.toString(), system: sysIds.get(s.code)!.toString(), organization: orgIds.get(s.org)!.toString(), systemCode: s.code, level: s.level, inspector: inspector.name,
      at: a.approvedAt, controls: controls.map((k) => k.id), slaDays: (sev) => settings.slaDaysFor(s0, sev, s.level),
    }, failures);
  }

  const applyIncident = await seedScans(plan, sysIds, orgIds, now);
  for (const id of sysIds.values()) await compliance.refresh(id.toString());
  const approverCtx = { actor: approver };
  for (const s of plan.filter((p) => p.plan === 'certified')) {
    const sys = await System.findById(sysIds.get(s.code), { certificate: 1 }).lean();
    if (!sys?.certificate) await certificates.issue(approverCtx, sysIds.get(s.code)!.toString());
  }
  // the incident: a certified system's site regressed after certification; its high findings suspend the certificate
  const regressed = await applyIncident();
  if (regressed) { await certificates.reconcileSystem(regressed); await compliance.refresh(regressed); }
  await audit.record(ctx, { action: 'demo.load', entity: 'demo', entityId: MARKER, after: { systems: plan.length, organizations: ORGS.length } });
  await store.updateById(Counter, MARKER, { $set: { seq: 1 } }, { upsert: true });
  return { loaded: true, ms: Date.now() - started, accounts };
}
