import { Readable } from 'node:stream';
import type { CoveredHost, ImportedItem, ImportSeverity, ImportTool, ParsedReport, ParseLimits } from '../types';
import { ReportError } from '../types';

/** A severity table row: the tool's word (or score band) → ours, with why. */
export interface SeverityRow {
  tool: string;
  severity: ImportSeverity | 'not imported';
  note?: string;
}

export const TITLE_CHARS = 300;
export const EVIDENCE_CHARS = 2_000;
export const TEXT_CHARS = 4_000;

/** Cut a text to `max` characters (never refuse a long text), trimmed; undefined when empty. */
export function clip(text: unknown, max: number): string | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const value = String(text).trim();
  if (!value) return undefined;
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export function toPort(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(String(value ?? '').trim());
  return Number.isInteger(n) && n > 0 && n <= 65_535 ? n : undefined;
}

export function toProtocol(value: unknown): 'tcp' | 'udp' | undefined {
  const p = String(value ?? '').toLowerCase();
  return p === 'tcp' || p === 'udp' ? p : undefined;
}

/** CWE ids from "CWE-79", "79", ["CWE-79", …]; ignores junk such as "-1" or "0". */
export function cweList(value: unknown): number[] | undefined {
  const raw = Array.isArray(value) ? value.join(' ') : String(value ?? '');
  const ids = [...raw.matchAll(/(?:^|[^\d-])(?:CWE-)?(\d{1,5})\b/gi)].map((m) => Number(m[1])).filter((n) => n > 0);
  return ids.length ? [...new Set(ids)].slice(0, 20) : undefined;
}

export function cveList(value: unknown): string[] | undefined {
  const raw = Array.isArray(value) ? value.join(' ') : String(value ?? '');
  const ids = [...raw.matchAll(/CVE-\d{4}-\d{4,7}/gi)].map((m) => m[0].toUpperCase());
  return ids.length ? [...new Set(ids)].slice(0, 200) : undefined;
}

export function toDate(value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Collects items and covered hosts with the item limit enforced as they arrive. */
export class ReportBuilder {
  readonly items: ImportedItem[] = [];
  private readonly hosts = new Map<string, CoveredHost>();

  constructor(private readonly tool: ImportTool, private readonly limits: ParseLimits) {}

  add(item: ImportedItem, line?: number): void {
    if (this.items.length >= this.limits.maxItems) {
      throw new ReportError(`the report lists more than ${this.limits.maxItems} items; split it`, line);
    }
    this.items.push(item);
  }

  /** Record that the report looked at `host` (and `port`, when it scanned specific ports). */
  cover(host: string, opts: { address?: string; names?: string[]; ports?: Iterable<number> } = {}): void {
    if (!host) return;
    // one name can resolve to several addresses, each scanned on its own
    const key = `${host}\u0000${opts.address ?? ''}`;
    let entry = this.hosts.get(key);
    if (!entry) {
      entry = { host, ports: [] };
      this.hosts.set(key, entry);
      if (this.hosts.size > this.limits.maxItems) throw new ReportError(`the report lists more than ${this.limits.maxItems} hosts`);
    }
    if (opts.address && opts.address !== host) entry.address = opts.address;
    const names = (opts.names ?? []).filter((n) => n && n !== host && n !== entry.address);
    if (names.length) entry.names = [...new Set([...(entry.names ?? []), ...names])];
    if (opts.ports) entry.ports = [...new Set([...entry.ports, ...opts.ports])].sort((a, b) => a - b);
  }

  build(extra: Partial<ParsedReport> = {}): ParsedReport {
    return { tool: this.tool, ...extra, covered: [...this.hosts.values()], items: this.items };
  }
}

/** Count items per severity (tests and previews). */
export function countBySeverity(items: readonly { severity: ImportSeverity }[]): Partial<Record<ImportSeverity, number>> {
  const counts: Partial<Record<ImportSeverity, number>> = {};
  for (const item of items) counts[item.severity] = (counts[item.severity] ?? 0) + 1;
  return counts;
}

/**
 * The largest report the parsers read (the route's upload cap should be at most this).
 * JSON reports (not JSONL) are held in memory whole, so this bounds their memory too.
 */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

export function tooBig(): ReportError {
  return new ReportError(`the report is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB`);
}

/** Reads the first `bytes` of a stream and hands back those bytes plus a stream that replays them before the rest. */
export async function peek(input: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const buf = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    taken.push(buf);
    size += buf.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* taken;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { head: Buffer.concat(taken).subarray(0, bytes), stream: Readable.from(replay(), { objectMode: false }) };
}
