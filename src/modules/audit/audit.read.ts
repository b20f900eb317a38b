import { AuditEventDoc, AuditRecord, eventId, eventsIn, partitionOf } from './audit.model';
import { unseal } from './audit.chain';
import * as store from '../../db/store';
import { TtlCache } from '../../shared/ttl-cache';

/*
 * Events never change once written, so those read recently are kept in the process (the newest
 * page is read over and over); only the others are fetched, by _id, partition by partition.
 * /audit/verify always reads the database.
 */
const recent = new TtlCache<number, AuditRecord>(10 * 60_000, 5000);

/** The events at the given seqs, in that order (missing ones left out). */
export async function eventsBySeq(seqs: number[]): Promise<AuditRecord[]> {
  const missing = new Map<number, number[]>();
  for (const s of seqs) {
    if (recent.get(s)) continue;
    const p = partitionOf(s);
    missing.set(p, [...(missing.get(p) ?? []), s]);
  }
  for (const [p, list] of missing) {
    for (const d of await store.findByIds<AuditEventDoc>(eventsIn(p), list.map(eventId))) recent.set(d.seq, unseal(d));
  }
  return seqs.map((s) => recent.get(s)).filter((e): e is AuditRecord => !!e);
}

export async function eventAt(seq: number): Promise<AuditRecord | undefined> {
  return (await eventsBySeq([seq]))[0];
}
