/*
 * Content-Security-Policy parsing as the Observatory does it (src/analyzer/cspParser.js), kept
 * behaviour-for-behaviour because the outcome depends on its quirks:
 * - a directive repeated inside one policy makes the whole header invalid, except report-uri /
 *   report-to, which are only flagged (→ csp-implemented-but-duplicate-directives);
 * - several policies (comma-separated, several headers, several <meta>) are intersected: a source
 *   survives from the second policy on only when an earlier policy allows a matching one, and a
 *   directive left with no source (or with an empty source list) becomes 'none'.
 */
const MIN_POLICY_LENGTH = 'img-src'.length - 1;
const DISALLOWED_IN_META = ['frame-ancestors', 'report-uri', 'sandbox'];
const ALLOWED_DUPLICATES = new Set(['report-uri', 'report-to']);
export const DUPLICATE_WARNINGS_KEY = '_observatory_duplicate_key_warnings';

// the intersection pairs up neighbours after sorting, so the order must be the Observatory's
const compare = new Intl.Collator('en').compare;

export type Csp = Map<string, Set<string>>;
interface Source { source: string; index: number; keep: boolean }

/** Throws when a policy is empty or too short, or repeats a directive. */
export function parseCsp(policies: string[]): Csp {
  const clean = policies.map((p) => p.replace(/[\r\n]/g, '').trim());
  if (clean.length === 0) return new Map();
  for (const p of clean) {
    if (!p || p.length < MIN_POLICY_LENGTH) throw new Error(`invalid policy: ${p}`);
  }
  const csp = new Map<string, Source[]>();
  const duplicates = new Set<string>();

  clean.forEach((policy, index) => {
    const seen = new Set<string>();
    for (const [name, ...values] of policy.split(';').map((entry) => entry.trim().split(/\s+/))) {
      if (!name) continue;
      const directive = name.toLowerCase();
      if (seen.has(directive)) {
        if (!ALLOWED_DUPLICATES.has(directive)) throw new Error(`duplicate directive ${directive} in policy ${index}`);
        duplicates.add(directive);
      } else {
        seen.add(directive);
      }
      const keep = index === 0;
      const sources: Source[] = values.map((v) => ({ source: v.trim().toLowerCase(), index, keep }));
      if (values.length === 0 && directive.endsWith('-src')) sources.push({ source: "'none'", index, keep });

      const combined = index === 0 ? sources : [...(csp.get(directive) ?? []), ...sources];
      combined.sort((a, b) => compare(a.source, b.source));
      for (let i = 1; i < combined.length; i++) {
        const current = combined[i];
        const previous = combined[i - 1];
        // within one policy a longer source that extends a shorter one adds nothing
        if (current.index === previous.index && current.source.startsWith(previous.source)) current.keep = false;
        // across policies a source counts only when both allow it
        if (current.index !== previous.index && pathPartMatch(previous.source, current.source)) current.keep = true;
      }
      csp.set(directive, combined.filter((s) => s.keep));
      // the first policy's sources must be re-earned by every later policy
      if (index === 0 && clean.length > 1) for (const s of csp.get(directive) ?? []) s.keep = false;
    }
  });

  const result: Csp = new Map(
    [...csp].map(([directive, sources]) => [directive, sources.length ? new Set(sources.map((s) => s.source)) : new Set(["'none'"])]),
  );
  if (duplicates.size) result.set(DUPLICATE_WARNINGS_KEY, duplicates);
  return result;
}

/** A <meta> policy cannot set frame-ancestors, report-uri or sandbox: they are dropped. */
export function parseCspMeta(policies: string[]): Csp {
  const csp = parseCsp(policies);
  for (const directive of DISALLOWED_IN_META) csp.delete(directive);
  return csp;
}

function pathPartMatch(a: string, b: string): boolean {
  if (a.length === 0) return true;
  if (a === '/' && b.length === 0) return true;
  const exact = !a.endsWith('/');
  const partsA = a.split('/');
  const partsB = b.split('/');
  if (partsA.length > partsB.length) return false;
  if (exact && partsA.length !== partsB.length) return false;
  if (!exact) partsA.pop();
  // a stray '%' throws here, which (as in the Observatory) makes the header invalid
  return partsA.every((part, i) => decodeURIComponent(part) === decodeURIComponent(partsB[i]));
}
