import type { Bilingual, ProgrammeReportData } from './types';
import { loadTemplates, type ProgrammeReportTemplate } from './templates';
import { bi, heading, legalBasis, letterhead, plain, reportStyles, type ReportStyles } from './pdf/blocks';
import { barChart, type BarChart } from './pdf/chart';
import { date, dateParts, dateTime, fillBi, percent, ratio } from './pdf/format';
import { startReport } from './pdf/report';
import { table } from './pdf/table';
import { drawLines, heightOf, wrapAll, type Para } from './pdf/text';
import type { Flow } from './pdf/flow';
import { SEVERITIES } from '../../shared/enums';
import { programmeApproval } from './approval-block';

type T = ProgrammeReportTemplate;
type D = ProgrammeReportData;
const DASH = '—';
const GRADE_ORDER = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'];
const label = (map: Record<string, Bilingual>, key: string): Bilingual => map[key] ?? { vi: key, en: key };
const lines = (b: Bilingual) => (b.vi === b.en ? [b.vi] : [b.vi, b.en]);

function headline(flow: Flow, t: T, d: D, S: ReportStyles): void {
  const c = t.page.colours;
  const h = t.headline;
  heading(flow, h.heading, S, 90);
  const pct = percent(d.totals.metAllCriteriaPct, t.locale);
  const boxes: [Bilingual, string][] = [
    [h.systems, String(d.totals.systems)], [h.evaluated, String(d.totals.evaluated)],
    [h.metAllCriteria, `${d.totals.metAllCriteria} (${pct})`], [h.certified, String(d.totals.certified)],
  ];
  const gap = 10;
  const w = (flow.width - gap * (boxes.length - 1)) / boxes.length;
  const boxH = 64;
  flow.ensure(boxH);
  boxes.forEach(([name, value], i) => {
    const x = flow.left + i * (w + gap);
    flow.doc.save().roundedRect(x, flow.y, w, boxH, 4).lineWidth(0.8).fillAndStroke(c.zebra, c.rule).restore();
    drawLines(flow.doc, wrapAll(flow.doc, [{ text: value, style: { ...S.title, size: 20 } }, ...bi(name, S.strong, S.bodyEn)], w - 12), x + 6, flow.y + 8, w - 12, 'center');
  });
  flow.y += boxH + 8;
  const t0 = d.totals;
  flow.paras(bi(fillBi(h.sentence, { systems: t0.systems, evaluated: t0.evaluated, met: t0.metAllCriteria, pct, certified: t0.certified }), S.body, S.bodyEn));
}

/** A chart with its bilingual title, in an absolute box: charts sit side by side, so they do not flow. */
function chart(flow: Flow, title: Bilingual, S: ReportStyles, box: BarChart['box'], spec: Omit<BarChart, 'box' | 'style'>, grid: string): void {
  const head = wrapAll(flow.doc, bi(title, S.strong, S.bodyEn), box.width);
  drawLines(flow.doc, head, box.x, box.y, box.width);
  const top = box.y + heightOf(head) + 4;
  barChart(flow.doc, { ...spec, box: { ...box, y: top, height: box.height - (top - box.y) }, style: { label: { ...S.cell, size: 7 }, value: { ...S.cellEn, size: 6.5 }, grid } });
}

function topOrganizations(t: T, d: D) {
  const sorted = [...d.byOrganization].sort((a, b) => b.systems - a.systems || a.code.localeCompare(b.code));
  const n = t.charts.topOrganizations;
  const top = sorted.slice(0, n).map((o) => ({ label: [o.name], systems: o.systems, evaluated: o.evaluated, metAllCriteria: o.metAllCriteria }));
  const rest = sorted.slice(n);
  if (rest.length) {
    const sum = (k: 'systems' | 'evaluated' | 'metAllCriteria') => rest.reduce((s, o) => s + o[k], 0);
    top.push({ label: [`${t.charts.others.vi} / ${t.charts.others.en} (${rest.length})`], systems: sum('systems'), evaluated: sum('evaluated'), metAllCriteria: sum('metAllCriteria') });
  }
  return top;
}

