import type { Bilingual } from './bilingual';

/**
 * In-process domain events: modules announce what changed; derived summaries (compliance)
 * subscribe. The module that changes a record never calls back into the one that summarises it,
 * which keeps the dependency graph one-way. `emit` resolves once every handler has run, so a
 * request answers with the summaries already refreshed.
 */
export interface DomainEvents {
  /** something a system's compliance summary is derived from has changed */
  'system.stale': { systemId: string };
}

type Handler<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => Promise<void> | void;

const handlers: { [K in keyof DomainEvents]?: Handler<K>[] } = {};

export function on<K extends keyof DomainEvents>(name: K, handler: Handler<K>): void {
  const list = (handlers[name] ??= []) as Handler<K>[];
  if (!list.includes(handler)) list.push(handler);
}

export async function emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): Promise<void> {
  for (const h of (handlers[name] ?? []) as Handler<K>[]) await h(payload);
}

/** A system's compliance summary must be recomputed. */
export const systemStale = (systemId: string) => emit('system.stale', { systemId });

/**
 * Modules that keep data of a system register here, so that deleting a system (systems module)
 * never leaves their data behind: `holds` names what makes deletion impossible (the record: findings,
 * certificates, a running scan), `remove` deletes what may go with it (scan runs, schedules, empty boards).
 */
export interface SystemDependent {
  name: string;
  holds?(systemId: string): Promise<Bilingual | undefined>;
  remove?(systemId: string): Promise<number>;
}
const dependents = new Map<string, SystemDependent>();
export function dependsOnSystems(d: SystemDependent): void { dependents.set(d.name, d); }
export const systemDependents = (): SystemDependent[] => [...dependents.values()];
