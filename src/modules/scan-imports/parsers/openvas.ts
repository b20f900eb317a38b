import type { Readable } from 'node:stream';
import type { ImportedItem, ImportSeverity, ParsedReport, ParseLimits } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TEXT_CHARS, TITLE_CHARS, clip, cveList, toDate, toPort, toProtocol, type SeverityRow } from './common';
import { walkXml, type XmlElement } from './xml';

/**
 * The result's numeric severity (CVSS) decides, like Nessus and CVSS v3's own bands, so a
 * 9.8 is critical even where GVM (before 24.10) calls everything from 7.0 "High". The threat
 * word is used only when a result has no score.
 */
export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: 'severity ≥ 9.0', severity: 'critical' },
  { tool: 'severity 7.0–8.9', severity: 'high' },
  { tool: 'severity 4.0–6.9', severity: 'medium' },
  { tool: 'severity 0.1–3.9', severity: 'low' },
  { tool: 'severity 0 (threat Log)', severity: 'info' },
  { tool: 'severity < 0 (False Positive, Debug, Error)', severity: 'not imported' },
  { tool: 'no score: threat Critical/High/Medium/Low/Log', severity: 'info', note: 'critical/high/medium/low/info by the word' },
];
const THREATS: Record<string, ImportSeverity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', log: 'info' };
/** GVM's result_count classes: "hole" is High, "warning" Medium, "info" Low, "log" Log */
const COUNT_CLASSES: Record<string, ImportSeverity> = { critical: 'critical', hole: 'high', warning: 'medium', info: 'low', log: 'info' };

export function severityOf(score: number | undefined, threat: string): ImportSeverity | undefined {
  if (score !== undefined && Number.isFinite(score)) {
    if (score < 0) return undefined;
    return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';
  }
  return THREATS[threat.toLowerCase()];
}

type Result = Partial<Record<'name' | 'host' | 'hostname' | 'port' | 'threat' | 'severity' | 'description' | 'tags' | 'solution' | 'nvtName' | 'cvss', string>> & {
  oid?: string;
  cves: string[];
  line: number;
};

const tag = (tags: string | undefined, key: string): string | undefined => tags?.split('|').find((t) => t.startsWith(`${key}=`))?.slice(key.length + 1);

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const report = new ReportBuilder('openvas', limits);
  let result: Result | undefined;
  let hostIp: string | undefined;
  let hostName: string | undefined;
  let detailName: string | undefined;
  let scannedAt: Date | undefined;
  let toolVersion: string | undefined;
  const stated: Partial<Record<ImportSeverity, number>> = {};
  let sawCounts = false;
  // covered hosts by address: the host list and the results name them differently
  const hosts = new Set<string>();
  const names = new Map<string, string>();

  const parentIs = (stack: readonly XmlElement[], name: string, up = 1): boolean => stack[stack.length - up]?.name === name;

  const open = (el: XmlElement, stack: readonly XmlElement[]): void => {
    if (el.name === 'result' && parentIs(stack, 'results')) result = { cves: [], line: el.line };
    else if (result && el.name === 'nvt') result.oid = el.attrs.oid;
    else if (result && el.name === 'ref' && el.attrs.type?.toLowerCase() === 'cve' && result.cves.length < 500) result.cves.push(el.attrs.id);
    else if (el.name === 'host' && parentIs(stack, 'report')) hostIp = hostName = undefined;
  };

  const close = (el: XmlElement, stack: readonly XmlElement[]): void => {
    const parent = stack[stack.length - 1]?.name;
    if (result) {
      if (el.name === 'result' && parent === 'results') {
        addResult(result);
        result = undefined;
      } else if (parent === 'result' && ['name', 'host', 'port', 'threat', 'severity', 'description'].includes(el.name)) {
        result[el.name as 'name'] = el.text.trim();
      } else if (parent === 'host' && el.name === 'hostname') result.hostname = el.text.trim();
      else if (parent === 'nvt' && ['tags', 'solution', 'name', 'cvss_base'].includes(el.name)) {
        result[el.name === 'name' ? 'nvtName' : el.name === 'cvss_base' ? 'cvss' : (el.name as 'tags')] = el.text.trim();
      }
      return;
    }
    const grand = stack[stack.length - 2]?.name;
    if (el.name === 'ip' && parent === 'host') hostIp = el.text.trim();
    else if (parent === 'detail' && el.name === 'name') detailName = el.text.trim();
    else if (parent === 'detail' && el.name === 'value' && detailName === 'hostname') hostName ||= el.text.trim();
    else if (el.name === 'host' && parent === 'report' && hostIp) {
      hosts.add(hostIp);
      if (hostName && !names.has(hostIp)) names.set(hostIp, hostName);
    }
    else if (el.name === 'filtered' && grand === 'result_count' && COUNT_CLASSES[parent ?? ''] && stack[stack.length - 3]?.name === 'report') {
      sawCounts = true;
      const sev = COUNT_CLASSES[parent!];
      stated[sev] = (stated[sev] ?? 0) + (Number(el.text) || 0);
    } else if (el.name === 'scan_start' && parent === 'report') scannedAt = toDate(el.text.trim());
    else if (el.name === 'version' && parent === 'gmp') toolVersion = `GMP ${el.text.trim()}`;
  };

  const addResult = (r: Result): void => {
    const score = r.severity !== undefined && r.severity !== '' ? Number(r.severity) : undefined;
    const severity = severityOf(score, r.threat ?? '');
    const address = r.host;
    if (!severity || !address) return;
    const [portText, protoText] = (r.port ?? '').split('/');
    const host = r.hostname || address;
    const item: ImportedItem = {
      rule: r.oid || r.nvtName || r.name || 'openvas',
      title: clip(r.name || r.nvtName, TITLE_CHARS) ?? 'OpenVAS result',
      severity,
      toolSeverity: [r.threat, r.severity && `(${r.severity})`].filter(Boolean).join(' '),
      host,
      address: host !== address ? address : undefined,
      port: toPort(portText),
      protocol: toProtocol(protoText),
      evidence: clip(r.description, EVIDENCE_CHARS),
      description: clip([tag(r.tags, 'summary'), tag(r.tags, 'insight'), tag(r.tags, 'impact')].filter(Boolean).join('\n\n'), TEXT_CHARS),
      solution: clip(r.solution || tag(r.tags, 'solution'), TEXT_CHARS),
      cve: cveList(r.cves),
    };
    hosts.add(address);
    if (r.hostname && !names.has(address)) names.set(address, r.hostname);
    report.add(item, r.line);
  };

  await walkXml(input, limits, {
    roots: ['report', 'get_reports_response'],
    format: 'an OpenVAS/Greenbone XML report',
    open,
    close,
  });
  for (const ip of hosts) report.cover(names.get(ip) ?? ip, { address: names.has(ip) ? ip : undefined });
  return report.build({ toolVersion, scannedAt, statedCounts: sawCounts ? stated : undefined });
}
