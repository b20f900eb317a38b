import { cookiesTest } from './cookies';
import { coepTest, coopTest, corpTest, corsTest } from './cross-origin';
import { cspTest } from './csp';
import { referrerPolicyTest, xContentTypeOptionsTest, xFrameOptionsTest } from './frame-and-type';
import { httpEquiv } from './html';
import { MODIFIERS, type Outcome, type TestName } from './outcomes';
import { scoreModifiers } from './score';
import { sriTest } from './sri';
import { hstsPasses, hstsTest, redirectionTest } from './transport';
import type { ObservatoryGrade, ObservatoryInput, ObservatoryTest } from './types';

export { INFORMATIONAL_TESTS, MODIFIERS, TEST_NAMES, describeOutcome } from './outcomes';
export type { Outcome, TestName } from './outcomes';
export type { HeaderMap, ObservatoryGrade, ObservatoryInput, ObservatoryTest, ObservedResponse, RedirectHop } from './types';

// passed in mdn-http-observatory 1.4.8 despite a penalty (src/analyzer/tests/csp.js, "Check to see if the test passed")
const PASSED_DESPITE_PENALTY = new Set<Outcome>(['csp-implemented-with-insecure-scheme-in-passive-content-only']);

/** The statuses the Observatory agrees to grade: 2xx, 3xx, 401 and 403. */
export function canGradeStatus(status: number): boolean {
  return status >= 200 && (status < 400 || status === 401 || status === 403);
}

/**
 * Grades one site from what was observed, as the MDN HTTP Observatory would. Pure: no network.
 *
 * A test passes when its outcome's modifier is not negative (reference doc, step 6), with the
 * one exception of the published package, which is the oracle where the doc and it disagree:
 * its csp.js lists csp-implemented-with-insecure-scheme-in-passive-content-only (-10) among the
 * passing outcomes. Only testsPassed/testsFailed follow it; the -10 still counts in the score
 * and the http check still reports it as a failure (checks/http.ts).
 */
export function gradeResponse(input: ObservatoryInput): ObservatoryGrade {
  const response = input.response;
  if (!response) return { canGrade: false, reason: 'The site seems to be down: nothing answered.' };
  if (!canGradeStatus(response.status)) {
    return { canGrade: false, reason: `Site did respond with an unexpected HTTP status code ${response.status}.` };
  }
  const equiv = httpEquiv(response);
  const csp = cspTest(response, equiv, input.https);
  const hsts = hstsTest(input);
  const outcomes: [TestName, Outcome][] = [
    ['content-security-policy', csp.outcome],
    ['cookies', cookiesTest(input, hstsPasses(hsts))],
    ['cross-origin-resource-sharing', corsTest(input.cors)],
    ['redirection', redirectionTest(input.http)],
    ['referrer-policy', referrerPolicyTest(response.headers, equiv)],
    ['strict-transport-security', hsts],
    ['subresource-integrity', sriTest(response, input.host, input.https)],
    ['x-content-type-options', xContentTypeOptionsTest(response.headers)],
    ['x-frame-options', xFrameOptionsTest(response.headers, csp.directives)],
    ['cross-origin-resource-policy', corpTest(response.headers)],
  ];
  const tests: ObservatoryTest[] = outcomes.map(([name, outcome]) => {
    const modifier: number = MODIFIERS[outcome];
    return { name, outcome, modifier, pass: modifier >= 0 || PASSED_DESPITE_PENALTY.has(outcome) };
  });
  const { score, uncurved, grade } = scoreModifiers(tests.map((t) => t.modifier));
  const testsPassed = tests.filter((t) => t.pass).length;
  // COEP / COOP: their outcome, never a modifier (INFORMATIONAL_TESTS)
  const informational: ObservatoryTest[] = ([['cross-origin-embedder-policy', coepTest(response.headers)], ['cross-origin-opener-policy', coopTest(response.headers)]] as [TestName, Outcome][])
    .map(([name, outcome]) => ({ name, outcome, modifier: 0, pass: MODIFIERS[outcome] >= 0 }));
  return { canGrade: true, score, uncurvedScore: uncurved, grade, tests, testsPassed, testsFailed: tests.length - testsPassed, informational };
}
