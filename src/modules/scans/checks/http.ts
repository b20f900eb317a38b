import net from 'node:net';
import { describeOutcome, gradeResponse, MODIFIERS, type HeaderMap, type ObservatoryInput, type RedirectHop } from '../observatory/grade';
import { redirectionTest } from '../observatory/transport';
import { type Check, type CheckContext, type Failure, type Target, type TargetResult } from './types';
import { bare, follow, followHttp, request, type Hop } from './http-fetch';

/*
 * HTTP probes graded as the MDN HTTP Observatory grades (observatory/). Every connection goes to
 * an allow-listed IP address; the name only travels in the Host header and SNI. Each request
 * gets ctx.timeoutMs to connect, as much for the TLS handshake, and as much to receive the whole
 * answer (a server that trickles bytes is cut there too).
 *
 * Where Attest fetches differently from the Observatory, on purpose:
 * - the endpoint as listed is the page graded (the Observatory tries https://host/ first, then
 *   http://host/); an http:// endpoint that redirects to https is graded on the https answer;
 * - the http:// probe for the redirection test is http://host/ on port 80, or on the endpoint's
 *   own port when the endpoint is an http:// URL with an explicit port;
 * - a redirect to a host outside SCAN_ALLOWED_TARGETS is never followed: the result is an error
 *   (not a failure), since the Observatory's outcome depends on what that host would answer;
 * - the CORS preflight is sent to the final URL and its own redirects are not followed;
 * - /robots.txt is not fetched: the Observatory's robots request goes through a client without its
 *   cookie jar (except after a certificate error), so it does not change the grade;
 * - a page over 2 MB is graded on its first 2 MB.
 * As in the Observatory, http:// that does not answer, or whose redirect chain breaks, is "no http".
 */
// the Observatory's own preflight Origin: any foreign origin would do, this one keeps results comparable
/** the Origin the Observatory sends in its CORS preflight (a header value; nothing is sent there) */
export const CORS_ORIGIN = 'https://http-observatory.security.mozilla.org';
const SHOWN_HEADERS = [
  'content-security-policy', 'content-security-policy-report-only', 'strict-transport-security', 'x-content-type-options',
  'x-frame-options', 'referrer-policy', 'access-control-allow-origin', 'cross-origin-resource-policy',
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-type', 'server', 'x-powered-by', 'set-cookie',
];


const urlHost = (target: Target) => (net.isIP(bare(target.host)) === 6 ? `[${bare(target.host)}]` : bare(target.host));
const httpProbeUrl = (target: Target) =>
  new URL(`http://${urlHost(target)}:${target.url?.protocol === 'http:' ? target.port : 80}/`);
const route = (chain: Hop[]): RedirectHop[] =>
  chain.map((h) => ({ url: h.url.href.slice(0, 512), status: h.status, location: h.headers.location?.[0]?.slice(0, 512) }));
const httpInput = (chain: Hop[] | null): ObservatoryInput['http'] =>
  chain && { chain: route(chain), certificateValid: chain.every((h) => h.certificateValid) };

function severityOf(modifier: number): Failure['severity'] {
  return modifier <= -20 ? 'high' : modifier <= -10 ? 'medium' : 'low';
}

/**
 * A product token followed by "/" and a number (nginx/1.18.0, PHP/7, Microsoft-IIS/10.0), or a
 * dotted number anywhere (Apache 2.4.41, Jetty(9.4.44)). A bare product name (Express, nginx,
 * cloudflare) or an opaque build id (ECS (dcb/7F84)) is not a version.
 */
export const VERSION_PATTERN = /[A-Za-z][\w.-]*\/v?\d+(?:\.\d+)*(?![\w])|\b\d+\.\d+/;

function disclosures(headers: HeaderMap): Failure[] {
  return (['server', 'x-powered-by'] as const).flatMap((name) => {
    const value = headers[name]?.find((v) => VERSION_PATTERN.test(v));
    if (value === undefined) return [];
    const label = name === 'server' ? 'Server' : 'X-Powered-By';
    return [{ code: `${name}-version-disclosed`, severity: 'low' as const, message: `The ${label} header discloses a software version ("${value.slice(0, 120)}"), which tells attackers which known vulnerabilities to try.` }];
  });
}

