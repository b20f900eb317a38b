import net from 'node:net';
import tls from 'node:tls';
import { MAX_REPLY_BYTES, parseServerReply, type HelloAnswer } from './tls-hello';
import type { Target } from './types';

/**
 * Ports that speak TLS from the first byte (implicit TLS), so a bare `host:port` endpoint on
 * one of them is probed as TLS. STARTTLS ports (25, 587, 143, 110, 389, 21) are left out: they
 * open in plain text and would only ever look like "does not speak TLS".
 *   443 https · 8443 / 9443 alternative https · 993 imaps · 995 pop3s · 465 smtps (submissions)
 *   636 ldaps · 990 ftps (control) · 5986 WinRM over https
 */
export const TLS_PORTS: ReadonlySet<number> = new Set([443, 8443, 993, 995, 465, 636, 990, 5986, 9443]);

export function speaksTls(target: Target): boolean {
  if (target.url) return target.url.protocol === 'https:';
  return TLS_PORTS.has(target.port);
}

/** `URL.hostname` keeps the brackets of an IPv6 literal; SNI and name checks need them gone. */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** Stable key of a TLS finding: the same endpoint written as a URL or as host:port is one target. */
export function tlsTargetKey(target: Target): string {
  const host = bareHost(target.host);
  return `tls://${host.includes(':') ? `[${host}]` : host}:${target.port}`;
}

/** Which step gave up or failed: a connect failure says nothing about the TLS versions offered. */
export class ProbeError extends Error {
  constructor(public readonly phase: 'connect' | 'handshake', message: string) {
    super(message);
  }
}

// Once a promise has settled, late socket errors (a reset after we hung up) must not crash the process.
const ignore = (): void => undefined;

/**
 * TCP connection to the allow-listed address. A host name is refused here rather than looked up:
 * a second lookup could answer with an address the allow-list never saw.
 */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (!net.isIP(address)) {
      reject(new ProbeError('connect', `${address} is not an IP address; it is not resolved again`));
      return;
    }
    const socket = net.connect({ host: address, port });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err instanceof ProbeError ? err : new ProbeError('connect', describeError(err)));
    };
    const timer = setTimeout(() => fail(new ProbeError('connect', `connect timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.on('error', ignore);
      resolve(socket);
    });
  });
}

/**
 * A TLS handshake with the target that never judges trust or names itself: callers inspect
 * `authorized` / the peer chain and decide. The caller owns the returned socket and destroys it.
 */
export async function tlsHandshake(target: Target, options: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
  const raw = await connectTcp(target.address, target.port, timeoutMs);
  const host = bareHost(target.host);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...options,
      socket: raw,
      // RFC 6066 forbids IP literals in SNI.
      ...(net.isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      // Node folds the name check into `authorized`; the certificate check reports it separately.
      checkServerIdentity: () => undefined,
    });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      reject(err instanceof ProbeError ? err : new ProbeError('handshake', describeError(err)));
    };
    const onClose = (): void => fail(new ProbeError('handshake', 'connection closed during the handshake'));
    const timer = setTimeout(() => fail(new ProbeError('handshake', `handshake timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', fail);
    socket.once('close', onClose);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.removeListener('close', onClose);
      socket.on('error', ignore);
      resolve(socket);
    });
  });
}

/**
 * Sends a hand-built ClientHello and reads the first record of the answer, then hangs up.
 * Throws a ProbeError('connect') when the TCP connection fails: then nothing was learnt.
 */
export async function exchangeHello(address: string, port: number, hello: Buffer, timeoutMs: number): Promise<HelloAnswer> {
  const socket = await connectTcp(address, port, timeoutMs);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (answer: HelloAnswer): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ kind: 'failed', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, MAX_REPLY_BYTES);
      const reply = parseServerReply(received);
      if (reply.kind !== 'incomplete') finish(reply);
      else if (received.length >= MAX_REPLY_BYTES) finish({ kind: 'not_tls' });
    });
    socket.on('error', (err) => finish({ kind: 'closed', reason: describeError(err) }));
    socket.on('close', () => finish({ kind: 'closed', reason: received.length > 0 ? 'closed mid-record' : 'closed without an answer' }));
    socket.write(hello);
  });
}

/** Bounded text of a socket or OpenSSL error, for observations and messages. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 200);
  const { code, reason } = err as Error & { code?: string; reason?: string };
  // OpenSSL messages carry error-stack addresses and source paths; its code and reason say it all.
  if (code?.startsWith('ERR_SSL_')) return reason ? `${code} (${reason})` : code;
  const text = code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
