import { expect } from 'chai';
import { httpHeaders } from '../src/modules/scans/checks/http';
import { TargetRefusedError, type CheckContext, type Target, type TargetResult } from '../src/modules/scans/checks/types';
import { applyException, differences, fromOurs, fromReference, table, type Difference, type Graded } from './observatory/compare';
import { CORPUS, type Case } from './observatory/corpus';
import { ensureReference, referenceScan, REFERENCE_VERSION, type ReferenceResult } from './observatory/reference';
import { siteAddress, startSites, type Sites } from './observatory/sites';

/*
 * Differential test: every configuration of the corpus is served on its own loopback address
 * (127.0.77.1 upwards, one per entry, ports 80 and 443) and graded twice, by our http.headers check and by the
 * published @mdn/mdn-http-observatory scan(); score, grade, tests passed / failed and every
 * test's outcome, modifier and pass must agree. The one difference kept on purpose is listed
 * on its corpus entry (`exception`) and asserted to be the only one on that site.
 */
const OWN_ADDRESS = /^127\.0\.77\.\d{1,3}$/;
const INFORMATIONAL = ['cross-origin-embedder-policy', 'cross-origin-opener-policy'];

const endpointOf = (c: Case, i: number) => `${c.noHttps ? 'http' : 'https'}://${siteAddress(i)}/`;

function targetOf(c: Case, i: number): Target {
  const url = new URL(endpointOf(c, i));
  return { endpoint: url.href, host: url.hostname, address: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), url };
}

describe(`HTTP grading, differential against the published MDN HTTP Observatory ${REFERENCE_VERSION}`, function () {
  this.timeout(30_000);
  let sites: Sites | undefined;
  const ours = new Map<number, TargetResult>();
  let reference: Record<string, ReferenceResult> = {};

  before(async function () {
    // the first run installs the pinned package from the npm registry
    this.timeout(420_000);
    const entry = await ensureReference();
    sites = await startSites(CORPUS);
    const ctx: CheckContext = {
      timeoutMs: 5_000,
      ca: [sites.caPem],
      resolveAllowed: async (host) => {
        if (OWN_ADDRESS.test(host)) return host;
        throw new TargetRefusedError(host);
      },
    };
    const grading = (async () => {
      for (let i = 0; i < CORPUS.length; i += 8) {
        const batch = CORPUS.slice(i, i + 8).map(async (c, j) => ours.set(i + j, (await httpHeaders.run(targetOf(c, i + j), ctx))[0]));
        await Promise.all(batch);
      }
    })();
    [reference] = await Promise.all([referenceScan(entry, CORPUS.map((_c, i) => siteAddress(i)), sites.caFile), grading]);
  });

  after(async () => {
    await sites?.close();
  });

  const compared = (i: number): { mine: Graded; theirs: Graded } => ({ mine: fromOurs(ours.get(i)!), theirs: fromReference(reference[siteAddress(i)]) });

  it('when the corpus is built, then it holds at least 30 distinct configurations, each with its own name', () => {
    expect(CORPUS.length).to.be.at.least(30);
    expect(new Set(CORPUS.map((c) => c.name)).size).to.equal(CORPUS.length);
    const shape = (c: Case) => JSON.stringify({ ...c, name: undefined, cors: c.cors?.('https://origin.test'), exception: undefined });
    expect(new Set(CORPUS.map(shape)).size).to.equal(CORPUS.length);
  });

  CORPUS.forEach((c, i) => {
    const title = c.exception ? `, except the documented ${c.exception.test} difference` : '';
    it(`when ${c.name}, then our score, grade and every test outcome equal the reference's${title} (${siteAddress(i)})`, () => {
      const { mine, theirs } = compared(i);
      if (c.ungradable) {
        expect(theirs).to.have.property('error').that.matches(/unexpected HTTP status code/);
        expect(mine).to.deep.equal(theirs);
        return;
      }
      expect(theirs, 'the reference could not grade this site').not.to.have.property('error');
      expect(mine, 'we could not grade this site').not.to.have.property('error');
      const expected = c.exception ? applyException(theirs, c.exception, 'error' in mine ? undefined : mine.tests[c.exception.test]) : theirs;
      const diff = differences(mine, expected);
      expect(diff, `\n${table(diff.map((d) => ({ site: c.name, ...d })))}\n`).to.deep.equal([]);
      if (c.exception) {
        // ours applies the rule; the raw differences are that test and what its modifier changes
        const raw = differences(mine, theirs).map((d) => d.field.replace(/\..*$/, ''));
        expect(new Set(raw)).to.deep.equal(new Set([c.exception.test, 'score', 'grade', 'testsPassed', 'testsFailed']));
        expect(!('error' in mine) && mine.tests[c.exception.test].outcome).to.equal(c.exception.ours);
      }
    });
  });

  it('when every configuration is compared, then the only raw differences are on the sites with a documented exception', () => {
    const rows: (Difference & { site: string })[] = [];
    CORPUS.forEach((c, i) => {
      const { mine, theirs } = compared(i);
      for (const d of differences(mine, theirs)) rows.push({ site: c.name, ...d });
    });
    const differing = new Set(rows.map((r) => r.site));
    expect([...differing], `\n${table(rows)}\n`).to.deep.equal(CORPUS.filter((c) => c.exception).map((c) => c.name));
  });

  it('when the reference grades the corpus, then it reaches every outcome the corpus is meant to cover', () => {
    const reached = new Set(CORPUS.flatMap((_c, i) => {
      const { theirs } = compared(i);
      return 'error' in theirs ? [] : Object.values(theirs.tests).map((t) => t.outcome);
    }));
    const missing = COVERED.filter((o) => !reached.has(o));
    expect(missing, `reached: ${[...reached].sort().join(', ')}`).to.deep.equal([]);
  });

  it('when only images may load over http:, then the test counts as passed as in the reference, yet our check still reports the -10 as a failure', () => {
    const i = CORPUS.findIndex((c) => c.name === 'the CSP loads only images over http:');
    const r = ours.get(i)!;
    expect(r.observations).to.include({ testsFailed: 0, uncurvedScore: 90, score: 100, grade: 'A+' });
    expect(r.status).to.equal('fail');
    expect(r.failures.map((f) => [f.code, f.severity])).to.deep.equal([['csp-implemented-with-insecure-scheme-in-passive-content-only', 'medium']]);
  });

  it('when COOP and COEP are set, valid or not, then they are informational only: same score and grade as the base site', () => {
    const base = compared(0).mine;
    for (const name of ['COOP and COEP are set on the base site', 'COOP and COEP are invalid on the base site']) {
      const i = CORPUS.findIndex((c) => c.name === name);
      const { mine, theirs } = compared(i);
      expect(mine, name).to.deep.equal(base);
      expect(theirs, name).to.deep.equal(compared(0).theirs);
      const informational = (ours.get(i)!.observations.informational as { name: string; outcome: string; modifier: number }[]);
      expect(informational.map((t) => t.name), name).to.deep.equal(INFORMATIONAL);
      expect(informational.every((t) => t.modifier === 0), name).to.equal(true);
      const outcomes = informational.map((t) => t.outcome);
      expect(outcomes, name).to.deep.equal(name.includes('invalid') ? ['coep-header-invalid', 'coop-header-invalid'] : ['coep-implemented-with-require-corp', 'coop-implemented-with-same-origin']);
    }
  });
});

