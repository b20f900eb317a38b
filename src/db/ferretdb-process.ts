import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { DbLog, LaunchOptions } from './ferretdb';

/* The embedded FerretDB as a process: ports, liveness, start with its logs forwarded, stop. */

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

export async function terminate(pid: number): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  if (!(await waitForExit(pid, 5000))) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await waitForExit(pid, 2000);
  }
}

const LEVELS: Record<string, 'warn' | 'error' | 'info'> = { WARN: 'warn', ERROR: 'error', DPANIC: 'error', PANIC: 'error', FATAL: 'error' };

/**
 * What one FerretDB stderr line is worth: its level (undefined: dropped) and message. Lines that are
 * not JSON (a panic trace or similar) are errors.
 */
export function classifyLogLine(line: string): { level: 'warn' | 'error' | 'info' | 'debug'; text: string; fields: Record<string, unknown> } | undefined {
  let entry: Record<string, unknown> | undefined;
  try { entry = JSON.parse(line); } catch { /* not JSON */ }
  if (!entry || typeof entry !== 'object') return { level: 'error', text: line.slice(0, 2000), fields: {} };
  const level = LEVELS[String(entry.level ?? '').toUpperCase()];
  // a client closing its connection is logged at WARN by FerretDB 1.24: routine, not a warning
  if (!level || entry.msg === 'Connection stopped') return undefined;
  const { msg, level: _l, time: _t, ...fields } = entry;
  const text = String(msg ?? 'ferretdb');
  // every command answered with an error is dumped at WARN ("Response header: …" then the message),
  // expected ones too (a lease already taken, a collection that exists): kept at debug
  return { level: /^Response (header|message)/.test(text) ? 'debug' : level, text, fields };
}

/** Forwards FerretDB's JSON log lines (stderr) at warn and above; anything else unparsed as an error. */
function forwardLogs(child: ChildProcess, dbLog: DbLog, tail: string[]): void {
  if (!child.stderr) return;
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    const c = classifyLogLine(line);
    if (c) dbLog(c.level, c.text, c.fields);
  });
}

function spawnServer(opts: LaunchOptions, port: number): ChildProcess {
  return spawn(opts.bin, [
    '--handler=sqlite',
    // WAL with synchronous=NORMAL: no corruption on a crash, and a commit no longer waits for
    // an fsync (a power cut may lose the last transactions). Production runs on MongoDB.
    `--sqlite-url=file:${path.join(opts.dataDir, 'sqlite')}/?_pragma=synchronous(NORMAL)`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${path.join(opts.dataDir, 'ferretdb-state')}`,
    '--log-level=warn',
    '--log-format=json',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Starts one server process and waits until it accepts connections. */
export async function start(opts: LaunchOptions, port: number, dbLog: DbLog): Promise<{ child: ChildProcess; exited: Promise<number> }> {
  const child = spawnServer(opts, port);
  const tail: string[] = [];
  forwardLogs(child, dbLog, tail);
  let code: number | null = null;
  const exited = new Promise<number>((resolve) => child.once('exit', (c, signal) => { code = c ?? (signal ? 128 : -1); resolve(code); }));
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (code !== null) throw new Error(`FerretDB exited with code ${code} during start-up: ${tail.join('\n').slice(-2000)}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('FerretDB did not start listening within 30 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited };
}

