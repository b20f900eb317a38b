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
import { auditedCollection, createdWith, intentOf, settle, withIntent, type Intent } from '../audit/audit.intent';
import { CERTIFICATE_TRANSITIONS, actionOf, checkCertificateTransition } from './certificate.workflow';
import { addMonths } from '../compliance/compliance.service';
import { AppError } from '../../http/errors';
import { NOUN } from '../../shared/words';
import { serialize } from '../../db/serialize';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { registerDerived, type Difference } from '../../db/derived';
import { System, type SystemDoc } from '../systems/system.model';
import { Ctx, canSee, scopedOrganization, systemActor } from '../../shared/actor';
import { dependsOnSystems, on, systemStale } from '../../shared/events';

let publicBaseUrl = 'http://localhost:3000';
export const configureCertificates = (cfg: { publicBaseUrl: string }) => { publicBaseUrl = cfg.publicBaseUrl; };
export const verifyUrl = (code: string) => `${publicBaseUrl}/verify/${code}`;
export const view = (c: CertificateDoc) => ({ ...serialize<Record<string, unknown>>(c), verifyUrl: verifyUrl(c.code) });

const all = () => cache.all<CertificateDoc>(Certificate);
// a certificate's changes carry their audit events until they are in the chain
auditedCollection(Certificate, all);
async function load(ctx: Ctx, id: string): Promise<CertificateDoc> {
  const c = (await all()).find((x) => x._id.toString() === id);
  if (!c || !canSee(ctx.actor, c.organization)) throw AppError.notFound(NOUN.certificate);
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
  if (unmet.length || !ok) {
    throw AppError.unprocessable({ en: `A certificate cannot be issued: ${unmet.map((u) => u.text.en).join('; ')}`, vi: `Chưa thể cấp chứng nhận: ${unmet.map((u) => u.text.vi).join('; ')}` }, unmet);
  }

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
  const intent = intentOf(ctx, { action: 'certificate.issue', entity: 'certificate', entityId: _id.toString(), after: { number, system: system.id, assessment: ok._id, expiresAt: data.expiresAt, sha256: pdf.sha256 } }, now);
  const cert = await store.insertOne<CertificateDoc>(Certificate, createdWith({
    _id, number, code, system: new Types.ObjectId(system.id), organization: new Types.ObjectId(system.organization), snapshot,
    checklist: { id: ok.checklist.id.toString(), framework: checklist.framework, version: checklist.version },
    assessment: { id: ok._id, approvedAt: ok.approvedAt!, score: data.assessment.score }, issuedAt: now, expiresAt: data.expiresAt,
    issuer: { id: ctx.actor.id, name: ctx.actor.name }, fingerprint: data.fingerprint, pdf, status: 'valid' as const,
    history: [{ at: now, by: ctx.actor.id, to: 'valid' as const }], version: 0,
  }, intent));
  await settle(Certificate, _id, [intent]);
  if (current && ['valid', 'suspended'].includes(current.status)) await change(ctx, current._id.toString(), 'revoked', `Superseded by ${number}`, {}, { automatic: true });
  await systems.setCertificate(system.id, { id: _id, number, status: 'valid', expiresAt: cert.expiresAt });
  await systemStale(system.id);
  return view(cert);
}

/**
 * One status change of a certificate, by its transition table (certificate.workflow.ts): an illegal
 * move (revoking a revoked one included) is 409. The audit event is written with the change
 * (audit.intent.ts); the system's mirror of its current certificate follows. `automatic` moves
 * (suspension, expiry, supersession) that a concurrent change made illegal are skipped, not refused.
 */
async function change(ctx: Ctx, id: string, to: CertificateStatus, reason?: string, extra: Record<string, unknown> = {}, opts: { automatic?: boolean } = {}): Promise<CertificateDoc | undefined> {
  let intent: Intent | undefined;
  let skipped = false;
  const m = await store.mutate<CertificateDoc>(Certificate, new Types.ObjectId(id), (c) => {
    if (c.status === to && opts.automatic) return null;
    const check = checkCertificateTransition(c.status, to);
    if (!check.ok) {
      if (opts.automatic) { skipped = true; return null; }
      throw AppError.conflict(check.text, { status: c.status, allowedTransitions: CERTIFICATE_TRANSITIONS[c.status] });
    }
    intent = intentOf(ctx, { action: actionOf(to), entity: 'certificate', entityId: id, before: { status: c.status }, after: { status: to, reason } });
    return withIntent({ $set: { status: to, ...extra }, $push: { history: { at: new Date(), by: ctx.actor.id, from: c.status, to, ...(reason && { reason }) } } }, intent);
  });
  if (!m) throw AppError.notFound(NOUN.certificate);
  if (m.after === m.before || skipped) return undefined;
  const c = m.after;
  await settle(Certificate, c._id, [intent!]);
  await mirrorOnSystem(c);
  return c;
}

