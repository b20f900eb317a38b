import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the test SMTP server received it: the envelope and the decoded subject and text. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** answer every RCPT TO with 550, as a relay that refuses the recipients would */
  rejectRecipients: boolean;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A real SMTP server on loopback and a free port; plain SMTP without auth or STARTTLS. */
export async function startSmtp(opts: { rejectRecipients?: boolean } = {}): Promise<TestSmtp> {
  const state: TestSmtp = { url: '', received: [], rejectRecipients: !!opts.rejectRecipients, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    // tests close the server right after use; do not wait 30 s for idle clients
    closeTimeout: 500,
    onRcptTo(_address, _session, cb) {
      if (!state.rejectRecipients) return cb();
      cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', cb);
      stream.on('end', () => {
        const mail = parseMessage(Buffer.concat(chunks));
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...mail,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * Just enough MIME for the single-part text messages the outbox sends: unfolded headers,
 * RFC 2047 encoded words in the subject, quoted-printable / base64 / 8bit bodies, UTF-8.
 */
export function parseMessage(raw: Buffer): { subject: string; text: string; messageId: string } {
  const s = raw.toString('latin1');
  const split = s.indexOf('\r\n\r\n');
  const head = (split < 0 ? s : s.slice(0, split)).replace(/\r\n[ \t]+/g, ' ');
  const body = split < 0 ? '' : s.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes = cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
    : cte === 'quoted-printable' ? qpBytes(body.replace(/=\r\n/g, ''))
      : Buffer.from(body, 'latin1');
  return {
    subject: decodeWords(headers.get('subject') ?? ''),
    text: bytes.toString('utf8').replace(/\r\n/g, '\n').replace(/\n+$/, ''),
    messageId: headers.get('message-id') ?? '',
  };
}

function qpBytes(s: string): Buffer {
  return Buffer.from(s.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** Decodes runs of encoded words together: a UTF-8 character may be split across two of them. */
function decodeWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
      const parts = [...run.matchAll(word)].map(([, , enc, data]) => (enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : qpBytes(data.replace(/_/g, ' '))));
      return Buffer.concat(parts).toString('utf8');
    });
}
