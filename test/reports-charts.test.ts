import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderProgrammeReport } from '../src/modules/reports/programme-report.pdf';
import type { ProgrammeReportData } from '../src/modules/reports/types';

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
});
