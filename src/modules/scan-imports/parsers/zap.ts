import type { Readable } from 'node:stream';
import type { ImportSeverity, ParsedReport, ParseLimits } from '../types';
import { ReportError } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TEXT_CHARS, TITLE_CHARS, clip, cweList, peek, toDate, toPort, type SeverityRow } from './common';
import { parseJson, readAll } from './json';
import { parseZapXml } from './zap-xml';

/** ZAP riskcode → ours. ZAP has no "critical". */
export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: '3 (High)', severity: 'high' },
  { tool: '2 (Medium)', severity: 'medium' },
  { tool: '1 (Low)', severity: 'low' },
  { tool: '0 (Informational)', severity: 'info' },
  { tool: '-1 (False Positive)', severity: 'not imported' },
];
const RISK: Record<string, ImportSeverity> = { '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };
const MAX_URIS = 20;

/** One alert of one site, as both the XML and the JSON report give it. */
export interface ZapAlert {
  pluginid?: string;
  alertRef?: string;
  name?: string;
  riskcode?: string;
  riskdesc?: string;
  confidence?: string;
  desc?: string;
  solution?: string;
  otherinfo?: string;
  reference?: string;
  cweid?: string;
  count?: string;
  instances: { uri?: string; method?: string; param?: string; evidence?: string }[];
}
export interface ZapSite {
  name?: string;
  host?: string;
  port?: string;
}

/** ZAP's HTML fragments (<p>…</p>) as plain text. */
const plain = (html: string | undefined): string | undefined => html?.replace(/<\/p>\s*<p>/g, '\n').replace(/<[^>]{0,200}>/g, '').trim();

/**
 * Builds items: one per alert per site (host + port). ZAP can list the same alert twice for a
 * site (DefectDojo's "internal duplicates" sample); those merge into one item, instances joined.
 */
export class ZapCollector {
  readonly report: ReportBuilder;
  private readonly seen = new Map<string, { uris: Set<string>; index: number }>();
  /** alert items per riskcode as the report lists them (before merging duplicates) */
  readonly stated: Partial<Record<ImportSeverity, number>> = {};

  constructor(limits: ParseLimits) {
    this.report = new ReportBuilder('zap', limits);
  }

  site(site: ZapSite): void {
    if (site.host) this.report.cover(site.host, { ports: toPort(site.port) ? [toPort(site.port)!] : [] });
  }

  alert(site: ZapSite, a: ZapAlert, line?: number): void {
    const severity = RISK[String(a.riskcode ?? '').trim()];
    if (!severity || !site.host) return;
    this.stated[severity] = (this.stated[severity] ?? 0) + 1;
    const port = toPort(site.port);
    const rule = (a.alertRef || a.pluginid || '').trim() || 'zap';
    const key = `${site.host}|${port}|${rule}`;
    const uris = a.instances.map((i) => [i.method, i.uri, i.param && `param=${i.param}`].filter(Boolean).join(' ')).filter(Boolean);
    const known = this.seen.get(key);
    if (known) {
      for (const u of uris) if (known.uris.size < MAX_URIS) known.uris.add(u);
      this.report.items[known.index].evidence = clip(evidenceText(a, known.uris), EVIDENCE_CHARS);
      return;
    }
    const set = new Set(uris.slice(0, MAX_URIS));
    this.seen.set(key, { uris: set, index: this.report.items.length });
    this.report.add(
      {
        rule,
        title: clip(a.name, TITLE_CHARS) ?? rule,
        severity,
        toolSeverity: clip(plain(a.riskdesc), 100) ?? String(a.riskcode),
        host: site.host,
        port,
        protocol: 'tcp',
        evidence: clip(evidenceText(a, set), EVIDENCE_CHARS),
        description: clip(plain(a.desc), TEXT_CHARS),
        solution: clip(plain(a.solution), TEXT_CHARS),
        cwe: cweList(a.cweid),
      },
      line,
    );
  }
}

function evidenceText(a: ZapAlert, uris: Set<string>): string {
  const sample = a.instances.find((i) => i.evidence)?.evidence;
  return [`${a.count ?? uris.size} instance(s)`, ...uris, sample && `evidence: ${sample}`].filter(Boolean).join('\n');
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const { head, stream } = await peek(input, 1024);
  if (/^\s*</.test(head.toString('utf8').replace(/^\uFEFF/, ''))) return parseZapXml(stream, limits);
  const doc = parseJson(await readAll(stream), limits) as Record<string, unknown>;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.site)) {
    throw new ReportError({ en: 'this is not a ZAP JSON report (traditional-json): "site" is missing', vi: 'đây không phải báo cáo JSON của ZAP (traditional-json): thiếu "site"' });
  }
  const zap = new ZapCollector(limits);
  for (const s of doc.site as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object') continue;
    const site: ZapSite = { name: str(s['@name']), host: str(s['@host']), port: str(s['@port']) };
    zap.site(site);
    for (const a of Array.isArray(s.alerts) ? (s.alerts as Record<string, unknown>[]) : []) {
      if (!a || typeof a !== 'object') continue;
      const instances = (Array.isArray(a.instances) ? a.instances : []).map((i: Record<string, unknown>) => ({
        uri: str(i?.uri), method: str(i?.method), param: str(i?.param), evidence: str(i?.evidence),
      }));
      zap.alert(site, {
        pluginid: str(a.pluginid), alertRef: str(a.alertRef), name: str(a.alert ?? a.name), riskcode: str(a.riskcode),
        riskdesc: str(a.riskdesc), desc: str(a.desc), solution: str(a.solution), cweid: str(a.cweid), count: str(a.count), instances,
      });
    }
  }
  return zap.report.build({ toolVersion: str(doc['@version']), scannedAt: toDate(doc.created ?? doc['@generated']), statedCounts: zap.stated });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 100_000) : undefined;
}
