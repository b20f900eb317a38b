import fs from 'node:fs';
import path from 'node:path';
import { readHead } from './audit.chain';
import { mac } from './audit.key';

/*
 * Anchors of the chain kept outside the database: every hour the chain's head (position, hash,
 * time) is appended, keyed, to AUDIT_CHECKPOINT_FILE. Deleting the newest events and rewinding the
 * head, or rewriting the chain with a stolen key, then disagrees with the last checkpoint, which
 * /audit/verify compares against. Keep the file where database administrators cannot write
 * (another volume, or copied off the machine).
 */
export interface Checkpoint { seq: number; hash: string; at: string; mac: string }

let file: string | undefined;
export const configureCheckpoints = (f: string) => { file = f; };

const macOf = (c: Omit<Checkpoint, 'mac'>) => mac(`checkpoint:${c.seq}:${c.hash}:${c.at}`);

export async function writeCheckpoint(now = new Date()): Promise<Checkpoint | undefined> {
  if (!file) return undefined;
  const head = await readHead();
  if (!head.recorded) return undefined;
  const c = { seq: head.seq, hash: head.hash, at: now.toISOString() };
  const line = { ...c, mac: macOf(c) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  return line;
}

/** The newest checkpoint in the file (only its end is read), and whether its key matches. */
export function lastCheckpoint(): { checkpoint: Checkpoint; authentic: boolean } | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 8192);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const c = JSON.parse(lines[i]) as Checkpoint;
        if (Number.isInteger(c.seq) && typeof c.hash === 'string') return { checkpoint: c, authentic: macOf(c) === c.mac };
      } catch { /* a torn last line: the one before it */ }
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
