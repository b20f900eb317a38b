import { scoreModifiers } from '../../src/modules/scans/observatory/score';
import type { TargetResult } from '../../src/modules/scans/checks/types';
import type { ReferenceResult, ReferenceTest } from './reference';

/*
 * Our grade and the reference's in one shape, and their differences field by field. Outcome
 * names are compared as the reference spells them after one documented rename: its `corp-*` are
 * our `cross-origin-resource-policy-*` (src/modules/scans/observatory/outcomes.ts).
 */
export type Graded = ReferenceResult;
export interface Difference { field: string; ours: unknown; reference: unknown }

/** A difference we keep on purpose: on `test`, the reference's outcome is replaced by ours before comparing. */
export interface Exception { test: string; reference: string; ours: string; why: string }

const ours = (outcome: string) => outcome.replace(/^corp-/, 'cross-origin-resource-policy-');

export function fromReference(r: ReferenceResult | undefined): Graded {
  if (!r) return { error: 'no reference result' };
  if ('error' in r) return r;
  const tests = Object.fromEntries(Object.entries(r.tests).map(([name, t]) => [name, { ...t, outcome: ours(t.outcome) }]));
  return { ...r, tests };
}

export function fromOurs(r: TargetResult): Graded {
  if (r.status === 'error') return { error: r.error ?? 'error' };
  const o = r.observations as { score: number; grade: string; testsPassed: number; testsFailed: number; tests: { name: string; outcome: string; pass: boolean; modifier: number }[] };
  const tests: Record<string, ReferenceTest> = {};
  for (const t of o.tests) tests[t.name] = { outcome: t.outcome, pass: t.pass, modifier: t.modifier };
  return { score: o.score, grade: o.grade, testsPassed: o.testsPassed, testsFailed: o.testsFailed, tests };
}

/**
 * The reference result as it would read with our outcome on the excepted test: that test's
 * outcome, modifier and pass replaced, then score, grade and counts recomputed from the modifiers.
 * Throws when the reference does not give the excepted outcome, so a stale exception fails.
 */
export function applyException(reference: Graded, exception: Exception, ourTest: ReferenceTest | undefined): Graded {
  if ('error' in reference) return reference;
  const theirs = reference.tests[exception.test];
  if (theirs?.outcome !== exception.reference) {
    throw new Error(`exception on ${exception.test} is stale: the reference gives ${theirs?.outcome}, not ${exception.reference}`);
  }
  if (!ourTest || ourTest.outcome !== exception.ours) return reference;
  const tests = { ...reference.tests, [exception.test]: ourTest };
  const { score, grade } = scoreModifiers(Object.values(tests).map((t) => t.modifier));
  const testsPassed = Object.values(tests).filter((t) => t.pass).length;
  return { score, grade, testsPassed, testsFailed: Object.keys(tests).length - testsPassed, tests };
}

export function differences(a: Graded, b: Graded): Difference[] {
  if ('error' in a || 'error' in b) {
    const ea = 'error' in a ? a.error : 'graded';
    const eb = 'error' in b ? b.error : 'graded';
    return ea === eb ? [] : [{ field: 'error', ours: ea, reference: eb }];
  }
  const found: Difference[] = [];
  for (const field of ['score', 'grade', 'testsPassed', 'testsFailed'] as const) {
    if (a[field] !== b[field]) found.push({ field, ours: a[field], reference: b[field] });
  }
  for (const name of new Set([...Object.keys(a.tests), ...Object.keys(b.tests)])) {
    const [x, y] = [a.tests[name], b.tests[name]];
    for (const key of ['outcome', 'modifier', 'pass'] as const) {
      if (x?.[key] !== y?.[key]) found.push({ field: `${name}.${key}`, ours: x?.[key], reference: y?.[key] });
    }
  }
  return found;
}

/** A fixed-width table: configuration | field | ours | reference. */
export function table(rows: (Difference & { site: string })[]): string {
  const cells = [['configuration', 'field', 'ours', 'reference'], ...rows.map((r) => [r.site, r.field, String(r.ours), String(r.reference)])];
  const widths = [0, 1, 2, 3].map((i) => Math.min(60, Math.max(...cells.map((c) => c[i].length))));
  return cells.map((c) => c.map((v, i) => v.slice(0, 60).padEnd(widths[i])).join(' | ')).join('\n');
}
