import type { Readable } from 'node:stream';
import type { ImportSeverity, ParsedReport, ParseLimits } from '../types';
import { ReportError } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TEXT_CHARS, TITLE_CHARS, clip, cveList, cweList, peek, toPort, type SeverityRow } from './common';
import { firstChar, lines, parseJson, readAll } from './json';

export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: 'critical', severity: 'critical' },
  { tool: 'high', severity: 'high' },
  { tool: 'medium', severity: 'medium' },
  { tool: 'low', severity: 'low' },
  { tool: 'info', severity: 'info' },
  { tool: 'unknown (or missing)', severity: 'info', note: 'the template author gave no severity; shown, never raised' },
];
const MAPPED: Record<string, ImportSeverity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' };

/** One JSONL line may be at most this long; Nuclei lines with full request/response are well under 1 MB. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Host and port from "https://h:8443/x", "h:22" or a bare "h". */
function target(value: unknown): { host?: string; port?: number } {
  const text = String(value ?? '').trim();
  if (!text) return {};
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      const fallback = url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: toPort(url.port) ?? fallback };
    } catch {
      return {};
    }
  }
  const m = /^\[?([^\]/]+?)\]?(?::(\d+))?(?:\/.*)?$/.exec(text);
  return m ? { host: m[1], port: toPort(m[2]) } : {};
}

function addResult(report: ReportBuilder, r: Json, line?: number): void {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new ReportError({ en: 'this is not a Nuclei result: expected a JSON object', vi: 'đây không phải kết quả Nuclei: cần một đối tượng JSON' }, line);
  const info: Json = r.info && typeof r.info === 'object' ? r.info : {};
  const templateId = String(r['template-id'] ?? r.templateID ?? r.template ?? '').trim();
  if (!templateId) throw new ReportError({ en: 'this is not a Nuclei result: template-id is missing', vi: 'đây không phải kết quả Nuclei: thiếu template-id' }, line);
  const word = String(info.severity ?? 'unknown').toLowerCase();
  const matched = r['matched-at'] ?? r.matched;
  const fromHost = target(r.host);
  const fromMatch = target(matched);
  const host = fromHost.host ?? fromMatch.host ?? (r.ip ? String(r.ip) : undefined);
  if (!host) throw new ReportError({ en: 'a Nuclei result names no host', vi: 'một kết quả Nuclei không nêu máy chủ (host) nào' }, line);
  const port = toPort(r.port) ?? fromMatch.port ?? fromHost.port;
  const address = r.ip && String(r.ip) !== host ? String(r.ip) : undefined;
  const matcher = r['matcher-name'] ? String(r['matcher-name']) : undefined;
  const extracted = Array.isArray(r['extracted-results']) ? r['extracted-results'].slice(0, 20).join(', ') : undefined;
  const classification: Json = info.classification && typeof info.classification === 'object' ? info.classification : {};
  report.cover(host, { address, ports: port ? [port] : [] });
  report.add(
    {
      // one template can match several ways on one target (tech-detect): the matcher tells them apart
      rule: matcher ? `${templateId}:${matcher}` : templateId,
      title: clip(`${info.name ?? templateId}${matcher ? ` (${matcher})` : ''}`, TITLE_CHARS)!,
      severity: MAPPED[word] ?? 'info',
      toolSeverity: word,
      host,
      address,
      port,
      protocol: r.type === 'udp' ? 'udp' : port ? 'tcp' : undefined,
      evidence: clip([matched && `matched at: ${matched}`, extracted && `extracted: ${extracted}`].filter(Boolean).join('\n'), EVIDENCE_CHARS),
      description: clip(info.description, TEXT_CHARS),
      solution: clip(info.remediation, TEXT_CHARS),
      cwe: cweList(classification['cwe-id']),
      cve: cveList(classification['cve-id'] ?? templateId),
    },
    line,
  );
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const report = new ReportBuilder('nuclei', limits);
  const { head, stream } = await peek(input, 64);
  // a JSON array export is read whole; JSONL (nuclei -jsonl / -o) line by line
  if (firstChar(head.toString('utf8').replace(/^\uFEFF/, '')) === '[') {
    const data = parseJson(await readAll(stream), limits);
    if (!Array.isArray(data)) throw new ReportError({ en: 'this is not a Nuclei JSON export: expected an array', vi: 'đây không phải tệp JSON xuất từ Nuclei: cần một mảng' });
    for (const r of data) addResult(report, r as Json);
    return report.build();
  }
  for await (const { text, line } of lines(stream, MAX_LINE_BYTES)) {
    if (!text.trim()) continue;
    addResult(report, parseJson(text, limits, line - 1) as Json, line);
  }
  return report.build();
}
