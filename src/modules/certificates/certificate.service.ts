import { Types } from 'mongoose';
import { Certificate, CertificateDoc, CertificateStatus, Counter, CounterDoc } from './certificate.model';
import { statusNow, unmetConditions } from './certificate.rules';
import { fingerprintOf, newVerificationCode, open, produce } from './certificate.document';
import * as assessments from '../assessments/assessment.service';
import * as checklists from '../checklists/checklist.service';
import * as findings from '../findings/finding.service';
import * as organizations from '../organizations/organization.service';
import * as settings from '../settings/settings.service';
import * as systems from '../systems/system.service';
import * as audit from '../audit/audit.service';
import { addMonths } from '../compliance/compliance.service';
import { AppError } from '../../http/errors';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { Ctx, canSee, scopedOrganization, systemActor } from '../../shared/actor';
import { on, systemStale } from '../../shared/events';

let publicBaseUrl = 'http://localhost:3000';
export const configureCertificates = (cfg: { publicBaseUrl: string }) => { publicBaseUrl = cfg.publicBaseUrl; };
export const verifyUrl = (code: string) => `${publicBaseUrl}/verify/${code}`;

export const view = (c: CertificateDoc) => ({ ...serialize<Record<string, unknown>>(c), verifyUrl: verifyUrl(c.code) });

const all = () => cache.all<CertificateDoc>(Certificate);

async function load(ctx: Ctx, id: string): Promise<CertificateDoc> {
  const c = (await all()).find((x) => x._id.toString() === id);
  if (!c || !canSee(ctx.actor, c.organization)) throw AppError.notFound('Certificate');
  return c;
}

/** The next number of the year: ATT-2026-000001 … (one counter document per year, incremented atomically). */
async function nextNumber(year: number): Promise<string> {
  const c = await store.updateById<CounterDoc>(Counter, `certificate:${year}`, { $inc: { seq: 1 } }, { upsert: true });
  return `ATT-${year}-${String(c!.seq).padStart(6, '0')}`;
}

/** Issues a certificate, or 422 listing every condition that is not met (certificate.rules.ts). */
export async function issue(ctx: Ctx, systemId: string) {
  const system = await systems.get(ctx, systemId);
  const doc = (await systems.findById(systemId))!;
  const approved = doc.lastApprovedAssessment ? await assessments.header(doc.lastApprovedAssessment.toString()) : null;
  const ok = approved?.status === 'approved' ? approved : undefined;
  const s = await settings.getSettings();
  const current = doc.certificate ? (await all()).find((c) => c._id.equals(doc.certificate!.id)) : undefined;
  const now = new Date();
  const reassessmentDue = ok ? addMonths(ok.approvedAt!, settings.reassessmentMonthsFor(s, ok.level)) : undefined;
  const unmet = unmetConditions({
    now, system: { status: system.status, level: system.level }, reassessmentDue, openFindings: await findings.openCountsBySystem(systemId),
    approved: ok && { id: ok._id.toString(), level: ok.level, metAllCriteria: !!ok.summary?.metAllCriteria, partial: ok.summary?.partial ?? 0, notMet: ok.summary?.not_met ?? 0, approvedAt: ok.approvedAt! },
    current: current && { number: current.number, assessment: current.assessment.id.toString(), status: current.status },
  });
  if (unmet.length || !ok) throw AppError.unprocessable(`A certificate cannot be issued: ${unmet.map((u) => u.message).join('; ')}`, unmet);

  const org = await organizations.byId(system.organization);
  const checklist = await checklists.get(ok.checklist.id.toString());
  const _id = new Types.ObjectId();
  const number = await nextNumber(now.getUTCFullYear());
  const code = newVerificationCode();
  const snapshot = { code: system.code, name: system.name, level: system.level, organization: { code: org.code, name: org.name } };
  const data = {
    number, status: 'valid' as const, system: snapshot,
    framework: { id: checklist.framework, title: checklist.title, version: checklist.version },
    assessment: { id: ok._id.toString(), approvedAt: ok.approvedAt!, score: ok.summary?.score ?? 0 },
    issuedAt: now, expiresAt: reassessmentDue!, issuer: { name: ctx.actor.name }, verifyUrl: verifyUrl(code), fingerprint: '',
  };
  data.fingerprint = fingerprintOf({ ...data, code });
  const pdf = await produce(data, { certificate: _id.toString() });
  const cert = await store.insertOne<CertificateDoc>(Certificate, {
    _id, number, code, system: new Types.ObjectId(system.id), organization: new Types.ObjectId(system.organization), snapshot,
    checklist: { id: ok.checklist.id.toString(), framework: checklist.framework, version: checklist.version },
    assessment: { id: ok._id, approvedAt: ok.approvedAt!, score: data.assessment.score }, issuedAt: now, expiresAt: data.expiresAt,
    issuer: { id: ctx.actor.id, name: ctx.actor.name }, fingerprint: data.fingerprint, pdf, status: 'valid',
    history: [{ at: now, by: ctx.actor.id, to: 'valid' }], version: 0,
  });
  if (current && ['valid', 'suspended'].includes(current.status)) await change(ctx, current._id.toString(), 'revoked', `Superseded by ${number}`);
  await systems.setCertificate(system.id, { id: _id, number, status: 'valid', expiresAt: cert.expiresAt });
  await audit.record(ctx, { action: 'certificate.issue', entity: 'certificate', entityId: _id.toString(), after: { number, system: system.id, assessment: ok._id, expiresAt: cert.expiresAt, sha256: pdf.sha256 } });
  await systemStale(system.id);
  return view(cert);
}

