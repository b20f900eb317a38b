import type net from 'node:net';
import type tls from 'node:tls';
import type { Severity } from '../../../shared/enums';
import type { Check, CheckContext, Failure, Target, TargetResult } from './types';
import { ProbeError, connectTcp, describeError, speaksTls, tlsHandshake, tlsTargetKey } from './tls-connect';
import { SSL3_VERSION, alertName, buildClientHello, parseServerReply, versionName, type ServerReply } from './tls-sslv3';

interface ProtocolVersion {
  name: string;
  /** absent for SSLv3: Node's OpenSSL 3 cannot negotiate it, so it is probed by hand */
  node?: tls.SecureVersion;
  /** present for the versions whose acceptance is a failure */
  failure?: { code: string; severity: Severity };
}

const VERSIONS: readonly ProtocolVersion[] = [
  { name: 'SSLv3', failure: { code: 'tls.protocol.sslv3', severity: 'critical' } },
  { name: 'TLSv1.0', node: 'TLSv1', failure: { code: 'tls.protocol.tls1_0', severity: 'high' } },
  { name: 'TLSv1.1', node: 'TLSv1.1', failure: { code: 'tls.protocol.tls1_1', severity: 'high' } },
  { name: 'TLSv1.2', node: 'TLSv1.2' },
  { name: 'TLSv1.3', node: 'TLSv1.3' },
];

/**
 * Our own security level, not the server's, decides whether OpenSSL 3 will even offer TLS 1.0/1.1
 * or accept a 1024-bit key: at level 0 the probe measures what the server accepts, nothing else.
 */
const PERMISSIVE_CIPHERS = 'DEFAULT@SECLEVEL=0';

/** The first record of an answer is all the SSLv3 probe needs; a server cannot make it buffer more. */
const SSLV3_MAX_REPLY = 5 + 18432;

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
    const outcomes = await Promise.all(
      VERSIONS.map((v) => (v.node ? probeVersion(target, v.node, ctx.timeoutMs) : probeSslv3(target, ctx.timeoutMs))),
    );
    return [summarize(target, outcomes)];
  },
};

function summarize(target: Target, outcomes: Outcome[]): TargetResult {
  const accepted: string[] = [];
  const refused: string[] = [];
  const undetermined: string[] = [];
  const negotiatedCipher: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  const failures: Failure[] = [];

  VERSIONS.forEach((version, i) => {
    const outcome = outcomes[i];
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

  const observations: Record<string, unknown> = { accepted, refused, negotiatedCipher, reasons };
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

/** Sends a hand-built SSLv3 ClientHello and reads the first record of the answer. */
async function probeSslv3(target: Target, timeoutMs: number): Promise<Outcome> {
  let socket: net.Socket;
  try {
    socket = await connectTcp(target.address, target.port, timeoutMs);
  } catch (err) {
    return asOutcome(err);
  }
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ state: 'refused', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, SSLV3_MAX_REPLY);
      const reply = parseServerReply(received);
      if (reply.kind !== 'incomplete') finish(judgeSslv3(reply));
      else if (received.length >= SSLV3_MAX_REPLY) finish({ state: 'refused', reason: 'unparseable answer' });
    });
    socket.on('error', (err) => finish({ state: 'refused', reason: describeError(err) }));
    socket.on('close', () => finish({ state: 'refused', reason: received.length > 0 ? 'closed mid-record' : 'closed without an answer' }));
    socket.write(buildClientHello());
  });
}

function judgeSslv3(reply: Exclude<ServerReply, { kind: 'incomplete' }>): Outcome {
  switch (reply.kind) {
    case 'server_hello':
      if (reply.version === SSL3_VERSION) return { state: 'accepted', cipher: suiteName(reply.cipherSuite) };
      // Some stacks answer a low offer with their own version; the client would have to abort.
      return { state: 'refused', reason: `answered with ${versionName(reply.version)}` };
    case 'alert':
      return { state: 'refused', reason: `alert ${alertName(reply.description)}` };
    case 'other':
      return { state: 'refused', reason: `unexpected record type ${reply.contentType}` };
    case 'not_tls':
      return { state: 'refused', reason: 'the answer is not TLS' };
  }
}

const SSL3_SUITE_NAMES: Record<number, string> = {
  0x0004: 'RC4-MD5', 0x0005: 'RC4-SHA', 0x0009: 'DES-CBC-SHA', 0x000a: 'DES-CBC3-SHA',
  0x0016: 'EDH-RSA-DES-CBC3-SHA', 0x002f: 'AES128-SHA', 0x0033: 'DHE-RSA-AES128-SHA', 0x0035: 'AES256-SHA',
};

function suiteName(suite: number | undefined): string {
  if (suite === undefined) return 'unknown';
  return SSL3_SUITE_NAMES[suite] ?? `0x${suite.toString(16).padStart(4, '0')}`;
}

function asOutcome(err: unknown): Outcome {
  if (err instanceof ProbeError && err.phase === 'connect') return { state: 'undetermined', reason: err.message };
  return { state: 'refused', reason: describeError(err) };
}