function charts(flow: Flow, t: T, d: D, S: ReportStyles): void {
  const c = t.page.colours;
  const ch = t.charts;
  const series = (k: 'systems' | 'evaluated' | 'metAllCriteria', i: number, values: number[]) => ({ name: `${ch.series[k].vi} / ${ch.series[k].en}`, colour: t.page.series[i], values });
  heading(flow, ch.heading, S, 200);
  const half = (flow.width - 20) / 2;
  let h = 200;
  flow.ensure(h);
  const levels = [...d.byLevel].sort((a, b) => a.level - b.level);
  chart(flow, ch.byLevel, S, { x: flow.left, y: flow.y, width: half, height: h }, {
    orientation: 'vertical', categories: levels.map((l) => lines(fillBi(ch.levelValue, { level: l.level }))),
    series: [series('systems', 0, levels.map((l) => l.systems)), series('evaluated', 1, levels.map((l) => l.evaluated)), series('metAllCriteria', 2, levels.map((l) => l.metAllCriteria))],
  }, c.grid);
  chart(flow, ch.findingsOpen, S, { x: flow.left + half + 20, y: flow.y, width: half, height: h }, {
    orientation: 'vertical', categories: SEVERITIES.map((s) => lines(t.severities[s])),
    series: [{ name: '', colour: c.primary, values: SEVERITIES.map((s) => d.findings.open[s] ?? 0) }], categoryColours: SEVERITIES.map((s) => t.page.severities[s]),
  }, c.grid);
  flow.y += h + 16;
  const grades = Object.keys(d.scanGrades).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  h = 170;
  flow.ensure(h);
  // the whole width: up to 14 grades, and "Chưa rà quét / Not scanned" must not be cut to "Chư…"
  chart(flow, ch.scanGrades, S, { x: flow.left, y: flow.y, width: flow.width, height: h }, {
    orientation: 'vertical', categories: grades.map((g) => (g === 'none' ? lines(ch.noGrade) : [g])),
    series: [{ name: '', colour: t.page.grades, values: grades.map((g) => d.scanGrades[g]) }],
  }, c.grid);
  flow.y += h + 16;
  const orgs = topOrganizations(t, d);
  h = 40 + orgs.length * 22;
  flow.ensure(h);
  chart(flow, fillBi(ch.byOrganization, { top: ch.topOrganizations }), S, { x: flow.left, y: flow.y, width: flow.width, height: h }, {
    orientation: 'horizontal', categories: orgs.map((o) => o.label),
    series: [series('systems', 0, orgs.map((o) => o.systems)), series('evaluated', 1, orgs.map((o) => o.evaluated)), series('metAllCriteria', 2, orgs.map((o) => o.metAllCriteria))],
  }, c.grid);
  flow.y += h + 8;
}
const rank = (g: string) => (g === 'none' ? 99 : GRADE_ORDER.includes(g) ? GRADE_ORDER.indexOf(g) : 50);

