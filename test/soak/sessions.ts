import mongoose from 'mongoose';
import type { World } from './world';

type Client = InstanceType<typeof mongoose.mongo.MongoClient>;

/** How long an expired session may stay: the clean-up runs every 15 s in the soak, plus slack. */
const SWEEP_WITHIN_MS = 45_000;

/**
 * The session clean-up is the task that once wrote with w=0 and desynchronised the pool: the soak
 * plants expired sessions (acknowledged inserts, as connect-mongo stores them) so that every run of
 * the job really deletes something while the load goes on, and counts the ones still there past
 * SWEEP_WITHIN_MS (unless the database was down meanwhile, or a kill left the job late).
 */
export class ExpiredSessions {
  private planted = new Map<string, number>();
  private n = 0;

  constructor(private w: World, private truth: Client) {}

  async round(final = false): Promise<void> {
    const sessions = this.truth.db('attest').collection<{ _id: string; expires: Date; session: string }>('sessions');
    const now = Date.now();
    const due = [...this.planted].filter(([, at]) => now - at > SWEEP_WITHIN_MS).map(([id]) => id);
    if (due.length) {
      const left = await sessions.find({ _id: { $in: due } }, { projection: { _id: 1 } }).toArray();
      for (const id of due) this.planted.delete(id);
      const excused = this.w.stats.inDbDowntime(now - SWEEP_WITHIN_MS, now) || this.w.stats.afterFault(now, 90_000);
      const late = excused ? [] : left;
      this.w.stats.add('sessionsSwept', due.length - left.length);
      if (late.length) this.w.stats.add('sessionsNotSwept', late.length, `expired sessions still stored ${SWEEP_WITHIN_MS / 1000} s later: ${late.map((d) => d._id).slice(0, 3).join(', ')}`);
    }
    if (final) return;
    const docs = Array.from({ length: 10 }, () => ({ _id: `soak-expired-${++this.n}`, expires: new Date(now - 60_000), session: '{"cookie":{}}' }));
    await sessions.insertMany(docs);
    for (const d of docs) this.planted.set(d._id, Date.now());
  }
}
