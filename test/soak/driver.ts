import { expectId, expectItems } from './client';
import { Session, type World } from './world';
import { note, pick, rnd, sleep } from './stats';

/* eslint-disable @typescript-eslint/no-explicit-any */
const OPEN = ['open', 'in_remediation', 'resolved', 'reopened'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
export const SCAN_CHECKS = ['http.headers', 'http.redirect', 'tls.protocols', 'tls.certificate'];
const F = '/api/v1/findings';

/** Remembers the finding ids of a list answer. */
const seen = (w: World, body: any) => { for (const i of body?.items ?? []) if (typeof i?.id === 'string') w.findings.add(i.id); return body; };

/** Runs `every` at most once per `ms` (a rate limit for the expensive actions). */
const throttle = () => { let last = 0; return (ms: number) => { if (Date.now() - last < ms) return false; last = Date.now(); return true; }; };

async function transition(w: World, token: string, id: string, to: string, extra: Record<string, unknown> = {}) {
  const r = await w.api.call({ method: 'POST', path: `${F}/${id}/transitions`, token, body: { to, ...extra }, ok: [200, 409],
    check: (b) => (b?.id === id && b?.status === to ? undefined : `moved ${id} to ${to}, answer id ${b?.id} status ${b?.status}`) });
  if (r?.status === 200) { w.stats.add('transitions'); w.changed.add(id); }
}

async function comment(w: World, token: string, id: string, text: string) {
  const r = await w.api.call({ method: 'POST', path: `${F}/${id}/comments`, token, body: { comment: text }, ok: [201, 404], check: expectId(id) });
  if (r?.status === 201) { w.stats.add('comments'); w.changed.add(id); }
}

const readFinding = (w: World, token: string) => {
  const id = pick([...w.findings]);
  return id ? w.api.get({ path: `${F}/${id}`, token, ok: [200, 404], check: expectId(id) }) : undefined;
};

/** The owner works their organization's findings: open → in_remediation → resolved (comment + evidence). */
async function owner(w: World, s: Session, n: number) {
  const t = await s.ensure();
  if (!t) return sleep(500);
  const roll = Math.random();
  if (roll < 0.55) {
    const list = seen(w, await w.api.get({ path: `${F}?status=open_any&limit=50`, token: t,
      check: expectItems(`status=open_any in organization ${w.ownerOrg}`, (i) => OPEN.includes(i.status) && i.organization === w.ownerOrg) }));
    const todo = (list?.items ?? []).filter((i: any) => ['open', 'reopened', 'in_remediation'].includes(i.status));
    const f = pick<any>(todo);
    if (!f) return;
    if (f.status === 'in_remediation') {
      await transition(w, t, f.id, 'resolved', { comment: `Fixed (soak ${n})`, evidence: [{ url: `https://evidence.example/soak/${f.id}/${n}`, title: 'change record' }] });
    } else await transition(w, t, f.id, 'in_remediation', { comment: `Working on it (soak ${n})` });
  } else if (roll < 0.65) {
    const id = pick(w.soakSystems);
    if (id) seen(w, await w.api.get({ path: `${F}?system=${id}&limit=50`, token: t, check: expectItems(`system=${id}`, (i) => i.system === id) }));
  } else if (roll < 0.8) {
    await w.api.get({ path: '/api/v1/systems?limit=20', token: t, check: expectItems(`organization ${w.ownerOrg} (owner scope)`, (i) => i.organization === w.ownerOrg) });
  } else if (roll < 0.9) await s.me();
  else await readFinding(w, t);
}

/** An inspector verifies or reopens resolved findings, comments, raises manual findings on soak systems. */
async function inspector(w: World, s: Session, n: number, raise: (ms: number) => boolean) {
  const t = await s.ensure();
  if (!t) return sleep(500);
  const roll = Math.random();
  if (roll < 0.35) {
    const list = seen(w, await w.api.get({ path: `${F}?status=resolved&limit=50`, token: t, check: expectItems('status=resolved', (i) => i.status === 'resolved') }));
    const f = pick<any>(list?.items ?? []);
    if (!f) return;
    if (Math.random() < 0.6) await transition(w, t, f.id, 'verified', { comment: `Checked (soak ${n})` });
    else await transition(w, t, f.id, 'reopened', { comment: `Still there (soak ${n})` });
  } else if (roll < 0.5) {
    const id = pick([...w.findings]);
    if (id) await comment(w, t, id, `Inspector note ${n}`);
  } else if (roll < 0.65 && raise(6000)) {
    const system = pick(w.soakSystems)!;
    const r = await w.api.call({ method: 'POST', path: F, token: t, ok: [201],
      body: { system, title: `Soak manual finding ${n}`, severity: pick(SEVERITIES), description: 'Raised by the soak test' },
      check: (b) => (b?.system === system && b?.status === 'open' ? undefined : `raised on ${system}, answer system ${b?.system} status ${b?.status}`) });
    if (r?.status === 201) { w.stats.add('findingsCreated'); w.findings.add(r.body.id); }
  } else if (roll < 0.8) {
    const id = pick(w.soakSystems.concat(w.systems.map((x) => x.id)))!;
    seen(w, await w.api.get({ path: `${F}?system=${id}&limit=50`, token: t, check: expectItems(`system=${id}`, (i) => i.system === id) }));
  } else if (roll < 0.9) {
    const sev = pick(SEVERITIES)!;
    seen(w, await w.api.get({ path: `${F}?severity=${sev}&status=open_any&limit=50`, token: t, check: expectItems(`severity=${sev}&status=open_any`, (i) => i.severity === sev && OPEN.includes(i.status)) }));
  } else await readFinding(w, t);
}

/** An inspector scans the soak systems (the local targets) one after another and follows each run. */
async function scanner(w: World, s: Session) {
  for (const system of w.soakSystems) {
    if (w.stopping) return;
    const t = await s.ensure();
    if (!t) { await sleep(1000); continue; }
    const r = await w.api.call({ method: 'POST', path: `/api/v1/systems/${system}/scans`, token: t, body: { checks: SCAN_CHECKS }, ok: [202, 409] });
    if (r?.status === 409) w.stats.add('scanConflicts');
    if (r?.status !== 202) { await sleep(1000); continue; }
    w.stats.add('scansStarted');
    const run = r.body.id as string;
    const until = Date.now() + 120_000;
    while (!w.stopping && Date.now() < until) {
      await sleep(1000);
      const tok = (await s.ensure()) ?? t;
      const b = await w.api.get({ path: `/api/v1/scans/${run}`, token: tok, ok: [200],
        check: (x) => (x?.id === run && x?.system === system ? undefined : `run ${run} of ${system}: answer id ${x?.id} system ${x?.system}`) });
      if (b && ['succeeded', 'failed', 'interrupted'].includes(b.status)) { w.stats.add('scansFinished'); break; }
    }
    await w.api.get({ path: `/api/v1/scans?system=${system}&limit=20`, token: (await s.ensure()) ?? t, check: expectItems(`system=${system}`, (i) => i.system === system) });
    await sleep(rnd(500, 2000));
  }
}

/** The admin edits soak systems, issues and revokes certificates, reads lists and the dashboard. */
async function admin(w: World, s: Session, n: number, edit: (ms: number) => boolean, cert: (ms: number) => boolean) {
  const t = await s.ensure();
  if (!t) return sleep(500);
  const roll = Math.random();
  if (roll < 0.3 && edit(2500)) {
    const id = pick(w.soakSystems)!;
    const description = `Soak edit ${n} at ${new Date().toISOString()}`;
    const r = await w.api.call({ method: 'PATCH', path: `/api/v1/systems/${id}`, token: t, body: { description, tags: ['soak', `round-${n % 5}`] }, ok: [200],
      check: (b) => (b?.id === id && b?.description === description ? undefined : `patched ${id}, answer id ${b?.id} description ${b?.description}`) });
    if (r?.status !== 200) return;
    w.stats.add('systemEdits');
    const other = w.api.available().find((i) => i !== r.inst);
    await w.api.get({ path: `/api/v1/systems/${id}`, token: t, inst: other,
      check: (b) => (b?.id === id && b?.description === description ? undefined : `read after write of ${id}: description ${b?.description}, expected ${description}`) });
  } else if (roll < 0.5 && cert(8000)) {
    const revoke = w.issued.length > 0 && Math.random() < 0.5;
    if (revoke) {
      const id = w.issued.splice(Math.floor(Math.random() * w.issued.length), 1)[0];
      const r = await w.api.call({ method: 'POST', path: `/api/v1/certificates/${id}/revoke`, token: t, body: { reason: `Revoked by the soak test (${n})` }, ok: [200, 409],
        check: (b) => (b?.id === id && b?.status === 'revoked' ? undefined : `revoked ${id}, answer id ${b?.id} status ${b?.status}`) });
      if (r?.status === 200) w.stats.add('certificatesRevoked');
      return;
    }
    const state = Math.random() < 0.5 ? 'compliant' : 'certified';
    const list = await w.api.get({ path: `/api/v1/systems?state=${state}&limit=100`, token: t, check: expectItems(`state=${state}`, (i) => i.compliance?.state === state) });
    const sys = pick<any>((list?.items ?? []).filter((i: any) => !w.soakSystems.includes(i.id)));
    if (!sys) return;
    const r = await w.api.call({ method: 'POST', path: `/api/v1/systems/${sys.id}/certificates`, token: t, ok: [201, 409, 422],
      check: (b) => (b?.system === sys.id || b?.system?.id === sys.id ? undefined : `issued for ${sys.id}, answer system ${JSON.stringify(b?.system)}`) });
    if (r?.status === 201) { w.stats.add('certificatesIssued'); w.issued.push(r.body.id); } else if (r?.status === 422) w.stats.add('certificatesRefused');
  } else if (roll < 0.65) {
    const level = rnd(1, 5);
    await w.api.get({ path: `/api/v1/systems?level=${level}&page=${rnd(1, 2)}&limit=20`, token: t, check: expectItems(`level=${level}`, (i) => i.level === level) });
  } else if (roll < 0.75) {
    const org = pick(w.systems)!.organization;
    await w.api.get({ path: `/api/v1/systems?organization=${org}&limit=50`, token: t, check: expectItems(`organization=${org}`, (i) => i.organization === org) });
  } else if (roll < 0.88) {
    const status = pick(['valid', 'suspended', 'revoked'])!;
    await w.api.get({ path: `/api/v1/certificates?status=${status}&limit=50`, token: t, check: expectItems(`status=${status}`, (i) => i.status === status) });
  } else await w.api.get({ path: '/api/v1/dashboard', token: t, check: (b) => (typeof b?.systems?.total === 'number' ? undefined : 'no systems.total') });
}

/** Reads by id and lists, as the inspector. */
async function reader(w: World, s: Session) {
  const t = await s.ensure();
  if (!t) return sleep(500);
  const roll = Math.random();
  if (roll < 0.3) {
    const id = pick(w.systems)!.id;
    await w.api.get({ path: `/api/v1/systems/${id}`, token: t, check: expectId(id) });
  } else if (roll < 0.5) await readFinding(w, t);
  else if (roll < 0.6) await s.me();
  else if (roll < 0.75) await w.api.get({ path: `/api/v1/systems?page=${rnd(1, 7)}&limit=20`, token: t, check: (b) => (Array.isArray(b?.items) ? undefined : 'no items') });
  else if (roll < 0.85) await w.api.get({ path: '/api/v1/scans?limit=20', token: t, check: (b) => (Array.isArray(b?.items) ? undefined : 'no items') });
  else await w.api.get({ path: '/api/v1/dashboard', token: t, check: (b) => (typeof b?.systems?.total === 'number' ? undefined : 'no systems.total') });
}

async function loop(w: World, name: string, step: (n: number) => Promise<unknown>, think: [number, number]) {
  let n = 0;
  while (!w.stopping) {
    try { await step(++n); } catch (err) { note(`load ${name}: ${(err as Error).stack ?? err}`); await sleep(1000); }
    await sleep(rnd(think[0], think[1]));
  }
}

/** Five virtual users until `w.stopping`: owner, inspector, scanning inspector, admin, reader. */
export function startLoad(w: World): Promise<unknown> {
  const acc = (who: string) => w.accounts[`${who}@attest.example`];
  const raise = throttle();
  const edit = throttle();
  const cert = throttle();
  const own = new Session(w, acc('owner'));
  const ins = new Session(w, acc('inspector'));
  const scan = new Session(w, acc('inspector'));
  const adm = new Session(w, acc('admin'));
  const rd = new Session(w, acc('inspector'));
  return Promise.all([
    loop(w, 'owner', (n) => owner(w, own, n), [50, 250]),
    loop(w, 'inspector', (n) => inspector(w, ins, n, raise), [50, 250]),
    loop(w, 'scanner', () => scanner(w, scan), [200, 500]),
    loop(w, 'admin', (n) => admin(w, adm, n, edit, cert), [50, 250]),
    loop(w, 'reader', () => reader(w, rd), [20, 150]),
  ]);
}
