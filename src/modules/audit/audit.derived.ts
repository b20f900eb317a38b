import { advanceHead, findEnd, readHead, replaceInvalidHead } from './audit.chain';
import { indexEvents, unindexed } from './audit.index';
import { eventsBySeq } from './audit.read';
import { registerDerived } from '../../db/derived';
import { DatabaseFault } from '../../db/faults';

/** The recorded head, or undefined when what is stored is not a position (a bad value). */
async function recordedHead() {
  try {
    return await readHead();
  } catch (err) {
    if (err instanceof DatabaseFault && err.kind === 'bad_value') return undefined;
    throw err;
  }
}

/* The audit chain's derived structures (src/db/derived.ts): its recorded head and its indexes. */
// the recorded head follows the chain's real end (an appender that died before moving it leaves it behind)
registerDerived({
  name: 'audit-head',
  source: 'the audit events (the chain\'s last position and hash)',
  async check() {
    const head = await recordedHead();
    if (!head) return { checked: 1, differences: [{ id: 'head', reason: 'the recorded head is not a position (its sequence is not a safe integer or its hash not a hash)' }] };
    const end = await findEnd(head.seq + 1);
    return { checked: 1, differences: end.seq > head.seq ? [{ id: 'head', reason: `the recorded head is at ${head.seq}, the chain ends at ${end.seq}` }] : [] };
  },
  async repair() {
    const head = await recordedHead();
    if (!head) await replaceInvalidHead(await findEnd(1));
    else await advanceHead(await findEnd(head.seq + 1));
    return 1;
  },
});

// every event is found under its entity, actor and action
registerDerived({
  name: 'audit-index',
  source: 'the audit events (each listed under its entity, entity id, actor and action)',
  async check() {
    const { checked, missing } = await unindexed((await readHead()).seq);
    return { checked, differences: missing.map((e) => ({ id: String(e.seq), reason: 'an event missing from its indexes' })) };
  },
  async repair(differences) {
    const events = await eventsBySeq(differences.map((d) => Number(d.id)));
    if (events.length) await indexEvents(events);
    return events.length;
  },
});
