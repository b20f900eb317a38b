import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * Byte-level ClientHello / ServerHello handling for SSLv3 and TLS 1.0–1.2. Node's OpenSSL 3 will
 * not offer SSLv3, NULL, anonymous, EXPORT or RC4 suites, so what a server accepts of those can
 * only be learnt by sending our own hello and reading the ServerHello's choice. Nothing here
 * touches the network.
 */

export const SSL3_VERSION = 0x0300;
export const TLS1_0_VERSION = 0x0301;
export const TLS1_2_VERSION = 0x0303;

const CONTENT_ALERT = 0x15;
const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const HANDSHAKE_SERVER_HELLO = 0x02;

/** x25519, secp256r1, secp384r1, secp521r1, x448: what ECDHE servers support; no FFDHE (RFC 7919 would then bind DHE). */
const GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e];
/**
 * SHA-1 and DSA included: the probe must let the server pick any suite it has enabled, whatever
 * signature its certificate needs, so a weak-signature server is not mistaken for a silent one.
 */
const SIGNATURE_ALGORITHMS = [
  0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0808,
  0x0303, 0x0301, 0x0402, 0x0203, 0x0201, 0x0202,
];

export interface HelloOptions {
  /** client_version: 0x0300 SSLv3 … 0x0303 TLS 1.2 */
  version: number;
  suites: readonly number[];
  /** sent as SNI when it is a name (RFC 6066 forbids IP literals) */
  serverName?: string;
  random?: Buffer;
}

/**
 * One ClientHello record. SSLv3 has no extensions; TLS hellos carry the few every server needs to
 * pick ECDHE and signed suites (groups, point formats, signature algorithms on TLS 1.2) and are
 * padded past 512 bytes, as testssl and browsers do, because some load balancers drop hellos of
 * 256–511 bytes.
 */
export function buildHello(opts: HelloOptions): Buffer {
  const { version, suites } = opts;
  const random = opts.random ?? randomBytes(32);
  if (random.length !== 32) throw new RangeError('ClientHello random must be 32 bytes');
  if (suites.length === 0 || suites.length > 0x7fff) throw new RangeError('ClientHello needs 1..32767 cipher suites');
  if (version < SSL3_VERSION || version > TLS1_2_VERSION) throw new RangeError('ClientHello version must be SSLv3..TLS 1.2');

  const suiteBytes = Buffer.alloc(2 + suites.length * 2);
  suiteBytes.writeUInt16BE(suites.length * 2, 0);
  suites.forEach((s, i) => suiteBytes.writeUInt16BE(s, 2 + i * 2));
  const fixed = Buffer.concat([u16(version), random, Buffer.from([0]) /* no session */, suiteBytes, Buffer.from([1, 0]) /* null compression */]);

  let body = fixed;
  if (version > SSL3_VERSION) {
    const extensions: Buffer[] = [];
    if (opts.serverName && !net.isIP(opts.serverName)) {
      const name = Buffer.from(opts.serverName, 'ascii');
      extensions.push(extension(0x0000, Buffer.concat([u16(name.length + 3), Buffer.from([0]), u16(name.length), name])));
    }
    extensions.push(extension(0x000a, list16(GROUPS)));
    extensions.push(extension(0x000b, Buffer.from([1, 0])));
    if (version >= TLS1_2_VERSION) extensions.push(extension(0x000d, list16(SIGNATURE_ALGORITHMS)));
    let all = Buffer.concat(extensions);
    // 4 handshake header + body + 2 extensions length: pad the handshake to at least 512 bytes
    const handshakeLength = 4 + fixed.length + 2 + all.length;
    if (handshakeLength >= 256 && handshakeLength < 512) {
      all = Buffer.concat([all, extension(0x0015, Buffer.alloc(Math.max(0, 512 - handshakeLength - 4)))]);
    }
    body = Buffer.concat([fixed, u16(all.length), all]);
  }

  const header = Buffer.alloc(9);
  header.writeUInt8(CONTENT_HANDSHAKE, 0);
  // SSLv3 servers reject a record version they do not know; TLS servers expect 0x0301 here (as OpenSSL sends).
  header.writeUInt16BE(Math.min(version, TLS1_0_VERSION), 1);
  header.writeUInt16BE(4 + body.length, 3);
  header.writeUInt8(HANDSHAKE_CLIENT_HELLO, 5);
  header.writeUIntBE(body.length, 6, 3);
  return Buffer.concat([header, body]);
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value, 0);
  return b;
}

