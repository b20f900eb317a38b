import type { AssessmentReportData, Bilingual } from './types';
import { loadTemplates, type AssessmentReportTemplate } from './templates';
import { bi, heading, keyValues, legalBasis, letterhead, plain, reportStyles, type ReportStyles } from './pdf/blocks';
import { date, dateTime, fillBi, ratio, slash } from './pdf/format';
import { startReport } from './pdf/report';
import { table, type Row } from './pdf/table';
import type { Para } from './pdf/text';
import type { Flow } from './pdf/flow';
import { assessmentApproval, draftNotice, isApproved } from './approval-block';
import { assessmentName } from '../findings/finding.texts';

type T = AssessmentReportTemplate;
type Control = AssessmentReportData['controls'][number];
type ResultKey = keyof T['results'];

/** A known key's wording, or the raw value when the data carries one the template does not know. */
const label = (map: Record<string, Bilingual>, key: string): Bilingual => map[key] ?? { vi: key, en: key };

function cover(flow: Flow, t: T, d: AssessmentReportData, S: ReportStyles): void {
  const c = t.page.colours;
  letterhead(flow, t.header.authority, S, c.text);
  flow.paras(bi(t.title, S.title, S.titleEn), { align: 'center' });
  if (!isApproved(d)) {
    flow.gap(4);
    flow.paras(bi(draftNotice(t, d), { ...S.strong, colour: c.primary }, S.bodyEn), { align: 'center' });
  }
  flow.gap(10);
  legalBasis(flow, t.legalBasis, S);
  heading(flow, t.cover.heading, S);
  const f = t.cover.fields;
  const when = (v?: Date) => (v ? plain(dateTime(v, t.locale), S.body) : bi(t.cover.missing, S.body, S.bodyEn));
  const who = (v?: string) => (v ? plain(v, S.body) : bi(t.cover.missing, S.body, S.bodyEn));
  const framework = fillBi(t.cover.frameworkValue, { framework: d.checklist.framework, version: d.checklist.version });
  keyValues(flow, [
    { label: f.system, value: plain(d.system.name, S.strong) },
    { label: f.code, value: plain(d.system.code, S.body) },
    { label: f.organization, value: plain(`${d.system.organization.name} (${d.system.organization.code})`, S.body) },
    { label: f.level, value: plain(slash(fillBi(t.cover.levelValue, { level: d.system.level })), S.body) },
    { label: f.framework, value: bi(framework, S.body, S.bodyEn) },
    // the document by its name, as history lines name it; its id is for machines, not for the paper
    { label: f.assessment, value: bi(assessmentName(d.system.code, d.submittedAt ?? d.createdAt), S.body, S.bodyEn) },
    { label: f.status, value: bi(label(t.assessmentStatuses, d.status), S.strong, S.bodyEn) },
    { label: f.createdAt, value: when(d.createdAt) },
    { label: f.submittedAt, value: when(d.submittedAt) },
    { label: f.approvedAt, value: when(d.approvedAt) },
    { label: f.inspector, value: who(d.inspector) },
    { label: f.approver, value: who(d.approver) },
    { label: f.generatedAt, value: when(d.generatedAt) },
  ], S, c);
}

const RESULT_ORDER: ResultKey[] = ['met', 'partial', 'not_met', 'not_applicable', 'unanswered'];

function summary(flow: Flow, t: T, d: AssessmentReportData, S: ReportStyles): void {
  const c = t.page.colours;
  const s = d.summary;
  const w = t.summary;
  heading(flow, w.heading, S);
  keyValues(flow, [
    { label: w.score, value: plain(`${ratio(s.score, t.locale)} (${s.met} / ${s.applicable})`, S.strong) },
    { label: w.metAllCriteria, value: bi(s.metAllCriteria ? w.yes : w.no, S.strong, S.bodyEn) },
    { label: w.total, value: plain(String(s.total), S.body) },
    { label: w.answered, value: plain(String(s.answered), S.body) },
    { label: w.applicable, value: plain(String(s.applicable), S.body) },
  ], S, c);
  const counts: Record<ResultKey, number> = { met: s.met, partial: s.partial, not_met: s.not_met, not_applicable: s.not_applicable, unanswered: Math.max(0, s.total - s.answered) };
  const resultCell = (k: ResultKey) => bi(t.results[k], { ...S.cellStrong, colour: t.page.results[k] }, S.cellEn);
  flow.gap(8);
  flow.paras(bi(w.byResult, S.strong, S.bodyEn));
  flow.gap(3);
  table(flow, {
    columns: [{ header: bi(w.result, S.th, S.thEn), width: 3 }, { header: bi(w.count, S.th, S.thEn), width: 1, align: 'right' }],
    rows: RESULT_ORDER.map((k) => ({ cells: [resultCell(k), plain(String(counts[k]), S.cell)] })),
    width: flow.width * 0.55, border: c.rule, headerFill: c.headerFill, zebra: c.zebra,
  });
  flow.gap(8);
  flow.paras(bi(w.byGroup, S.strong, S.bodyEn));
  flow.gap(3);
  table(flow, {
    columns: [{ header: bi(w.group, S.th, S.thEn), width: 3 }, ...RESULT_ORDER.map((k) => ({ header: bi(t.results[k], S.th, S.thEn), width: 1.3, align: 'right' as const }))],
    rows: d.byGroup.map((g) => ({ cells: [bi(t.groups[g.group], S.cellStrong, S.cellEn), ...RESULT_ORDER.map((k) => plain(String(g[k]), S.cell))] })),
    border: c.rule, headerFill: c.headerFill, zebra: c.zebra,
  });
}