/** Outcomes (in our spelling) the corpus exists to reach on the reference's side. */
const COVERED = [
  'csp-not-implemented', 'csp-implemented-with-no-unsafe-default-src-none', 'csp-implemented-with-no-unsafe', 'csp-implemented-with-unsafe-inline',
  'csp-implemented-with-unsafe-eval', 'csp-implemented-with-insecure-scheme', 'csp-implemented-with-insecure-scheme-in-passive-content-only',
  'csp-implemented-with-unsafe-inline-in-style-src-only', 'csp-header-invalid', 'csp-implemented-but-duplicate-directives',
  'csp-not-implemented-but-reporting-enabled',
  'cookies-not-found', 'cookies-secure-with-httponly-sessions-and-samesite', 'cookies-secure-with-httponly-sessions',
  'cookies-without-secure-flag-but-protected-by-hsts', 'cookies-without-secure-flag', 'cookies-samesite-flag-invalid',
  'cookies-anticsrf-without-samesite-flag', 'cookies-session-without-httponly-flag', 'cookies-session-without-secure-flag',
  'cross-origin-resource-sharing-not-implemented', 'cross-origin-resource-sharing-implemented-with-public-access',
  'cross-origin-resource-sharing-implemented-with-restricted-access',
  'redirection-to-https', 'redirection-missing', 'redirection-off-host-from-http', 'redirection-not-to-https-on-initial-redirection',
  'redirection-not-to-https', 'redirection-not-needed-no-http', 'redirection-invalid-cert',
  'referrer-policy-private', 'referrer-policy-not-implemented', 'referrer-policy-unsafe', 'referrer-policy-header-invalid',
  'hsts-implemented-max-age-at-least-six-months', 'hsts-implemented-max-age-less-than-six-months', 'hsts-not-implemented', 'hsts-header-invalid',
  'hsts-not-implemented-no-https', 'hsts-invalid-cert',
  'sri-implemented-and-all-scripts-loaded-securely', 'sri-implemented-and-external-scripts-loaded-securely', 'sri-not-implemented-response-not-html',
  'sri-not-implemented-but-no-scripts-loaded', 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
  'sri-not-implemented-but-external-scripts-loaded-securely', 'sri-implemented-but-external-scripts-not-loaded-securely',
  'sri-not-implemented-and-external-scripts-not-loaded-securely',
  'x-content-type-options-nosniff', 'x-content-type-options-not-implemented', 'x-content-type-options-header-invalid',
  'x-frame-options-implemented-via-csp', 'x-frame-options-sameorigin-or-deny', 'x-frame-options-allow-from-origin',
  'x-frame-options-not-implemented', 'x-frame-options-header-invalid',
  'cross-origin-resource-policy-not-implemented', 'cross-origin-resource-policy-implemented-with-same-origin',
  'cross-origin-resource-policy-implemented-with-same-site', 'cross-origin-resource-policy-implemented-with-cross-origin',
  'cross-origin-resource-policy-header-invalid',
];
