import net from 'node:net';

/** Test-side halves of a TLS handshake: read a ClientHello's offer, write a ServerHello. */

export interface HelloOffer {
  recordVersion: number;
  version: number;
  suites: number[];
  /** extension types, in order */
  extensions: number[];
  /** length of the handshake message, header included */
  handshakeLength: number;
}

export function parseClientHello(hello: Buffer): HelloOffer {
  let at = 9 + 2 + 32;
  at += 1 + hello[at];
  const suitesLength = hello.readUInt16BE(at);
  const suites = Array.from({ length: suitesLength / 2 }, (_, i) => hello.readUInt16BE(at + 2 + i * 2));
  at += 2 + suitesLength;
  at += 1 + hello[at];
  const extensions: number[] = [];
  if (at < hello.length) {
    const end = at + 2 + hello.readUInt16BE(at);
    for (at += 2; at < end; at += 4 + hello.readUInt16BE(at + 2)) extensions.push(hello.readUInt16BE(at));
  }
  return { recordVersion: hello.readUInt16BE(1), version: hello.readUInt16BE(9), suites, extensions, handshakeLength: hello.readUInt16BE(3) };
}

/** A ServerHello record choosing `suite` (with a 32-byte session id, as servers send). */
export function serverHello(version: number, suite: number): Buffer {
  const body = Buffer.concat([Buffer.from([version >> 8, version & 0xff]), Buffer.alloc(32, 7), Buffer.from([32]), Buffer.alloc(32, 9), Buffer.from([suite >> 8, suite & 0xff, 0])]);
  const handshake = Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1, handshake.length >> 8, handshake.length & 0xff]), handshake]);
}

export const HANDSHAKE_FAILURE = Buffer.from('15030300020228', 'hex');

/** What a server with this preference list answers to a hello: its first suite the client offered, or an alert. */
export function answer(hello: Buffer, versions: number[], preference: number[]): Buffer {
  const offer = parseClientHello(hello);
  const pick = preference.find((s) => offer.suites.includes(s));
  return versions.includes(offer.version) && pick !== undefined ? serverHello(offer.version, pick) : HANDSHAKE_FAILURE;
}

/** A loopback server that answers every hello with `answer` and hangs up: enough for raw probes, never a handshake. */
export function fakeTlsServer(versions: number[], preference: number[]): net.Server {
  return net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', (hello: Buffer) => s.end(answer(hello, versions, preference)));
  });
}
