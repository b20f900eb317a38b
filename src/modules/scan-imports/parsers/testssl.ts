import type { Readable } from 'node:stream';
import type { ImportSeverity, ParsedReport, ParseLimits } from '../types';
import { ReportError } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TITLE_CHARS, clip, cveList, cweList, toDate, toPort, type SeverityRow } from './common';
import { parseJson, readAll } from './json';

/** testssl.sh's own severity words; only LOW or worse become items. */
export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: 'CRITICAL', severity: 'critical' },
  { tool: 'HIGH', severity: 'high' },
  { tool: 'MEDIUM', severity: 'medium' },
  { tool: 'LOW', severity: 'low' },
  { tool: 'WARN', severity: 'not imported', note: 'a problem of the scan itself, not of the server' },
  { tool: 'INFO', severity: 'not imported' },
  { tool: 'OK', severity: 'not imported' },
  { tool: 'DEBUG', severity: 'not imported' },
  { tool: 'FATAL', severity: 'not imported', note: 'the scan could not run; the target is not counted as covered' },
];

const MAPPED: Record<string, ImportSeverity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };
/** severities that mean a test actually ran against the target */
const TESTED = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'OK']);

interface Entry {
  id?: unknown;
  ip?: unknown;
  port?: unknown;
  severity?: unknown;
  finding?: unknown;
  cve?: unknown;
  cwe?: unknown;
}

/** testssl writes "name/address" (the name may be empty, or the address itself). */
function splitTarget(value: unknown): { host: string; address?: string } {
  const text = String(value ?? '').trim();
  const slash = text.lastIndexOf('/');
  if (slash < 0) return { host: text };
  const name = text.slice(0, slash);
  const address = text.slice(slash + 1);
  if (!name) return { host: address };
  return { host: name, address: address && address !== name ? address : undefined };
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const data = parseJson(await readAll(input), limits);
  const report = new ReportBuilder('testssl', limits);
  const take = (e: Entry, target: { host: string; address?: string }, port: number | undefined): void => {
    if (!e || typeof e !== 'object' || !target.host) return;
    const word = String(e.severity ?? '').toUpperCase();
    if (TESTED.has(word)) report.cover(target.host, { address: target.address, ports: port ? [port] : [] });
    const severity = MAPPED[word];
    if (!severity) return;
    const id = String(e.id ?? '').trim() || 'testssl';
    report.add({
      rule: id,
      title: clip(`${id}: ${String(e.finding ?? '')}`, TITLE_CHARS) ?? id,
      severity,
      toolSeverity: word,
      host: target.host,
      address: target.address,
      port,
      protocol: 'tcp',
      evidence: clip(e.finding, EVIDENCE_CHARS),
      cwe: cweList(e.cwe),
      cve: cveList(e.cve),
    });
  };

  if (Array.isArray(data)) {
    for (const e of data as Entry[]) take(e, splitTarget(e?.ip), toPort(e?.port));
    return report.build();
  }
  const doc = data as { scanResult?: unknown; version?: unknown; startTime?: unknown };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.scanResult)) {
    throw new ReportError({
      en: 'this is not a testssl.sh JSON report: expected an array (--jsonfile) or an object with scanResult (--jsonfile-pretty)',
      vi: 'đây không phải báo cáo JSON của testssl.sh: cần một mảng (--jsonfile) hoặc một đối tượng có scanResult (--jsonfile-pretty)',
    });
  }
  for (const target of doc.scanResult as Record<string, unknown>[]) {
    if (!target || typeof target !== 'object') continue;
    const name = String(target.targetHost ?? '').trim();
    const ip = String(target.ip ?? '').trim();
    const host = name || ip;
    const where = { host, address: ip && ip !== host ? ip : undefined };
    const port = toPort(target.port);
    // every array in a target is a section (protocols, ciphers, vulnerabilities …) of entries
    for (const section of Object.values(target)) {
      if (Array.isArray(section)) for (const e of section as Entry[]) take(e, where, port);
    }
  }
  return report.build({
    toolVersion: clip(doc.version, 100),
    scannedAt: toDate(Number(doc.startTime) || undefined),
  });
}
