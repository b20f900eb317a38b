/*
 * npx tsx test/bench/reports.bench.ts — median render time of each document on synthetic data
 * (no database): a certificate including its signature (goal ≤ 100 ms), a level-5 assessment
 * report of 90 controls, and the programme report of 124 systems (goal ≤ 2 s), both also signed. BENCH_RUNS sets
 * the number of measured runs (default 25) after 3 warm-up runs. The last line is JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderCertificate } from '../../src/modules/reports/certificate.pdf';
import { renderAssessmentReport } from '../../src/modules/reports/assessment-report.pdf';
import { renderProgrammeReport } from '../../src/modules/reports/programme-report.pdf';
import { ensureTrialIdentity, signPdf } from '../../src/modules/reports/sign';
import type { AssessmentReportData, CertificateData, ProgrammeReportData } from '../../src/modules/reports/types';

const out = (m: string) => process.stdout.write(`${m}\n`);
const RUNS = Math.max(20, Number(process.env.BENCH_RUNS ?? 25));
const WARMUP = 3;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ORG = { code: 'STTTT-QNA', name: 'Sở Thông tin và Truyền thông tỉnh Quảng Nam' };
const NAME = 'Hệ thống quản lý văn bản và điều hành — Sở Thông tin và Truyền thông tỉnh Quảng Nam';

const certificate: CertificateData = {
  number: 'ATT-2026-000123', status: 'valid', system: { code: 'HT-001', name: NAME, level: 3, organization: ORG },
  framework: { id: 'TCVN-11930', title: { vi: 'Yêu cầu cơ bản về an toàn hệ thống thông tin theo cấp độ', en: 'Basic requirements for information system security by levels' }, version: '2017.1' },
  assessment: { id: '665f1c2b9d3e4a0012345678', approvedAt: new Date('2026-01-10T03:00:00Z'), score: 1 },
  issuedAt: new Date('2026-01-15T02:00:00Z'), expiresAt: new Date('2028-01-15T02:00:00Z'), issuer: { name: 'Nguyễn Văn Đức' },
  verifyUrl: 'https://attest.example.gov.vn/verify/K7QX2M9PRT4WZ8HB3NCV6DJE', fingerprint: 'ab'.repeat(32),
};

const RESULTS = ['met', 'met', 'met', 'partial', 'not_met', 'not_applicable'] as const;
const assessment: AssessmentReportData = {
  id: '665f1c2b9d3e4a0012345678', system: { code: 'HT-001', name: NAME, level: 5, organization: ORG },
  checklist: { framework: 'TCVN-11930', version: '2017.1' }, status: 'approved',
  createdAt: new Date('2026-01-02T02:00:00Z'), submittedAt: new Date('2026-01-09T02:00:00Z'), approvedAt: new Date('2026-01-10T02:00:00Z'),
  inspector: 'Trần Thị Hương', approver: 'Lê Quốc Việt',
  summary: { total: 90, answered: 90, applicable: 75, met: 45, partial: 15, not_met: 15, not_applicable: 15, score: 0.6, metAllCriteria: false },
  byGroup: [{ group: 'management', met: 23, partial: 7, not_met: 8, not_applicable: 7, unanswered: 0 }, { group: 'technical', met: 22, partial: 8, not_met: 7, not_applicable: 8, unanswered: 0 }],
  controls: Array.from({ length: 90 }, (_, i) => ({
    id: `${i < 45 ? 'MGT' : 'TEC'}.CTL.${String(i).padStart(2, '0')}`, ref: `9.${i < 45 ? 1 : 2}.${i}`, group: i < 45 ? 'management' as const : 'technical' as const, domain: 'x',
    title: { vi: `Yêu cầu ${i}: chính sách an toàn thông tin được phê duyệt và công bố`, en: `Requirement ${i}: information security policy approved and published` },
    requirement: { vi: '—', en: '—' }, result: RESULTS[i % RESULTS.length],
    note: i % 2 ? 'Đã kiểm tra hồ sơ, quy chế được ban hành theo Quyết định số 123/QĐ-STTTT; chưa có biên bản rà soát định kỳ hằng năm.' : undefined,
    evidence: i % 3 ? [] : [{ kind: 'link' as const, title: 'Quy chế bảo đảm an toàn thông tin', url: `https://vanban.example.gov.vn/quy-che/${i}.pdf` }],
  })),
  findings: Array.from({ length: 30 }, (_, i) => ({ title: `Chưa ban hành quy trình ứng cứu sự cố ${i}`, severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4], status: 'open', dueAt: new Date('2026-03-01T00:00:00Z') })),
  generatedAt: new Date('2026-01-10T02:05:00Z'),
};

const orgs = Array.from({ length: 30 }, (_, i) => ({ code: `ORG-${String(i + 1).padStart(2, '0')}`, name: `Sở Thông tin và Truyền thông tỉnh số ${i + 1}` }));
const programme: ProgrammeReportData = {
  generatedAt: new Date('2026-02-01T01:30:00Z'),
  totals: { systems: 124, evaluated: 103, metAllCriteria: 96, metAllCriteriaPct: 77.4, certified: 80 },
  byLevel: [1, 2, 3, 4, 5].map((level) => ({ level, systems: 20 + level, evaluated: 15 + level, metAllCriteria: 10 + level })),
  byOrganization: orgs.map((o, i) => ({ ...o, systems: 1 + (i % 9), evaluated: i % 7, metAllCriteria: i % 5 })),
  certificates: { valid: 80, suspended: 2, expiringWithin30Days: 5 },
  findings: { open: { critical: 3, high: 12, medium: 40, low: 22 }, overdue: { critical: 1, high: 4, medium: 9, low: 2 } },
  scanGrades: { 'A+': 10, A: 20, B: 30, C: 12, F: 4, none: 48 },
  systems: Array.from({ length: 124 }, (_, i) => ({
    code: `HT-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống thông tin số ${i + 1} — ${orgs[i % 30].name}`, organization: orgs[i % 30].code,
    level: 1 + (i % 5), state: ['not_assessed', 'in_assessment', 'non_compliant', 'compliant', 'certified'][i % 5], score: i % 5 ? (i % 10) / 10 : undefined,
    grade: ['A+', 'B', undefined, 'C', 'F'][i % 5], openFindings: i % 4, certificate: i % 5 === 4 ? `ATT-2026-${String(i).padStart(6, '0')}` : undefined,
  })),
};

async function time(label: string, fn: () => Promise<Buffer>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    bytes = (await fn()).length;
    ms.push(performance.now() - t);
  }
  const m = Math.round(median(ms) * 10) / 10;
  out(`${label}: median ${m} ms of ${RUNS} (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}), ${bytes} bytes`);
  return m;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-bench-reports-'));
  try {
    const identity = ensureTrialIdentity(dataDir);
    const meta = { reason: 'Certificate ATT-2026-000123', location: 'Hà Nội', name: 'Cục An toàn thông tin' };
    const certificateMs = await time('certificate, rendered and signed', async () => signPdf(await renderCertificate(certificate), identity, meta));
    await time('certificate, rendered only', () => renderCertificate(certificate));
    const assessmentReportMs = await time('assessment report, level 5, 90 controls', () => renderAssessmentReport(assessment));
    const programmeReportMs = await time('programme report, 124 systems', () => renderProgrammeReport(programme));
    // every report download is signed too (reports/signing.ts): the signature's share of the time
    const report = { reason: 'Assessment report HT-001', location: 'Hà Nội', name: 'Cục An toàn thông tin' };
    const assessmentSignedMs = await time('assessment report, rendered and signed', async () => signPdf(await renderAssessmentReport(assessment), identity, report));
    const programmeSignedMs = await time('programme report, rendered and signed', async () => signPdf(await renderProgrammeReport(programme), identity, report));
    out(`goals: certificate ≤ 100 ms ${certificateMs <= 100 ? 'met' : 'MISSED'}; programme report ≤ 2000 ms ${programmeReportMs <= 2000 ? 'met' : 'MISSED'}`);
    out(JSON.stringify({ certificateMs, assessmentReportMs, programmeReportMs, assessmentSignedMs, programmeSignedMs }));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
