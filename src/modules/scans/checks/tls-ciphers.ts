import type { Severity } from '../../../shared/enums';
import type { Failure } from './types';
import { alertName, buildHello, versionName, type HelloAnswer } from './tls-hello';
import { RENEGOTIATION_SCSV, suiteName, suitesFor, type Suite } from './tls-suites';

/**
 * Which TLS 1.0–1.2 cipher suites a server accepts, found the way testssl does: offer every
 * known suite, note the one the ServerHello names, offer the rest again, until the server
 * refuses. Pure except for the `exchange` it is given, so a fake responder can drive it.
 */

export type Exchange = (hello: Buffer) => Promise<HelloAnswer>;

export interface Enumeration {
  version: number;
  /** in the order the server chose them */
  offered: Suite[];
  /** the server refused what was left: absence of a suite class can be trusted */
  complete: boolean;
  /** why the walk ended, for observations */
  stop: string;
}

export interface EnumerationLimits {
  /** handshakes started for this version, at most */
  maxConnections: number;
  /** epoch ms after which no new handshake starts */
  deadline: number;
  serverName?: string;
  now?: () => number;
}

export async function enumerateSuites(version: number, exchange: Exchange, limits: EnumerationLimits): Promise<Enumeration> {
  const now = limits.now ?? Date.now;
  let remaining = suitesFor(version);
  const offered: Suite[] = [];
  const end = (complete: boolean, stop: string): Enumeration => ({ version, offered, complete, stop });
  for (let connections = 0; ; connections += 1) {
    if (remaining.length === 0) return end(true, 'every known suite was accepted');
    if (connections >= limits.maxConnections) return end(false, `stopped after ${connections} handshakes`);
    if (now() >= limits.deadline) return end(false, 'time budget spent');
    const hello = buildHello({ version, suites: [...remaining.map((s) => s.id), RENEGOTIATION_SCSV], ...(limits.serverName ? { serverName: limits.serverName } : {}) });
    const answer = await exchange(hello);
    if (answer.kind === 'server_hello' && answer.version === version) {
      const chosen = remaining.find((s) => s.id === answer.cipherSuite);
      // A suite we did not offer (or none): the server is broken or not what it seems; stop rather than loop.
      if (!chosen) return end(false, `the server chose ${answer.cipherSuite === undefined ? 'no suite' : suiteName(answer.cipherSuite)}, which was not offered`);
      offered.push(chosen);
      remaining = remaining.filter((s) => s !== chosen);
      continue;
    }
    switch (answer.kind) {
      case 'server_hello':
        return end(true, `answered with ${versionName(answer.version)}`);
      case 'alert':
        return end(true, `alert ${alertName(answer.description)}`);
      case 'closed':
        return end(true, answer.reason);
      case 'failed':
        return end(false, answer.reason);
      case 'other':
        return end(false, `unexpected record type ${answer.contentType}`);
      case 'not_tls':
        return end(false, 'the answer is not TLS');
    }
  }
}

interface SuiteRule {
  code: string;
  severity: Severity;
  applies: (s: Suite) => boolean;
  what: string;
}

/** Presence of any one of these is a failure, named after the suites seen. */
const SUITE_RULES: readonly SuiteRule[] = [
  { code: 'tls.cipher.null', severity: 'critical', applies: (s) => s.null, what: 'cipher suites that do not encrypt at all' },
  { code: 'tls.cipher.anon', severity: 'critical', applies: (s) => s.anon, what: 'anonymous cipher suites, which do not authenticate the server, so anyone in the path can impersonate it' },
  { code: 'tls.cipher.export', severity: 'critical', applies: (s) => s.export, what: 'export-grade cipher suites, breakable in hours (FREAK, Logjam)' },
  { code: 'tls.cipher.rc4', severity: 'high', applies: (s) => s.rc4, what: 'RC4 cipher suites, prohibited by RFC 7465' },
  { code: 'tls.cipher.3des', severity: 'medium', applies: (s) => s.block64, what: 'cipher suites with a 64-bit block cipher, open to SWEET32 (CVE-2016-2183)' },
];

const MAX_NAMED = 8;

/**
 * testssl's forward-secrecy verdict counts a suite only when its key exchange is ephemeral and
 * authenticated and its cipher is not itself broken (no NULL, RC4, DES/3DES); TLS 1.3 always counts.
 */
function robustForwardSecrecy(s: Suite): boolean {
  return s.forwardSecrecy && !s.null && !s.rc4 && !s.block64 && !s.export;
}

/**
 * The cipher failures of one target. Presence failures use whatever was seen; absence failures
 * (no forward secrecy, no AEAD on TLS 1.2) need every walk that matters to have completed, so a
 * walk cut short by the budget never yields a failure it cannot prove.
 */
export function judgeSuites(walks: readonly Enumeration[], tls13Accepted: boolean): Failure[] {
  const failures: Failure[] = [];
  const seen = dedupe(walks.flatMap((w) => w.offered));
  for (const rule of SUITE_RULES) {
    const hits = seen.filter(rule.applies);
    if (hits.length > 0) failures.push({ code: rule.code, severity: rule.severity, message: `The server accepts ${rule.what}: ${names(hits)}.` });
  }

  const allComplete = walks.length > 0 && walks.every((w) => w.complete);
  if (allComplete && !tls13Accepted && seen.length > 0 && !seen.some(robustForwardSecrecy)) {
    failures.push({
      code: 'tls.cipher.no_forward_secrecy',
      severity: 'medium',
      message: `No accepted suite has forward secrecy (ECDHE/DHE) and TLS 1.3 is not offered: a stolen server key decrypts recorded traffic. Accepted: ${names(seen)}.`,
    });
  }

  const tls12 = walks.find((w) => w.version === 0x0303);
  if (tls12?.complete && tls12.offered.length > 0 && !tls12.offered.some((s) => s.aead)) {
    failures.push({
      code: 'tls.cipher.cbc_only_tls12',
      severity: 'low',
      message: `TLS 1.2 is offered without any AEAD suite (GCM, CCM, ChaCha20-Poly1305); only ${names(tls12.offered)}.`,
    });
  }
  return failures;
}

function dedupe(suites: Suite[]): Suite[] {
  return [...new Set(suites)];
}

function names(suites: Suite[]): string {
  const shown = suites.slice(0, MAX_NAMED).map((s) => s.name).join(', ');
  return suites.length > MAX_NAMED ? `${shown} and ${suites.length - MAX_NAMED} more` : shown;
}
