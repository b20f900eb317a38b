import net from 'node:net';
import mongoose from 'mongoose';

/*
 * A loopback TCP proxy in front of the test database that can make the server's answers go wrong
 * the ways they went wrong in production, once, on the next reply to a given command:
 * - 'duplicate': the reply is sent twice; the second copy waits in the socket and the next request
 *   on that connection reads it as its own (what FerretDB 1.24.2 did after a w=0 write);
 * - 'previous': the reply is replaced by the previous reply on that connection, its header rewritten
 *   to answer the current request (a server that answers with another request's result).
 * Everything else passes through unchanged.
 */
export type WireFault = 'duplicate' | 'previous';

const header = (m: Buffer) => ({ length: m.readInt32LE(0), requestId: m.readInt32LE(4), responseTo: m.readInt32LE(8), opCode: m.readInt32LE(12) });

/** Splits a byte stream into whole wire messages (each starts with its int32 length). */
function framer(onMessage: (m: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
      const len = buf.readInt32LE(0);
      onMessage(buf.subarray(0, len));
      buf = buf.subarray(len);
    }
  };
}

/** The command an OP_MSG request names (its body's first key), or undefined. */
function commandOf(m: Buffer): string | undefined {
  if (header(m).opCode !== 2013 || m[20] !== 0) return undefined;
  const doc = mongoose.mongo.BSON.deserialize(m.subarray(21, 21 + m.readInt32LE(21)));
  return Object.keys(doc)[0];
}

export class WireProxy {
  private server = net.createServer((c) => this.connect(c));
  private armed: { fault: WireFault; command: string } | undefined;
  private sockets = new Set<net.Socket>();
  /** faults injected so far */
  injected = 0;

  private constructor(private upstream: { host: string; port: number }) {}

  static async start(uri: string): Promise<WireProxy> {
    const u = new URL(uri);
    const p = new WireProxy({ host: u.hostname, port: Number(u.port || 27017) });
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    return p;
  }

  get port(): number { return (this.server.address() as net.AddressInfo).port; }
  uri(db: string): string { return `mongodb://127.0.0.1:${this.port}/${db}?directConnection=true`; }

  /** The next reply to `command` (on any connection) goes wrong as `fault` says. */
  arm(fault: WireFault, command: string): void { this.armed = { fault, command }; }

  private connect(client: net.Socket): void {
    const server = net.connect(this.upstream.port, this.upstream.host);
    this.sockets.add(client).add(server);
    const asked: string[] = [];
    let previous: Buffer | undefined;
    client.on('data', framer((m) => { asked.push(commandOf(m) ?? ''); server.write(m); }));
    server.on('data', framer((m) => {
      const command = asked.shift();
      const a = this.armed;
      let out = [m];
      if (a && command === a.command && (a.fault === 'duplicate' || previous)) {
        this.armed = undefined;
        this.injected++;
        if (a.fault === 'duplicate') out = [m, m];
        else {
          const forged = Buffer.from(previous!);
          forged.writeInt32LE(header(m).responseTo, 8);
          out = [forged];
        }
      }
      previous = m;
      for (const x of out) client.write(x);
    }));
    const end = () => { client.destroy(); server.destroy(); this.sockets.delete(client); this.sockets.delete(server); };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
