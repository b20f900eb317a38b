import type { Outcome } from './outcomes';
import { headerValues, joinedHeader, type HeaderMap, type ObservatoryInput } from './types';

/** CORS is judged on the answer to a preflight sent with a foreign Origin, not on the page itself. */
export function corsTest(cors: ObservatoryInput['cors']): Outcome {
  const allowOrigin = headerValues(cors?.headers, 'access-control-allow-origin')[0];
  if (!cors || !allowOrigin) return 'cross-origin-resource-sharing-not-implemented';
  if (allowOrigin.slice(0, 256).trim().toLowerCase() === '*') return 'cross-origin-resource-sharing-implemented-with-public-access';
  const credentials = headerValues(cors.headers, 'access-control-allow-credentials')[0];
  // echoing an arbitrary Origin while allowing credentials lets any site read authenticated answers
  if (cors.origin === allowOrigin && credentials?.toLowerCase().trim() === 'true') {
    return 'cross-origin-resource-sharing-implemented-with-universal-access';
  }
  return 'cross-origin-resource-sharing-implemented-with-restricted-access';
}

export function corpTest(headers: HeaderMap): Outcome {
  // sent twice, it reads "same-origin, cross-origin": invalid
  const value = joinedHeader(headers, 'cross-origin-resource-policy')?.slice(0, 256).trim().toLowerCase();
  if (!value) return 'cross-origin-resource-policy-not-implemented';
  if (value === 'same-site') return 'cross-origin-resource-policy-implemented-with-same-site';
  if (value === 'same-origin') return 'cross-origin-resource-policy-implemented-with-same-origin';
  if (value === 'cross-origin') return 'cross-origin-resource-policy-implemented-with-cross-origin';
  return 'cross-origin-resource-policy-header-invalid';
}

const COEP: Record<string, Outcome> = {
  'require-corp': 'coep-implemented-with-require-corp',
  credentialless: 'coep-implemented-with-credentialless',
  'unsafe-none': 'coep-implemented-with-unsafe-none',
};
const COOP: Record<string, Outcome> = {
  'same-origin': 'coop-implemented-with-same-origin',
  'same-origin-allow-popups': 'coop-implemented-with-same-origin-allow-popups',
  'noopener-allow-popups': 'coop-implemented-with-noopener-allow-popups',
  'unsafe-none': 'coop-implemented-with-unsafe-none',
};

/** COEP / COOP values are RFC 8941 items: only a token is a policy; anything unparseable is invalid. */
function policyTest(headers: HeaderMap, name: string, policies: Record<string, Outcome>, missing: Outcome, invalid: Outcome): Outcome {
  const values = headerValues(headers, name);
  if (values.length > 1) return invalid;
  if (!values[0]) return missing;
  const token = structuredFieldToken(values[0].slice(0, 1024).trim());
  return (token !== null && Object.hasOwn(policies, token) ? policies[token] : undefined) ?? invalid;
}

export const coepTest = (headers: HeaderMap) =>
  policyTest(headers, 'cross-origin-embedder-policy', COEP, 'coep-not-implemented', 'coep-header-invalid');
export const coopTest = (headers: HeaderMap) =>
  policyTest(headers, 'cross-origin-opener-policy', COOP, 'coop-not-implemented', 'coop-header-invalid');

const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/;
const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const BARE_VALUE = [
  /^-?\d{1,15}(\.\d{1,3})?(?![\d.])/, // integer or decimal
  /^"(?:[^"\\\x00-\x1f\x7f]|\\["\\])*"/, // string
  TOKEN,
  /^:[A-Za-z0-9+/=]*:/, // byte sequence
  /^\?[01]/, // boolean
];

/**
 * The bare item of an RFC 8941 Item when it is a token, else null (a string, a number, or a
 * value that is not a valid Item at all). Parameters are checked for syntax and then ignored.
 */
export function structuredFieldToken(value: string): string | null {
  let rest = value.replace(/^ +| +$/g, '');
  const token = TOKEN.exec(rest)?.[0];
  if (!token) return null;
  rest = rest.slice(token.length);
  // parameters: *( ";" *SP key [ "=" bare-item ] )
  for (let guard = 0; rest.length > 0 && guard < 256; guard++) {
    const param = /^; */.exec(rest);
    if (!param) return null;
    rest = rest.slice(param[0].length);
    const key = KEY.exec(rest)?.[0];
    if (!key) return null;
    rest = rest.slice(key.length);
    if (rest.startsWith('=')) {
      rest = rest.slice(1);
      const bare = BARE_VALUE.map((re) => re.exec(rest)?.[0]).find((m) => m !== undefined);
      if (!bare) return null;
      rest = rest.slice(bare.length);
    }
  }
  return rest.length === 0 ? token : null;
}
