import { Types } from 'mongoose';
import { System } from '../systems/system.model';
import { parseEndpoint } from '../scans/targets';
import type { CoveredHost, ImportedItem } from './types';

/** What an import needs of a registered system. */
export interface SystemLite {
  _id: Types.ObjectId; code: string; name: string; organization: Types.ObjectId; level: number;
  endpoints: string[]; allowedPorts: number[];
}

const norm = (host: string) => host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

/**
 * Registered systems by the host names and addresses of their endpoints: a report's host is the
 * system's when its name or address equals one of them. The ports of a system's own endpoints are
 * the ports it serves (allowed, as in the ports.exposed check).
 */
export class HostIndex {
  private readonly byHost = new Map<string, { system: SystemLite; host: string }[]>();
  private readonly served = new Map<string, Set<number>>();
  private readonly byId = new Map<string, SystemLite>();

  constructor(systems: SystemLite[]) {
    for (const s of systems) {
      this.byId.set(s._id.toString(), s);
      for (const e of s.endpoints) {
        let p: { host: string; port: number };
        try { p = parseEndpoint(e); } catch { continue; }
        const h = norm(p.host);
        const list = this.byHost.get(h) ?? [];
        if (!list.some((x) => x.system._id.equals(s._id))) list.push({ system: s, host: h });
        this.byHost.set(h, list);
        const k = `${s._id}:${h}`;
        this.served.set(k, (this.served.get(k) ?? new Set()).add(p.port));
      }
    }
  }

  static async load(): Promise<HostIndex> {
    const systems = await System.find({ status: 'active' }, { code: 1, name: 1, organization: 1, level: 1, endpoints: 1, allowedPorts: 1 }).lean<SystemLite[]>();
    return new HostIndex(systems);
  }

  /** The systems a host of the report belongs to, each with the host as its endpoint names it. */
  match(h: Pick<CoveredHost, 'host' | 'address' | 'names'> | Pick<ImportedItem, 'host' | 'address'>): { system: SystemLite; host: string }[] {
    const keys = [h.host, h.address, ...('names' in h ? h.names ?? [] : [])].filter((x): x is string => Boolean(x)).map(norm);
    const out = new Map<string, { system: SystemLite; host: string }>();
    for (const k of keys) for (const m of this.byHost.get(k) ?? []) if (!out.has(m.system._id.toString())) out.set(m.system._id.toString(), m);
    return [...out.values()];
  }

  systemById(id: string): SystemLite | undefined { return this.byId.get(id); }

  /** Whether the system may have this port open: its allowedPorts, or a port one of its endpoints on that host serves. */
  allows(system: SystemLite, host: string, port: number): boolean {
    return system.allowedPorts.includes(port) || Boolean(this.served.get(`${system._id}:${host}`)?.has(port));
  }
}
