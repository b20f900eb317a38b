import type { Severity } from '../../shared/enums';
import type { Bilingual } from '../../shared/bilingual';

/** The external scanners whose reports Attest imports (POST /api/v1/scan-imports). */
export const IMPORT_TOOLS = ['nmap', 'testssl', 'sslyze', 'zap', 'nuclei', 'openvas', 'nessus'] as const;
export type ImportTool = (typeof IMPORT_TOOLS)[number];

/** A finding severity, or `info`: shown in previews and counts, never raised as a finding. */
export type ImportSeverity = Severity | 'info';

/** One problem a report lists at one target. */
export interface ImportedItem {
  /** the tool's own id for the problem: nmap `port.<proto>.<port>`, testssl `id`, sslyze check name, ZAP pluginid, Nuclei template-id, OpenVAS NVT OID, Nessus pluginID */
  rule: string;
  /** the tool's title, as written (English), at most 300 characters */
  title: string;
  /** mapped by the tool's severity table (README "Severity mapping") */
  severity: ImportSeverity;
  /** the tool's own severity word or score, as written */
  toolSeverity: string;
  /** host as the report names it (name when it gives one, else address) */
  host: string;
  /** the address when the report gives one besides the name */
  address?: string;
  port?: number;
  protocol?: 'tcp' | 'udp';
  /** what the tool saw, at most 2 000 characters */
  evidence?: string;
  /** at most 4 000 characters each */
  description?: string;
  solution?: string;
  cwe?: number[];
  cve?: string[];
}

/** A host the report says it looked at, with the ports it covered (empty = the whole host). */
export interface CoveredHost {
  host: string;
  address?: string;
  /** other names the report gives for the host */
  names?: string[];
  ports: number[];
}

export interface ParsedReport {
  tool: ImportTool;
  toolVersion?: string;
  /** when the tool ran, if the report says */
  scannedAt?: Date;
  covered: CoveredHost[];
  items: ImportedItem[];
  /**
   * Counts per severity that the report itself states, in the tool's words mapped to ours
   * (e.g. Nessus/OpenVAS result counts, ZAP's riskcode totals), when it states any.
   */
  statedCounts?: Partial<Record<ImportSeverity, number>>;
  /** every item read, per severity (with a sink, the items themselves went to it) */
  counts: Record<ImportSeverity, number>;
}

/** Limits every parser enforces while reading (the route also caps the upload size). */
export interface ParseLimits {
  /** stop with a ReportError past this many items */
  maxItems: number;
  /** the longest single text node / JSON string kept (longer ones are cut, not refused) */
  maxTextChars: number;
  /** the deepest XML element nesting / JSON nesting accepted */
  maxDepth: number;
  /**
   * When given, each item goes to it as soon as it is read and is not kept in `items` (the report's
   * memory then stays flat whatever its size); `counts` still counts every item. ZAP reports keep
   * their items (an alert seen again on another URL updates the first one's evidence) and hand
   * them over when the report ends.
   */
  sink?: (item: ImportedItem) => void;
}

export const DEFAULT_LIMITS: ParseLimits = { maxItems: 200_000, maxTextChars: 4_000, maxDepth: 64 };

/** A report that cannot be read: the route answers 422 with this message (and the line, when known). */
export class ReportError extends Error {
  /** why, in both languages (with the line when known) */
  public readonly text: Bilingual;
  constructor(message: string | Bilingual, public readonly line?: number) {
    const text = typeof message === 'string' ? { en: message, vi: message } : message;
    super(line ? `${text.en} (line ${line})` : text.en);
    this.text = { en: this.message, vi: line ? `${text.vi} (dòng ${line})` : text.vi };
  }
}
