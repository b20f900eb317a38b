import { System, type SystemDoc } from '../systems/system.model';
import { Organization, type OrganizationDoc } from '../organizations/organization.model';
import { Certificate, type CertificateDoc } from '../certificates/certificate.model';
import * as board from '../findings/finding.board';
import * as cache from '../../db/cache';
import { registerDerived } from '../../db/derived';
import { Finding, type FindingDoc } from '../findings/finding.model';
import { OPEN_FINDING_STATUSES, SEVERITIES, type Severity } from '../../shared/enums';

const DAY = 86_400_000;
export { GRADES } from '../../shared/enums';
import { GRADES } from '../../shared/enums';

interface Tally { systems: number; evaluated: number; metAllCriteria: number; certified: number }
const tally = (): Tally => ({ systems: 0, evaluated: 0, metAllCriteria: 0, certified: 0 });
const pct = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 10 : 0);
const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/**
 * The programme's figures (DESIGN §3), computed from stored summaries only: the systems with their
 * compliance and latest scan, the organizations, the certificates and the finding boards — all
 * cached collections (db/cache.ts), so ten years of history cost nothing here. `evaluated` counts
 * systems with an approved assessment, `metAllCriteria` those whose latest approved assessment met
 * all criteria, `certified` those holding a valid certificate. Decommissioned systems are left out.
 */
export async function figures(now = new Date()) {
  const [systems, orgs, certs, open] = await Promise.all([
    cache.all<SystemDoc>(System), cache.all<OrganizationDoc>(Organization), cache.all<CertificateDoc>(Certificate), board.openEntries(),
  ]);
  return compute({ systems, orgs, certs, open }, now);
}

interface Inputs { systems: SystemDoc[]; orgs: OrganizationDoc[]; certs: CertificateDoc[]; open: Pick<board.Entry, 'system' | 'status' | 'severity' | 'dueAt'>[] }

/**
 * The same figures from the database itself, past every cache and board: the systems, organizations
 * and certificates as stored, and the findings themselves instead of their board entries.
 */
export async function figuresFromSource(now = new Date()) {
  const [systems, orgs, certs, findings] = await Promise.all([
    System.find({}).lean<SystemDoc[]>(), Organization.find({}).lean<OrganizationDoc[]>(), Certificate.find({}).lean<CertificateDoc[]>(),
    Finding.find({ status: { $ne: 'verified' } }, { system: 1, status: 1, severity: 1, dueAt: 1 }).lean<FindingDoc[]>(),
  ]);
  return compute({ systems, orgs, certs, open: findings.map((f) => ({ system: f.system.toString(), status: f.status, severity: f.severity, dueAt: f.dueAt })) }, now);
}

function compute({ systems, orgs, certs, open }: Inputs, now: Date) {
  const active = systems.filter((s) => s.status === 'active');
  const total = tally();
  const byLevel = new Map<number, Tally>([1, 2, 3, 4, 5].map((l) => [l, tally()]));
  const byOrg = new Map<string, Tally>();
  const scanGrades: Record<string, number> = Object.fromEntries([...GRADES, 'none'].map((g) => [g, 0]));
  const due: { system: string; code: string; name: string; organization: string; level: number; nextAssessmentDue: Date; overdue: boolean }[] = [];
  for (const s of active) {
    const c = s.compliance;
    const counts = [total, byLevel.get(s.level)!, byOrg.get(s.organization.toString()) ?? tally()];
    byOrg.set(s.organization.toString(), counts[2]);
    for (const t of counts) {
      t.systems++;
      if (c?.lastAssessment) t.evaluated++;
      if (c?.assessmentMetAllCriteria) t.metAllCriteria++;
      if (s.certificate?.status === 'valid') t.certified++;
    }
    scanGrades[s.lastScan?.grade && scanGrades[s.lastScan.grade] !== undefined ? s.lastScan.grade : 'none']++;
    if (c?.nextAssessmentDue && c.nextAssessmentDue.getTime() - now.getTime() < 60 * DAY) {
      due.push({ system: s._id.toString(), code: s.code, name: s.name, organization: s.organization.toString(), level: s.level, nextAssessmentDue: c.nextAssessmentDue, overdue: c.nextAssessmentDue < now });
    }
  }
  const orgById = new Map(orgs.map((o) => [o._id.toString(), o]));
  const openBySeverity = zero();
  const overdueBySeverity = zero();
  const activeIds = new Set(active.map((s) => s._id.toString()));
  for (const e of open) {
    if (!activeIds.has(e.system) || !OPEN_FINDING_STATUSES.includes(e.status)) continue;
    openBySeverity[e.severity]++;
    if (new Date(e.dueAt).getTime() < now.getTime()) overdueBySeverity[e.severity]++;
  }
  const live = certs.filter((c) => c.status === 'valid' || c.status === 'suspended');
  return {
    generatedAt: now,
    systems: { total: total.systems, evaluated: total.evaluated, metAllCriteria: total.metAllCriteria, metAllCriteriaPct: pct(total.metAllCriteria, total.systems), certified: total.certified },
    byLevel: [...byLevel].map(([level, t]) => ({ level, ...t, metAllCriteriaPct: pct(t.metAllCriteria, t.systems) })),
    byOrganization: [...byOrg].map(([id, t]) => ({ id, code: orgById.get(id)?.code ?? '?', name: orgById.get(id)?.name ?? '?', type: orgById.get(id)?.type, ...t, metAllCriteriaPct: pct(t.metAllCriteria, t.systems) }))
      .sort((x, y) => y.systems - x.systems || x.code.localeCompare(y.code)),
    findings: { open: openBySeverity, overdue: Object.values(overdueBySeverity).reduce((a, b) => a + b, 0), overdueBySeverity },
    certificates: {
      valid: live.filter((c) => c.status === 'valid').length, suspended: live.filter((c) => c.status === 'suspended').length,
      expiringWithin30Days: live.filter((c) => c.expiresAt.getTime() - now.getTime() < 30 * DAY).length,
    },
    assessmentsDue: due.sort((x, y) => x.nextAssessmentDue.getTime() - y.nextAssessmentDue.getTime()),
    scanGrades,
  };
}

const flat = (o: unknown, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  if (o && typeof o === 'object' && !(o instanceof Date) && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) for (const [p, x] of flat(v, prefix ? `${prefix}.${k}` : k)) out.set(p, x);
  else out.set(prefix, JSON.stringify(o));
  return out;
};

// the figures served (caches, boards, stored summaries) must equal the figures of the stored documents
registerDerived({
  name: 'dashboard',
  source: 'the systems, organizations, certificates and findings as stored (past every cache and board)',
  last: true,
  async check() {
    const now = new Date();
    const [served, source] = [flat(await figures(now)), flat(await figuresFromSource(now))];
    const differences = [...new Set([...served.keys(), ...source.keys()])].filter((k) => served.get(k) !== source.get(k))
      .map((k) => ({ id: k, reason: `served ${served.get(k) ?? 'nothing'}, the documents say ${source.get(k) ?? 'nothing'}` }));
    return { checked: served.size, differences };
  },
  async repair(differences) {
    // the figures have no store of their own: what feeds them (caches, boards) is repaired by the
    // structures walked before; what is held in this process is read again
    for (const m of cache.cachedModels()) cache.clearCaches(m);
    return differences.length;
  },
});
