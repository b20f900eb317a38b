import mongoose from 'mongoose';
import { writer } from '../../src/db/writer';

/*
 * FerretDB narrows a filter to the _id index only when an _id equality is the filter's first key
 * (build patch sqlite-id-pushdown); anywhere else, the query scans and decodes the whole collection.
 * mongoose moves a top-level $or/$and to the front of a filter it is given, which once made every
 * board put of a full scan read all boards (store.putEntry keeps _id first with setQuery). The
 * root hooks watch every command the test process sends and fail the run if one had an _id
 * equality that was not its first key.
 */

type Filter = Record<string, unknown>;
const isObject = (v: unknown): v is Filter => !!v && typeof v === 'object' && !Array.isArray(v);

/** An _id equality (a value, not an operator document such as {$in: …}) that is not the filter's first key. */
export function misplacedId(filter: unknown): boolean {
  if (!isObject(filter) || !Object.prototype.hasOwnProperty.call(filter, '_id')) return false;
  const id = filter._id;
  const operator = isObject(id) && Object.keys(id).some((k) => k.startsWith('$'));
  return !operator && Object.keys(filter)[0] !== '_id';
}

/** The filters a command carries (find, count, findAndModify, and each statement of update and delete). */
export function filtersOf(name: string, command: Filter): unknown[] {
  switch (name) {
    case 'find': return [command.filter];
    case 'count': case 'findAndModify': return [command.query];
    case 'update': return ((command.updates as { q?: unknown }[] | undefined) ?? []).map((u) => u.q);
    case 'delete': return ((command.deletes as { q?: unknown }[] | undefined) ?? []).map((d) => d.q);
    default: return [];
  }
}

const misplaced = new Map<string, number>();

/** Watches the commands of the test process' connections (the pool and the write lane). */
export function watchFilterOrder(): void {
  const clients = new Set([mongoose.connection.getClient(), writer.laneConnection?.getClient()].filter((c) => !!c));
  for (const client of clients) {
    client!.on('commandStarted', (e) => {
      const command = e.command as Filter;
      for (const f of filtersOf(e.commandName, command)) {
        if (!misplacedId(f)) continue;
        const shape = `${e.commandName} ${String(command[e.commandName])} {${Object.keys(f as Filter).join(', ')}}`;
        misplaced.set(shape, (misplaced.get(shape) ?? 0) + 1);
      }
    });
  }
}

/** The shapes of the filters sent with a misplaced _id, and how often each was sent. */
export const misplacedIdFilters = (): Record<string, number> => Object.fromEntries(misplaced);
