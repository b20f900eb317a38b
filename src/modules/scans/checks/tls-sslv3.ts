import { randomBytes } from 'node:crypto';

/**
 * Byte-level SSLv3 probing. Node's OpenSSL 3 is built without SSLv3, so the only way to learn
 * whether a server still accepts it is to send an SSLv3 ClientHello ourselves and read the
 * first record of the answer. Nothing here touches the network.
 */

export const SSL3_VERSION = 0x0300;

/**
 * Suites an SSLv3-era server is likely to have enabled; a server that accepts SSLv3 must pick
 * one of them, so the list only needs to overlap with common legacy configurations.
 */
export const SSL3_CIPHER_SUITES: readonly number[] = [
  0x000a, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
  0x0005, // TLS_RSA_WITH_RC4_128_SHA
  0x0004, // TLS_RSA_WITH_RC4_128_MD5
  0x002f, // TLS_RSA_WITH_AES_128_CBC_SHA
  0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
  0x0016, // TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
  0x0033, // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
  0x0009, // TLS_RSA_WITH_DES_CBC_SHA
  0x00ff, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV: some servers abort hellos that lack it
];

const CONTENT_ALERT = 0x15;
const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const HANDSHAKE_SERVER_HELLO = 0x02;

/**
 * An SSLv3 ClientHello record. `version` exists so tests can offer TLS 1.0 with the same bytes
 * and prove, against a real server, that the framing is well-formed; `random` makes it repeatable.
 */
export function buildClientHello(opts: { version?: number; suites?: readonly number[]; random?: Buffer } = {}): Buffer {
  const version = opts.version ?? SSL3_VERSION;
  const suites = opts.suites ?? SSL3_CIPHER_SUITES;
  const random = opts.random ?? randomBytes(32);
  if (random.length !== 32) throw new RangeError('ClientHello random must be 32 bytes');
  if (suites.length === 0 || suites.length > 0x7fff) throw new RangeError('ClientHello needs 1..32767 cipher suites');

  const body = Buffer.alloc(2 + 32 + 1 + 2 + suites.length * 2 + 2);
  let at = body.writeUInt16BE(version, 0);
  at += random.copy(body, at);
  at = body.writeUInt8(0, at); // no session to resume
  at = body.writeUInt16BE(suites.length * 2, at);
  for (const suite of suites) at = body.writeUInt16BE(suite, at);
  at = body.writeUInt8(1, at); // one compression method…
  body.writeUInt8(0, at); // …null: SSLv3 has no extensions to follow

  const handshake = Buffer.alloc(4);
  handshake.writeUInt8(HANDSHAKE_CLIENT_HELLO, 0);
  handshake.writeUIntBE(body.length, 1, 3);
  const record = Buffer.alloc(5);
  record.writeUInt8(CONTENT_HANDSHAKE, 0);
  // SSLv3 servers reject a record version they do not know, so the record carries the offer too.
  record.writeUInt16BE(version, 1);
  record.writeUInt16BE(handshake.length + body.length, 3);
  return Buffer.concat([record, handshake, body]);
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
