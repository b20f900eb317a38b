import fs from 'node:fs';
import path from 'node:path';
import { readHead } from './audit.chain';
import { mac } from './audit.key';

/*
 * Anchors of the chain kept outside the database: the chain's head (position, hash, time) is
 * appended, keyed, to AUDIT_CHECKPOINT_FILE (default DATA_DIR/audit-checkpoints.jsonl) at every
 * start, every AUDIT_ANCHOR_SECONDS (audit.anchor.ts) and by the hourly checkpoint job, each line
 * fsynced and also logged. Deleting the newest events and rewinding the head, or rewriting the chain
 * with a stolen key, then disagrees with the newest anchor, which /audit/verify compares against.
 * Keep the file where database administrators cannot write (another volume, or shipped off the
 * machine with the log).
 */
export type AnchorReason = 'start' | 'interval' | 'checkpoint';
export interface Checkpoint { seq: number; hash: string; at: string; reason?: AnchorReason; mac: string }

let file: string | undefined;
let onWritten: ((c: Checkpoint) => void) | undefined;
/** The file anchors go to, and who hears of each one (the log). */
export const configureCheckpoints = (f: string, logged?: (c: Checkpoint) => void) => { file = f; onWritten = logged; };

// the reason is not keyed: it says why a line was written, not what the chain held
const macOf = (c: Omit<Checkpoint, 'mac' | 'reason'>) => mac(`checkpoint:${c.seq}:${c.hash}:${c.at}`);

/**
 * Appends the chain's current head to the file (written through to the disk); nothing while the
 * chain is empty, or when the head is still `unlessAt` (`seq:hash`).
 */
export async function writeCheckpoint(now = new Date(), reason: AnchorReason = 'checkpoint', unlessAt?: string): Promise<Checkpoint | undefined> {
  if (!file) return undefined;
  const head = await readHead();
  if (!head.recorded || unlessAt === `${head.seq}:${head.hash}`) return undefined;
  const c = { seq: head.seq, hash: head.hash, at: now.toISOString() };
  const line: Checkpoint = { ...c, reason, mac: macOf(c) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // one write() of one line with O_APPEND: instances sharing the file never interleave inside a line
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  onWritten?.(line);
  return line;
}

const TAIL = 16_384;

/**
 * The furthest anchor among the newest lines of the file (only its end is read; instances sharing
 * the file may append out of order), and whether every one of those lines carries the key.
 */
export function lastCheckpoint(): { checkpoint: Checkpoint; authentic: boolean } | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, TAIL);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim());
    if (len < size) lines.shift(); // cut in the middle
    let best: Checkpoint | undefined;
    let forged: Checkpoint | undefined;
    for (const l of lines) {
      let c: Checkpoint;
      try { c = JSON.parse(l) as Checkpoint; } catch { continue; } // a torn line
      if (!Number.isSafeInteger(c.seq) || typeof c.hash !== 'string') continue;
      if (macOf(c) !== c.mac) forged ??= c;
      else if (!best || c.seq > best.seq) best = c;
    }
    if (forged) return { checkpoint: forged, authentic: false };
    return best && { checkpoint: best, authentic: true };
  } finally {
    fs.closeSync(fd);
  }
}