function shownHeaders(headers: HeaderMap): Record<string, string[]> {
  const shown: Record<string, string[]> = {};
  for (const name of SHOWN_HEADERS) {
    const values = headers[name]?.slice(0, 20);
    // cookie values can be live session tokens: only names and attributes are kept
    if (values) shown[name] = values.map((v) => (name === 'set-cookie' ? v.replace(/^([^=;]*)=[^;]*/, '$1=…') : v).slice(0, 1024));
  }
  return shown;
}

async function preflight(final: Hop, ctx: CheckContext): Promise<ObservatoryInput['cors']> {
  try {
    const hop = await request(final.url, final.address, ctx, 'OPTIONS', { Origin: CORS_ORIGIN, 'Access-Control-Request-Method': 'GET' });
    return { origin: CORS_ORIGIN, headers: hop.headers };
  } catch {
    return null;
  }
}

async function gradeTarget(target: Target, ctx: CheckContext): Promise<TargetResult> {
  const url = target.url!;
  const key = `${url.protocol}//${urlHost(target)}:${target.port}`;
  try {
    const main = await follow(new URL(url.href), target.address, ctx);
    const final = main[main.length - 1];
    const probe = httpProbeUrl(target);
    const httpChain = probe.href === url.href ? main : await followHttp(probe, target.address, ctx);
    const input: ObservatoryInput = {
      host: bare(target.host),
      response: { url: final.url.href, status: final.status, headers: final.headers, body: final.body },
      https: url.protocol === 'https:' || final.url.protocol === 'https:',
      certificateValid: main.every((h) => h.certificateValid),
      cookies: main.map((h) => ({ url: h.url.href, lines: h.headers['set-cookie'] ?? [] })),
      http: httpInput(httpChain),
      cors: await preflight(final, ctx),
    };
    const grade = gradeResponse(input);
    const observations: Record<string, unknown> = {
      url: final.url.href.slice(0, 512), statusCode: final.status, redirects: route(main), httpRedirects: input.http?.chain ?? null,
      certificateValid: input.certificateValid, headers: shownHeaders(final.headers),
    };
    if (!grade.canGrade) return { target: key, status: 'error', failures: [], observations, error: grade.reason };
    // every penalty is a failure, even the one the Observatory counts as a passed test (observatory/grade.ts)
    const failures: Failure[] = grade.tests
      .filter((t) => t.modifier < 0)
      .map((t) => ({ code: t.outcome, severity: severityOf(t.modifier), message: `${describeOutcome(t.outcome)} (Observatory ${t.name}: ${t.modifier})` }));
    // not graded by the Observatory: reported beside the grade, and enough to make the result a 'fail'
    failures.push(...disclosures(final.headers));
    Object.assign(observations, { score: grade.score, grade: grade.grade, uncurvedScore: grade.uncurvedScore, testsPassed: grade.testsPassed, testsFailed: grade.testsFailed, tests: grade.tests, informational: grade.informational });
    return { target: key, status: failures.length ? 'fail' : 'pass', failures, observations };
  } catch (err) {
    return { target: key, status: 'error', failures: [], observations: {}, error: (err as Error).message.slice(0, 500) };
  }
}

async function redirectTarget(target: Target, ctx: CheckContext): Promise<TargetResult> {
  const probe = httpProbeUrl(target);
  const key = `http://${urlHost(target)}:${probe.port || 80}`;
  try {
    const chain = await followHttp(probe, target.address, ctx);
    const outcome = redirectionTest(httpInput(chain));
    const modifier: number = MODIFIERS[outcome];
    const observations = { outcome, modifier, httpReachable: chain !== null, redirects: chain ? route(chain) : [] };
    if (modifier === 0) return { target: key, status: 'pass', failures: [], observations };
    return { target: key, status: 'fail', failures: [{ code: outcome, severity: severityOf(modifier), message: `${describeOutcome(outcome)} (Observatory redirection: ${modifier})` }], observations };
  } catch (err) {
    return { target: key, status: 'error', failures: [], observations: {}, error: (err as Error).message.slice(0, 500) };
  }
}

export const httpHeaders: Check = {
  id: 'http.headers',
  severity: 'medium',
  appliesTo: (target) => Boolean(target.url),
  run: async (target, ctx) => [await gradeTarget(target, ctx)],
};

export const httpRedirect: Check = {
  id: 'http.redirect',
  severity: 'medium',
  appliesTo: (target) => Boolean(target.url),
  run: async (target, ctx) => [await redirectTarget(target, ctx)],
};
