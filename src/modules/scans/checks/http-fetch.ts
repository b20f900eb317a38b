import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { HeaderMap } from '../observatory/grade';
import { TargetRefusedError, type CheckContext } from './types';

/*
 * The HTTP client of the http checks: every connection goes to an allow-listed IP address; the
 * name only travels in the Host header and SNI. Each request gets ctx.timeoutMs to connect, as
 * much for the TLS handshake, and as much to receive the whole answer (a server that trickles
 * bytes is cut there too). A page over 2 MB is read to its first 2 MB.
 */
const MAX_BODY = 2 * 1024 * 1024;
const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Mozilla/5.0 (compatible; AttestScanner/1.0; HTTP Observatory-compatible)';
const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export interface Hop { url: URL; address: string; status: number; headers: HeaderMap; body?: string; certificateValid: boolean }

export class RedirectRefusedError extends Error {
  constructor(url: URL, cause: TargetRefusedError) {
    super(`redirect to ${url.href.slice(0, 300)} not followed: ${cause.message}`);
  }
}

export const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
const isHtmlish = (h: HeaderMap) => !h['content-type'] || /^(text\/html|application\/xhtml\+xml)\b/i.test(h['content-type'][0]);

function headerMap(raw: string[]): HeaderMap {
  const map: HeaderMap = {};
  for (let i = 0; i + 1 < raw.length; i += 2) (map[raw[i].toLowerCase()] ??= []).push(raw[i + 1]);
  return map;
}

/** Chain trusted (Node's roots plus ctx.ca) and the certificate names the host, as a browser requires. */
function certificateValid(socket: tls.TLSSocket, host: string): boolean {
  return socket.authorized && tls.checkServerIdentity(host, socket.getPeerCertificate()) === undefined;
}

export function request(url: URL, address: string, ctx: CheckContext, method = 'GET', extra: Record<string, string> = {}): Promise<Hop> {
  return new Promise((resolve, reject) => {
    if (!net.isIP(address)) return reject(new Error(`${address} is not an IP address; it is not resolved again`));
    const secure = url.protocol === 'https:';
    const host = bare(url.hostname);
    const options: https.RequestOptions = {
      host: address, port: Number(url.port || (secure ? 443 : 80)), method, path: `${url.pathname}${url.search}`, agent: false,
      headers: { Host: url.host, 'User-Agent': USER_AGENT, Accept: ACCEPT, ...extra },
      ...(secure && { servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false, ca: [...tls.rootCertificates, ...(ctx.ca ?? [])] }),
    };
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const req = (secure ? https : http).request(options);
    const phase = (what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => req.destroy(new Error(`${url.origin}: ${what} timed out after ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
    };
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      req.destroy();
    };
    phase('connect');
    req.on('socket', (socket) => {
      socket.once('connect', () => phase(secure ? 'TLS handshake' : 'response'));
      if (secure) socket.once('secureConnect', () => phase('response'));
    });
    // errors after the answer is in (a reset once we hang up) change nothing
    req.on('error', (err) => settle(() => reject(err.message.startsWith(url.origin) ? err : new Error(`${url.origin}: ${err.message}`))));
    req.on('response', (res) => {
      const headers = headerMap(res.rawHeaders);
      const status = res.statusCode ?? 0;
      const hop = { url, address, status, headers, certificateValid: !secure || certificateValid(res.socket as tls.TLSSocket, host) };
      res.on('error', (err) => settle(() => reject(err)));
      if (method !== 'GET' || REDIRECTS.has(status) || !isHtmlish(headers)) return settle(() => resolve(hop));
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => settle(() => resolve({ ...hop, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('data', (chunk: Buffer) => {
        // past 2 MB the page is graded on its beginning, where <meta> and most <script> tags live
        if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
        size += chunk.length;
        if (size >= MAX_BODY) finish();
      });
      res.on('end', finish);
    });
    req.end();
  });
}

function nextUrl(hop: Hop): URL | null {
  const location = hop.headers.location?.[0];
  if (!REDIRECTS.has(hop.status) || !location) return null;
  try {
    const next = new URL(location, hop.url);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next : null;
  } catch {
    return null;
  }
}

/** Follows at most 10 redirects, each new host admitted by the allow-list before any packet. */
export async function follow(start: URL, address: string, ctx: CheckContext): Promise<Hop[]> {
  const chain = [await request(start, address, ctx)];
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    const next = nextUrl(chain[chain.length - 1]);
    if (!next) break;
    let nextAddress: string;
    try {
      nextAddress = await ctx.resolveAllowed(bare(next.hostname));
    } catch (err) {
      throw err instanceof TargetRefusedError ? new RedirectRefusedError(next, err) : err;
    }
    chain.push(await request(next, nextAddress, ctx));
  }
  return chain;
}

/** The http:// chain, or null when http does not answer or its chain breaks (the Observatory's "no http"). */
export async function followHttp(start: URL, address: string, ctx: CheckContext): Promise<Hop[] | null> {
  try {
    return await follow(start, address, ctx);
  } catch (err) {
    if (err instanceof RedirectRefusedError) throw err;
    return null;
  }
}
