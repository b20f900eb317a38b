import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderProgrammeReport } from '../src/modules/reports/programme-report.pdf';
import type { ProgrammeReportData } from '../src/modules/reports/types';
import { createDocument } from '../src/modules/reports/pdf/document';
import { barChart } from '../src/modules/reports/pdf/chart';

/* The programme report's charts: every label printed whole, whatever the grades present. */
const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F', 'none'];
const data = (scanGrades: Record<string, number>): ProgrammeReportData => ({
  generatedAt: new Date('2026-12-05T18:30:00Z'), generatedBy: { name: 'Phạm Thị Thu Hà', role: 'admin' }, signedBy: 'Cục An toàn thông tin',
  totals: { systems: 3, evaluated: 2, metAllCriteria: 1, metAllCriteriaPct: 33.3, certified: 1 },
  byLevel: [1, 2, 3].map((level) => ({ level, systems: 1, evaluated: 1, metAllCriteria: level === 1 ? 1 : 0 })),
  byOrganization: [{ code: 'STTTT-QNA', name: 'Sở Thông tin và Truyền thông tỉnh Quảng Nam', systems: 3, evaluated: 2, metAllCriteria: 1 }],
  certificates: { valid: 1, suspended: 0, expiringWithin30Days: 0 },
  findings: { open: { critical: 0, high: 1, medium: 2, low: 0 }, overdue: { critical: 0, high: 0, medium: 1, low: 0 } },
  scanGrades,
  systems: [1, 2, 3].map((i) => ({ code: `HT-00${i}`, name: `Hệ thống ${i}`, organization: 'STTTT-QNA', level: i, state: 'compliant', openFindings: 0 })),
});

describe('reports: the programme report\'s charts', () => {
  it('when every web grade occurs, then the grade chart prints "Chưa rà quét / Not scanned" whole, never "Chư…", and the approval block closes the report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-charts-'));
    try {
      const file = path.join(dir, 'p.pdf');
      fs.writeFileSync(file, await renderProgrammeReport(data(Object.fromEntries(GRADES.map((g, i) => [g, i + 1])))));
      const all = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(all).to.include('Chưa rà quét').and.include('Not scanned');
      expect(all).to.not.include('…');
      expect(all).to.include('Người lập báo cáo').and.include('Phạm Thị Thu Hà');
      // 18:30 UTC on 5 December is 01:30 on 6 December in Hà Nội
      expect(all).to.include('06/12/2026 01:30');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a chart is narrower than its legend, then the legend wraps into rows inside the chart\'s box and every series name is printed whole', async () => {
    const { doc, finish } = createDocument({ size: 'A4', layout: 'portrait', margins: { top: 40, right: 40, bottom: 40, left: 40 } }, { title: 't', subject: 's', keywords: 'k', author: 'a', date: new Date(0) });
    const names = ['Số hệ thống / Systems', 'Đã đánh giá / Evaluated', 'Đáp ứng đầy đủ / Meeting all'];
    barChart(doc, {
      orientation: 'vertical', categories: [['Cấp độ 1', 'Level 1'], ['Cấp độ 2', 'Level 2']],
      series: names.map((name, i) => ({ name, colour: ['#90a4ae', '#3f7cac', '#2e7d32'][i], values: [3 + i, 5 - i] })),
      box: { x: 100, y: 100, width: 160, height: 200 }, style: { label: { font: 'regular', size: 7, colour: '#000000' }, value: { font: 'oblique', size: 6.5, colour: '#555555' }, grid: '#d0d0d0' },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-charts-'));
    try {
      const file = path.join(dir, 'c.pdf');
      fs.writeFileSync(file, await finish());
      const all = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const n of names) expect(all).to.include(n);
      const words = [...execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"/g)];
      expect(words.length).to.be.greaterThan(10);
      expect(words.filter((m) => Number(m[1]) < 99.5 || Number(m[2]) > 260.5).map((m) => m[0])).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
