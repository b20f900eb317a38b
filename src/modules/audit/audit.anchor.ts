import { writeCheckpoint, type Checkpoint } from './audit.checkpoint';

/*
 * The chain's head is anchored outside the database at start and then every AUDIT_ANCHOR_SECONDS
 * (plus the hourly checkpoint job), in AUDIT_CHECKPOINT_FILE and the log (audit.checkpoint.ts):
 * whoever can write to the database can still delete the newest events and rewind the head, but
 * only those appended since the last anchor — at most that many seconds' worth — without
 * /audit/verify noticing. Each instance anchors on its own; an interval line is skipped while the
 * head has not moved since this process's last anchor.
 */
export interface Anchoring {
  /** the anchor written at start (undefined: the chain is still empty) */
  started: Promise<Checkpoint | undefined>;
  stop(): void;
}

export function startAnchoring(opts: { seconds: number; onError: (err: unknown) => void }): Anchoring {
  let last: string | undefined;
  let busy = false;
  const anchor = async (reason: 'start' | 'interval'): Promise<Checkpoint | undefined> => {
    if (busy) return undefined;
    busy = true;
    try {
      const c = await writeCheckpoint(new Date(), reason, reason === 'interval' ? last : undefined);
      if (c) last = `${c.seq}:${c.hash}`;
      return c;
    } catch (err) {
      opts.onError(err);
      return undefined;
    } finally {
      busy = false;
    }
  };
  const started = anchor('start');
  const timer = setInterval(() => void anchor('interval'), opts.seconds * 1000);
  timer.unref();
  return { started, stop: () => clearInterval(timer) };
}