function list16(values: readonly number[]): Buffer {
  return Buffer.concat([u16(values.length * 2), ...values.map(u16)]);
}

function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(data.length), data]);
}

export type ServerReply =
  /** more bytes are needed before anything can be said */
  | { kind: 'incomplete' }
  | { kind: 'server_hello'; version: number; cipherSuite?: number }
  | { kind: 'alert'; level: number; description: number }
  /** a TLS record, but neither of the above (e.g. a HelloRequest) */
  | { kind: 'other'; contentType: number }
  /** the bytes are not a TLS record at all (an HTTP banner, an SSH greeting…) */
  | { kind: 'not_tls' };

/** What one hello brought back, as a probe sees it. */
export type HelloAnswer =
  | Exclude<ServerReply, { kind: 'incomplete' }>
  /** the server hung up without a record: how many stacks refuse a hello */
  | { kind: 'closed'; reason: string }
  /** nothing was learnt (connect failure, timeout) */
  | { kind: 'failed'; reason: string };

/** The first record of an answer is all a probe needs; a server cannot make it buffer more. */
export const MAX_REPLY_BYTES = 5 + 18432;

/** Reads the first record of what the server sent back; only ever looks at bytes it has. */
export function parseServerReply(data: Buffer): ServerReply {
  if (data.length < 5) return data.length > 0 && !looksLikeRecordStart(data) ? { kind: 'not_tls' } : { kind: 'incomplete' };
  const contentType = data[0];
  const recordMajor = data[1];
  const length = data.readUInt16BE(3);
  // 2^14 plus the compression/cipher expansion SSLv3 allows: anything larger is not TLS framing.
  if (!looksLikeRecordStart(data) || recordMajor !== 3 || length === 0 || length > 18432) return { kind: 'not_tls' };
  const fragment = data.subarray(5, 5 + length);

  if (contentType === CONTENT_ALERT) {
    if (fragment.length < 2) return { kind: 'incomplete' };
    return { kind: 'alert', level: fragment[0], description: fragment[1] };
  }
  if (contentType !== CONTENT_HANDSHAKE) return { kind: 'other', contentType };
  if (fragment.length < 1) return { kind: 'incomplete' };
  if (fragment[0] !== HANDSHAKE_SERVER_HELLO) return { kind: 'other', contentType };
  // handshake header (4) + server_version (2)
  if (fragment.length < 6) return { kind: 'incomplete' };
  const version = fragment.readUInt16BE(4);
  // + random (32) + session id length (1) + session id + cipher suite (2)
  const sidAt = 4 + 2 + 32;
  if (fragment.length <= sidAt) return { kind: 'server_hello', version };
  const suiteAt = sidAt + 1 + fragment[sidAt];
  const cipherSuite = fragment.length >= suiteAt + 2 ? fragment.readUInt16BE(suiteAt) : undefined;
  return { kind: 'server_hello', version, ...(cipherSuite === undefined ? {} : { cipherSuite }) };
}

function looksLikeRecordStart(data: Buffer): boolean {
  return data[0] >= 0x14 && data[0] <= 0x18 && (data.length < 2 || data[1] === 3);
}

/** Names for the replies a probe report shows, so an operator does not need an RFC at hand. */
export function versionName(version: number): string {
  const names: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
  return names[version] ?? `0x${version.toString(16).padStart(4, '0')}`;
}

export function alertName(description: number): string {
  const names: Record<number, string> = {
    0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure',
    47: 'illegal_parameter', 50: 'decode_error', 70: 'protocol_version', 71: 'insufficient_security',
    80: 'internal_error', 86: 'inappropriate_fallback',
  };
  return names[description] ?? `alert ${description}`;
}
