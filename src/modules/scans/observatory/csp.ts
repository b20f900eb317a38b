import { DUPLICATE_WARNINGS_KEY, parseCsp, parseCspMeta, type Csp } from './csp-parser';
import type { HttpEquiv } from './html';
import type { Outcome } from './outcomes';
import { joinedHeader, type ObservedResponse } from './types';

const DANGEROUSLY_BROAD = new Set(['ftp:', 'http:', 'https:', '*', 'http://*', 'http://*.*', 'https://*', 'https://*.*']);
const BROAD_OR_UNSAFE_INLINE = new Set([...DANGEROUSLY_BROAD, "'unsafe-inline'", 'data:']);
const PASSIVE_DIRECTIVES = ['img-src', 'media-src'];
const NONCE_OR_HASH = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

export interface CspResult {
  outcome: Outcome;
  /** the effective policy when one was parsed (x-frame-options looks for frame-ancestors in it) */
  directives: string[];
}

const hasNonceOrHash = (sources: Set<string>) => [...sources].some((s) => NONCE_OR_HASH.some((p) => s.startsWith(p)));
const insecureScheme = (s: string) => s.startsWith('http:') || s.startsWith('ftp:');
const splitPolicies = (value: string | null) => (value === null ? [] : value.split(',').map((p) => p.trim()));

function parseOr(policies: string[], parse: (p: string[]) => Csp, fallback: Csp | null): Csp | null {
  try {
    return parse(policies);
  } catch {
    return fallback;
  }
}

/**
 * The Observatory's CSP test. Its checks run from worst to best and the first that matches sets
 * the outcome; a strict-dynamic without nonce/hash marks the header invalid but the policy is
 * still read (its directives still count for x-frame-options).
 */
export function cspTest(response: ObservedResponse, equiv: HttpEquiv, https: boolean): CspResult {
  // commas separate policies (CSP3 §2.2), whether from one header line or several
  const headerPolicies = splitPolicies(joinedHeader(response.headers, 'content-security-policy'));
  const metaPolicies = equiv.csp.flatMap((p) => splitPolicies(p));
  const csp = parseOr([...headerPolicies, ...metaPolicies], parseCsp, null);
  if (!csp) return { outcome: 'csp-header-invalid', directives: [] };
  const headerOnly = parseOr(headerPolicies, parseCsp, new Map()) as Csp;
  const metaOnly = parseOr(metaPolicies, parseCspMeta, new Map()) as Csp;
  // a <meta> that only carries header-only directives counts as no policy at all
  if (headerOnly.size + metaOnly.size === 0) {
    const reportOnly = joinedHeader(response.headers, 'content-security-policy-report-only');
    return { outcome: reportOnly ? 'csp-not-implemented-but-reporting-enabled' : 'csp-not-implemented', directives: [] };
  }

  // these alias the parsed sets on purpose: the Observatory edits them in place, and the later
  // checks (and the default-src test) see the edits
  const star = () => new Set(['*']);
  const objectSrc = csp.get('object-src') ?? csp.get('default-src') ?? star();
  const scriptSrc = csp.get('script-src') ?? csp.get('default-src') ?? star();
  const styleSrc = csp.get('style-src') ?? csp.get('default-src') ?? star();

  // 'unsafe-inline' is ignored by browsers once a nonce or hash is present
  for (const sources of [scriptSrc, styleSrc]) {
    if (hasNonceOrHash(sources)) sources.delete("'unsafe-inline'");
  }

  // every matching finding, worst first: the first one is the outcome
  const found: Outcome[] = [];
  const worst = (o: Outcome) => found.push(o);
  if (scriptSrc.has("'strict-dynamic'")) {
    if (hasNonceOrHash(scriptSrc)) {
      // with strict-dynamic, browsers ignore host/scheme sources, 'self' and 'unsafe-inline'
      for (const s of [...scriptSrc]) {
        if ([...DANGEROUSLY_BROAD].some((b) => s.startsWith(b)) || s === "'self'" || s === "'unsafe-inline'") scriptSrc.delete(s);
      }
    } else {
      worst('csp-header-invalid');
    }
  }

  const active = [...csp].filter(([d]) => !PASSIVE_DIRECTIVES.includes(d) && d !== 'script-src').flatMap(([, s]) => [...s]);
  active.push(...scriptSrc);
  const passive = PASSIVE_DIRECTIVES.flatMap((d) => [...(csp.get(d) ?? csp.get('default-src') ?? new Set<string>())]);

  if ([...scriptSrc].some((s) => BROAD_OR_UNSAFE_INLINE.has(s)) || [...objectSrc].some((s) => DANGEROUSLY_BROAD.has(s))) {
    worst('csp-implemented-with-unsafe-inline');
  }
  if (https && active.some(insecureScheme)) worst('csp-implemented-with-insecure-scheme');
  if (scriptSrc.has("'unsafe-eval'") || styleSrc.has("'unsafe-eval'")) worst('csp-implemented-with-unsafe-eval');
  if (https && passive.some(insecureScheme)) worst('csp-implemented-with-insecure-scheme-in-passive-content-only');
  if ([...styleSrc].some((s) => BROAD_OR_UNSAFE_INLINE.has(s))) worst('csp-implemented-with-unsafe-inline-in-style-src-only');
  const defaultSrc = csp.get('default-src');
  worst(defaultSrc?.has("'none'") && defaultSrc.size === 1 ? 'csp-implemented-with-no-unsafe-default-src-none' : 'csp-implemented-with-no-unsafe');

  const passing: Outcome[] = [
    'csp-implemented-with-no-unsafe',
    'csp-implemented-with-no-unsafe-default-src-none',
    'csp-implemented-with-unsafe-inline-in-style-src-only',
    'csp-implemented-with-insecure-scheme-in-passive-content-only',
  ];
  const final = found[0];
  const directives = [...csp.keys()].filter((d) => d !== DUPLICATE_WARNINGS_KEY);
  // duplicated report-uri/report-to only replaces an outcome the Observatory counts as passing
  if (passing.includes(final) && csp.has(DUPLICATE_WARNINGS_KEY)) return { outcome: 'csp-implemented-but-duplicate-directives', directives };
  return { outcome: final, directives };
}
