import type { Exception } from './compare';
import type { SiteConfig } from './sites';

/*
 * The differential corpus: each entry is one site, served on its own loopback address and graded
 * both by our http.headers check and by the published Observatory. Everything not said here is
 * the well-configured base (sites.ts BASE_HEADERS: CSP default-src 'none' + frame-ancestors,
 * HSTS one year, nosniff, Referrer-Policy no-referrer; http:// 301 to https://host/).
 * The first entry is the base itself; {other} in a Location points at it. An `exception` is a
 * reference defect: we keep the rule, and the test asserts it is the only difference there.
 */
export interface Case extends SiteConfig { exception?: Exception }

const NO_FRAME_ANCESTORS = { 'Content-Security-Policy': "default-src 'none'" };
const script = (attrs: string) => `<!doctype html><html><head><script ${attrs}></script></head><body>s</body></html>`;
const INTEGRITY = 'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" crossorigin="anonymous"';

export const CORPUS: Case[] = [
  { name: 'the base site: CSP default-src none, HSTS, nosniff, no-referrer, http redirects to https' },

  // Content-Security-Policy
  { name: 'there is no CSP (X-Frame-Options DENY)', headers: { 'Content-Security-Policy': null, 'X-Frame-Options': 'DENY' } },
  { name: "the CSP allows 'unsafe-inline' scripts", headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'self'" } },
  { name: "the CSP allows 'unsafe-eval'", headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; frame-ancestors 'self'" } },
  { name: 'the CSP loads scripts over http:', headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' http://cdn.example.com; frame-ancestors 'self'" } },
  { name: 'the CSP loads only images over http:', headers: { 'Content-Security-Policy': "default-src 'self'; img-src 'self' http://img.example.com; frame-ancestors 'self'" } },
  { name: "the CSP allows 'unsafe-inline' styles only", headers: { 'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'" } },
  { name: 'the CSP repeats a directive (invalid header)', headers: { 'Content-Security-Policy': "default-src 'self'; default-src 'none'" } },
  { name: 'the CSP uses strict-dynamic without nonce or hash', headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'strict-dynamic'; frame-ancestors 'none'" } },
  { name: 'the CSP repeats report-uri', headers: { 'Content-Security-Policy': "default-src 'self'; report-uri /a; report-uri /b; frame-ancestors 'none'" } },
  { name: 'only a report-only CSP is sent (X-Frame-Options DENY)', headers: { 'Content-Security-Policy': null, 'Content-Security-Policy-Report-Only': "default-src 'none'", 'X-Frame-Options': 'DENY' } },
  {
    name: 'the CSP comes in a <meta> only (X-Frame-Options DENY)',
    headers: { 'Content-Security-Policy': null, 'X-Frame-Options': 'DENY' },
    body: `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; frame-ancestors 'none'"></head><body>m</body></html>`,
  },
  { name: 'the CSP has a nonce beside unsafe-inline', headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'nonce-abc123' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'" } },
  {
    name: 'two CSP headers are sent (a second reference defect)',
    headers: { 'Content-Security-Policy': ["default-src 'self' https:; frame-ancestors 'none'", "default-src 'self'; script-src 'self'"] },
    exception: {
      test: 'content-security-policy',
      reference: 'csp-implemented-with-unsafe-inline',
      ours: 'csp-implemented-with-no-unsafe',
      why: "Node joins the two header lines with ', ' and 1.4.8 splits policies only on ';' (src/analyzer/cspParser.js `policy.split(\";\")`), so it reads one policy whose " +
        "frame-ancestors swallows the second default-src; browsers enforce both policies (CSP3 §2.2), whose intersection has no unsafe source",
    },
  },
  {
    name: 'a CSP header and a <meta> CSP are both sent',
    headers: { 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'" },
    body: `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'"></head><body>m</body></html>`,
  },

  // Cookies
  { name: 'a session cookie has Secure, HttpOnly and SameSite', headers: { 'Set-Cookie': ['SESSIONID=a; Path=/; Secure; HttpOnly; SameSite=Strict', 'theme=b; Path=/; Secure; SameSite=Lax'] } },
  { name: 'a session cookie has Secure and HttpOnly but no SameSite', headers: { 'Set-Cookie': 'SESSIONID=a; Path=/; Secure; HttpOnly' } },
  { name: 'a session cookie has no flag, behind HSTS', headers: { 'Set-Cookie': 'sessionid=a; Path=/' } },
  { name: 'a session cookie has no flag and there is no HSTS', headers: { 'Set-Cookie': 'sessionid=a; Path=/', 'Strict-Transport-Security': null } },
  { name: 'a plain cookie lacks Secure and there is no HSTS', headers: { 'Set-Cookie': 'theme=dark; Path=/; SameSite=Lax', 'Strict-Transport-Security': null } },
  { name: 'a plain cookie lacks Secure behind HSTS', headers: { 'Set-Cookie': 'theme=dark; Path=/; SameSite=Lax' } },
  { name: 'a cookie has an invalid SameSite value', headers: { 'Set-Cookie': 'theme=dark; Path=/; Secure; SameSite=Bogus' } },
  { name: 'a cookie has SameSite=None without Secure', headers: { 'Set-Cookie': 'theme=dark; Path=/; HttpOnly; SameSite=None' } },
  { name: 'an anti-CSRF cookie has no SameSite', headers: { 'Set-Cookie': 'csrftoken=x; Path=/; Secure' } },
  {
    name: 'an insecure session cookie is set on an https redirect hop',
    routes: { 'https /': { status: 302, headers: { Location: '/home', 'Set-Cookie': 'loginid=x; Path=/' } }, 'https *': 'page' },
  },

  { name: 'a __Host- cookie lacks Secure (the jar drops it)', headers: { 'Set-Cookie': '__Host-sessionid=a; Path=/; HttpOnly' } },
  { name: 'a cookie names a Domain the site is not in (the jar refuses it)', headers: { 'Set-Cookie': 'sessionid=a; Path=/; Domain=example.org' } },
  { name: 'a secure session cookie is replaced by an insecure one of the same name', headers: { 'Set-Cookie': ['SID=a; Path=/; Secure; HttpOnly', 'SID=b; Path=/'] } },
  {
    name: 'robots.txt sets an insecure session cookie (outside the graded fetch)',
    headers: { 'Set-Cookie': 'pref=a; Path=/; Secure; SameSite=Lax' },
    routes: { 'https /robots.txt': { status: 200, headers: { 'Content-Type': 'text/plain', 'Set-Cookie': 'sessionid=x; Path=/' }, body: 'User-agent: *' }, 'https *': 'page' },
  },

  // CORS (the preflight: OPTIONS with the Origin the Observatory sends, its own site)
  { name: 'CORS allows any origin (*)', cors: () => ({ 'Access-Control-Allow-Origin': '*' }) },
  { name: 'CORS allows one fixed origin', cors: () => ({ 'Access-Control-Allow-Origin': 'https://trusted.example.org', 'Access-Control-Allow-Credentials': 'true' }) },
  { name: 'CORS echoes the Origin without credentials', cors: (origin) => ({ 'Access-Control-Allow-Origin': origin ?? 'null' }) },
  {
    name: 'CORS echoes the Origin with credentials (the documented 1.4.8 defect)',
    cors: (origin) => ({ 'Access-Control-Allow-Origin': origin ?? 'null', 'Access-Control-Allow-Credentials': 'true' }),
    exception: {
      test: 'cross-origin-resource-sharing',
      reference: 'cross-origin-resource-sharing-implemented-with-restricted-access',
      ours: 'cross-origin-resource-sharing-implemented-with-universal-access',
      why: "1.4.8 reads the request's Origin from response.request.headers, which axios's ClientRequest does not have (src/analyzer/tests/cors.js), so it never reaches universal access",
    },
  },

  // Redirection
  { name: 'http:// serves the page instead of redirecting', routes: { 'http *': 'page' } },
  { name: 'http:// redirects to https on another host', routes: { 'http *': { status: 301, headers: { Location: 'https://{other}/' } } } },
  { name: 'http:// first redirects to http://', routes: { 'http /': { status: 301, headers: { Location: 'http://{host}/step' } }, 'http /step': { status: 302, headers: { Location: 'https://{host}/' } } } },
  { name: 'http:// redirects but never reaches https', routes: { 'http /': { status: 302, headers: { Location: '/plain' } }, 'http /plain': 'page' } },
  { name: 'nothing listens on http://', noHttp: true },
  { name: 'there is no https at all', noHttps: true },

  { name: 'https:// redirects to https on another host', routes: { 'https *': { status: 302, headers: { Location: 'https://{other}/' } } } },
  { name: 'the page answers 401 with the base headers', routes: { 'https *': { status: 401, headers: { 'Content-Type': 'text/html', 'Strict-Transport-Security': 'max-age=31536000', 'X-Frame-Options': 'DENY' }, body: 'no' } } },
  { name: 'the page answers 500 (neither grades it)', ungradable: true, routes: { 'https *': { status: 500, headers: { 'Content-Type': 'text/html' }, body: 'down' } } },

  // Referrer-Policy
  { name: 'Referrer-Policy is unsafe-url', headers: { 'Referrer-Policy': 'unsafe-url' } },
  { name: 'Referrer-Policy is not a policy', headers: { 'Referrer-Policy': 'nonsense' } },
  { name: 'Referrer-Policy lists a private then an unsafe value', headers: { 'Referrer-Policy': 'no-referrer, unsafe-url' } },
  { name: 'Referrer-Policy is missing', headers: { 'Referrer-Policy': null } },
  {
    name: 'the referrer policy comes in a <meta> only',
    headers: { 'Referrer-Policy': null },
    body: '<!doctype html><html><head><meta name="referrer" content="strict-origin-when-cross-origin"></head><body>r</body></html>',
  },

  // Strict-Transport-Security
  { name: 'HSTS is missing', headers: { 'Strict-Transport-Security': null } },
  { name: 'HSTS is shorter than six months', headers: { 'Strict-Transport-Security': 'max-age=300' } },
  { name: 'HSTS asks for preloading (not in the empty preload list)', headers: { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload' } },
  { name: 'HSTS has no max-age', headers: { 'Strict-Transport-Security': 'includeSubDomains' } },
  { name: 'HSTS is sent twice', headers: { 'Strict-Transport-Security': ['max-age=31536000', 'max-age=300'] } },
  { name: 'the certificate does not name the site', badCert: true },

  // Subresource Integrity
  { name: 'a same-origin script has no integrity', body: script('src="/app.js"') },
  { name: 'a same-origin script has integrity', body: script(`src="/app.js" ${INTEGRITY}`) },
  { name: 'a foreign https script has integrity', body: script(`src="https://cdn.example.com/lib.js" ${INTEGRITY}`) },
  { name: 'a foreign https script has no integrity', body: script('src="https://cdn.example.com/lib.js"') },
  { name: 'a foreign http script has no integrity', body: script('src="http://cdn.example.com/lib.js"') },
  { name: 'a foreign http script has integrity', body: script(`src="http://cdn.example.com/lib.js" ${INTEGRITY}`) },
  { name: 'a protocol-relative script has no integrity', body: script('src="//cdn.example.com/lib.js"') },
  { name: 'a same-host script is loaded over http:', body: script('src="http://{host}/app.js"') },
  { name: 'a foreign script URL is written in upper case (HTTPS://)', body: script('src="HTTPS://cdn.example.com/lib.js"') },
  { name: 'the answer has no Content-Type and loads a foreign http script', headers: { 'Content-Type': null }, body: script('src="http://cdn.example.com/lib.js"') },
  { name: 'a <base href> sends a relative script to a foreign https host', body: '<!doctype html><html><head><base href="https://cdn.example.com/"><script src="lib.js"></script></head><body>b</body></html>' },
  { name: 'the answer is not HTML', headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' },

  // X-Content-Type-Options
  { name: 'X-Content-Type-Options is missing', headers: { 'X-Content-Type-Options': null } },
  { name: 'X-Content-Type-Options is not nosniff', headers: { 'X-Content-Type-Options': 'sniff' } },

  // X-Frame-Options (with a CSP that has no frame-ancestors)
  { name: 'X-Frame-Options is DENY', headers: { ...NO_FRAME_ANCESTORS, 'X-Frame-Options': 'DENY' } },
  { name: 'X-Frame-Options is SAMEORIGIN', headers: { ...NO_FRAME_ANCESTORS, 'X-Frame-Options': 'SAMEORIGIN' } },
  { name: 'X-Frame-Options is ALLOW-FROM', headers: { ...NO_FRAME_ANCESTORS, 'X-Frame-Options': 'ALLOW-FROM https://example.org/' } },
  { name: 'X-Frame-Options is garbage', headers: { ...NO_FRAME_ANCESTORS, 'X-Frame-Options': 'maybe' } },
  { name: 'neither X-Frame-Options nor frame-ancestors is set', headers: NO_FRAME_ANCESTORS },
  { name: 'X-Frame-Options is sent twice', headers: { ...NO_FRAME_ANCESTORS, 'X-Frame-Options': ['DENY', 'DENY'] } },
  { name: 'X-Content-Type-Options and Referrer-Policy are each sent twice', headers: { 'X-Content-Type-Options': ['nosniff', 'nosniff'], 'Referrer-Policy': ['no-referrer', 'unsafe-url'] } },
  { name: 'HSTS max-age is quoted', headers: { 'Strict-Transport-Security': 'max-age="31536000"' } },

  // Cross-Origin-Resource-Policy
  { name: 'CORP is same-origin', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } },
  { name: 'CORP is same-site', headers: { 'Cross-Origin-Resource-Policy': 'same-site' } },
  { name: 'CORP is cross-origin', headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' } },
  { name: 'CORP is invalid', headers: { 'Cross-Origin-Resource-Policy': 'everyone' } },

  // COOP / COEP: informational on our side, unknown to 1.4.8
  { name: 'COOP and COEP are set on the base site', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  { name: 'COOP and COEP are invalid on the base site', headers: { 'Cross-Origin-Opener-Policy': 'nope', 'Cross-Origin-Embedder-Policy': '"require-corp"' } },
];
