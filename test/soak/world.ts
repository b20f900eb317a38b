import { Api, type Reply } from './client';
import type { Account, Instance } from './instances';
import { type Stats, rnd } from './stats';

/** What the load knows and shares: accounts, ids, what it changed. */
export interface World {
  api: Api;
  stats: Stats;
  accounts: Record<string, Account>;
  /** the demo owner's organization and id */
  ownerOrg: string;
  ownerId: string;
  /** systems the soak created (in the owner's organization, endpoints on the local targets) */
  soakSystems: string[];
  /** every system at start: id, level, organization */
  systems: { id: string; level: number; organization: string }[];
  /** findings seen in answers (for reads by id and comments) */
  findings: Set<string>;
  /** findings the soak moved or commented on (checked against the audit trail at the end) */
  changed: Set<string>;
  /** certificates the soak issued and has not revoked yet */
  issued: string[];
  stopping: boolean;
}

/**
 * One virtual user's login. A token is replaced after 45–90 s by a new login (on any instance);
 * the old one is then logged out half of the time. Logins per instance stay under the service's
 * per-address limit (100 per 15 minutes).
 */
export class Session {
  token?: string;
  userId?: string;
  private gotAt = 0;
  private life = rnd(45_000, 90_000);
  private static recent = new Map<string, number[]>();

  constructor(private readonly w: World, readonly acc: Account) {}

  private static budget(inst: Instance): boolean {
    const ts = (Session.recent.get(inst.name) ?? []).filter((t) => t > Date.now() - 15 * 60_000);
    Session.recent.set(inst.name, ts);
    return ts.length < 70;
  }

  async ensure(): Promise<string | undefined> {
    if (this.token && Date.now() - this.gotAt < this.life) return this.token;
    const inst = this.w.api.route();
    if (!Session.budget(inst)) return this.token;
    Session.recent.get(inst.name)!.push(Date.now());
    const r: Reply | undefined = await this.w.api.call({
      method: 'POST', path: '/api/v1/auth/login', inst, body: { email: this.acc.email, password: this.acc.password }, ok: [200],
      check: (b) => (b?.user?.email === this.acc.email && typeof b?.token === 'string' ? undefined : `login of ${this.acc.email} answered user ${b?.user?.email}`),
    });
    if (r?.status !== 200) return this.token;
    this.w.stats.add('logins');
    const old = this.token;
    this.token = r.body.token;
    this.userId = r.body.user.id;
    this.gotAt = Date.now();
    this.life = rnd(45_000, 90_000);
    if (old && Math.random() < 0.5) {
      const out = await this.w.api.call({ method: 'POST', path: '/api/v1/auth/logout', token: old, ok: [200, 204] });
      if (out && out.status < 300) this.w.stats.add('logouts');
    }
    return this.token;
  }

  /** GET /auth/me must name this session's user. */
  async me(): Promise<void> {
    const t = await this.ensure();
    if (!t || !this.userId) return;
    const id = this.userId;
    await this.w.api.get({ path: '/api/v1/auth/me', token: t, check: (b) => (b?.id === id && b?.email === this.acc.email ? undefined : `token of ${this.acc.email} (${id}) answered ${b?.email} (${b?.id})`) });
  }
}
