import crypto from 'node:crypto';
import nodemailer from 'nodemailer';

export interface MailerConfig { smtpUrl?: string; from: string; maxAttempts: number }

/*
 * Module-global because it is process configuration, set once by createApp; without an SMTP URL
 * nothing is sent and the outbox simply keeps its messages (they stay listed in the API).
 */
let current: Readonly<MailerConfig> = Object.freeze({ from: 'Attest <no-reply@attest.example>', maxAttempts: 5 });

export function configureMailer(cfg: MailerConfig): void {
  current = Object.freeze({ smtpUrl: cfg.smtpUrl, from: cfg.from, maxAttempts: cfg.maxAttempts });
}

export function mailerConfig(): Readonly<MailerConfig> {
  return current;
}

// Every wait on the SMTP server is bounded, so a hung server cannot stall the delivery job.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 10_000;
const DNS_TIMEOUT_MS = 10_000;
/** Whole-message deadline: the idle timeout alone would let a server that trickles bytes hold us forever. */
export const SEND_DEADLINE_MS = 30_000;

export interface OutgoingMail { id: string; to: string[]; subject: string; text: string }
export interface SendResult { messageId: string; rejected: string[] }
export interface Mailer { send(m: OutgoingMail): Promise<SendResult>; close(): void }

/** A transport for one delivery batch (one SMTP connection per message, closed with the batch). */
export function openMailer(cfg: Readonly<MailerConfig>): Mailer {
  if (!cfg.smtpUrl) throw new Error('SMTP is not configured');
  const transport = nodemailer.createTransport({
    url: cfg.smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    dnsTimeout: DNS_TIMEOUT_MS,
    // the messages are plain text built by us: never let content pull in files or URLs
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(cfg.from)?.[1] ?? 'attest.invalid';
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: cfg.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // the same Message-ID on every attempt lets receiving servers drop a copy we could not
        // know was delivered (connection lost after the server accepted the data)
        messageId: `<${crypto.createHash('sha256').update(m.id).digest('hex').slice(0, 32)}@${domain}>`,
        signal: AbortSignal.timeout(SEND_DEADLINE_MS),
      });
      return { messageId: String(info.messageId ?? ''), rejected: (info.rejected ?? []).map(String) };
    },
    close() { transport.close(); },
  };
}

interface SmtpError { code?: string; responseCode?: number; message?: string }

/** Failures of the server or the connection rather than of one message: the rest of the batch would fail alike. */
const SERVER_LEVEL = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EPROXY', 'EABORT', 'ECONFIG']);
export function isServerLevel(err: unknown): boolean {
  const e = (err ?? {}) as SmtpError;
  return SERVER_LEVEL.has(String(e.code)) || e.responseCode === 421;
}

/** The error as stored in `lastError`: code, reply and message, with any credentials of the SMTP URL removed. */
export function describeError(err: unknown, smtpUrl?: string): string {
  const e = (err ?? {}) as SmtpError;
  let text = [e.code, e.message ?? String(err)].filter(Boolean).join(': ');
  text = text.replace(/\/\/[^\s/@]*@/g, '//');
  for (const secret of urlCredentials(smtpUrl)) text = text.split(secret).join('***');
  return text.slice(0, 500);
}

function urlCredentials(smtpUrl?: string): string[] {
  if (!smtpUrl) return [];
  try {
    const u = new URL(smtpUrl);
    return [u.password, decodeURIComponent(u.password), u.username, decodeURIComponent(u.username)].filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}
