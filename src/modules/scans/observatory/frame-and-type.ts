import type { HttpEquiv } from './html';
import type { Outcome } from './outcomes';
import { headerValues, joinedHeader, type HeaderMap } from './types';

export function xContentTypeOptionsTest(headers: HeaderMap): Outcome {
  const value = joinedHeader(headers, 'x-content-type-options');
  if (!value) return 'x-content-type-options-not-implemented';
  return value.slice(0, 256).trim().toLowerCase() === 'nosniff' ? 'x-content-type-options-nosniff' : 'x-content-type-options-header-invalid';
}

/** `cspDirectives`: the parsed CSP; any frame-ancestors there supersedes X-Frame-Options. */
export function xFrameOptionsTest(headers: HeaderMap, cspDirectives: string[]): Outcome {
  if (cspDirectives.includes('frame-ancestors')) return 'x-frame-options-implemented-via-csp';
  const value = joinedHeader(headers, 'x-frame-options');
  if (!value) return 'x-frame-options-not-implemented';
  // "DENY, DENY" (the header sent twice) is invalid, as in the Observatory
  const xfo = value.slice(0, 1024).trim().toLowerCase();
  if (xfo === 'deny' || xfo === 'sameorigin') return 'x-frame-options-sameorigin-or-deny';
  return xfo.startsWith('allow-from') ? 'x-frame-options-allow-from-origin' : 'x-frame-options-header-invalid';
}

const PRIVATE = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
const UNSAFE = ['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer-when-downgrade'];

/** The last recognised value wins (browsers skip unknown ones), and a <meta name="referrer"> comes after the header. */
export function referrerPolicyTest(headers: HeaderMap, equiv: HttpEquiv): Outcome {
  const values = [...headerValues(headers, 'referrer-policy'), ...equiv.referrer];
  if (values.length === 0) return 'referrer-policy-not-implemented';
  const known = values
    .join(', ')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => PRIVATE.includes(v) || UNSAFE.includes(v));
  const policy = known[known.length - 1];
  if (policy === undefined) return 'referrer-policy-header-invalid';
  return PRIVATE.includes(policy) ? 'referrer-policy-private' : 'referrer-policy-unsafe';
}