function evidence(t: T, e: Control['evidence'][number], S: ReportStyles): Para[] {
  const kind = t.evidenceKinds[e.kind];
  const name = e.title || e.name || e.url || '';
  const paras: Para[] = [{ text: `${kind.vi} / ${kind.en}: ${name}`, style: S.cell }];
  if (e.url && e.url !== name) paras.push({ text: e.url, style: { ...S.mono, size: 6.4 } });
  if (e.sha256) paras.push({ text: `SHA-256 ${e.sha256.slice(0, 16)}…`, style: { ...S.mono, size: 6.4, colour: S.cellEn.colour } });
  return paras;
}

function controls(flow: Flow, t: T, d: AssessmentReportData, S: ReportStyles): void {
  const c = t.page.colours;
  const col = t.controls.columns;
  heading(flow, t.controls.heading, S);
  const rows: Row[] = [];
  let group: string | undefined;
  for (const k of d.controls) {
    if (k.group !== group) {
      group = k.group;
      rows.push({ span: [{ text: `${label(t.groups, k.group).vi} / ${label(t.groups, k.group).en}`.toUpperCase(), style: S.th }], fill: c.sectionFill });
    }
    const result: ResultKey = k.result ?? 'unanswered';
    rows.push({
      cells: [
        [{ text: k.ref, style: S.cellStrong }, { text: k.id, style: { ...S.cellEn, size: 6.4 } }],
        bi(k.title, S.cellStrong, S.cellEn),
        bi(t.results[result], { ...S.cellStrong, colour: t.page.results[result] }, S.cellEn),
        k.note ? plain(k.note, S.cell) : [],
        k.evidence.flatMap((e) => evidence(t, e, S)),
      ],
    });
  }
  table(flow, {
    columns: [
      { header: bi(col.ref, S.th, S.thEn), width: 13 }, { header: bi(col.requirement, S.th, S.thEn), width: 31 },
      { header: bi(col.result, S.th, S.thEn), width: 12 }, { header: bi(col.note, S.th, S.thEn), width: 22 },
      { header: bi(col.evidence, S.th, S.thEn), width: 22 },
    ],
    rows, border: c.rule, headerFill: c.headerFill, zebra: c.zebra,
  });
}

function findings(flow: Flow, t: T, d: AssessmentReportData, S: ReportStyles): void {
  const c = t.page.colours;
  const col = t.findings.columns;
  heading(flow, t.findings.heading, S, 30);
  if (!d.findings.length) {
    flow.paras(bi(t.findings.none, S.body, S.bodyEn));
    return;
  }
  table(flow, {
    columns: [
      { header: bi(col.title, S.th, S.thEn), width: 40 }, { header: bi(col.control, S.th, S.thEn), width: 14 },
      { header: bi(col.severity, S.th, S.thEn), width: 13 }, { header: bi(col.status, S.th, S.thEn), width: 17 },
      { header: bi(col.dueAt, S.th, S.thEn), width: 16 },
    ],
    rows: d.findings.map((f) => ({
      cells: [
        f.titleVi && f.titleVi !== f.title ? bi({ vi: f.titleVi, en: f.title }, S.cell, S.cellEn) : plain(f.title, S.cell), plain(f.control ?? '—', S.cell), bi(label(t.severities, f.severity), S.cellStrong, S.cellEn),
        bi(label(t.findingStatuses, f.status), S.cell, S.cellEn), plain(date(f.dueAt, t.locale), S.cell),
      ],
    })),
    border: c.rule, headerFill: c.headerFill, zebra: c.zebra,
  });
}

/** The assessment report: cover, summary, every control, the findings raised; page numbers on every page. */
export async function renderAssessmentReport(data: AssessmentReportData): Promise<Buffer> {
  const t = loadTemplates().assessmentReport;
  const S = reportStyles(t.page.colours);
  const base = fillBi(t.footer.running, { code: data.system.code });
  const running = isApproved(data) ? base : { vi: `${base.vi} (${t.footer.draft.vi})`, en: `${base.en} (${t.footer.draft.en})` };
  const report = startReport(t.page, {
    title: `${t.title.vi} — ${data.system.code}`,
    subject: `${data.system.code} — ${data.system.name}`,
    keywords: `attest ${t.document} template-v${t.version} ${data.id}`,
    author: `${t.header.authority.vi} — ${t.header.authority.en}`,
    date: data.generatedAt,
  });
  cover(report.flow, t, data, S);
  summary(report.flow, t, data, S);
  controls(report.flow, t, data, S);
  findings(report.flow, t, data, S);
  assessmentApproval(report.flow, t, data, S);
  return report.end({ pageNumber: t.footer.pageNumber, running: `${running.vi} — ${running.en}`, style: S.footer, rule: t.page.colours.rule });
}
