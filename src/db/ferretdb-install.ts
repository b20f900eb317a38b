import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/**
 * Build-time patches of the pinned FerretDB, each a defect whose cause is a few lines (DESIGN §1).
 * Every edit names the exact text it replaces and how often it occurs: if the module ever differs,
 * the build stops instead of silently producing an unpatched binary. The README lists them with the
 * tests that fail without them.
 */
export interface Patch { id: string; edits: { file: string; find: string; replace: string; count?: number }[] }

export const PATCHES: readonly Patch[] = [
  {
    id: 'sqlite-id-index',
    // The SQLite backend creates the unique _id index on the expression `_ferretdb_sjson->"_id"`
    // but filters and updates by `_ferretdb_sjson->'$._id'`. SQLite only uses an expression index
    // for the identical expression, so every {_id} lookup, update and delete scanned the whole
    // table (~2.7 µs per stored document). The query now uses the index's own expression.
    edits: [{ file: 'internal/backends/sqlite/metadata/metadata.go', find: `IDColumn = DefaultColumn + "->'$._id'"`, replace: 'IDColumn = DefaultColumn + `->"_id"`' }],
  },
  {
    id: 'op-msg-more-to-come',
    // A request sent with the OP_MSG flag moreToCome (an unacknowledged, w=0 write) must get no
    // reply: the client reads none. FerretDB 1.24.2 answers every request, so the reply waits in
    // the socket and the next command on that pooled connection reads it as its own: a find gets
    // the previous command's answer (wrong documents, "cursor is missing" errors). Now no reply is
    // written for such a request.
    edits: [{
      file: 'internal/clientconn/conn.go',
      find: '\t\tif err = wire.WriteMessage(bufw, resHeader, resBody); err != nil {',
      replace: '\t\tif req, ok := reqBody.(*wire.OpMsg); ok && req.Flags.FlagSet(wire.OpMsgMoreToCome) {\n'
        + '\t\t\t// moreToCome: the client reads no reply (Attest build patch op-msg-more-to-come)\n'
        + '\t\t} else if err = wire.WriteMessage(bufw, resHeader, resBody); err != nil {',
    }],
  },
  {
    id: 'serialised-writes',
    // update, findAndModify and delete read the matching documents, then write them back by _id in
    // a second step. Two connections doing that at once both read the old document and the later
    // write wins: a conditional update ({_id, version}) has two winners and concurrent $inc lose
    // counts. One lock around those three commands makes each of them atomic against the others,
    // as MongoDB's single-document updates are, across every client and process.
    edits: [
      { file: 'internal/handler/handler.go', find: '\twg       sync.WaitGroup\n', replace: '\twg       sync.WaitGroup\n\n\t// read-modify-write commands run one at a time (Attest build patch serialised-writes)\n\twriteMu sync.Mutex\n' },
      ...['msg_update.go:MsgUpdate', 'msg_findandmodify.go:MsgFindAndModify', 'msg_delete.go:MsgDelete'].map((x) => {
        const [file, fn] = x.split(':');
        const signature = `func (h *Handler) ${fn}(connCtx context.Context, msg *wire.OpMsg) (*wire.OpMsg, error) {\n`;
        return { file: `internal/handler/${file}`, find: signature, replace: `${signature}\th.writeMu.Lock()\n\tdefer h.writeMu.Unlock()\n\n` };
      }),
    ],
  },
  {
    id: 'sqlite-id-pushdown',
    // The SQLite backend narrows a query to the _id index only when the filter is exactly {_id};
    // {_id, version} (a conditional update) read and decoded the whole collection. The handlers
    // apply the whole filter to what the backend returns, so narrowing by a leading _id equality is
    // always correct; now it is done whenever _id is the filter's first key.
    edits: [{
      file: 'internal/backends/sqlite/collection.go',
      find: '\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")\n',
      replace: '\tif keys := params.Filter.Keys(); len(keys) > 0 && keys[0] == "_id" {\n\t\tv := params.Filter.Values()[0]\n',
      count: 2,
    }],
  },
];

/** What a binary was built from; a different stamp means it must be rebuilt. */
const stampOf = (patches: readonly Patch[]) => JSON.stringify({ version: FERRETDB_VERSION, patches: patches.map((p) => p.id) });
export const BUILD_STAMP = stampOf(PATCHES);
const stampFile = (bin: string) => `${bin}.build.json`;

export function installedVersion(bin: string): string | undefined {
  if (!fs.existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15000 });
  return /^version:\s*(\S+)/m.exec(r.stdout ?? '')?.[1];
}

function isCurrent(bin: string, stamp: string): boolean {
  try {
    return fs.readFileSync(stampFile(bin), 'utf8') === stamp && installedVersion(bin) === FERRETDB_VERSION;
  } catch {
    return false;
  }
}

/** Applies `patches` to a copy of the module source; throws if an edit no longer applies. */
export function applyPatches(srcDir: string, patches: readonly Patch[] = PATCHES): void {
  for (const p of patches) {
    for (const e of p.edits) {
      const file = path.join(srcDir, e.file);
      const text = fs.readFileSync(file, 'utf8');
      const found = text.split(e.find).length - 1;
      if (found !== (e.count ?? 1)) throw new Error(`FerretDB patch ${p.id}: expected text found ${found} times in ${e.file}, expected ${e.count ?? 1}`);
      fs.writeFileSync(file, text.split(e.find).join(e.replace));
    }
  }
}

/**
 * Builds FerretDB from the Go module proxy into `bin` unless that exact build is there.
 *
 * A plain `go install …/cmd/ferretdb@v1.24.2` builds, but the binary panics at start-up: the
 * published module lacks build/version/version.txt (FerretDB generates it in its own release
 * pipeline). So we fetch the same module with `go mod download`, add that one file naming the
 * version, apply PATCHES, and `go build` it. Nothing but the Go module proxy is contacted.
 * `without` leaves patches out: only to show what they fix (a binary for experiments, never the service's).
 */
export function ensureFerretDB(bin: string, log: (msg: string) => void = () => {}, opts: { without?: string[] } = {}): string {
  const unknown = (opts.without ?? []).filter((id) => !PATCHES.some((p) => p.id === id));
  if (unknown.length) throw new Error(`unknown FerretDB patch: ${unknown.join(', ')} (patches: ${PATCHES.map((p) => p.id).join(', ')})`);
  const patches = PATCHES.filter((p) => !opts.without?.includes(p.id));
  const stamp = stampOf(patches);
  if (isCurrent(bin, stamp)) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new Error(`FerretDB ${FERRETDB_VERSION} is not installed at ${bin} and Go is not available to build it. Install Go 1.21+ or set MONGODB_URI.`);
  }
  log(`building FerretDB ${FERRETDB_VERSION} (patches: ${patches.map((p) => p.id).join(', ') || 'none'}) into ${bin} (first run only; takes a few minutes)`);
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8', timeout: 10 * 60_000 }));
  if (!info.Dir) throw new Error(`go mod download did not return a directory: ${info.Error ?? 'unknown error'}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-ferretdb-src-'));
  try {
    fs.cpSync(info.Dir, work, { recursive: true });
    makeWritable(work);
    fs.writeFileSync(path.join(work, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    applyPatches(work, patches);
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
  fs.writeFileSync(stampFile(bin), stamp);
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
