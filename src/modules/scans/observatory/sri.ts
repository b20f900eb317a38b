import net from 'node:net';
import { collectElements } from './html';
import type { Outcome } from './outcomes';
import { HTML_TYPES, mimeType, type ObservedResponse } from './types';

/*
 * Subresource Integrity, as the Observatory judges it. A script is "foreign" when it is
 * protocol-relative (//host/x.js) or an absolute URL on another registrable domain; foreign
 * scripts should be loaded over https with an integrity attribute.
 *
 * The Observatory finds the registrable domain with the public suffix list (tldts). Attest has no
 * such list: it takes the last two labels, or the last three under a two-letter country code
 * whose second level is a common public one (gov.vn, com.vn, co.uk, ...). IP addresses and
 * single-label names have no registrable domain (null), as in tldts.
 */
const PUBLIC_SECOND_LEVEL = new Set(['ac', 'biz', 'co', 'com', 'edu', 'go', 'gob', 'gov', 'health', 'info', 'int', 'mil', 'name', 'ne', 'net', 'or', 'org', 'pro']);

export function registrableDomain(host: string): string | null {
  const name = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (!name || net.isIP(name)) return null;
  const labels = name.split('.');
  const underCountry = labels.length >= 2 && labels[labels.length - 1].length === 2 && PUBLIC_SECOND_LEVEL.has(labels[labels.length - 2]);
  const size = underCountry ? 3 : 2;
  return labels.length >= size ? labels.slice(-size).join('.') : null;
}

// the Observatory's order, best first; an outcome only replaces one earlier in this list
const ORDER: Outcome[] = [
  'sri-implemented-and-all-scripts-loaded-securely',
  'sri-implemented-and-external-scripts-loaded-securely',
  'sri-implemented-but-external-scripts-not-loaded-securely',
  'sri-not-implemented-but-external-scripts-loaded-securely',
  'sri-not-implemented-and-external-scripts-not-loaded-securely',
  'sri-not-implemented-response-not-html',
];
const MAX_SCRIPTS = 10_000;

function protocolOf(src: string): string | null {
  try {
    return new URL(src).protocol;
  } catch {
    return null; // the Observatory would fail the whole scan here; an unusable URL is simply not https
  }
}

/**
 * A script's src as the Observatory reads it: jsdom's script.src, the attribute resolved against
 * the document's base URL (about:blank, or the first <base href> that parses on its own) and
 * serialised, or the attribute as written when it does not resolve. So "HTTPS://x/a.js" reads
 * "https://x/a.js", while "/a.js" and "//x/a.js" stay as written (about:blank resolves neither).
 */
function resolvedSrc(src: string, base: URL | undefined): string {
  try {
    return new URL(src, base).href;
  } catch {
    return src;
  }
}

function documentBase(html: string): URL | undefined {
  const href = collectElements(html, 'base').find((b) => 'href' in b)?.href;
  try {
    return href === undefined ? undefined : new URL(href);
  } catch {
    return undefined;
  }
}

/** `https`: the page was fetched over https, so same-origin relative scripts load securely. */
export function sriTest(response: ObservedResponse, siteHost: string, https: boolean): Outcome {
  // no Content-Type is not HTML either, as in the Observatory
  if (!HTML_TYPES.has(mimeType(response.headers))) return 'sri-not-implemented-response-not-html';
  let scripts: Record<string, string>[];
  let base: URL | undefined;
  try {
    scripts = collectElements(response.body ?? '', 'script');
    base = documentBase(response.body ?? '');
  } catch {
    return 'html-not-parseable';
  }
  if (scripts.length === 0) return 'sri-not-implemented-but-no-scripts-loaded';

  let outcome: Outcome | null = null;
  const worse = (o: Outcome) => {
    if (!outcome || ORDER.indexOf(o) > ORDER.indexOf(outcome)) outcome = o;
  };
  const siteDomain = registrableDomain(siteHost);
  let anyForeign = false;
  for (const script of scripts.slice(0, MAX_SCRIPTS)) {
    if (!script.src) continue;
    const src = resolvedSrc(script.src, base);
    const integrity = Boolean(script.integrity);
    const relativeProtocol = /^\/\/[^/]/.test(src);
    // on the resolved URL, as in the Observatory: anything else counts as a path on the same origin
    const absolute = !relativeProtocol && /^https?:\/\//.test(src);
    const relativeOrigin = !relativeProtocol && !absolute;
    let sameDomain = true;
    if (absolute) {
      let host = '';
      try { host = new URL(src).hostname; } catch { /* tldts yields no domain for it either */ }
      sameDomain = registrableDomain(host) === siteDomain;
    }
    const secureScheme = (absolute && protocolOf(src) === 'https:') || (relativeOrigin && https);
    const foreign = !(relativeOrigin || (sameDomain && !relativeProtocol));
    if (foreign) {
      anyForeign = true;
      if (integrity && !secureScheme) worse('sri-implemented-but-external-scripts-not-loaded-securely');
      else if (!integrity && secureScheme) worse('sri-not-implemented-but-external-scripts-loaded-securely');
      else if (!integrity) worse('sri-not-implemented-and-external-scripts-not-loaded-securely');
    } else if (integrity && secureScheme && !outcome) {
      // the Observatory grants the bonus even for same-origin scripts with integrity
      outcome = 'sri-implemented-and-all-scripts-loaded-securely';
    }
  }
  if (outcome) return outcome;
  return anyForeign ? 'sri-implemented-and-external-scripts-loaded-securely' : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin';
}