/** The system's copy of its current certificate (the newest issued) follows that certificate. */
async function mirrorOnSystem(c: CertificateDoc): Promise<void> {
  const sys = await systems.findById(c.system.toString());
  if (sys?.certificate?.id.equals(c._id)) await systems.setCertificate(c.system.toString(), { id: c._id, number: c.number, status: c.status, expiresAt: c.expiresAt });
}

export async function revoke(ctx: Ctx, id: string, reason: string) {
  const c = await load(ctx, id);
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
  if (await change(ctx, c._id.toString(), next, reason, next === 'suspended' ? { suspension: { at: now, findings: counts.critical + counts.high } } : {}, { automatic: true })) await systemStale(systemId);
}

const onStale = async ({ systemId }: { systemId: string }) => { await reconcileSystem(systemId); };
export function subscribe(): void { on('system.stale', onStale); }

/** The scheduled expiry (a leased job): certificates past their end date expire. */
export async function expireDue(now = new Date()): Promise<{ expired: number }> {
  let expired = 0;
  for (const c of await all()) {
    if (!['valid', 'suspended'].includes(c.status) || c.expiresAt.getTime() > now.getTime()) continue;
    if (await change({ actor: systemActor('certificate-expiry') }, c._id.toString(), 'expired', 'The validity period ended', {}, { automatic: true })) {
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

// certificates are the record: a system that was ever certified is decommissioned, never deleted
dependsOnSystems({
  name: 'certificates',
  async holds(systemId) {
    return (await all()).some((c) => c.system.toString() === systemId) ? { en: 'certificates were issued for the system', vi: 'hệ thống đã được cấp chứng nhận' } : undefined;
  },
});

/**
 * What a system's certificates should look like: the newest one mirrored on the system, no older one
 * still live (issuing supersedes), and the newest one's status what its findings and dates say.
 */
async function certificateDifferences(now = new Date()): Promise<{ checked: number; differences: Difference[] }> {
  const [certs, systemsAll] = [await all(), await cache.all<SystemDoc>(System)];
  const bySystem = new Map<string, CertificateDoc[]>();
  for (const c of certs) bySystem.set(c.system.toString(), [...(bySystem.get(c.system.toString()) ?? []), c]);
  const differences: Difference[] = [];
  for (const s of systemsAll) {
    const id = s._id.toString();
    const mine = (bySystem.get(id) ?? []).sort((x, y) => y.issuedAt.getTime() - x.issuedAt.getTime());
    const [newest, mirror] = [mine[0], s.certificate ?? null];
    const want = newest ? { id: newest._id.toString(), number: newest.number, status: newest.status, expiresAt: newest.expiresAt.getTime() } : null;
    const have = mirror ? { id: mirror.id.toString(), number: mirror.number, status: mirror.status, expiresAt: new Date(mirror.expiresAt).getTime() } : null;
    if (JSON.stringify(want) !== JSON.stringify(have)) differences.push({ id, reason: 'the system\'s copy of its current certificate differs from the certificate' });
    for (const old of mine.slice(1)) if (['valid', 'suspended'].includes(old.status)) differences.push({ id: `${id}/${old._id}`, reason: `an older certificate (${old.number}) is still ${old.status}` });
    if (newest) {
      const counts = await findings.openCountsBySystem(id);
      const should = statusNow(newest, counts.critical + counts.high, now);
      if (should !== newest.status) differences.push({ id: `${id}!`, reason: `certificate ${newest.number} is ${newest.status} but should be ${should}` });
    }
  }
  return { checked: systemsAll.length, differences };
}

/** A system's newest issued certificate. */
const newestOf = async (systemId: string) => (await all()).filter((c) => c.system.toString() === systemId).sort((x, y) => y.issuedAt.getTime() - x.issuedAt.getTime())[0];

registerDerived({
  name: 'certificate-state',
  source: 'the certificates, and each system\'s open critical and high findings',
  check: () => certificateDifferences(),
  async repair(differences) {
    const ctx = { actor: systemActor('consistency') };
    let n = 0;
    for (const d of differences) {
      if (d.id.includes('/')) {
        const [systemId, certId] = d.id.split('/');
        const newest = await newestOf(systemId);
        if (await change(ctx, certId, 'revoked', `Superseded by ${newest?.number ?? 'a newer certificate'}`, {}, { automatic: true })) n++;
      } else if (d.id.endsWith('!')) {
        await reconcileSystem(d.id.slice(0, -1));
        n++;
      } else {
        const newest = await newestOf(d.id);
        await systems.setCertificate(d.id, newest ? { id: newest._id, number: newest.number, status: newest.status, expiresAt: newest.expiresAt } : null);
        await systemStale(d.id);
        n++;
      }
    }
    return n;
  },
});
