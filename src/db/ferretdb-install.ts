import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

export function installedVersion(bin: string): string | undefined {
  if (!fs.existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15000 });
  return /^version:\s*(\S+)/m.exec(r.stdout ?? '')?.[1];
}

/**
 * Builds FerretDB from the Go module proxy into `bin` unless that exact version is there.
 *
 * A plain `go install …/cmd/ferretdb@v1.24.2` builds, but the binary panics at start-up: the
 * published module lacks build/version/version.txt (FerretDB generates it in its own release
 * pipeline). So we fetch the same module with `go mod download`, add that one file naming the
 * version, and `go build` it. Nothing but the Go module proxy is contacted.
 */
export function ensureFerretDB(bin: string, log: (msg: string) => void = () => {}): string {
  if (installedVersion(bin) === FERRETDB_VERSION) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(`FerretDB ${FERRETDB_VERSION} is not installed at ${bin} and Go is not available to build it. Install Go 1.21+ or set MONGODB_URI.`);
  }
  log(`building FerretDB ${FERRETDB_VERSION} into ${bin} (first run only; takes a few minutes)`);
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8', timeout: 10 * 60_000 }));
  if (!info.Dir) throw new Error(`go mod download did not return a directory: ${info.Error ?? 'unknown error'}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-ferretdb-src-'));
  try {
    fs.cpSync(info.Dir, work, { recursive: true });
    makeWritable(work);
    fs.writeFileSync(path.join(work, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const tmpBin = `${bin}.partial`;
    execFileSync('go', ['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], {
      cwd: work,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 20 * 60_000,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    });
    fs.renameSync(tmpBin, bin); // atomic: a half-built binary is never left at `bin`
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const v = installedVersion(bin);
  if (v !== FERRETDB_VERSION) throw new Error(`built FerretDB reports version ${v ?? 'none'}, expected ${FERRETDB_VERSION}`);
  log(`FerretDB ${v} installed`);
  return bin;
}

function makeWritable(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    fs.chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) makeWritable(p);
  }
}
