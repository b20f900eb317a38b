import net from 'node:net';
import type { Outcome } from './outcomes';
import { headerValues, type ObservatoryInput } from './types';

/*
 * The Observatory's cookie test reads cookies from the tough-cookie jar of its session (every
 * Set-Cookie along the redirect chain, as the jar accepted them) and, for one check, the raw
 * Set-Cookie lines of the final response. The jar is rebuilt here with tough-cookie's rules that
 * matter for the outcome: a cookie without a name is dropped, a Domain that does not cover the
 * host that set it is refused, __Secure-/__Host- prefixes are enforced silently, and a later
 * cookie with the same name, domain and path replaces an earlier one. Not reproduced: the public
 * suffix list (a cookie with Domain=com would be kept here, refused there).
 */
interface JarCookie {
  key: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** 'strict' | 'lax' | 'none'; undefined when absent or unrecognised (as tough-cookie 5 does) */
  sameSite?: string;
}

// worst last; an outcome only replaces a better one
const ORDER: Outcome[] = [
  'cookies-without-secure-flag-but-protected-by-hsts',
  'cookies-without-secure-flag',
  'cookies-session-without-secure-flag-but-protected-by-hsts',
  'cookies-samesite-flag-invalid',
  'cookies-anticsrf-without-samesite-flag',
  'cookies-session-without-httponly-flag',
  'cookies-session-without-secure-flag',
];
// see mozilla/http-observatory#282: Heroku's affinity cookie cannot be configured by the site
const IGNORED = new Set(['heroku-session-affinity']);
const MAX_COOKIES = 200;

function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return !net.isIP(host) && host.endsWith(`.${domain}`);
}

function defaultPath(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  return !pathname.startsWith('/') || slash <= 0 ? '/' : pathname.slice(0, slash);
}

function parseCookie(line: string, url: URL): JarCookie | null {
  const text = line.trim().split(/[\n\r\0]/, 1)[0];
  const [pair, ...attributes] = text.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const key = pair.slice(0, eq).trim();
  if (/[\x00-\x1f]/.test(key + pair.slice(eq + 1).trim())) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const cookie: JarCookie = { key, domain: host, path: '', secure: false, httpOnly: false };
  let domainAttribute: string | null = null;
  for (const attribute of attributes) {
    const sep = attribute.indexOf('=');
    const name = (sep === -1 ? attribute : attribute.slice(0, sep)).trim().toLowerCase();
    const value = sep === -1 ? '' : attribute.slice(sep + 1).trim();
    if (name === 'secure') cookie.secure = true;
    else if (name === 'httponly') cookie.httpOnly = true;
    else if (name === 'samesite') cookie.sameSite = ['strict', 'lax', 'none'].includes(value.toLowerCase()) ? value.toLowerCase() : undefined;
    else if (name === 'domain' && value.replace(/^\./, '')) domainAttribute = value.replace(/^\./, '').toLowerCase();
    else if (name === 'path') cookie.path = value.startsWith('/') ? value : '';
  }
  if (domainAttribute !== null) {
    if (!domainMatches(host, domainAttribute)) return null;
    cookie.domain = domainAttribute;
  }
  if (!cookie.path) cookie.path = defaultPath(url.pathname);
  if (key.startsWith('__Secure-') && !cookie.secure) return null;
  if (key.startsWith('__Host-') && (!cookie.secure || domainAttribute !== null || cookie.path !== '/')) return null;
  return cookie;
}

function jar(input: ObservatoryInput): JarCookie[] {
  const response = input.response;
  const sources = input.cookies ?? (response ? [{ url: response.url, lines: headerValues(response.headers, 'set-cookie') }] : []);
  const cookies = new Map<string, JarCookie>();
  for (const { url, lines } of sources) {
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url);
    } catch {
      continue;
    }
    for (const line of lines.slice(0, MAX_COOKIES)) {
      const cookie = parseCookie(line, parsedUrl);
      if (cookie && cookies.size < MAX_COOKIES) cookies.set(`${cookie.domain};${cookie.path};${cookie.key}`, cookie);
    }
  }
  return [...cookies.values()].filter((c) => c.key && !IGNORED.has(c.key));
}

/** A SameSite attribute without a value, or with one other than Lax/Strict/None, in a raw line. */
function hasInvalidSameSite(line: string): boolean {
  return line.trim().split(';').some((part) => {
    const [key, value] = part.trim().split('=');
    return key?.trim().toLowerCase() === 'samesite' && (!value || !['lax', 'strict', 'none'].includes(value.trim().toLowerCase()));
  });
}

/** `hstsPass`: the HSTS test passed, so cookies cannot leak over plain HTTP. */
export function cookiesTest(input: ObservatoryInput, hstsPass: boolean): Outcome {
  let outcome: Outcome | null = null;
  const worse = (o: Outcome) => {
    if (!outcome || ORDER.indexOf(o) > ORDER.indexOf(outcome)) outcome = o;
  };
  for (const line of headerValues(input.response?.headers, 'set-cookie')) {
    if (hasInvalidSameSite(line)) worse('cookies-samesite-flag-invalid');
  }
  const cookies = jar(input);
  // the jar decides whether there are cookies at all, even after a bad raw line
  if (cookies.length === 0) return 'cookies-not-found';

  let missingSameSite = false;
  for (const cookie of cookies) {
    const name = cookie.key.toLowerCase();
    const session = name.includes('login') || name.includes('sess');
    const antiCsrf = name.includes('csrf');
    if (!cookie.secure && cookie.sameSite === 'none') worse('cookies-samesite-flag-invalid');
    if (!cookie.secure) worse(hstsPass ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
    if (antiCsrf && !cookie.sameSite) worse('cookies-anticsrf-without-samesite-flag');
    if (session && !cookie.secure) worse(hstsPass ? 'cookies-session-without-secure-flag-but-protected-by-hsts' : 'cookies-session-without-secure-flag');
    if (session && !cookie.httpOnly) worse('cookies-session-without-httponly-flag');
    if (!cookie.sameSite) missingSameSite = true;
  }
  return outcome ?? (missingSameSite ? 'cookies-secure-with-httponly-sessions' : 'cookies-secure-with-httponly-sessions-and-samesite');
}
