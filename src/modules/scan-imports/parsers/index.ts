import type { Readable } from 'node:stream';
import { DEFAULT_LIMITS, IMPORT_TOOLS, ReportError, type ImportTool, type ParsedReport, type ParseLimits } from '../types';
import { peek, type SeverityRow } from './common';
import * as nessus from './nessus';
import * as nmap from './nmap';
import * as nuclei from './nuclei';
import * as openvas from './openvas';
import * as sslyze from './sslyze';
import * as testssl from './testssl';
import * as zap from './zap';

export { MAX_REPORT_BYTES, countBySeverity, type SeverityRow } from './common';

type Parser = (input: Readable, limits: ParseLimits) => Promise<ParsedReport>;
const MODULES: Record<ImportTool, { parse: Parser; SEVERITY_MAP: readonly SeverityRow[] }> = { nmap, testssl, sslyze, zap, nuclei, openvas, nessus };

/** How much of the upload detectFormat looks at. */
export const HEAD_BYTES = 8 * 1024;

/** Each tool's severity table, for the README's "Severity mapping" section. */
export function severityTables(): Record<ImportTool, readonly SeverityRow[]> {
  return Object.fromEntries(IMPORT_TOOLS.map((t) => [t, MODULES[t].SEVERITY_MAP])) as Record<ImportTool, readonly SeverityRow[]>;
}

const XML_ROOTS: Record<string, ImportTool> = { nmaprun: 'nmap', OWASPZAPReport: 'zap', NessusClientData_v2: 'nessus', get_reports_response: 'openvas' };

/** The first element name, past the XML declaration, processing instructions, comments and a DOCTYPE. */
function rootElement(text: string): string | undefined {
  const body = text
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, '');
  return /^\s*<([A-Za-z_][\w.:-]*)/.exec(body)?.[1];
}

/**
 * Which tool wrote this report, from its first bytes (HEAD_BYTES are plenty): the XML root
 * element, or the JSON keys near the start. The file name only settles what the content leaves open.
 */
export function detectFormat(head: Buffer, filename?: string): ImportTool | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = /\S/.exec(text)?.[0];
  if (first === '<') {
    const root = rootElement(text);
    if (root && XML_ROOTS[root]) return XML_ROOTS[root];
    // GVM exports start <report id=… format_id=…> (or an inner <report> with <gmp>/<omp>)
    if (root === 'report' && /format_id=|<report_format|<gmp>|<omp>|<scan_run_status>/.test(text)) return 'openvas';
    return undefined;
  }
  if (first === '{' || first === '[') {
    if (/"(server_scan_results|sslyze_version|sslyze_url)"\s*:/.test(text)) return 'sslyze';
    if (/"scanResult"\s*:/.test(text) || (first === '{' && /"Invocation"\s*:\s*"[^"]*testssl/.test(text))) return 'testssl';
    if (/"@programName"\s*:|"@generated"\s*:/.test(text) && /"site"\s*:|"@version"\s*:/.test(text)) return 'zap';
    if (/"(template-id|templateID|template)"\s*:/.test(text) && /"info"\s*:/.test(text)) return 'nuclei';
    if (first === '[' && /"id"\s*:/.test(text) && /"finding"\s*:/.test(text) && /"severity"\s*:/.test(text)) return 'testssl';
    return undefined;
  }
  const name = (filename ?? '').toLowerCase();
  // an empty JSONL file is a valid Nuclei run with no findings
  if (!first && name.endsWith('.jsonl')) return 'nuclei';
  return undefined;
}

export interface ParseOptions {
  /** the tool the user says wrote the report; checked against the content when detectable */
  tool?: ImportTool;
  filename?: string;
  limits?: ParseLimits;
}

/**
 * Reads one uploaded report. Throws ReportError (→ 422) for anything it cannot read: an unknown
 * format, a tool mismatch, malformed or hostile content, or a limit exceeded.
 */
export async function parseReport(input: Readable, options: ParseOptions = {}): Promise<ParsedReport> {
  const { head, stream } = await peek(input, HEAD_BYTES);
  const detected = detectFormat(head, options.filename);
  if (options.tool && detected && detected !== options.tool) {
    throw new ReportError({ en: `this looks like a ${detected} report, not ${options.tool}`, vi: `tệp này có vẻ là báo cáo ${detected}, không phải ${options.tool}` });
  }
  const tool = options.tool ?? detected;
  if (!tool) {
    if (!/\S/.test(head.toString('utf8'))) throw new ReportError({ en: 'the report is empty', vi: 'báo cáo trống' });
    throw new ReportError({
      en: `Attest does not recognise this report; it reads ${IMPORT_TOOLS.join(', ')} (see the README for the formats)`,
      vi: `Attest không nhận ra định dạng báo cáo này; các định dạng đọc được: ${IMPORT_TOOLS.join(', ')} (xem README)`,
    });
  }
  return MODULES[tool].parse(stream, options.limits ?? DEFAULT_LIMITS);
}
