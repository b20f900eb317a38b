import { expect } from 'chai';
import { canGradeStatus, gradeResponse, type ObservatoryInput, type Outcome, type TestName } from '../../src/modules/scans/observatory/grade';
import { parseCsp } from '../../src/modules/scans/observatory/csp-parser';
import { gradeForScore, scoreModifiers } from '../../src/modules/scans/observatory/score';
import { registrableDomain } from '../../src/modules/scans/observatory/sri';
import { CORS_ORIGIN } from '../../src/modules/scans/checks/http';

// Cases ported in spirit from mdn-http-observatory's test/*.test.js; its emptyRequests() is base().
type Headers = Record<string, string | string[]>;
const ORIGIN = CORS_ORIGIN;
const hop = (url: string, status: number) => ({ url, status });

function base(headers: Headers = {}, patch: Partial<ObservatoryInput> = {}, body = ''): ObservatoryInput {
  const map = Object.fromEntries(Object.entries({ 'content-type': 'text/html', ...headers }).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  return {
    host: 'mozilla.example',
    response: { url: 'https://mozilla.example/', status: 200, headers: map, body },
    https: true,
    certificateValid: true,
    http: { chain: [hop('http://mozilla.example/', 301), hop('https://mozilla.example/', 301), hop('https://www.mozilla.example/', 200)], certificateValid: true },
    cors: { origin: ORIGIN, headers: {} },
    ...patch,
  };
}
function test(name: TestName, input: ObservatoryInput) {
  const grade = gradeResponse(input);
  if (!grade.canGrade) throw new Error(grade.reason);
  return [...grade.tests, ...grade.informational].find((t) => t.name === name)!;
}
function expectOutcomes(name: TestName, cases: [Headers, Outcome][], patch: Partial<ObservatoryInput> = {}, body = '') {
  for (const [headers, outcome] of cases) expect(test(name, base(headers, patch, body)).outcome, JSON.stringify(headers)).to.equal(outcome);
}
const csp = (value: string | string[]): Headers => ({ 'content-security-policy': value });
const meta = (...policies: string[]) => policies.map((p) => `<meta http-equiv="Content-Security-Policy" content="${p}">`).join('');
const cookies = (...lines: string[]): Headers => ({ 'set-cookie': lines });
const HSTS: Headers = { 'strict-transport-security': 'max-age=15768000' };

describe('observatory grader (pure)', () => {
  describe('content-security-policy', () => {
    it('when no policy is sent, then csp-not-implemented fails the test', () => {
      const t = test('content-security-policy', base());
      expect([t.outcome, t.modifier, t.pass]).to.deep.equal(['csp-not-implemented', -25, false]);
    });
    it('when a policy is empty, too short, repeats a directive or uses strict-dynamic without nonce, then csp-header-invalid', () => {
      const invalid = ['  ', '', "default-src 'none'; default-src 'none'", "default-src 'none'; img-src 'self'; default-src 'none'", "default-src 'none'; script-src 'strict-dynamic'", 'defa'];
      expectOutcomes('content-security-policy', invalid.map((v) => [csp(v), 'csp-header-invalid']));
    });
    it('when script-src or object-src allows inline, data:, broad schemes or nothing restricts them, then csp-implemented-with-unsafe-inline', () => {
      const values = ["script-src 'unsafe-inline'", 'script-src data:', 'script-src http:', 'script-src ftp:', "default-src 'unsafe-inline'", "default-src 'UNSAFE-INLINE'",
        'upgrade-insecure-requests', "script-src 'none'", 'script-src https:', 'script-src https://mozilla.example https:', 'default-src https://mozilla.example https:',
        "default-src 'none'; script-src *", "default-src *; script-src *; object-src 'none'", "default-src 'none'; script-src 'none'; object-src *",
        "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'", "default-src 'none'; script-src 'unsafe-inline' http:", "object-src https:; script-src 'none'",
        "default-src 'none'; script-src https://*"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-unsafe-inline']));
    });
    it('when an https site allows active content over http or ftp, then csp-implemented-with-insecure-scheme', () => {
      const values = ['default-src http://mozilla.example', "default-src 'none'; script-src http://mozilla.example", "default-src 'none'; script-src ftp://mozilla.example"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-insecure-scheme']));
    });
    it('when the same http source is allowed on an http site, then it is not an insecure scheme', () => {
      expectOutcomes('content-security-policy', [[csp('default-src http://mozilla.example'), 'csp-implemented-with-no-unsafe']], { https: false });
    });
    it('when only images or media may load over http, then passive-content-only costs 10 points yet counts as a passed test, as in the published package', () => {
      const values = ["default-src 'none'; img-src http://mozilla.example", "default-src 'self'; img-src ftp:", "default-src 'self'; img-src http:",
        "default-src 'none'; img-src https:; media-src http://mozilla.example", "default-src 'none'; img-src http: https:; script-src 'self'; style-src 'self'",
        "default-src 'none'; img-src 'none'; media-src http:; script-src 'self'; style-src 'unsafe-inline'"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-insecure-scheme-in-passive-content-only']));
      const t = test('content-security-policy', base(csp(values[0])));
      expect([t.modifier, t.pass]).to.deep.equal([-10, true]);
      const g = gradeResponse(base(csp(values[0])));
      if (!g.canGrade) throw new Error(g.reason);
      // every other penalised test is a failed one
      expect(g.testsFailed).to.equal(g.tests.filter((x) => x.modifier < 0).length - 1);
    });
    it("when script-src allows 'unsafe-eval', then csp-implemented-with-unsafe-eval", () => {
      expectOutcomes('content-security-policy', [[csp("default-src 'none'; script-src 'unsafe-eval'"), 'csp-implemented-with-unsafe-eval']]);
    });
    it('when only style-src is loose, then unsafe-inline-in-style-src-only passes with 0', () => {
      const values = ["object-src 'none'; script-src 'none'; style-src 'unsafe-inline'", "default-src 'none'; script-src https://mozilla.example; style-src 'unsafe-inline'",
        "default-src 'unsafe-inline'; script-src https://mozilla.example", "default-src 'none';;; ;;;style-src 'self' 'unsafe-inline'", "default-src 'none'; style-src data:",
        "default-src 'none'; style-src *", "default-src 'none'; style-src https:",
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB=' 'unsafe-inline'"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-unsafe-inline-in-style-src-only']));
    });
    it("when nothing is unsafe (a nonce or hash neutralises 'unsafe-inline'), then csp-implemented-with-no-unsafe (+5)", () => {
      const values = ['default-src https://mozilla.example', "default-src https://mozilla.example;;; ;;;script-src 'none'",
        "object-src 'none'; script-src https://mozilla.example; style-src https://mozilla.example; upgrade-insecure-requests;",
        "object-src 'none'; script-src 'strict-dynamic' 'nonce-abc' 'unsafe-inline'; style-src 'none'",
        "object-src 'none'; style-src 'self';script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA='",
        "object-src 'none'; script-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'; style-src 'none'",
        "default-src https://mozilla.example; style-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-no-unsafe']));
    });
    it("when default-src is 'none' (header, meta, strict-dynamic with nonce, or intersected policies), then default-src-none (+10)", () => {
      const values = ['default-src', "default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123' 'unsafe-inline'", "default-src 'none'; object-src https://mozilla.example",
        "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123' https://*", "default-src 'none'; script-src 'self', default-src 'none'; script-src 'self'",
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline', default-src 'none'; style-src 'self', default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"];
      expectOutcomes('content-security-policy', values.map((v) => [csp(v), 'csp-implemented-with-no-unsafe-default-src-none']));
      expectOutcomes('content-security-policy', [[csp('default-src http:'), 'csp-implemented-with-no-unsafe-default-src-none']], {}, meta('default-src https:'));
      expectOutcomes('content-security-policy', [[{}, 'csp-implemented-with-no-unsafe-default-src-none'], [csp("img-src 'none'"), 'csp-implemented-with-no-unsafe-default-src-none']], {}, meta("default-src 'none';"));
      expectOutcomes('content-security-policy', [[csp(["default-src 'none'", "default-src 'none'"]), 'csp-implemented-with-no-unsafe-default-src-none']]);
    });
    it('when only Content-Security-Policy-Report-Only is sent, then csp-not-implemented-but-reporting-enabled', () => {
      expectOutcomes('content-security-policy', [[{ 'content-security-policy-report-only': "default-src 'none'; report-to /_/csp-reports" }, 'csp-not-implemented-but-reporting-enabled']]);
    });
    it('when a <meta> policy only has header-only directives, then it is no policy; a misspelt header directive leaves scripts open', () => {
      const page = meta("frame-ancestors 'none'");
      expectOutcomes('content-security-policy', [[{}, 'csp-not-implemented'], [csp("frame-anchestors 'none'"), 'csp-implemented-with-unsafe-inline']], {}, page);
    });
    it('when report-uri is repeated in a passing policy, then csp-implemented-but-duplicate-directives', () => {
      expectOutcomes('content-security-policy', [[csp("default-src 'none'; report-uri /a; report-uri /b"), 'csp-implemented-but-duplicate-directives']]);
    });
    it('when several policies are parsed, then sources survive only where every policy allows them', () => {
      const parsed = (p: string[]) => Object.fromEntries([...parseCsp(p)].map(([k, v]) => [k, [...v].sort()]));
      expect(parsed(["default-src 'none'; script-src 'self' https://mozilla.example", "default-src 'none'; script-src https://example.com 'self' https://mozilla.example"]))
        .to.deep.equal({ 'default-src': ["'none'"], 'script-src': ["'self'", 'https://mozilla.example'] });
      expect(parsed(['default-src https://mozilla.example', 'default-src https://mozilla-com.example'])).to.deep.equal({ 'default-src': ["'none'"] });
      expect(parsed(['default-src https://mozilla.example/firefox/', 'default-src https://mozilla.example/firefox/download/'])).to.deep.equal({ 'default-src': ['https://mozilla.example/firefox/download/'] });
      expect(parsed(['default-src http: http:', 'default-src https: https:'])).to.deep.equal({ 'default-src': ["'none'"] });
      for (const bad of ['  ', '\r\n', '', "default-src 'none'; default-src 'none'", 'defa']) expect(() => parseCsp([bad])).to.throw();
    });
  });

  describe('cookies', () => {
    it('when no cookie is set (or only Heroku affinity, or one for another domain), then cookies-not-found', () => {
      expectOutcomes('cookies', [[{}, 'cookies-not-found'], [cookies('heroku-session-affinity=x; Path=/'), 'cookies-not-found'], [cookies('a=b; Domain=example.com; Secure'), 'cookies-not-found']]);
    });
    it('when every cookie is Secure and sessions HttpOnly, then 0 without SameSite everywhere and +5 with it', () => {
      expectOutcomes('cookies', [
        [cookies('SESSIONID=bar; Domain=mozilla.example; Path=/; Secure; HttpOnly', 'foo=bar; Domain=mozilla.example; Secure; Path=/', 'heroku-session-affinity=bar; Path=/'), 'cookies-secure-with-httponly-sessions'],
        [cookies('S1=b; Path=/; Secure; HttpOnly; SameSite=Strict', 'S2=b; Path=/; Secure; HttpOnly; SameSite=Lax', 'S3=b; Path=/; Secure; HttpOnly; SameSite=None'), 'cookies-secure-with-httponly-sessions-and-samesite'],
        [cookies('S1=b; Path=/; Secure; HttpOnly; SameSite=Strict', 'S2=b; Path=/; Secure; HttpOnly'), 'cookies-secure-with-httponly-sessions'],
      ]);
    });
    it('when a cookie breaks a rule, then the worst outcome in the Observatory order wins', () => {
      expectOutcomes('cookies', [
        [cookies('CSRFTOKEN=bar; Path=/; Secure; HttpOnly'), 'cookies-anticsrf-without-samesite-flag'],
        [cookies('SESSIONID=bar; Path=/; Secure; HttpOnly; SameSite='), 'cookies-samesite-flag-invalid'],
        [cookies('SESSIONID=bar; Path=/; Secure; HttpOnly; SameSite=True'), 'cookies-samesite-flag-invalid'],
        [cookies('foo=bar; Path=/; SameSite=None'), 'cookies-samesite-flag-invalid'],
        [cookies('foo=bar; Domain=mozilla.example; Path=/'), 'cookies-without-secure-flag'],
        [cookies('SESSIONID=bar; Path=/; Secure'), 'cookies-session-without-httponly-flag'],
        [cookies('SESSIONID=bar; Path=/; HttpOnly'), 'cookies-session-without-secure-flag'],
        [cookies('SESSIONID=bar; Path=/'), 'cookies-session-without-secure-flag'],
      ]);
    });
    it('when HSTS protects the site, then missing Secure flags cost -5 / -10 instead of -20 / -40', () => {
      expectOutcomes('cookies', [[{ ...cookies('foo=bar; Path=/'), ...HSTS }, 'cookies-without-secure-flag-but-protected-by-hsts'],
        [{ ...cookies('SESSIONID=bar; Path=/; HttpOnly'), ...HSTS }, 'cookies-session-without-secure-flag-but-protected-by-hsts']]);
    });
    it('when a redirect hop set the cookie, then the jar still judges it', () => {
      const input = base({}, { cookies: [{ url: 'https://mozilla.example/', lines: ['login=1; Path=/; Secure'] }, { url: 'https://www.mozilla.example/', lines: [] }] });
      expect(test('cookies', input).outcome).to.equal('cookies-session-without-httponly-flag');
    });
  });

  describe('cross-origin-resource-sharing', () => {
    it('when the preflight answer has no ACAO, *, a fixed origin, or echoes ours with credentials, then not / public / restricted / universal', () => {
      const cors = (headers: Headers) => ({ cors: { origin: ORIGIN, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v as string]])) } });
      const cases: [Headers, Outcome][] = [[{}, 'cross-origin-resource-sharing-not-implemented'], [{ 'access-control-allow-origin': '*' }, 'cross-origin-resource-sharing-implemented-with-public-access'],
        [{ 'access-control-allow-origin': 'https://mozilla.example' }, 'cross-origin-resource-sharing-implemented-with-restricted-access'],
        [{ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' }, 'cross-origin-resource-sharing-implemented-with-universal-access']];
      for (const [h, outcome] of cases) expect(test('cross-origin-resource-sharing', base({}, cors(h))).outcome).to.equal(outcome);
      expect(test('cross-origin-resource-sharing', base({}, cors(cases[3][0]))).modifier).to.equal(-50);
    });
  });

  describe('redirection', () => {
    const chain = (...urls: string[]) => ({ http: { chain: urls.map((u, i) => hop(u, i === urls.length - 1 ? 200 : 301)), certificateValid: true } });
    it('when http answers nothing, stays on http, or ends on http, then not-needed / missing / not-to-https', () => {
      expect(test('redirection', base({}, { http: null })).outcome).to.equal('redirection-not-needed-no-http');
      expect(test('redirection', base({}, chain('http://mozilla.example/'))).outcome).to.equal('redirection-missing');
      expect(test('redirection', base({}, chain('http://mozilla.example/', 'http://www.mozilla.example/', 'http://www.mozilla.example/en/'))).outcome).to.equal('redirection-not-to-https');
    });
    it('when the first hop goes to http or to another host, then on-initial-redirection (-10) / off-host (-5)', () => {
      expect(test('redirection', base({}, chain('http://mozilla.example/', 'http://www.mozilla.example/', 'https://www.mozilla.example/'))).outcome).to.equal('redirection-not-to-https-on-initial-redirection');
      expect(test('redirection', base({}, chain('http://mozilla.example/', 'https://www.mozilla.example/'))).modifier).to.equal(-5);
    });
    it('when http goes to https on the same host (any port), then redirection-to-https; a bad certificate makes it invalid-cert', () => {
      expect(test('redirection', base()).outcome).to.equal('redirection-to-https');
      expect(test('redirection', base({}, chain('http://mozilla.example/', 'https://mozilla.example:8443/'))).outcome).to.equal('redirection-to-https');
      expect(test('redirection', base({}, { http: { ...chain('http://mozilla.example/', 'https://mozilla.example/').http, certificateValid: false } })).outcome).to.equal('redirection-invalid-cert');
    });
    it('when every host of the route is on the preload list, then still redirection-to-https: Attest has no preload list', () => {
      expect(test('redirection', base({}, chain('http://cloudflare.example/', 'https://cloudflare.example/', 'https://baz.cloudflare.example/foo'))).outcome).to.equal('redirection-to-https');
    });
  });

  describe('referrer-policy', () => {
    it('when the last recognised policy is private, unsafe, absent or nothing is recognised, then private / unsafe / not-implemented / invalid', () => {
      const rp = (v: string): Headers => ({ 'referrer-policy': v });
      expectOutcomes('referrer-policy', [...['no-referrer', 'same-origin', 'STRICT-ORIGIN', 'strict-origin-when-cross-origin', 'no-referrer, whimsy'].map((v): [Headers, Outcome] => [rp(v), 'referrer-policy-private']),
        ...['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer, unsafe-url'].map((v): [Headers, Outcome] => [rp(v), 'referrer-policy-unsafe']),
        [{}, 'referrer-policy-not-implemented'], [rp('whimsy, whimsy1'), 'referrer-policy-header-invalid']]);
    });
    it('when a <meta name="referrer"> is present, then it comes after (and overrides) the header', () => {
      expectOutcomes('referrer-policy', [[{ 'referrer-policy': 'unsafe-url' }, 'referrer-policy-private']], {}, '<meta name="referrer" content="no-referrer, same-origin">');
    });
  });

  describe('strict-transport-security', () => {
    it('when the header is missing, malformed, sent twice, short or long enough, then the matching outcome', () => {
      const h = (v: string): Headers => ({ 'strict-transport-security': v });
      expectOutcomes('strict-transport-security', [[{}, 'hsts-not-implemented'], [h('includeSubDomains; preload'), 'hsts-header-invalid'],
        [h('max-age=15768000; includeSubDomains, max-age=15768000; includeSubDomains'), 'hsts-header-invalid'], [h('max-age=86400'), 'hsts-implemented-max-age-less-than-six-months'],
        [h('max-age=15768000; includeSubDomains; preload'), 'hsts-implemented-max-age-at-least-six-months'], [h('max-age=15552000'), 'hsts-implemented-max-age-at-least-six-months']]);
    });
    it('when the site is not https or its certificate is invalid, then no-https / invalid-cert; preloaded hosts get no bonus here', () => {
      expectOutcomes('strict-transport-security', [[HSTS, 'hsts-not-implemented-no-https']], { https: false });
      expectOutcomes('strict-transport-security', [[HSTS, 'hsts-invalid-cert']], { certificateValid: false });
      expectOutcomes('strict-transport-security', [[{}, 'hsts-not-implemented']], { host: 'bugzilla.mozilla.example' });
    });
  });

  describe('subresource-integrity', () => {
    const js = (src: string, integrity = false) => `<script src="${src}"${integrity ? ' integrity="sha384-x" crossorigin="anonymous"' : ''}></script>`;
    const sri = (body: string) => test('subresource-integrity', base({}, {}, body)).outcome;
    it('when the page loads no script or is not HTML, then no-scripts / not-html', () => {
      expect(sri('<p>hi</p>')).to.equal('sri-not-implemented-but-no-scripts-loaded');
      expect(test('subresource-integrity', base({ 'content-type': 'application/json' }, {}, '{"foo": "bar"}')).outcome).to.equal('sri-not-implemented-response-not-html');
    });
    it('when scripts come from the same site, then all-from-secure-origin, or +5 with integrity; protocol-relative counts as foreign and insecure', () => {
      expect(sri(js('/static/js/foo.js'))).to.equal('sri-not-implemented-but-all-scripts-loaded-from-secure-origin');
      expect(sri(js('https://www.mozilla.example/static/js/foo.js'))).to.equal('sri-not-implemented-but-all-scripts-loaded-from-secure-origin');
      expect(sri(js('/static/js/react.js', true))).to.equal('sri-implemented-and-all-scripts-loaded-securely');
      expect(sri(js('//www.mozilla.example/static/js/foo.js'))).to.equal('sri-not-implemented-and-external-scripts-not-loaded-securely');
    });
    it('when scripts come from elsewhere, then +5 over https with integrity, -5 without, -20 / -50 over http or protocol-relative', () => {
      expect(sri(js('/a.js') + js('https://fb.example/react.js', true))).to.equal('sri-implemented-and-external-scripts-loaded-securely');
      expect(sri(js('/a.js') + js('https://localhost/react.js', true))).to.equal('sri-implemented-and-external-scripts-loaded-securely');
      expect(sri(js('/a.js') + js('https://fb.example/react.js'))).to.equal('sri-not-implemented-but-external-scripts-loaded-securely');
      expect(sri(js('/a.js') + js('http://fb.example/react.js', true) + js('https://fb.example/react.js', true))).to.equal('sri-implemented-but-external-scripts-not-loaded-securely');
      expect(sri(js('//fb.example/react.js', true))).to.equal('sri-implemented-but-external-scripts-not-loaded-securely');
      expect(sri(js('/a.js') + js('http://fb.example/react.js'))).to.equal('sri-not-implemented-and-external-scripts-not-loaded-securely');
      expect(sri(js('/a.js') + js('//fb.example/react.js'))).to.equal('sri-not-implemented-and-external-scripts-not-loaded-securely');
    });
    // regressions found by test/observatory-diff.test.ts against the published 1.4.8
    it('when the answer has no Content-Type, then it is not HTML, whatever scripts the body holds', () => {
      const untyped = base({}, {}, js('http://fb.example/react.js'));
      delete untyped.response!.headers['content-type'];
      expect(test('subresource-integrity', untyped).outcome).to.equal('sri-not-implemented-response-not-html');
    });
    it('when a src resolves to an absolute URL (upper-case scheme, no slashes, or via <base href>), then it is judged as resolved, as jsdom reports it', () => {
      expect(sri(js('HTTPS://fb.example/react.js'))).to.equal('sri-not-implemented-but-external-scripts-loaded-securely');
      expect(sri(js('http:fb.example/react.js'))).to.equal('sri-not-implemented-and-external-scripts-not-loaded-securely');
      expect(sri('<base href="https://fb.example/">' + js('react.js'))).to.equal('sri-not-implemented-but-external-scripts-loaded-securely');
      // a relative <base> does not resolve on its own: the page's own origin still applies
      expect(sri('<base href="/static/">' + js('react.js'))).to.equal('sri-not-implemented-but-all-scripts-loaded-from-secure-origin');
    });
    it('when a host sits under a public second level, then its registrable domain keeps three labels', () => {
      expect([registrableDomain('www.mozilla.example'), registrableDomain('www.example.gov.vn'), registrableDomain('gov.vn'), registrableDomain('127.0.0.1'), registrableDomain('localhost')])
        .to.deep.equal(['mozilla.example', 'example.gov.vn', null, null, null]);
    });
  });

  describe('x-content-type-options, x-frame-options', () => {
    it('when nosniff is sent (once), then it passes; anything else fails with -5', () => {
      const x = (v: string): Headers => ({ 'x-content-type-options': v });
      expectOutcomes('x-content-type-options', [[x('nosniff'), 'x-content-type-options-nosniff'], [x('nosniff '), 'x-content-type-options-nosniff'], [{}, 'x-content-type-options-not-implemented'],
        [x('whimsy'), 'x-content-type-options-header-invalid'], [x('nosniff, nosniff'), 'x-content-type-options-header-invalid']]);
    });
    it('when XFO is DENY / SAMEORIGIN / ALLOW-FROM / garbage / repeated, or CSP has frame-ancestors, then the matching outcome', () => {
      const x = (v: string): Headers => ({ 'x-frame-options': v });
      expectOutcomes('x-frame-options', [[{}, 'x-frame-options-not-implemented'], [x('whimsy'), 'x-frame-options-header-invalid'], [x('SAMEORIGIN, SAMEORIGIN'), 'x-frame-options-header-invalid'],
        [x('ALLOW-FROM https://mozilla.example'), 'x-frame-options-allow-from-origin'], [x('DENY'), 'x-frame-options-sameorigin-or-deny'], [x('SAMEORIGIN'), 'x-frame-options-sameorigin-or-deny'],
        [{ ...x('DENY'), ...csp('frame-ancestors https://mozilla.example') }, 'x-frame-options-implemented-via-csp']]);
      expectOutcomes('x-frame-options', [[{}, 'x-frame-options-not-implemented']], {}, '<meta http-equiv="X-Frame-Options" content="DENY">');
      // Observatory 1.4.8: DENY / SAMEORIGIN pass with 0; only frame-ancestors earns +5
      expect(test('x-frame-options', base(x('DENY'))).modifier).to.equal(0);
      expect(test('x-frame-options', base(csp("frame-ancestors 'none'"))).modifier).to.equal(5);
    });
  });

  describe('cross-origin-resource-policy, -embedder-policy, -opener-policy', () => {
    it('when CORP is same-site / same-origin / cross-origin / garbage / repeated, then +10 / +10 / 0 / -5 / -5', () => {
      const c = (v: string | string[]): Headers => ({ 'cross-origin-resource-policy': v });
      expectOutcomes('cross-origin-resource-policy', [[{}, 'cross-origin-resource-policy-not-implemented'], [c('same-site'), 'cross-origin-resource-policy-implemented-with-same-site'],
        [c('same-origin'), 'cross-origin-resource-policy-implemented-with-same-origin'], [c('cross-origin'), 'cross-origin-resource-policy-implemented-with-cross-origin'],
        [c('whimsy'), 'cross-origin-resource-policy-header-invalid'], [c(['same-origin', 'cross-origin']), 'cross-origin-resource-policy-header-invalid']]);
    });
    it('when COEP / COOP is a valid structured-field token (parameters allowed), then it counts; quoted, cased, malformed or repeated is invalid', () => {
      const e = (v: string | string[]): Headers => ({ 'cross-origin-embedder-policy': v });
      const o = (v: string): Headers => ({ 'cross-origin-opener-policy': v });
      expectOutcomes('cross-origin-embedder-policy', [[{}, 'coep-not-implemented'], [e('require-corp'), 'coep-implemented-with-require-corp'], [e('credentialless; report-to="x"'), 'coep-implemented-with-credentialless'],
        [e('unsafe-none'), 'coep-implemented-with-unsafe-none'], [e('require-corp; report-to'), 'coep-implemented-with-require-corp'],
        ...['whimsy', '"require-corp"', 'Require-Corp', 'REQUIRE-CORP', 'require-corp; report-to=coep endpoint'].map((v): [Headers, Outcome] => [e(v), 'coep-header-invalid']),
        [e(['require-corp', 'unsafe-none']), 'coep-header-invalid']]);
      expectOutcomes('cross-origin-opener-policy', [[{}, 'coop-not-implemented'], [o('same-origin'), 'coop-implemented-with-same-origin'], [o('same-origin-allow-popups; report-to="c"'), 'coop-implemented-with-same-origin-allow-popups'],
        [o('noopener-allow-popups'), 'coop-implemented-with-noopener-allow-popups'], [o('unsafe-none'), 'coop-implemented-with-unsafe-none'],
        ...['whimsy', '"same-origin"', 'SAME-ORIGIN', 'same-origin; report-to=coop endpoint'].map((v): [Headers, Outcome] => [o(v), 'coop-header-invalid'])]);
    });
    it('when COEP / COOP are sent, valid or not, then they are shown beside the grade and change neither the score nor the tests counted (Observatory 1.4.8 grades 10 tests)', () => {
      const plain = gradeResponse(base());
      for (const headers of [{ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }, { 'cross-origin-opener-policy': 'whimsy', 'cross-origin-embedder-policy': 'whimsy' }]) {
        const g = gradeResponse(base(headers));
        if (!g.canGrade || !plain.canGrade) throw new Error('cannot grade');
        expect([g.score, g.grade, g.testsPassed + g.testsFailed]).to.deep.equal([plain.score, plain.grade, 10]);
        expect(g.tests.map((t) => t.name)).to.not.include.members(['cross-origin-opener-policy', 'cross-origin-embedder-policy']);
        expect(g.informational.map((t) => [t.name, t.modifier])).to.deep.equal([['cross-origin-embedder-policy', 0], ['cross-origin-opener-policy', 0]]);
      }
    });
  });

  describe('score, curve and chart', () => {
    it('when scores fall on the chart, then grades follow it, rounding down to 5 and reading anything above 100 as 100', () => {
      const chart: [number, string][] = [[120, 'A+'], [100, 'A+'], [99, 'A'], [90, 'A'], [89, 'A-'], [85, 'A-'], [80, 'B+'], [79, 'B'], [70, 'B'], [65, 'B-'], [60, 'C+'],
        [50, 'C'], [45, 'C-'], [40, 'D+'], [30, 'D'], [25, 'D-'], [24, 'F'], [0, 'F'], [-10, 'F']];
      for (const [score, grade] of chart) expect(gradeForScore(score), String(score)).to.equal(grade);
    });
    it('when penalties leave 90 or more, then bonuses count; below 90 they do not', () => {
      expect(scoreModifiers([-10, 5, 10])).to.deep.equal({ uncurved: 90, score: 105, grade: 'A+' });
      expect(scoreModifiers([-15, 5, 10, 10])).to.deep.equal({ uncurved: 85, score: 85, grade: 'A-' });
      expect(scoreModifiers([-5, 5, 5])).to.deep.equal({ uncurved: 95, score: 105, grade: 'A+' });
    });
    it('when penalties exceed 100, then the score is clamped at 0', () => {
      expect(scoreModifiers([-50, -40, -25, -20, 10])).to.deep.equal({ uncurved: -35, score: 0, grade: 'F' });
    });
    it('when graded end to end like observatory.mozilla.example and mozilla.example, then A+ 105 (10/0) and B 75 (8/2) as Observatory 1.4.8 grades them (DENY earns nothing; COOP is not graded)', () => {
      const obs = base({ 'content-security-policy': "default-src 'self'; script-src 'report-sample' 'self' 'wasm-unsafe-eval' https://js.stripe.example 'sha256-XNBp89FG76amD8BqrJzyflxOF9PaWPqPqvJfKZPCv7M='; style-src 'report-sample' 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; img-src 'self' data: https://mdn.example/",
        'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'strict-transport-security': 'max-age=63072000' },
      { host: 'observatory.mozilla.example', cors: null, http: { chain: [hop('http://observatory.mozilla.example/', 302), hop('https://observatory.mozilla.example/', 301), hop('https://developer.mozilla.example/en-US/observatory', 200)], certificateValid: true } },
      '<script>1</script><script src="/static/client/runtime.js" type="module"></script>');
      expect(gradeResponse(obs)).to.include({ score: 105, grade: 'A+', testsPassed: 10, testsFailed: 0 });
      const moz = base({ 'content-security-policy': "script-src 'self' 'unsafe-eval' 'unsafe-inline' js.stripe.example www.mozilla.example; style-src 'self' 'unsafe-inline'; default-src 'self' *.mozilla.example; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
        'cross-origin-opener-policy': 'same-origin', 'strict-transport-security': 'max-age=31536000', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' },
      {}, '<script src="https://transcend-cdn.example/cm/airgap.js"></script><script src="https://www.mozilla.example/media/js/site.js"></script>');
      expect(gradeResponse(moz)).to.include({ score: 75, grade: 'B', testsPassed: 8, testsFailed: 2 });
    });
  });

  describe('cannot grade', () => {
    it('when the status is outside 2xx/3xx/401/403, or nothing answered, then canGrade is false with a reason', () => {
      for (const status of [100, 400, 404, 500, 503]) {
        const grade = gradeResponse(base({}, { response: { url: 'https://mozilla.example/', status, headers: {} } }));
        expect(grade, String(status)).to.deep.equal({ canGrade: false, reason: `Site did respond with an unexpected HTTP status code ${status}.` });
      }
      expect(gradeResponse(base({}, { response: null })).canGrade).to.equal(false);
      expect([200, 204, 301, 304, 401, 403].every(canGradeStatus)).to.equal(true);
    });
  });
});
