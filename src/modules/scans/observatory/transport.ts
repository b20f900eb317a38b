import type { Outcome } from './outcomes';
import { joinedHeader, type ObservatoryInput } from './types';

/*
 * HSTS and redirection. The Observatory also consults Chromium's HSTS preload list
 * (hsts-preloaded, redirection-all-redirects-preloaded). Attest ships no preload list and fetches
 * none, so no host is treated as preloaded: a preloaded site scores 5 less on HSTS here unless it
 * also sends the header, and its redirection is judged on the chain itself.
 */

// 15768000 s is six months; the Observatory accepts the common 180-day 15552000
const SIX_MONTHS = 15_552_000;

export function hstsTest(input: ObservatoryInput): Outcome {
  if (!input.https || !input.response) return 'hsts-not-implemented-no-https';
  if (!input.certificateValid) return 'hsts-invalid-cert';
  const header = joinedHeader(input.response.headers, 'strict-transport-security');
  if (header === null) return 'hsts-not-implemented';
  const value = header.slice(0, 1024);
  // a comma means the header was sent twice
  if (value.includes(',')) return 'hsts-header-invalid';
  let maxAge: number | null = null;
  for (const directive of value.split(';').map((d) => d.trim().toLowerCase())) {
    // parseInt, as the Observatory: a quoted or garbled value gives NaN, which is not "< six months"
    if (directive.startsWith('max-age=')) maxAge = Number.parseInt(directive.slice(8, 128), 10);
  }
  if (maxAge === null) return 'hsts-header-invalid';
  return maxAge < SIX_MONTHS ? 'hsts-implemented-max-age-less-than-six-months' : 'hsts-implemented-max-age-at-least-six-months';
}

export const hstsPasses = (outcome: Outcome) => outcome === 'hsts-implemented-max-age-at-least-six-months' || outcome === 'hsts-preloaded';

/** Judged on the chain from http://host/: where the first redirect goes and where the chain ends. */
export function redirectionTest(http: ObservatoryInput['http']): Outcome {
  if (!http) return 'redirection-not-needed-no-http';
  if (!http.certificateValid) return 'redirection-invalid-cert';
  const route = http.chain.map((hop) => new URL(hop.url));
  // (with a preload list, a route whose every host is preloaded would be redirection-all-redirects-preloaded)
  if (route.length <= 1) return 'redirection-missing';
  if (route[route.length - 1].protocol !== 'https:') return 'redirection-not-to-https';
  if (route[1].protocol === 'http:') return 'redirection-not-to-https-on-initial-redirection';
  if (route[0].protocol === 'http:' && route[1].protocol === 'https:' && route[0].hostname !== route[1].hostname) {
    return 'redirection-off-host-from-http';
  }
  return 'redirection-to-https';
}
