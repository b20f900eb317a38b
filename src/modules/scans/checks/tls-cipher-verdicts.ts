import type { Severity } from '../../../shared/enums';
import type { Failure } from './types';
import { robustForwardSecrecy, weakSuite, type CipherProbe, type Learnt } from './tls-ciphers';
import type { Suite } from './tls-suites';

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
 * The cipher failures of one target. Presence failures use whatever was seen; absence failures
 * (no forward secrecy, no AEAD on TLS 1.2) need the category hello that proves the absence to have
 * been refused on every version that matters, so probing cut short never yields a failure it
 * cannot prove.
 */
export function judgeSuites(probes: readonly CipherProbe[], tls13Accepted: boolean): Failure[] {
  const failures: Failure[] = [];
  const seen = [...new Set(probes.flatMap((p) => p.seen))];
  for (const rule of SUITE_RULES) {
    const hits = seen.filter(rule.applies);
    if (hits.length > 0) failures.push({ code: rule.code, severity: rule.severity, message: `The server accepts ${rule.what}: ${names(hits)}.` });
  }

  const fsRefusedEverywhere = probes.length > 0 && probes.every((p) => p.complete && p.forwardSecrecy === 'refused');
  if (fsRefusedEverywhere && !tls13Accepted && seen.length > 0 && !seen.some(robustForwardSecrecy)) {
    failures.push({
      code: 'tls.cipher.no_forward_secrecy',
      severity: 'medium',
      message: `No accepted suite has forward secrecy (ECDHE/DHE) and TLS 1.3 is not offered: a stolen server key decrypts recorded traffic. Accepted: ${names(seen)}.`,
    });
  }

  const tls12 = probes.find((p) => p.version === 0x0303);
  if (tls12?.complete && tls12.aead === 'refused' && tls12.seen.length > 0 && !tls12.seen.some((s) => s.aead)) {
    const what = tls12.inventory ? `; only ${names(tls12.seen)}` : `: every AEAD suite offered was refused, and ${names(tls12.seen)} accepted`;
    failures.push({ code: 'tls.cipher.cbc_only_tls12', severity: 'low', message: `TLS 1.2 is offered without any AEAD suite (GCM, CCM, ChaCha20-Poly1305)${what}.` });
  }
  return failures;
}

function names(suites: Suite[]): string {
  const shown = suites.slice(0, MAX_NAMED).map((s) => s.name).join(', ');
  return suites.length > MAX_NAMED ? `${shown} and ${suites.length - MAX_NAMED} more` : shown;
}

/**
 * Per version, what the observations say was learnt: each category accepted (with the suites of it
 * seen), refused or unknown; every suite seen; whether that is all the server accepts.
 */
export function cipherObservations(probe: CipherProbe): Record<string, unknown> {
  const category = (learnt: Learnt, member: (s: Suite) => boolean) =>
    learnt === 'accepted' ? { learnt, suites: probe.seen.filter(member).map((s) => s.name) } : { learnt };
  return {
    weak: category(probe.weak, weakSuite),
    forwardSecrecy: category(probe.forwardSecrecy, robustForwardSecrecy),
    ...(probe.version === 0x0303 ? { aead: category(probe.aead, (s) => s.aead) } : {}),
    seen: probe.seen.map((s) => s.name),
    allAcceptedNamed: probe.inventory,
  };
}
