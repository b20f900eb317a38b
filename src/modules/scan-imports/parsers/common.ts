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

  /** texts kept once per report (at most 5 000): a scanner repeats a plugin's description and solution on every host */
  private readonly texts = new Map<string, string>();

  private readonly counts: Record<ImportSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  private total = 0;
  /** ZAP updates an item after adding it (another URL of the same alert), so its items are handed over at the end */
  private get streaming() { return Boolean(this.limits.sink) && this.tool !== 'zap'; }

  add(item: ImportedItem, line?: number): void {
    if (this.total >= this.limits.maxItems) {
      throw new ReportError(tooManyItems(this.limits.maxItems), line);
    }
    const fields = item as unknown as Record<string, string | undefined>;
    for (const k of ['title', 'description', 'solution', 'toolSeverity', 'rule'] as const) if (fields[k] !== undefined) fields[k] = this.intern(fields[k]!);
    // what differs on every item: copied (see intern), never cached
    for (const k of ['evidence', 'host', 'address'] as const) if (fields[k] !== undefined) fields[k] = flat(fields[k]!);
    this.total++;
    this.counts[item.severity]++;
    if (this.streaming) this.limits.sink!(item);
    else this.items.push(item);
  }

  /**
   * The one copy of a text for this report, flattened: a string cut out of the XML reader's chunk
   * would otherwise keep that whole chunk in memory for as long as the item lives.
   */
  private intern(text: string): string {
    const seen = this.texts.get(text);
    if (seen !== undefined) return seen;
    const copy = flat(text);
    if (this.texts.size < 5_000) this.texts.set(copy, copy);
    return copy;
  }

  /** Record that the report looked at `host` (and `port`, when it scanned specific ports). */
  cover(host: string, opts: { address?: string; names?: string[]; ports?: Iterable<number> } = {}): void {
    if (!host) return;
    host = flat(host);
    opts = { ...opts, address: opts.address && flat(opts.address), names: opts.names?.map(flat) };
    // one name can resolve to several addresses, each scanned on its own
    const key = `${host}\u0000${opts.address ?? ''}`;
    let entry = this.hosts.get(key);
    if (!entry) {
      entry = { host, ports: [] };
      this.hosts.set(key, entry);
      if (this.hosts.size > this.limits.maxItems) throw new ReportError({ en: `the report lists more than ${this.limits.maxItems} hosts`, vi: `báo cáo có hơn ${this.limits.maxItems} máy chủ (host)` });
    }
    if (opts.address && opts.address !== host) entry.address = opts.address;
    const names = (opts.names ?? []).filter((n) => n && n !== host && n !== entry.address);
    if (names.length) entry.names = [...new Set([...(entry.names ?? []), ...names])];
    if (opts.ports) entry.ports = [...new Set([...entry.ports, ...opts.ports])].sort((a, b) => a - b);
  }

  build(extra: Partial<ParsedReport> = {}): ParsedReport {
    if (this.limits.sink && !this.streaming) for (const item of this.items.splice(0)) this.limits.sink(item);
    return { tool: this.tool, ...extra, covered: [...this.hosts.values()], items: this.items, counts: { ...this.counts } };
  }
}

/**
 * A copy of a text that shares no memory with the text it was cut from: a string sliced out of the
 * XML reader's 64 KB chunk keeps that whole chunk alive for as long as the slice lives.
 */
export const flat = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

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

/** Why a report with too many items is refused. */
export const tooManyItems = (max: number) => ({ en: `the report lists more than ${max} items; split it`, vi: `báo cáo có hơn ${max} mục; hãy tách thành nhiều tệp` });

export function tooBig(): ReportError {
  return new ReportError({ en: `the report is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB`, vi: `báo cáo lớn hơn ${MAX_REPORT_BYTES / 1024 / 1024} MB` });
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
