import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { alive, canConnect, freePort, start, terminate } from './ferretdb-process';

export { freePort } from './ferretdb-process';

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  /** false while the server is down and being restarted */
  readonly up: boolean;
  /** how many times the supervisor restarted it */
  readonly restarts: number;
  /** this process uses a server another process launched and supervises (it takes over if that process dies) */
  readonly borrowed: boolean;
  /** Stops the server if this process launched (or adopted) it. */
  stop(): Promise<void>;
}

/** `ferretdb.json` in the data directory: the server's pid and port, and the Attest process supervising it. */
interface StateFile { pid: number; port: number; owner?: number }

/** FerretDB's own log lines (JSON), handed to the app's logger by level. */
export type DbLog = (level: 'warn' | 'error' | 'info' | 'debug', msg: string, fields?: Record<string, unknown>) => void;

export interface LaunchOptions {
  bin: string;
  dataDir: string;
  port?: number;
  /** Reuse a FerretDB already serving this data directory (e.g. the running service, for a CLI). */
  reuse?: boolean;
  log?: (msg: string) => void;
  /** FerretDB's warnings and errors; by default they go to `log` */
  dbLog?: DbLog;
  database?: string;
  /** Restart the server when it dies (with backoff); on for the service and the tests. */
  supervise?: boolean;
}

/**
 * Launches FerretDB (SQLite backend) on loopback with its data under `dataDir`. One data
 * directory has at most one FerretDB: its pid and port, and the Attest process that supervises it,
 * are kept in `ferretdb.json`.
 *
 * - The first service process starts and supervises it: when the server dies it is started again on
 *   the same port (backoff 0.5 s doubling to 30 s), so the drivers reconnect by themselves.
 * - A second service process on the same data directory shares the running server (`borrowed`) and
 *   watches it; when the server is gone and its supervisor is dead too, it starts the server on
 *   the same port itself and supervises it from then on.
 * - A server whose supervisor is dead (an orphan) is stopped and started again on its port.
 * - `reuse` (a CLI next to the service) uses a running server as it is and never supervises it.
 */
export async function launchFerretDB(opts: LaunchOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const dbLog: DbLog = opts.dbLog ?? ((level, msg) => { if (level !== 'debug') log(`ferretdb ${level}: ${msg}`); });
  const db = opts.database ?? 'attest';
  fs.mkdirSync(path.join(opts.dataDir, 'sqlite'), { recursive: true });
  fs.mkdirSync(path.join(opts.dataDir, 'ferretdb-state'), { recursive: true });
  const stateFile = path.join(opts.dataDir, 'ferretdb.json');
  const previous = readState(stateFile);
  const running = previous && alive(previous.pid) && (await canConnect(previous.port)) ? previous : undefined;
  if (running && opts.reuse) {
    log(`using the FerretDB already running for ${opts.dataDir} (pid ${running.pid})`);
    return { uri: `mongodb://127.0.0.1:${running.port}/${db}`, port: running.port, up: true, restarts: 0, borrowed: true, stop: async () => {} };
  }

  let child: { child: ChildProcess; exited: Promise<number> } | undefined;
  let port = opts.port || previous?.port || 0;
  let borrowed = false;
  let stopping = false;
  let up = true;
  let restarts = 0;
  const writeState = () => fs.writeFileSync(stateFile, JSON.stringify({ pid: child?.child.pid ?? 0, port, owner: process.pid } satisfies StateFile));

  const supervise = async () => {
    let delay = 500;
    for (;;) {
      const code = await child!.exited;
      if (stopping) return;
      up = false;
      dbLog('error', `FerretDB exited unexpectedly (code ${code}); restarting`, { code });
      for (;;) {
        await new Promise((r) => setTimeout(r, delay).unref());
        if (stopping) return;
        try {
          child = await start(opts, port, dbLog);
          writeState();
          restarts++;
          up = true;
          dbLog('warn', `FerretDB restarted on 127.0.0.1:${port} (restart ${restarts})`, { restarts });
          delay = 500;
          break;
        } catch (err) {
          dbLog('error', `FerretDB restart failed: ${(err as Error).message}`);
          delay = Math.min(delay * 2, 30_000);
        }
      }
    }
  };
  /** Starts the server on `port` and supervises it; false when another process took the port first. */
  const own = async (): Promise<boolean> => {
    try {
      child = await start(opts, port, dbLog);
    } catch (err) {
      const now = readState(stateFile);
      if (now && now.owner !== process.pid && now.owner && alive(now.owner) && (await canConnect(now.port))) return false;
      throw err;
    }
    writeState();
    borrowed = false;
    up = true;
    if (opts.supervise) void supervise();
    return true;
  };
  /** A borrower's watch: up follows the server; a server gone with its supervisor is taken over. */
  const watch = () => {
    let downSince = 0;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopping || !borrowed) { if (!borrowed || stopping) clearInterval(timer); return; }
      busy = true;
      void (async () => {
        up = await canConnect(port);
        if (up) { downSince = 0; return; }
        downSince ||= Date.now();
        const state = readState(stateFile);
        const ownerAlive = !!state?.owner && state.owner !== process.pid && alive(state.owner);
        if (Date.now() - downSince >= 1000 && !ownerAlive) {
          dbLog('warn', `FerretDB for ${opts.dataDir} is down and its supervisor is gone: starting it on 127.0.0.1:${port}`);
          if (await own()) dbLog('warn', `FerretDB restarted on 127.0.0.1:${port} by this instance, which supervises it now`);
        }
      })().catch((err) => dbLog('error', `FerretDB takeover failed: ${(err as Error).message}`)).finally(() => { busy = false; });
    }, 500);
    timer.unref();
  };

  if (running && running.owner && running.owner !== process.pid && alive(running.owner)) {
    // another service instance supervises it: share it
    port = running.port;
    borrowed = true;
    log(`sharing the FerretDB of another Attest instance (pid ${running.owner}) for ${opts.dataDir} on 127.0.0.1:${port}`);
    if (opts.supervise) watch();
  } else {
    if (running) {
      log(`restarting a FerretDB left running for ${opts.dataDir} (pid ${running.pid}) on its port ${running.port}`);
      await terminate(running.pid);
    }
    if (!port) port = await freePort();
    if (!(await own())) {
      borrowed = true;
      if (opts.supervise) watch();
    }
    log(`FerretDB ${borrowed ? 'shared' : 'listening'} on 127.0.0.1:${port} (data in ${opts.dataDir})`);
  }

  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/${db}`,
    port,
    get up() { return up; },
    get restarts() { return restarts; },
    get borrowed() { return borrowed; },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        if (!child) return;
        const pid = child.child.pid;
        if (pid && child.child.exitCode === null) await terminate(pid);
        const state = readState(stateFile);
        if (state?.pid === pid) fs.rmSync(stateFile, { force: true });
      })();
      return stopped;
    },
  };
}

function readState(file: string): StateFile | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(s.pid) && Number.isInteger(s.port) && (s.owner === undefined || Number.isInteger(s.owner)) ? s : undefined;
  } catch { return undefined; }
}
