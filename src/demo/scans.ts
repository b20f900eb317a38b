import { Types } from 'mongoose';
import type { systems as demoSystems } from './portfolio';
import { demoId } from './history';
import { System, type SystemDoc } from '../modules/systems/system.model';
import { ScanIndex, ScanRun, type CheckResult } from '../modules/scans/scan.model';
import { stubOf } from '../modules/scans/scan.index';
import { applyResults } from '../modules/scans/scan.findings';
import { MODIFIERS, describeOutcome, type Outcome } from '../modules/scans/observatory/grade';
import type { Failure } from '../modules/scans/checks/types';
import * as store from '../db/store';

const DAY = 86_400_000;

/** What the demo's last scan of a site saw, per grade: Observatory outcomes whose penalties make that grade. */
const SEEN: Record<string, { score: number; outcomes: Outcome[]; disclosed?: boolean }> = {
  'A+': { score: 100, outcomes: [] },
  A: { score: 95, outcomes: ['x-content-type-options-not-implemented'] },
  'A-': { score: 85, outcomes: ['x-content-type-options-not-implemented', 'referrer-policy-unsafe', 'sri-not-implemented-but-external-scripts-loaded-securely'] },
  'B+': { score: 80, outcomes: ['hsts-implemented-max-age-less-than-six-months', 'x-content-type-options-not-implemented', 'referrer-policy-unsafe'] },
  B: { score: 75, outcomes: ['csp-not-implemented'] },
  'B-': { score: 65, outcomes: ['csp-implemented-with-unsafe-inline', 'hsts-implemented-max-age-less-than-six-months', 'x-content-type-options-not-implemented'] },
  C: { score: 55, outcomes: ['csp-not-implemented', 'hsts-not-implemented'] },
  D: { score: 30, outcomes: ['csp-not-implemented', 'hsts-not-implemented', 'x-frame-options-not-implemented', 'x-content-type-options-not-implemented'], disclosed: true },
  F: { score: 0, outcomes: ['csp-not-implemented', 'hsts-not-implemented', 'x-frame-options-not-implemented', 'x-content-type-options-not-implemented', 'cookies-session-without-secure-flag'], disclosed: true },
};

/** The http.headers result the demo's last scan of a site records, as the real check words it (checks/http.ts). */
export function demoResult(grade: string, endpoint: string): CheckResult {
  const seen = SEEN[grade] ?? SEEN.C;
  const url = new URL(endpoint);
  const failures: Failure[] = seen.outcomes.map((o) => {
    const m: number = MODIFIERS[o];
    return { code: o, severity: m <= -20 ? 'high' : m <= -10 ? 'medium' : 'low', message: `${describeOutcome(o)} (Observatory: ${m})` };
  });
  if (seen.disclosed) failures.push({ code: 'server-version-disclosed', severity: 'low', message: 'The Server header discloses a software version ("Apache/2.4.29 (Ubuntu)"), which tells attackers which known vulnerabilities to try.' });
  return { check: 'http.headers', target: `https://${url.hostname}:443`, status: failures.length ? 'fail' : 'pass', failures, observations: { grade, score: seen.score, url: url.href } };
}

/**
 * The demo's one incident: a certified level-5 system whose site regressed two days ago (grade F,
 * high findings), so its certificate is suspended and the open findings say why.
 */
export const incidentOf = (plan: ReturnType<typeof demoSystems>) => plan.find((s) => s.plan === 'certified' && s.level === 5 && s.grade);

/**
 * Two runs a system over the last year (scanning itself stays disabled for demo systems); what the
 * latest run saw becomes findings through the real scan-finding path (one per problem, in both
 * languages), as a real run would have left them. The incident system has a third run, two days
 * ago, whose findings are applied by the returned function once certificates are issued.
 */
export async function seedScans(plan: ReturnType<typeof demoSystems>, sysIds: Map<string, Types.ObjectId>, orgIds: Map<string, Types.ObjectId>, now: Date): Promise<() => Promise<string | undefined>> {
  const runs: Record<string, unknown>[] = [];
  const latest: { system: Types.ObjectId; run: Types.ObjectId; result: CheckResult }[] = [];
  const incident = incidentOf(plan);
  let regression: (typeof latest)[number] | undefined;
  for (const [i, s] of plan.entries()) {
    if (!s.grade) continue;
    const when: (readonly [number, number])[] = [[0, 300 + i], [1, 7 + (i % 20)]];
    if (s === incident) when.push([2, 2]);
    for (const [k, daysAgo] of when) {
      const at = new Date(now.getTime() - daysAgo * DAY);
      const grade = k === 0 ? 'C' : k === 2 ? 'F' : s.grade;
      const result = demoResult(grade, s.endpoint);
      const _id = demoId(`scan:${s.code}:${k}`);
      if (k === 1) latest.push({ system: sysIds.get(s.code)!, run: _id, result });
      if (k === 2) regression = { system: sysIds.get(s.code)!, run: _id, result };
      runs.push({
        _id, system: sysIds.get(s.code), organization: orgIds.get(s.org), systemCode: s.code, trigger: 'schedule', requestedBy: 'scan-scheduler',
        status: 'succeeded', checks: ['http.headers'], refused: [], progress: { done: 1, total: 1 }, results: [result],
        summary: { passed: result.status === 'pass' ? 1 : 0, failed: result.status === 'fail' ? 1 : 0, errors: 0, grade, score: result.observations.score }, findings: { opened: 0, refreshed: 0, verified: 0, reopened: 0 },
        instance: 'demo', heartbeatAt: at, startedAt: at, finishedAt: at, createdAt: at, version: 1,
      });
    }
  }
  await store.insertNew(ScanRun, runs);
  const stubs = runs.map((r) => stubOf(r as never));
  const bySystem = new Map<string, ReturnType<typeof stubOf>[]>();
  for (const st of stubs) bySystem.set(st.system, [st, ...(bySystem.get(st.system) ?? [])]);
  const recent = [...stubs].sort((x, y) => new Date(y.createdAt).getTime() - new Date(x.createdAt).getTime()).slice(0, 300);
  await store.insertNew(ScanIndex, [...[...bySystem].map(([id, rs]) => ({ _id: id, runs: rs, version: 0 })), { _id: 'recent', runs: recent, version: 0 }]);
  for (const [id, rs] of bySystem) {
    const last = rs[0];
    await store.updateById(System, id, { $set: { lastScan: { run: new Types.ObjectId(last.id), at: last.finishedAt, status: 'succeeded', grade: last.summary?.grade, score: last.summary?.score, failed: last.summary?.failed ?? 0, errors: 0 } } });
  }
  // a few systems at a time (each system's findings in order, as one run would write them)
  const failing = latest.filter((l) => l.result.status === 'fail');
  await Promise.all(Array.from({ length: 6 }, async (_, w) => {
    for (let i = w; i < failing.length; i += 6) {
      const l = failing[i];
      await applyRun(l);
    }
  }));
  return async () => {
    if (!regression) return undefined;
    await applyRun(regression);
    return regression.system.toString();
  };
}

async function applyRun(l: { system: Types.ObjectId; run: Types.ObjectId; result: CheckResult }): Promise<void> {
  const system = (await System.findById(l.system).lean<SystemDoc>())!;
  const counts = await applyResults(system, l.run, [l.result], `/api/v1/scans/${l.run}`);
  await store.updateById(ScanRun, l.run, { $set: { findings: counts } });
}