/** One status change of a certificate (through its version), mirrored on its system, audited. */
async function change(ctx: Ctx, id: string, to: CertificateStatus, reason?: string, extra: Record<string, unknown> = {}): Promise<CertificateDoc | undefined> {
  const m = await store.mutate<CertificateDoc>(Certificate, new Types.ObjectId(id), (c) => (c.status === to || ['revoked', 'expired'].includes(c.status) ? null : {
    $set: { status: to, ...extra }, $push: { history: { at: new Date(), by: ctx.actor.id, from: c.status, to, ...(reason && { reason }) } },
  }));
  if (!m || m.after === m.before) return undefined;
  const c = m.after;
  const sys = await systems.findById(c.system.toString());
  if (sys?.certificate?.id.equals(c._id)) await systems.setCertificate(c.system.toString(), { id: c._id, number: c.number, status: to, expiresAt: c.expiresAt });
  await audit.record(ctx, { action: `certificate.${to === 'valid' ? 'reinstate' : to === 'suspended' ? 'suspend' : to === 'revoked' ? 'revoke' : 'expire'}`, entity: 'certificate', entityId: id, before: { status: m.before.status }, after: { status: to, reason } });
  return c;
}

export async function revoke(ctx: Ctx, id: string, reason: string) {
  const c = await load(ctx, id);
  if (!['valid', 'suspended'].includes(c.status)) throw AppError.conflict(`A certificate that is ${c.status} cannot be revoked`, { status: c.status });
  const after = await change(ctx, id, 'revoked', reason, { revocation: { at: new Date(), by: ctx.actor.id, reason } });
  await systemStale(c.system.toString());
  return view(after ?? c);
}

/**
 * Keeps a system's current certificate in step with its findings: a new open critical or high
 * finding suspends it, the last one resolved reinstates it; past its expiry it expires.
 */
export async function reconcileSystem(systemId: string, now = new Date()): Promise<void> {
  const sys = await systems.findById(systemId);
  if (!sys?.certificate || ['revoked', 'expired'].includes(sys.certificate.status)) return;
  const c = (await all()).find((x) => x._id.equals(sys.certificate!.id));
  if (!c) return;
  const counts = await findings.openCountsBySystem(systemId);
  const next = statusNow(c, counts.critical + counts.high, now);
  if (next === c.status) return;
  const ctx = { actor: systemActor('certificates') };
  const reason = next === 'suspended' ? `${counts.critical + counts.high} open critical or high findings` : next === 'expired' ? 'The validity period ended' : 'No open critical or high finding remains';
  if (await change(ctx, c._id.toString(), next, reason, next === 'suspended' ? { suspension: { at: now, findings: counts.critical + counts.high } } : {})) await systemStale(systemId);
}

const onStale = async ({ systemId }: { systemId: string }) => { await reconcileSystem(systemId); };
export function subscribe(): void { on('system.stale', onStale); }

/** The scheduled expiry (a leased job): certificates past their end date expire. */
export async function expireDue(now = new Date()): Promise<{ expired: number }> {
  let expired = 0;
  for (const c of await all()) {
    if (!['valid', 'suspended'].includes(c.status) || c.expiresAt.getTime() > now.getTime()) continue;
    if (await change({ actor: systemActor('certificate-expiry') }, c._id.toString(), 'expired', 'The validity period ended')) {
      expired++;
      await systemStale(c.system.toString());
    }
  }
  return { expired };
}

export async function list(ctx: Ctx, q: { system?: string; status?: CertificateStatus; page: number; limit: number }) {
  const scope = scopedOrganization(ctx.actor);
  if (scope === null) return { items: [], total: 0, page: q.page, limit: q.limit };
  const rows = (await all()).filter((c) => (scope === undefined || c.organization.toString() === scope)
    && (!q.system || c.system.toString() === q.system) && (!q.status || c.status === q.status))
    .sort((x, y) => y.issuedAt.getTime() - x.issuedAt.getTime());
  const skip = (q.page - 1) * q.limit;
  return { items: rows.slice(skip, skip + q.limit).map(view), total: rows.length, page: q.page, limit: q.limit };
}

export async function get(ctx: Ctx, id: string) {
  return view(await load(ctx, id));
}

export async function pdf(ctx: Ctx, id: string) {
  const c = await load(ctx, id);
  return { certificate: c, stream: open(c.pdf.fileId) };
}

/** The public side: by verification code, for /verify. */
export async function byCode(code: string): Promise<CertificateDoc | undefined> {
  return (await all()).find((c) => c.code === code);
}
