import fs from 'node:fs';
import path from 'node:path';
import { parseReport } from '../../src/modules/scan-imports/parsers';
import type { ImportSeverity, ImportTool, ParsedReport } from '../../src/modules/scan-imports/types';

/** The public sample reports (test/fixtures/scan-reports/README.md says where each comes from). */
export const DIR = path.join(__dirname, '..', 'fixtures', 'scan-reports');
export const text = (tool: string, name: string): string => fs.readFileSync(path.join(DIR, tool, name), 'utf8');
export const parse = (tool: ImportTool, name: string): Promise<ParsedReport> =>
  parseReport(fs.createReadStream(path.join(DIR, tool, name)), { tool, filename: name });
export const hosts = (r: ParsedReport): string[] => r.covered.map((c) => (c.address ? `${c.host}/${c.address}` : c.host)).sort();

/** Counts per severity computed from the raw file with a regex, independent of the parser. */
export function tally(values: (ImportSeverity | undefined)[]): Partial<Record<ImportSeverity, number>> {
  const out: Partial<Record<ImportSeverity, number>> = {};
  for (const v of values) if (v) out[v] = (out[v] ?? 0) + 1;
  return out;
}
