import { alertName, buildHello, versionName, TLS1_2_VERSION, type HelloAnswer } from './tls-hello';
import { RENEGOTIATION_SCSV, suiteName, suitesFor, type Suite } from './tls-suites';

/**
 * What a server accepts of the TLS 1.0–1.2 cipher-suite categories that verdicts depend on, learnt
 * as testssl's default run does (run_cipherlists, run_fs): one hello per category rather than one
 * per accepted suite. A modern server costs two hellos per version it speaks and one per version it
 * refuses. Pure except for the `exchange` it is given, so a fake responder can drive it.
 */

export type Exchange = (hello: Buffer) => Promise<HelloAnswer>;

/** What one category hello (or walk) proved: a suite of it was chosen, all of it was refused, or nothing. */
export type Learnt = 'accepted' | 'refused' | 'unknown';

export interface CipherProbe {
  version: number;
  /** every suite the server chose, in the order seen: a lower bound of what it accepts */
  seen: Suite[];
  /** null ∪ anon ∪ export ∪ rc4 ∪ block64; when decided, every weak suite accepted is in `seen` */
  weak: Learnt;
  /** suites with robust forward secrecy (see robustForwardSecrecy) */
  forwardSecrecy: Learnt;
  /** AEAD suites; probed on TLS 1.2 only (older versions have none) */
  aead: Learnt;
  /** `seen` is everything the server accepts on this version */
  inventory: boolean;
  /** every category was decided: an absence can be trusted */
  complete: boolean;
  /** how the probing ended, for observations */
  stop: string;
  /** hellos sent for this version so far */
  handshakes: number;
}

export interface EnumerationLimits {
  /** handshakes started for this version, at most */
  maxConnections: number;
  /** epoch ms after which no new handshake starts */
  deadline: number;
  serverName?: string;
  now?: () => number;
}

/** Suites whose acceptance alone is a failure. */
export function weakSuite(s: Suite): boolean {
  return s.null || s.anon || s.export || s.rc4 || s.block64;
}

/**
 * testssl's forward-secrecy verdict counts a suite only when its key exchange is ephemeral and
 * authenticated and its cipher is not itself broken (no NULL, RC4, DES/3DES); TLS 1.3 always counts.
 */
export function robustForwardSecrecy(s: Suite): boolean {
  return s.forwardSecrecy && !s.null && !s.rc4 && !s.block64 && !s.export;
}

type Step = { kind: 'chose'; suite: Suite } | { kind: 'refused'; why: string } | { kind: 'stop'; why: string };

/** Hellos of one version under one budget; `seen` grows with every suite chosen. */
class Prober {
  readonly seen: Suite[] = [];

  constructor(
    readonly version: number,
    private readonly exchange: Exchange,
    private readonly limits: EnumerationLimits,
    private connections = 0,
  ) {}

  /** One hello offering `suites` (those already seen left out). */
  async offer(suites: readonly Suite[]): Promise<Step> {
    const offered = suites.filter((s) => !this.seen.includes(s));
    if (offered.length === 0) return { kind: 'refused', why: 'nothing left to offer' };
    if (this.connections >= this.limits.maxConnections) return { kind: 'stop', why: 'handshake limit reached' };
    if ((this.limits.now ?? Date.now)() >= this.limits.deadline) return { kind: 'stop', why: 'time budget spent' };
    this.connections += 1;
    const { serverName } = this.limits;
    const answer = await this.exchange(buildHello({ version: this.version, suites: [...offered.map((s) => s.id), RENEGOTIATION_SCSV], ...(serverName ? { serverName } : {}) }));
    if (answer.kind === 'server_hello' && answer.version === this.version) {
      const chosen = offered.find((s) => s.id === answer.cipherSuite);
      // A suite we did not offer (or none): the server is broken or not what it seems; stop rather than loop.
      if (!chosen) return { kind: 'stop', why: `the server chose ${answer.cipherSuite === undefined ? 'no suite' : suiteName(answer.cipherSuite)}, which was not offered` };
      this.seen.push(chosen);
      return { kind: 'chose', suite: chosen };
    }
    switch (answer.kind) {
      case 'server_hello':
        return { kind: 'refused', why: `answered with ${versionName(answer.version)}` };
      case 'alert':
        return { kind: 'refused', why: `alert ${alertName(answer.description)}` };
      case 'closed':
        return { kind: 'refused', why: answer.reason };
      case 'failed':
        return { kind: 'stop', why: answer.reason };
      case 'other':
        return { kind: 'stop', why: `unexpected record type ${answer.contentType}` };
      case 'not_tls':
        return { kind: 'stop', why: 'the answer is not TLS' };
    }
  }

