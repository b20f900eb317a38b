import type { Readable } from 'node:stream';
import type { ParsedReport, ParseLimits } from '../types';
import { EVIDENCE_CHARS, ReportBuilder, TITLE_CHARS, clip, toDate, toPort, toProtocol, type SeverityRow } from './common';
import { walkXml, type XmlElement } from './xml';

/** nmap states no severities: every open port is an `info` item; exposure is judged later against the system's allowed ports. */
export const SEVERITY_MAP: readonly SeverityRow[] = [
  { tool: 'port state open', severity: 'info', note: 'one item per open port, rule port.<tcp|udp>.<n>' },
  { tool: 'other port states (closed, filtered, open|filtered …)', severity: 'not imported' },
];

interface HostState {
  up: boolean;
  address?: string;
  names: { name: string; type: string }[];
  ports: OpenPort[];
}

interface OpenPort {
  port: number;
  protocol: 'tcp' | 'udp';
  service?: Record<string, string>;
  scripts: string[];
}

/** "1,3-4,6-7" → numbers; bounded by the port space. */
export function expandPorts(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',').slice(0, 70_000)) {
    const [a, b] = part.split('-').map((s) => Number(s.trim()));
    const lo = toPort(a);
    const hi = b === undefined ? lo : toPort(b);
    if (lo === undefined || hi === undefined) continue;
    for (let p = lo; p <= hi && p <= 65_535; p++) out.add(p);
  }
  return [...out];
}

export async function parse(input: Readable, limits: ParseLimits): Promise<ParsedReport> {
  const report = new ReportBuilder('nmap', limits);
  const scanned = new Set<number>();
  let host: HostState | undefined;
  let port: (Partial<OpenPort> & { state?: string; scripts: string[] }) | undefined;
  let toolVersion: string | undefined;
  let scannedAt: Date | undefined;

  const open = (el: XmlElement): void => {
    const a = el.attrs;
    switch (el.name) {
      case 'nmaprun':
        toolVersion = a.version;
        scannedAt = toDate(Number(a.start) || undefined);
        break;
      case 'scaninfo':
        for (const p of expandPorts(a.services ?? '')) scanned.add(p);
        break;
      case 'host':
        host = { up: false, names: [], ports: [] };
        break;
      case 'status':
        if (host) host.up = a.state === 'up';
        break;
      case 'address':
        // a MAC address names the network card, not the host we reach
        if (host && a.addrtype !== 'mac' && !host.address) host.address = a.addr;
        break;
      case 'hostname':
        if (host && a.name) host.names.push({ name: a.name, type: a.type ?? '' });
        break;
      case 'port':
        port = { port: toPort(a.portid), protocol: toProtocol(a.protocol), scripts: [] };
        break;
      case 'state':
        if (port) port.state = a.state;
        break;
      case 'service':
        if (port) port.service = a;
        break;
      case 'script':
        if (port && a.id) port.scripts.push(`${a.id}: ${(a.output ?? '').trim()}`);
        break;
    }
  };

  const close = (el: XmlElement): void => {
    if (el.name === 'port' && port && host) {
      if (port.state === 'open' && port.port && port.protocol) {
        host.ports.push({ port: port.port, protocol: port.protocol, service: port.service, scripts: port.scripts });
      }
      port = undefined;
    } else if (el.name === 'host' && host) {
      finishHost(host, el.line);
      host = undefined;
    }
  };

  const finishHost = (h: HostState, line: number): void => {
    // the name the user asked for first, then a PTR name, then the address
    const preferred = h.names.find((n) => n.type === 'user') ?? h.names[0];
    const name = preferred?.name ?? h.address;
    if (!name) return;
    // a host that was down, or a ping scan (no port list), cannot vouch that a port problem is gone
    if ((h.up && scanned.size) || h.ports.length) {
      // every port scanned: the whole host (an empty list) rather than 65 535 numbers
      const ports = scanned.size >= 65_535 ? [] : [...scanned, ...h.ports.map((p) => p.port)];
      report.cover(name, { address: h.address, names: h.names.map((n) => n.name), ports });
    }
    for (const p of h.ports) {
      const s = p.service ?? {};
      const svc = [s.name, s.product, s.version, s.extrainfo].filter(Boolean).join(' ');
      const evidence = [`${p.protocol}/${p.port} open`, svc && `service: ${svc}`, s.tunnel && `tunnel: ${s.tunnel}`, ...p.scripts]
        .filter(Boolean)
        .join('\n');
      report.add(
        {
          rule: `port.${p.protocol}.${p.port}`,
          title: clip(`Open port ${p.protocol}/${p.port}${s.name ? ` (${s.name})` : ''}`, TITLE_CHARS)!,
          severity: 'info',
          toolSeverity: 'open',
          host: name,
          address: h.address !== name ? h.address : undefined,
          port: p.port,
          protocol: p.protocol,
          evidence: clip(evidence, EVIDENCE_CHARS),
        },
        line,
      );
    }
  };

  await walkXml(input, limits, { roots: ['nmaprun'], format: 'an nmap XML report (-oX)', open, close });
  return report.build({ toolVersion, scannedAt });
}
