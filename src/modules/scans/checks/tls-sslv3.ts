import { SSL3_VERSION, buildHello } from './tls-hello';

/**
 * SSLv3 probing. Node's OpenSSL 3 is built without SSLv3, so the only way to learn whether a
 * server still accepts it is to send an SSLv3 ClientHello ourselves (tls-hello.ts) and read the
 * first record of the answer.
 */

export { SSL3_VERSION, alertName, parseServerReply, versionName, type ServerReply } from './tls-hello';

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

/** An SSLv3 ClientHello record (no extensions); `random` makes it repeatable in tests. */
export function buildClientHello(opts: { suites?: readonly number[]; random?: Buffer } = {}): Buffer {
  return buildHello({ version: SSL3_VERSION, suites: opts.suites ?? SSL3_CIPHER_SUITES, ...(opts.random ? { random: opts.random } : {}) });
}