  /** Offers `suites` again and again, less each one chosen, until the server refuses (or a stop). */
  async walk(suites: readonly Suite[]): Promise<Exclude<Step, { kind: 'chose' }>> {
    for (;;) {
      const step = await this.offer(suites);
      if (step.kind !== 'chose') return step;
    }
  }

  get handshakes(): number {
    return this.connections;
  }
}

/**
 * Per version: one hello of every known suite (refused: the version is refused, nothing more to
 * learn); the weak suites, walked only while the server picks one, so each is named; the robust
 * forward-secrecy suites; on TLS 1.2 the AEAD suites (first both at once). A category already
 * settled by a suite seen costs no hello. A stop (budget, no answer, a suite not offered) leaves
 * what is undecided unknown.
 */
export async function probeCiphers(version: number, exchange: Exchange, limits: EnumerationLimits): Promise<CipherProbe> {
  const p = new Prober(version, exchange, limits);
  const all = suitesFor(version);
  const probe: CipherProbe = { version, seen: p.seen, weak: 'unknown', forwardSecrecy: 'unknown', aead: 'unknown', inventory: false, complete: false, stop: '', handshakes: 0 };
  const end = (fields: Partial<CipherProbe>): CipherProbe => ({ ...probe, ...fields, handshakes: p.handshakes });
  const stopped = (why: string): CipherProbe => end({ stop: `${why} (after ${p.handshakes} handshakes)` });

  const first = await p.offer(all);
  if (first.kind === 'stop') return stopped(first.why);
  if (first.kind === 'refused') return end({ weak: 'refused', forwardSecrecy: 'refused', aead: 'refused', inventory: true, complete: true, stop: `every suite refused: ${first.why}` });

  const weak = await p.walk(all.filter(weakSuite));
  if (weak.kind === 'stop') return stopped(weak.why);
  probe.weak = p.seen.some(weakSuite) ? 'accepted' : 'refused';

  const tls12 = version === TLS1_2_VERSION;
  const aead = (s: Suite): boolean => s.aead;
  // TLS 1.2, neither settled yet: one hello of suites that are both usually settles the two.
  if (tls12 && !p.seen.some(robustForwardSecrecy) && !p.seen.some(aead)) {
    const both = await p.offer(all.filter((s) => robustForwardSecrecy(s) && s.aead));
    if (both.kind === 'stop') return stopped(both.why);
  }
  const fs = await decide(p, all, robustForwardSecrecy);
  if (fs.kind === 'stop') return stopped(fs.why);
  probe.forwardSecrecy = fs.learnt;
  if (tls12) {
    const found = await decide(p, all, aead);
    if (found.kind === 'stop') return stopped(found.why);
    probe.aead = found.learnt;
  } else {
    probe.aead = 'refused';
  }
  return end({ complete: true, stop: `categories decided in ${p.handshakes} handshakes` });
}

/** Accepted when a suite of the category was already seen; otherwise one hello of the category. */
async function decide(p: Prober, all: readonly Suite[], member: (s: Suite) => boolean): Promise<{ kind: 'learnt'; learnt: Learnt } | { kind: 'stop'; why: string }> {
  if (p.seen.some(member)) return { kind: 'learnt', learnt: 'accepted' };
  const step = await p.offer(all.filter(member));
  if (step.kind === 'stop') return step;
  return { kind: 'learnt', learnt: step.kind === 'chose' ? 'accepted' : 'refused' };
}

/**
 * Walks every suite not seen yet, one hello per suite the server accepts: only for a server found
 * without forward secrecy, so the failure can name what it accepts. The verdict does not wait on
 * it: a refused forward-secrecy hello already proved the absence; a walk cut short only names less.
 */
export async function nameTheRest(probe: CipherProbe, exchange: Exchange, limits: EnumerationLimits): Promise<CipherProbe> {
  if (probe.inventory || !probe.complete) return probe;
  const p = new Prober(probe.version, exchange, limits, probe.handshakes);
  p.seen.push(...probe.seen);
  const end = await p.walk(suitesFor(probe.version));
  const named = end.kind === 'refused' ? `every accepted suite named in ${p.handshakes - probe.handshakes} more handshakes` : `naming cut short: ${end.why}`;
  return { ...probe, seen: p.seen, inventory: end.kind === 'refused', stop: `${probe.stop}; ${named}`, handshakes: p.handshakes };
}

/** Nothing about this version can be trusted, only the suites seen (e.g. a real handshake reached it but our hellos did not). */
export function unlearnt(probe: CipherProbe, why: string): CipherProbe {
  return { ...probe, weak: 'unknown', forwardSecrecy: 'unknown', aead: 'unknown', inventory: false, complete: false, stop: why };
}