/** Certificates and open findings side by side: two small tables that would each waste half a page. */
function certificatesAndFindings(flow: Flow, t: T, d: D, S: ReportStyles): void {
  const c = t.page.colours;
  const base = { border: c.rule, headerFill: c.headerFill, zebra: c.zebra };
  const half = (flow.width - 24) / 2;
  const right = flow.left + half + 24;
  flow.ensure(190);
  const top = flow.y;
  const cw = t.certificates;
  heading(flow, cw.heading, S, 100, { width: half });
  table(flow, {
    ...base, width: half,
    columns: [{ header: [], width: 3 }, { header: bi(cw.count, S.th, S.thEn), width: 1, align: 'right' }],
    rows: ([[cw.valid, d.certificates.valid], [cw.suspended, d.certificates.suspended], [cw.expiring, d.certificates.expiringWithin30Days]] as const)
      .map(([name, n]) => ({ cells: [bi(name, S.cellStrong, S.cellEn), plain(String(n), S.cell)] })),
  });
  const leftEnd = flow.y;
  flow.y = top;
  const fw = t.findings;
  heading(flow, fw.heading, S, 100, { x: right, width: half });
  const total = (r: Record<string, number>) => SEVERITIES.reduce((s, k) => s + (r[k] ?? 0), 0);
  table(flow, {
    ...base, x: right, width: half,
    columns: [{ header: bi(fw.severity, S.th, S.thEn), width: 2 }, { header: bi(fw.open, S.th, S.thEn), width: 1, align: 'right' }, { header: bi(fw.overdue, S.th, S.thEn), width: 1, align: 'right' }],
    rows: [
      ...SEVERITIES.map((s) => ({ cells: [bi(t.severities[s], S.cellStrong, S.cellEn), plain(String(d.findings.open[s] ?? 0), S.cell), plain(String(d.findings.overdue[s] ?? 0), S.cell)] })),
      { cells: [bi(fw.total, S.cellStrong, S.cellEn), plain(String(total(d.findings.open)), S.cellStrong), plain(String(total(d.findings.overdue)), S.cellStrong)], fill: c.headerFill },
    ],
  });
  flow.y = Math.max(flow.y, leftEnd);
}

function systems(flow: Flow, t: T, d: D, S: ReportStyles): void {
  const c = t.page.colours;
  const col = t.systems.columns;
  const h = (b: Bilingual, w: number, align?: 'center' | 'right') => ({ header: bi(b, S.th, S.thEn), width: w, align });
  const orDash = (v: string | undefined, style = S.cell): Para[] => plain(v ?? DASH, style);
  heading(flow, t.systems.heading, S);
  table(flow, {
    border: c.rule, headerFill: c.headerFill, zebra: c.zebra, padding: 2.5,
    columns: [h(col.code, 8), h(col.name, 28), h(col.organization, 11), h(col.level, 6, 'center'), h(col.state, 12), h(col.score, 7, 'right'), h(col.grade, 7, 'center'), h(col.openFindings, 8, 'right'), h(col.certificate, 13)],
    rows: d.systems.map((s) => ({
      cells: [
        plain(s.code, S.cellStrong), plain(s.name, S.cell), plain(s.organization, S.cell), plain(String(s.level), S.cell),
        bi(label(t.states, s.state), S.cell, S.cellEn), orDash(s.score === undefined ? undefined : ratio(s.score, t.locale)),
        orDash(s.grade), plain(String(s.openFindings), S.cell), orDash(s.certificate, { ...S.mono, size: 6.6 }),
      ],
    })),
  });
}

/** The programme report: headline figures, charts, certificates, findings and every system. */
export async function renderProgrammeReport(data: ProgrammeReportData): Promise<Buffer> {
  const t = loadTemplates().programmeReport;
  const S = reportStyles(t.page.colours);
  const day = date(data.generatedAt, t.locale);
  const running = fillBi(t.footer.running, { date: day });
  const report = startReport(t.page, {
    title: `${t.title.vi} — ${day}`,
    subject: `${t.title.en} — ${day}`,
    keywords: `attest ${t.document} template-v${t.version}`,
    author: `${t.header.authority.vi} — ${t.header.authority.en}`,
    date: data.generatedAt,
  });
  const { flow } = report;
  letterhead(flow, t.header.authority, S, t.page.colours.text);
  flow.paras(bi(t.title, S.title, S.titleEn), { align: 'center' });
  const when = dateParts(data.generatedAt, t.locale);
  flow.paras(bi(fillBi(t.subtitle, { date: when.date, time: dateTime(data.generatedAt, t.locale).slice(11) }), S.body, S.bodyEn), { align: 'center' });
  flow.gap(8);
  legalBasis(flow, t.legalBasis, S);
  headline(flow, t, data, S);
  certificatesAndFindings(flow, t, data, S);
  charts(flow, t, data, S);
  systems(flow, t, data, S);
  programmeApproval(flow, t, data, S);
  return report.end({ pageNumber: t.footer.pageNumber, running: `${running.vi} — ${running.en}`, style: S.footer, rule: t.page.colours.rule });
}
