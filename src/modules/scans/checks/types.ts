import type { Severity } from '../../../shared/enums';

/** The automated checks; a checklist control names the one that provides its evidence (`scanCheck`). */
export const CHECK_IDS = ['tls.protocols', 'tls.certificate', 'http.headers', 'http.redirect', 'ports.exposed'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** One endpoint of a system, resolved and checked against SCAN_ALLOWED_TARGETS before any packet. */
export interface Target {
  /** as the system lists it: a URL (`https://portal.example.org/`) or `host:port` */
  endpoint: string;
  /** the host name as given: SNI, Host header and certificate name checks use it */
  host: string;
  /** the address the allow-list admitted: every connection goes to this address, never to a new lookup */
  address: string;
  port: number;
  /** present when the endpoint is a URL */
  url?: URL;
}

export interface Failure {
  /** stable code, e.g. `tls.protocol.tls1_0`, `cert.expired`, `port.open.3306`, or an Observatory outcome */
  code: string;
  message: string;
  severity: Severity;
}

/** What one check found at one target. */
export interface TargetResult {
  /** stable key of what was checked; with the system and check it identifies a scan finding */
  target: string;
  /** error = could not be checked (timeout, refused, cannot grade): neither a pass nor a failure */
  status: 'pass' | 'fail' | 'error';
  failures: Failure[];
  /** what was seen (protocols accepted, certificate fields, headers, grade…), JSON-safe and bounded */
  observations: Record<string, unknown>;
  error?: string;
}

export interface CheckContext {
  /** for each connect, handshake and read */
  timeoutMs: number;
  /**
   * The address to connect to for `host`, after checking it against the allow-list; throws a
   * TargetRefusedError when any address of the host is outside it. Used before following a redirect.
   */
  resolveAllowed(host: string): Promise<string>;
  /** extra trusted CA certificates (PEM), besides Node's bundled roots */
  ca?: string[];
}

export interface Check {
  id: CheckId;
  /** default severity of a failure of this check */
  severity: Severity;
  /** whether the check has anything to do at this target */
  appliesTo(target: Target): boolean;
  run(target: Target, ctx: CheckContext): Promise<TargetResult[]>;
}

/** A target (or a redirect) outside SCAN_ALLOWED_TARGETS: refused before any packet is sent. */
export class TargetRefusedError extends Error {
  constructor(public readonly host: string, public readonly address?: string) {
    super(`${host}${address && address !== host ? ` (${address})` : ''} is outside SCAN_ALLOWED_TARGETS; not contacted`);
  }
}
