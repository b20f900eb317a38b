import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/**
 * Build-time patches of the pinned FerretDB, each a defect whose cause is a few lines (DESIGN §1).
 * Every patch names the exact text it replaces: if the module ever differs, the build stops
 * instead of silently producing an unpatched binary. The README lists them with their tests.
 */
export const PATCHES = [
  {
    id: 'sqlite-id-index',
    file: 'internal/backends/sqlite/metadata/metadata.go',
    // The SQLite backend creates the unique _id index on the expression `_ferretdb_sjson->"_id"`
    // but filters and updates by `_ferretdb_sjson->'$._id'`. SQLite only uses an expression index
    // for the identical expression, so every {_id} lookup, update and delete scanned the whole
    // table (~2.7 µs per stored document). The query now uses the index's own expression.
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
  },
] as const;

/** What the binary at `bin` was built from; a different stamp means it must be rebuilt. */
export const BUILD_STAMP = JSON.stringify({ version: FERRETDB_VERSION, patches: PATCHES.map((p) => p.id) });
const stampFile = (bin: string) => `${bin}.build.json`;

export function installedVersion(bin: string): string | undefined {
  if (!fs.existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15000 });
  return /^version:\s*(\S+)/m.exec(r.stdout ?? '')?.[1];
}

function isCurrent(bin: string): boolean {
  try {
    return fs.readFileSync(stampFile(bin), 'utf8') === BUILD_STAMP && installedVersion(bin) === FERRETDB_VERSION;
  } catch {
    return false;
  }
}

/** Applies PATCHES to a copy of the module source; throws if a patch no longer applies. */
export function applyPatches(srcDir: string): void {
  for (const p of PATCHES) {
    const file = path.join(srcDir, p.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.split(p.find).length !== 2) throw new Error(`FerretDB patch ${p.id}: expected text not found exactly once in ${p.file}`);
    fs.writeFileSync(file, text.replace(p.find, p.replace));
  }
}

/**
 * Builds FerretDB from the Go module proxy into `bin` unless that exact build is there.
 *
 * A plain `go install …/cmd/ferretdb@v1.24.2` builds, but the binary panics at start-up: the
 * published module lacks build/version/version.txt (FerretDB generates it in its own release
 * pipeline). So we fetch the same module with `go mod download`, add that one file naming the
 * version, apply PATCHES, and `go build` it. Nothing but the Go module proxy is contacted.
 */
export function ensureFerretDB(bin: string, log: (msg: string) => void = () => {}): string {
  if (isCurrent(bin)) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(`FerretDB ${FERRETDB_VERSION} is not installed at ${bin} and Go is not available to build it. Install Go 1.21+ or set MONGODB_URI.`);
  }
  log(`building FerretDB ${FERRETDB_VERSION} (patches: ${PATCHES.map((p) => p.id).join(', ')}) into ${bin} (first run only; takes a few minutes)`);
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8', timeout: 10 * 60_000 }));
  if (!info.Dir) throw new Error(`go mod download did not return a directory: ${info.Error ?? 'unknown error'}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-ferretdb-src-'));
  try {
    fs.cpSync(info.Dir, work, { recursive: true });
    makeWritable(work);
    fs.writeFileSync(path.join(work, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    applyPatches(work);
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
  fs.writeFileSync(stampFile(bin), BUILD_STAMP);
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
