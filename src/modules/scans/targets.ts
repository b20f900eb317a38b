import dns from 'node:dns';
import net from 'node:net';
import { TargetRefusedError, type Target } from './checks/types';

/*
 * Where the scanner may send packets: SCAN_ALLOWED_TARGETS, a list of CIDRs (`10.20.0.0/16`,
 * `::1/128`), single addresses and host patterns (`localhost`, `*.portal.example.gov`). A host
 * is admitted when its name matches a pattern, or when every address it resolves to lies in an
 * admitted CIDR. The check happens before any packet, and every connection then goes to the
 * address that was checked (never to a second lookup), so a name cannot be re-pointed between
 * the check and the probe.
 */
export interface AllowList { blocks: net.BlockList; patterns: RegExp[]; entries: string[] }

export function parseAllowList(entries: string[]): AllowList {
  const blocks = new net.BlockList();
  const patterns: RegExp[] = [];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(e);
    if (cidr && net.isIP(cidr[1])) {
      const family = net.isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
      const bits = Number(cidr[2]);
      if (bits > (family === 'ipv6' ? 128 : 32)) throw new Error(`SCAN_ALLOWED_TARGETS: ${raw} has a prefix longer than the address`);
      blocks.addSubnet(cidr[1], bits, family);
    } else if (net.isIP(e)) {
      blocks.addAddress(e, net.isIP(e) === 6 ? 'ipv6' : 'ipv4');
    } else if (/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/.test(e)) {
      const body = e.replace(/^\*\./, '').replace(/\./g, '\\.');
      patterns.push(new RegExp(e.startsWith('*.') ? `^([a-z0-9-]+\\.)+${body}$` : `^${body}$`));
    } else {
      throw new Error(`SCAN_ALLOWED_TARGETS: "${raw}" is not a CIDR, an address or a host pattern`);
    }
  }
  return { blocks, patterns, entries };
}

const family = (address: string) => (net.isIP(address) === 6 ? 'ipv6' : 'ipv4');
const inBlocks = (list: AllowList, address: string) => list.blocks.check(address, family(address));

const LOOKUP_TIMEOUT_MS = 5000;

async function lookup(host: string): Promise<string[]> {
  if (net.isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      dns.promises.lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`looking up ${host} took longer than ${LOOKUP_TIMEOUT_MS} ms`)), LOOKUP_TIMEOUT_MS); }),
    ]);
    return found.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/** The address to contact for `host`, or TargetRefusedError when the allow-list does not admit it. */
export async function resolveAllowed(list: AllowList, host: string): Promise<string> {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  const addresses = await lookup(name);
  if (!addresses.length) throw new Error(`${name} does not resolve`);
  const byName = list.patterns.some((p) => p.test(name));
  const outside = addresses.find((a) => !inBlocks(list, a));
  if (!byName && outside) throw new TargetRefusedError(name, outside);
  // prefer an address the CIDRs admit, then IPv4 (loopback services often listen on 127.0.0.1 only)
  return [...addresses].sort((a, b) => Number(inBlocks(list, b)) - Number(inBlocks(list, a)) || net.isIP(a) - net.isIP(b))[0];
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** An endpoint as the system lists it: a URL (http/https) or host:port. */
export function parseEndpoint(endpoint: string): { host: string; port: number; url?: URL } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    const url = new URL(endpoint);
    if (!DEFAULT_PORT[url.protocol]) throw new Error(`${endpoint}: only http and https URLs can be scanned`);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || DEFAULT_PORT[url.protocol]), url };
  }
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(endpoint);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`${endpoint}: expected a URL or host:port`);
  return { host: m[1], port: Number(m[2]) };
}

/** Resolves an endpoint into a Target, refusing it (before any packet) when it is not allowed. */
export async function toTarget(list: AllowList, endpoint: string): Promise<Target> {
  const { host, port, url } = parseEndpoint(endpoint);
  return { endpoint, host, port, url, address: await resolveAllowed(list, host) };
}
