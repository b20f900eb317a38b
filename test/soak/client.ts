import crypto from 'node:crypto';
import type { Instance } from './instances';
import { type Stats, pick } from './stats';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Reply { status: number; body: any; inst: Instance; ms: number; rid: string }

export interface Req {
  method?: 'GET' | 'POST' | 'PATCH';
  path: string;
  token?: string;
  body?: unknown;
  /** this instance (if it is available), else any available one */
  inst?: Instance;
  timeoutMs?: number;
  /** the statuses this request may legitimately get; another 4xx is counted as unexpected4xx */
  ok?: number[];
  /** checks a 2xx body against what was asked: a message when it does not belong to the request */
  check?: (body: any) => string | undefined;
}

const RUN = crypto.randomBytes(3).toString('hex');
let seq = 0;
const excerpt = (v: unknown) => { const s = typeof v === 'string' ? v : JSON.stringify(v); return s && s.length > 300 ? `${s.slice(0, 300)}…` : s; };

/**
 * Every request of the soak: a fresh connection each (Connection: close), a per-request timeout,
 * an X-Request-Id that must come back, and the bookkeeping of what went wrong and whether a
 * deliberate fault excuses it.
 */
export class Api {
  /** every request: instance, what, start, end, status (0: no answer) — to explain slow /healthz probes */
  readonly log: { inst: string; what: string; t0: number; t1: number; status: number; rid: string }[] = [];

  constructor(private readonly stats: Stats, readonly insts: Instance[]) {}

  available(): Instance[] { return this.insts.filter((i) => i.available); }

  route(prefer?: Instance): Instance {
    if (prefer?.available) return prefer;
    return pick(this.available()) ?? this.insts[0];
  }

  async call(r: Req): Promise<Reply | undefined> {
    const inst = this.route(r.inst);
    const method = r.method ?? 'GET';
    const rid = `soak.${RUN}.${++seq}`;
    const what = `${inst.name} ${method} ${r.path} rid=${rid}`;
    const headers: Record<string, string> = { connection: 'close', 'x-request-id': rid };
    if (r.token) headers.authorization = `Bearer ${r.token}`;
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    const t0 = Date.now();
    const wasAvailable = inst.available;
    this.stats.add('requests');
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${inst.base}${r.path}`, {
        method, headers, body: r.body === undefined ? undefined : JSON.stringify(r.body), signal: AbortSignal.timeout(r.timeoutMs ?? 15_000),
      });
      text = await res.text();
    } catch (err) {
      const now = Date.now();
      this.log.push({ inst: inst.name, what: `${method} ${r.path}`, t0, t1: now, status: 0, rid });
      const e = err as Error & { cause?: { code?: string } };
      const why = `${e.name}: ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''} after ${now - t0} ms`;
      if (!wasAvailable || !inst.available || (inst.name === 'B' && this.stats.inBDowntime(t0, now))) this.stats.add('instanceDownErrors');
      else if (this.stats.inDbDowntime(t0, now)) this.stats.add('dbDowntimeErrors', 1, `${what}: ${why}`);
      else if (e.name === 'TimeoutError') this.stats.add('timeouts', 1, `${what}: no answer (${why})`);
      else this.stats.add('connectionErrors', 1, `${what}: ${why}`);
      return undefined;
    }
    const now = Date.now();
    this.log.push({ inst: inst.name, what: `${method} ${r.path}`, t0, t1: now, status: res.status, rid });
    let body: any = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) { try { body = JSON.parse(text); } catch { /* left as text */ } }
    const reply: Reply = { status: res.status, body, inst, ms: now - t0, rid };
    const echoed = res.headers.get('x-request-id');
    if (echoed !== rid) this.stats.add('mismatchedReplies', 1, `${what}: X-Request-Id came back as ${echoed} (status ${res.status})`);
    if (res.status >= 500) {
      const fault = body?.error?.code === 'database_fault';
      if (this.stats.inDbDowntime(t0, now)) this.stats.add('dbDowntime5xx');
      else {
        this.stats.add('errors5xx', 1, `${what} → ${res.status} in ${now - t0} ms: ${excerpt(body)}`);
        if (fault) this.stats.add('databaseFaults', 1, `${what} → ${excerpt(body)}`);
      }
    } else if (res.status < 300) {
      const bad = r.check?.(body);
      if (bad) this.stats.add('mismatchedReplies', 1, `${what} → ${res.status}: ${bad}`);
    } else if (r.ok && !r.ok.includes(res.status)) {
      this.stats.add('unexpected4xx', 1, `${what}${r.body ? ` body=${excerpt(r.body)}` : ''} → ${res.status}: ${excerpt(body)}`);
    }
    return reply;
  }

  /** The body of a 2xx answer, else undefined. */
  async get<T = any>(r: Req): Promise<T | undefined> {
    const x = await this.call({ ok: [200], ...r });
    return x && x.status >= 200 && x.status < 300 ? (x.body as T) : undefined;
  }
}

/** Body checks shared by the load and the checks. */
export const expectId = (id: string) => (b: any) => (b?.id === id ? undefined : `asked for id ${id}, got id ${b?.id}`);
export const expectItems = (what: string, ok: (item: any) => boolean) => (b: any) => {
  if (!b || !Array.isArray(b.items)) return `no items array in ${excerpt(b)}`;
  const bad = b.items.find((i: any) => !ok(i));
  return bad ? `an item breaks the filter ${what}: ${excerpt(bad)}` : undefined;
};
