import type { Readable } from 'node:stream';
import { ReportError, type ImportedItem, type ImportSeverity, type ParsedReport, type ParseLimits } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TEXT_CHARS, TITLE_CHARS, clip, cveList, cweList, toDate, toPort, toProtocol, tooManyItems, type SeverityRow } from './common';
import { walkXml, type XmlElement } from './xml';

/** Nessus's severity attribute decides; risk_factor is kept as the tool's word. */
export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: '4 (Critical)', severity: 'critical' },
  { tool: '3 (High)', severity: 'high' },
  { tool: '2 (Medium)', severity: 'medium' },
  { tool: '1 (Low)', severity: 'low' },
  { tool: '0 (None / Info)', severity: 'info' },
];
const MAPPED: Record<string, ImportSeverity> = { '4': 'critical', '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };
const ITEM_TEXT = new Set(['description', 'solution', 'synopsis', 'risk_factor', 'plugin_output', 'cve', 'cwe']);

interface Host {
  name: string;
  port?: number;
  props: Record<string, string>;
  items: { item: ImportedItem; line: number }[];
}
interface Item {
  attrs: Record<string, string>;
  text: Record<string, string>;
  cve: string[];
  cwe: string[];
  line: number;
}

/** Nessus WAS names a host by URL; the network scanner by address or name. */
function hostName(name: string): { name: string; port?: number } {
  if (/^[a-z]+:\/\//i.test(name)) {
    try {
      const url = new URL(name);
      return { name: url.hostname, port: toPort(url.port) ?? (url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined) };
    } catch {
      return { name };
    }
  }
  return { name };
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const report = new ReportBuilder('nessus', limits);
  let host: Host | undefined;
  let item: Item | undefined;
  let scannedAt: Date | undefined;

  const open = (el: XmlElement): void => {
    if (el.name === 'ReportHost') host = { ...hostName(el.attrs.name ?? ''), props: {}, items: [] };
    else if (el.name === 'ReportItem' && host) item = { attrs: el.attrs, text: {}, cve: [], cwe: [], line: el.line };
  };

  const close = (el: XmlElement, stack: readonly XmlElement[]): void => {
    const parent = stack[stack.length - 1]?.name;
    if (item && parent === 'ReportItem' && ITEM_TEXT.has(el.name)) {
      if (el.name === 'cve' && item.cve.length < 500) item.cve.push(el.text);
      else if (el.name === 'cwe' && item.cwe.length < 50) item.cwe.push(el.text);
      else item.text[el.name] = el.text;
    } else if (el.name === 'ReportItem' && item && host) {
      toItem(host, item);
      item = undefined;
    } else if (host && el.name === 'tag' && parent === 'HostProperties' && el.attrs.name) {
      host.props[el.attrs.name] = el.text.trim();
    } else if (el.name === 'ReportHost' && host) {
      finishHost(host);
      host = undefined;
    }
  };

  const toItem = (h: Host, it: Item): void => {
    const a = it.attrs;
    const severity = MAPPED[String(a.severity ?? '').trim()];
    if (!severity) return;
    const risk = it.text.risk_factor?.trim();
    const port = toPort(a.port) ?? h.port;
    const item: ImportedItem = {
      rule: a.pluginID || a.pluginName || 'nessus',
      title: clip(a.pluginName || it.text.synopsis, TITLE_CHARS) ?? `Nessus plugin ${a.pluginID}`,
      severity,
      toolSeverity: risk || String(a.severity),
      host: h.name,
      port,
      protocol: toProtocol(a.protocol),
      evidence: clip(it.text.plugin_output, EVIDENCE_CHARS),
      description: clip([it.text.synopsis, it.text.description].filter(Boolean).join('\n\n'), TEXT_CHARS),
      solution: clip(it.text.solution === 'n/a' ? undefined : it.text.solution, TEXT_CHARS),
      cve: cveList(it.cve),
      cwe: cweList(it.cwe),
    };
    // collected per host and added at </ReportHost>, when the host's address is known
    if (h.items.length + report.items.length >= limits.maxItems) {
      throw new ReportError(tooManyItems(limits.maxItems), it.line);
    }
    h.items.push({ item, line: it.line });
  };

  const finishHost = (h: Host): void => {
    if (!h.name) return;
    const ip = h.props['host-ip'];
    const address = ip && ip !== h.name ? ip : undefined;
    const fqdn = h.props['host-fqdn'];
    report.cover(h.name, { address, names: fqdn ? [fqdn] : [], ports: h.port ? [h.port] : [] });
    for (const { item, line } of h.items) report.add({ ...item, address }, line);
    const start = toDate(h.props.HOST_START);
    if (start && (!scannedAt || start < scannedAt)) scannedAt = start;
  };

  await walkXml(input, limits, { roots: ['NessusClientData_v2'], format: 'a Nessus report (.nessus, NessusClientData_v2)', open, close });
  return report.build({ scannedAt });
}
