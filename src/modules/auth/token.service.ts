import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { LoginThrottle, Session, ThrottleDoc, Token, type TokenDoc, type TokenKind, type TokenScope } from './token.model';
import { sha256 } from '../../shared/canonical';
import * as store from '../../db/store';
import { TtlCache } from '../../shared/ttl-cache';
import { fault } from '../../db/faults';
import { registerDerived, type Difference } from '../../db/derived';

/*
 * Live tokens are cached in the process for at most AUTH_CACHE_SECONDS (default 15), so that an
 * authenticated request needs no database read. Revoking a token, or all of a user's tokens,
 * drops them from this instance's cache at once; other instances stop accepting them within
 * AUTH_CACHE_SECONDS.
 */
/** A live token as a request sees it: whose, until when, what it may do. */
export interface Credential { user: string; expiresAt: number; kind: TokenKind; scope: TokenScope; mfa: boolean }
const live = new TtlCache<string, Credential>(15_000);

export function configureTokenCache(seconds: number): void {
  live.ttlMs = seconds * 1000;
  live.clear();
}

export interface IssueOptions { kind?: TokenKind; scope?: TokenScope; mfa?: boolean; name?: string; ip?: string; userAgent?: string }

/** A new token (by default a full session token); only its SHA-256 is stored. */
export async function issue(userId: Types.ObjectId | string, ttlHours: number, opts: IssueOptions = {}): Promise<{ token: string; expiresAt: Date; id: string }> {
  const token = `att_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  const key = sha256(token);
  await store.insertOne(Token, {
    _id: key, user: new Types.ObjectId(String(userId)), expiresAt,
    kind: opts.kind ?? 'session', scope: opts.scope ?? 'full', mfa: !!opts.mfa,
    ...(opts.name && { name: opts.name }),
    ...(opts.ip && { ip: opts.ip.slice(0, 64) }),
    ...(opts.userAgent && { userAgent: opts.userAgent.slice(0, 300) }),
  });
  return { token, expiresAt, id: publicId(key) };
}

/** The id a token is shown and ended by: a prefix of its SHA-256 (never the token, never the whole key). */
export const publicId = (key: string) => key.slice(0, 16);

const credentialOf = (t: TokenDoc): Credential => ({
  user: t.user.toString(), expiresAt: t.expiresAt.getTime(), kind: t.kind ?? 'session', scope: t.scope ?? 'full', mfa: !!t.mfa,
});

/** The live token's credential, or undefined. */
export async function resolve(token: string): Promise<Credential | undefined> {
  if (!/^att_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return resolveHash(sha256(token));
}

/** The credential of a live token given by its SHA-256 (what a browser session keeps). */
export async function resolveHash(key: string): Promise<Credential | undefined> {
  if (!/^[0-9a-f]{64}$/.test(key)) return undefined;
  const hit = live.get(key);
  if (hit) return hit.expiresAt > Date.now() ? hit : undefined;
  // a revocation that completes while this lookup is under way must not be undone by it
  const mark = live.mark();
  const t = await Token.findById(key).lean(); // a document with another _id is a DatabaseFault (db/guard.ts)
  if (!t || t.revokedAt || t.expiresAt.getTime() <= Date.now()) return undefined;
  const credential = credentialOf(t);
  live.set(key, credential, t.expiresAt.getTime() - Date.now(), mark);
  return credential;
}

// when each token was last marked used by this process: the write happens at most once a minute
const touched = new TtlCache<string, true>(60_000);

/** Records that a token was used (time, address, user agent), lazily: at most once a minute per token. */
export async function touch(key: string, client: { ip?: string; userAgent?: string }): Promise<void> {
  if (touched.get(key)) return;
  touched.set(key, true);
  await store.updateById(Token, key, { $set: {
    lastUsedAt: new Date(),
    ...(client.ip && { ip: client.ip.slice(0, 64) }),
    ...(client.userAgent && { userAgent: client.userAgent.slice(0, 300) }),
  } });
}

/**
 * Marks a live token as having passed the second factor (a session that just set up the user's
 * first factor proved possession of it). This instance forgets its cached credential at once;
 * others may hold the old one for AUTH_CACHE_SECONDS, so decisions that need the flag and find it
 * missing ask the database (secondFactorPassed).
 */
export async function markSecondFactor(key: string): Promise<boolean> {
  const t = await store.updateById<TokenDoc>(Token, key, { $set: { mfa: true } });
  live.delete(key);
  return !!t && !t.revokedAt;
}

/** Whether the token passed the second factor, as the database says (not this process's cache). */
export async function secondFactorPassed(key: string): Promise<boolean> {
  const t = await Token.findById(key).lean();
  return !!t?.mfa && !t.revokedAt && t.expiresAt.getTime() > Date.now();
}

export const revoke = (token: string) => revokeHash(sha256(token));

/** The database first, then the cache: a lookup racing the revocation cannot put the token back. */
export async function revokeHash(key: string): Promise<void> {
  await store.updateById(Token, key, { $set: { revokedAt: new Date() } });
  live.delete(key);
}

/** Revokes every token (login sessions and API tokens) of a user; how many were live. */
export async function revokeAllFor(userId: string): Promise<number> {
  const n = await store.updateMany(Token, { user: new Types.ObjectId(userId), revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
  live.deleteWhere((t) => t.user === userId);
  return n;
}

/** The live tokens this process holds (the consistency check compares them with the database). */
export const cachedTokens = () => [...live.each()];
/** Drops one cached token (the consistency check's repair). */
export const forget = (key: string) => live.delete(key);

/**
 * Removes tokens expired more than a day ago, finished login windows and expired browser sessions
 * (a scheduled job; every delete acknowledged, see SESSIONS_COLLECTION).
 */
export async function purgeExpired(now = new Date(), lockoutMinutes = 60): Promise<{ tokens: number; throttles: number; sessions: number }> {
  const tokens = await store.deleteMany(Token, { expiresAt: { $lt: new Date(now.getTime() - 86_400_000) } });
  const cutoff = new Date(now.getTime() - lockoutMinutes * 60_000);
  const throttles = await store.deleteMany(LoginThrottle, { windowStart: { $lt: cutoff }, $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lt: now } }] });
  const sessions = await store.deleteMany(Session, { expires: { $lt: now } });
  return { tokens, throttles, sessions };
}

export interface ThrottlePolicy { maxFailures: number; lockoutMinutes: number }

/**
 * Counts a login attempt for `email` before its password is checked; false when the e-mail is
 * locked (this attempt then is not checked at all). The count and the decision are one
 * conditional write, so N parallel attempts are N counts: at most `maxFailures` of them in a
 * window get as far as the password check. A successful login clears the count.
 */
export async function admitAttempt(email: string, policy: ThrottlePolicy, now = new Date()): Promise<boolean> {
  const windowMs = policy.lockoutMinutes * 60_000;
  // either the window document is there (mutate) or it is not (lease): two rounds settle a race
  // with a concurrent delete; more means the database does not answer what it holds
  for (let round = 0; round < 10; round++) {
    let admitted = false;
    const m = await store.mutate<ThrottleDoc>(LoginThrottle, email, (t) => {
      admitted = false;
      if (t.lockedUntil && t.lockedUntil > now) return null;
      if (now.getTime() - t.windowStart.getTime() > windowMs) {
        admitted = true;
        return { $set: { attempts: 1, windowStart: now }, $unset: { lockedUntil: 1 } };
      }
      admitted = t.attempts < policy.maxFailures;
      return admitted ? { $inc: { attempts: 1 } } : { $set: { lockedUntil: new Date(now.getTime() + windowMs) } };
    });
    if (m) return admitted;
    if (await store.lease(LoginThrottle, { _id: email, attempts: 1, windowStart: now, version: 0 })) return true;
  }
  throw fault('no_progress', 'a login window could neither be read nor created', 'login_throttles');
}

export async function clearAttempts(email: string): Promise<void> {
  await store.deleteById(LoginThrottle, email);
}

// a token this process trusts must still be live in the database (revoked elsewhere: dropped now,
// not only when its AUTH_CACHE_SECONDS run out)
registerDerived({
  name: 'cache:auth-tokens',
  source: 'the auth_tokens collection',
  async check() {
    const differences: Difference[] = [];
    const held = cachedTokens();
    for (const [key, t] of held) {
      const doc = await Token.findById(key).lean();
      // a revocation made on another instance may take AUTH_CACHE_SECONDS to reach this one (by
      // design); only a token held past that bound is a difference
      const revokedLongAgo = !!doc?.revokedAt && Date.now() - doc.revokedAt.getTime() > live.ttlMs;
      const valid = !!doc && (!doc.revokedAt || !revokedLongAgo) && doc.expiresAt.getTime() > Date.now() && doc.user.toString() === t.user;
      if (!valid) differences.push({ id: `${key.slice(0, 8)}…`, reason: !doc ? 'a cached token that does not exist' : doc.revokedAt ? 'a cached token that was revoked' : 'a cached token that expired or belongs to another user' });
    }
    return { checked: held.length, differences };
  },
  async repair(differences) {
    const prefixes = new Set(differences.map((d) => d.id.slice(0, 8)));
    let n = 0;
    for (const [key] of cachedTokens()) if (prefixes.has(key.slice(0, 8))) { forget(key); n++; }
    return n;
  },
});
