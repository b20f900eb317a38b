import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { note, sleep } from './stats';

/** One service process, started as `npm start` does after its build: `node dist/src/index.js`. */
export interface Instance {
  name: 'A' | 'B';
  port: number;
  base: string;
  child?: ChildProcess;
  /** false while deliberately down (killed, restarting, stopped) */
  available: boolean;
  /** stdout of the current process (the start-up banner is parsed from it) */
  out: string;
  logFile: string;
  /** exit promise of the current process */
  exited?: Promise<void>;
}

export const ADMIN_EMAIL = 'admin@attest.example';
export const ADMIN_PASSWORD = 'Soak7Kx2Pq9Lw4Z';
const ROOT = path.resolve(__dirname, '..', '..');

export function makeInstance(name: 'A' | 'B', port: number, logDir: string): Instance {
  return { name, port, base: `http://127.0.0.1:${port}`, available: false, out: '', logFile: path.join(logDir, `${name}.log`) };
}

/** The environment of both instances: a clean one, plus the FerretDB experiment switches when given. */
function envFor(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG ?? 'C.UTF-8',
    DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'true', SCHEDULER_ENABLED: 'true', LOG_LEVEL: 'warn',
    ADMIN_PASSWORD, JOB_SCHEDULES: '*=*/15 * * * * *', AUTH_CACHE_SECONDS: '15', TOKEN_TTL_HOURS: '1',
    // the soak's simulated users log in with passwords alone (second factors: test/mfa.test.ts)
    MFA_REQUIRED_ROLES: 'none',
  };
  for (const k of ['FERRETDB_BIN', 'FERRETDB_WITHOUT_PATCHES', 'TMPDIR'] as const) if (process.env[k]) env[k] = process.env[k];
  return env;
}

export function spawnInstance(inst: Instance, dataDir: string): void {
  const log = fs.createWriteStream(inst.logFile, { flags: 'a' });
  log.write(`\n===== start ${new Date().toISOString()} port ${inst.port} =====\n`);
  const child = spawn(process.execPath, ['dist/src/index.js'], { cwd: ROOT, env: envFor(dataDir, inst.port), stdio: ['ignore', 'pipe', 'pipe'] });
  inst.child = child;
  inst.out = '';
  child.stdout!.on('data', (b: Buffer) => { inst.out += b.toString(); log.write(b); });
  child.stderr!.on('data', (b: Buffer) => log.write(b));
  inst.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    log.end(`===== exit code ${code} signal ${signal} ${new Date().toISOString()} =====\n`);
    resolve();
  }));
}

async function ready(inst: Instance): Promise<boolean> {
  try {
    const r = await fetch(`${inst.base}/readyz`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch { return false; }
}

/** Until /readyz answers 200 (and, if asked, the banner "Attest is running at" is printed). */
export async function waitReady(inst: Instance, opts: { banner: boolean; timeoutMs: number }): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (inst.child && inst.child.exitCode !== null) throw new Error(`instance ${inst.name} exited during start-up (code ${inst.child.exitCode}):\n${tail(inst.logFile, 30)}`);
    if ((!opts.banner || /Attest is running at/.test(inst.out)) && (await ready(inst))) return Date.now() - t0;
    if (Date.now() - t0 > opts.timeoutMs) throw new Error(`instance ${inst.name} not ready within ${opts.timeoutMs} ms:\n${tail(inst.logFile, 30)}`);
    await sleep(200);
  }
}

/** Polls /readyz of the instances every 200 ms until all answer 200; returns the time they did. */
export async function waitAllReady(insts: Instance[], timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await Promise.all(insts.map(ready));
    if (ok.every(Boolean)) return Date.now();
    if (Date.now() > until) throw new Error(`not ready again within ${timeoutMs} ms: ${insts.filter((_, i) => !ok[i]).map((i) => i.name).join(', ')}`);
    await sleep(200);
  }
}

export interface Account { email: string; password: string }

/** The logins printed at start-up (the regex of test/demo.test.ts); the admin's is ADMIN_PASSWORD. */
export function parseLogins(out: string): Record<string, Account> {
  const found: Record<string, Account> = { [ADMIN_EMAIL]: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } };
  for (const m of out.matchAll(/^\s*(?:Admin login: |\S.*?\s{2,})(\S+@attest\.example)\s+password: (\S+)/gm)) {
    if (m[1] !== ADMIN_EMAIL) found[m[1]] = { email: m[1], password: m[2] };
  }
  for (const who of ['inspector', 'owner', 'approver']) {
    if (!found[`${who}@attest.example`]) throw new Error(`no ${who} login in the start-up output:\n${out.slice(-2000)}`);
  }
  return found;
}

export async function sigkill(inst: Instance): Promise<void> {
  inst.available = false;
  if (!inst.child || inst.child.exitCode !== null || inst.child.signalCode !== null) return;
  inst.child.kill('SIGKILL');
  await inst.exited;
}

/** SIGTERM and the time until the process exits (SIGKILL after `capMs`, then the cap is returned). */
export async function sigterm(inst: Instance, capMs = 30_000): Promise<number> {
  inst.available = false;
  const child = inst.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
  const t0 = Date.now();
  child.kill('SIGTERM');
  const done = await Promise.race([inst.exited!.then(() => true), sleep(capMs).then(() => false)]);
  if (!done) { child.kill('SIGKILL'); await inst.exited; return capMs; }
  return Date.now() - t0;
}

export interface DbState { pid: number; port: number; owner?: number }

export function readDbState(dataDir: string): DbState {
  const s = JSON.parse(fs.readFileSync(path.join(dataDir, 'ferretdb.json'), 'utf8')) as DbState;
  if (!Number.isInteger(s.pid) || !Number.isInteger(s.port)) throw new Error(`unexpected ferretdb.json: ${JSON.stringify(s)}`);
  return s;
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Is `pid` the FerretDB serving this data directory (not a recycled pid)? */
export function isOurFerret(pid: number, dataDir: string): boolean {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('ferretdb') && cmd.includes(dataDir);
  } catch { return false; }
}

/** Last lines of a log file, FerretDB's routine wire dumps left out. */
export function tail(file: string, lines: number, grep?: (l: string) => boolean): string {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/"msg":"Response (header|message)/.test(l));
    return (grep ? all.filter(grep) : all).slice(-lines).map((l) => (l.length > 600 ? `${l.slice(0, 600)}…` : l)).join('\n');
  } catch { return '(no log)'; }
}

/** Synchronous last resort (process exit): kill what is left. */
export function killAllSync(insts: Instance[], dataDir: string | undefined): void {
  for (const i of insts) if (i.child && i.child.exitCode === null && i.child.signalCode === null) { try { i.child.kill('SIGKILL'); } catch { /* gone */ } }
  if (!dataDir) return;
  try {
    const s = readDbState(dataDir);
    if (alive(s.pid) && isOurFerret(s.pid, dataDir)) { process.kill(s.pid, 'SIGKILL'); note(`killed the FerretDB left running (pid ${s.pid})`); }
  } catch { /* no state file: nothing running */ }
}
