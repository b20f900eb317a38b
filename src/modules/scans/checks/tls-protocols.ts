import type tls from 'node:tls';
import type { Severity } from '../../../shared/enums';
import type { Check, CheckContext, Failure, Target, TargetResult } from './types';
import { cipherObservations, judgeSuites } from './tls-cipher-verdicts';
import { nameTheRest, probeCiphers, unlearnt, type CipherProbe } from './tls-ciphers';
import { ProbeError, bareHost, describeError, exchangeHello, speaksTls, tlsHandshake, tlsTargetKey } from './tls-connect';
import type { HelloAnswer } from './tls-hello';
import { SSL3_VERSION, alertName, buildClientHello, versionName } from './tls-sslv3';
import { suiteName } from './tls-suites';

interface ProtocolVersion {
  name: string;
  /** the version number on the wire */
  wire: number;
  /** absent for SSLv3: Node's OpenSSL 3 cannot negotiate it, so it is probed by hand */
  node?: tls.SecureVersion;
  /** present for the versions whose acceptance is a failure */
  failure?: { code: string; severity: Severity };
}

const VERSIONS: readonly ProtocolVersion[] = [
  { name: 'SSLv3', wire: 0x0300, failure: { code: 'tls.protocol.sslv3', severity: 'critical' } },
  { name: 'TLSv1.0', wire: 0x0301, node: 'TLSv1', failure: { code: 'tls.protocol.tls1_0', severity: 'high' } },
  { name: 'TLSv1.1', wire: 0x0302, node: 'TLSv1.1', failure: { code: 'tls.protocol.tls1_1', severity: 'high' } },
  { name: 'TLSv1.2', wire: 0x0303, node: 'TLSv1.2' },
  { name: 'TLSv1.3', wire: 0x0304, node: 'TLSv1.3' },
];

/**
 * Our own security level, not the server's, decides whether OpenSSL 3 will even offer TLS 1.0/1.1
 * or accept a 1024-bit key: at level 0 the probe measures what the server accepts, nothing else.
 */
const PERMISSIVE_CIPHERS = 'DEFAULT@SECLEVEL=0';

/**
 * Cipher categories are probed on TLS 1.0–1.2 only: TLS 1.3 suites are all AEAD with forward
 * secrecy, and a server that accepts SSLv3 already fails as critical.
 */
const CIPHER_VERSIONS = VERSIONS.filter((v) => v.wire >= 0x0301 && v.wire <= 0x0303);
/** A few hellos per category, one per weak suite accepted: bounded by the suite table, by this, and by time. */
const MAX_HANDSHAKES_PER_VERSION = 64;
const cipherBudgetMs = (timeoutMs: number): number => Math.max(10_000, 5 * timeoutMs);

type Outcome =
  | { state: 'accepted'; cipher: string }
  | { state: 'refused'; reason: string }
  /** the TCP connection itself failed: nothing was learnt about this version */
  | { state: 'undetermined'; reason: string };

export const tlsProtocols: Check = {
  id: 'tls.protocols',
  severity: 'high',
  appliesTo: speaksTls,
  async run(target: Target, ctx: CheckContext): Promise<TargetResult[]> {
    // In parallel, so a silent server costs one timeout rather than one per version.
    const limits = { maxConnections: MAX_HANDSHAKES_PER_VERSION, deadline: Date.now() + cipherBudgetMs(ctx.timeoutMs), serverName: bareHost(target.host) };
    const exchange = async (hello: Buffer): Promise<HelloAnswer> => {
      try {
        return await exchangeHello(target.address, target.port, hello, ctx.timeoutMs);
      } catch (err) {
        return { kind: 'failed', reason: describeError(err) };
      }
    };
    const [outcomes, first] = await Promise.all([
      Promise.all(VERSIONS.map((v) => (v.node ? probeVersion(target, v.node, ctx.timeoutMs) : probeSslv3(target, ctx.timeoutMs)))),
      Promise.all(CIPHER_VERSIONS.map((v) => probeCiphers(v.wire, exchange, limits))),
    ]);
    // A version a real handshake reached but our hellos could not: its suites are unknown, not absent.
    let probes = first.map((p, i) =>
      p.seen.length === 0 && outcomes[VERSIONS.indexOf(CIPHER_VERSIONS[i])].state === 'accepted'
        ? unlearnt(p, `our hello was refused (${p.stop})`)
        : p,
    );
    const tls13 = outcomes[VERSIONS.findIndex((v) => v.name === 'TLSv1.3')].state === 'accepted';
    // Only a server found without forward secrecy is walked suite by suite, so the failure names what it accepts.
    if (judgeSuites(probes, tls13).some((f) => f.code === 'tls.cipher.no_forward_secrecy')) {
      probes = await Promise.all(probes.map((p) => nameTheRest(p, exchange, limits)));
    }
    return [summarize(target, outcomes, probes)];
  },
};

