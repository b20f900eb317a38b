import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  /** Stops the server if this process launched (or adopted) it. */
  stop(): Promise<void>;
}

interface StateFile { pid: number; port: number }

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

function canConnect(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function alive(pid: number): boolean {
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

async function terminate(pid: number): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  if (!(await waitForExit(pid, 5000))) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await waitForExit(pid, 2000);
  }
}

export interface LaunchOptions {
  bin: string;
  dataDir: string;
  port?: number;
  /** Reuse a FerretDB already serving this data directory (e.g. the running service, for a CLI). */
  reuse?: boolean;
  log?: (msg: string) => void;
  database?: string;
}

/**
 * Launches FerretDB (SQLite backend) on loopback with its data under `dataDir`. One data
 * directory has at most one FerretDB: its pid and port are kept in `ferretdb.json`, so a CLI
 * can borrow the running server and a restart after a crash adopts the orphan.
 */
export async function launchFerretDB(opts: LaunchOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const db = opts.database ?? 'attest';
  fs.mkdirSync(path.join(opts.dataDir, 'sqlite'), { recursive: true });
  fs.mkdirSync(path.join(opts.dataDir, 'ferretdb-state'), { recursive: true });
  const stateFile = path.join(opts.dataDir, 'ferretdb.json');
  const previous = readState(stateFile);
  if (previous && alive(previous.pid) && (await canConnect(previous.port))) {
    if (opts.reuse) {
      log(`using the FerretDB already running for ${opts.dataDir} (pid ${previous.pid})`);
      return { uri: `mongodb://127.0.0.1:${previous.port}/${db}`, port: previous.port, stop: async () => {} };
    }
    log(`stopping a FerretDB left running for ${opts.dataDir} (pid ${previous.pid})`);
    await terminate(previous.pid);
  }

  const port = opts.port || (await freePort());
  const child: ChildProcess = spawn(opts.bin, [
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
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });

  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (exited !== null) throw new Error(`FerretDB exited with code ${exited} during start-up: ${stderr.trim()}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('FerretDB did not start listening within 30 s'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.writeFileSync(stateFile, JSON.stringify({ pid: child.pid ?? 0, port } satisfies StateFile));
  log(`FerretDB listening on 127.0.0.1:${port} (data in ${opts.dataDir})`);

  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/${db}`,
    port,
    stop() {
      stopped ??= (async () => {
        if (child.pid && exited === null) await terminate(child.pid);
        const current = readState(stateFile);
        if (current?.pid === child.pid) fs.rmSync(stateFile, { force: true });
      })();
      return stopped;
    },
  };
}

function readState(file: string): StateFile | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(s.pid) && Number.isInteger(s.port) ? s : undefined;
  } catch { return undefined; }
}