function summarize(target: Target, probed: Outcome[], probes: CipherProbe[]): TargetResult {
  const accepted: string[] = [];
  const refused: string[] = [];
  const undetermined: string[] = [];
  const negotiatedCipher: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  const failures: Failure[] = [];

  VERSIONS.forEach((version, i) => {
    let outcome = probed[i];
    const probe = probes[CIPHER_VERSIONS.indexOf(version)] as CipherProbe | undefined;
    // OpenSSL 3 cannot offer NULL or anonymous suites: a server that has only those is seen by the raw hellos alone.
    if (outcome.state !== 'accepted' && probe && probe.seen.length > 0) outcome = { state: 'accepted', cipher: probe.seen[0].name };
    if (outcome.state === 'accepted') {
      accepted.push(version.name);
      negotiatedCipher[version.name] = outcome.cipher;
      if (version.failure) {
        failures.push({ ...version.failure, message: `The server accepts ${version.name}, which is deprecated and must be disabled (RFC 7568, RFC 8996).` });
      }
    } else {
      (outcome.state === 'refused' ? refused : undetermined).push(version.name);
      reasons[version.name] = outcome.reason;
    }
  });

  failures.push(...judgeSuites(probes, accepted.includes('TLSv1.3')));

  const cipherCategories: Record<string, unknown> = {};
  const cipherEnumeration: Record<string, string> = {};
  probes.forEach((p, i) => {
    const name = CIPHER_VERSIONS[i].name;
    if (!accepted.includes(name)) return;
    cipherCategories[name] = cipherObservations(p);
    cipherEnumeration[name] = `${p.complete ? 'complete' : 'incomplete'}: ${p.stop}`;
  });
  // The suites seen without forward secrecy: all of them where allAcceptedNamed, else those the probes met.
  const withoutForwardSecrecy = [...new Set(probes.flatMap((p) => p.seen).filter((s) => !s.forwardSecrecy).map((s) => s.name))];

  const observations: Record<string, unknown> = { accepted, refused, negotiatedCipher, reasons, cipherCategories, cipherEnumeration, withoutForwardSecrecy };
  if (undetermined.length > 0) observations.undetermined = undetermined;
  const key = tlsTargetKey(target);
  if (accepted.length === 0) {
    const why = VERSIONS.map((v) => `${v.name}: ${reasons[v.name]}`).join('; ');
    return { target: key, status: 'error', failures: [], observations, error: `No TLS version could be negotiated (${why})` };
  }
  return { target: key, status: failures.length > 0 ? 'fail' : 'pass', failures, observations };
}

/** One handshake pinned to a single version; only completing it counts as accepted. */
async function probeVersion(target: Target, version: tls.SecureVersion, timeoutMs: number): Promise<Outcome> {
  try {
    const socket = await tlsHandshake(
      target,
      { minVersion: version, maxVersion: version, ciphers: PERMISSIVE_CIPHERS },
      timeoutMs,
    );
    const cipher = socket.getCipher()?.name ?? 'unknown';
    socket.destroy();
    return { state: 'accepted', cipher };
  } catch (err) {
    return asOutcome(err);
  }
}

/** Sends a hand-built SSLv3 ClientHello and judges the first record of the answer. */
async function probeSslv3(target: Target, timeoutMs: number): Promise<Outcome> {
  let answer: HelloAnswer;
  try {
    answer = await exchangeHello(target.address, target.port, buildClientHello(), timeoutMs);
  } catch (err) {
    return asOutcome(err);
  }
  switch (answer.kind) {
    case 'server_hello':
      if (answer.version === SSL3_VERSION) return { state: 'accepted', cipher: answer.cipherSuite === undefined ? 'unknown' : suiteName(answer.cipherSuite) };
      // Some stacks answer a low offer with their own version; the client would have to abort.
      return { state: 'refused', reason: `answered with ${versionName(answer.version)}` };
    case 'alert':
      return { state: 'refused', reason: `alert ${alertName(answer.description)}` };
    case 'other':
      return { state: 'refused', reason: `unexpected record type ${answer.contentType}` };
    case 'not_tls':
      return { state: 'refused', reason: 'the answer is not TLS' };
    case 'closed':
    case 'failed':
      return { state: 'refused', reason: answer.reason };
  }
}

function asOutcome(err: unknown): Outcome {
  if (err instanceof ProbeError && err.phase === 'connect') return { state: 'undetermined', reason: err.message };
  return { state: 'refused', reason: describeError(err) };
}
