import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { LoginThrottle, Token } from './token.model';
import { sha256 } from '../../shared/canonical';
import { withLock } from '../../db/lock';

export async function issue(userId: Types.ObjectId | string, ttlHours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = `att_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  const user = new Types.ObjectId(String(userId));
  // bounded housekeeping: a user's expired tokens go when they log in again
  await Token.deleteMany({ user, expiresAt: { $lt: new Date() } });
  await Token.create({ _id: sha256(token), user, expiresAt });
  return { token, expiresAt };
}

/** The user id a live token belongs to, or undefined. */
export async function resolve(token: string): Promise<string | undefined> {
  if (!/^att_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const t = await Token.findById(sha256(token)).lean();
  if (!t || t.revokedAt || t.expiresAt.getTime() <= Date.now()) return undefined;
  return t.user.toString();
}

export async function revoke(token: string): Promise<void> {
  await Token.updateOne({ _id: sha256(token) }, { $set: { revokedAt: new Date() } });
}

export async function revokeAllFor(userId: string): Promise<void> {
  await Token.updateMany({ user: new Types.ObjectId(userId), revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
}

export interface ThrottlePolicy { maxFailures: number; lockoutMinutes: number }

export async function lockedUntil(email: string): Promise<Date | undefined> {
  const t = await LoginThrottle.findById(email).lean();
  return t?.lockedUntil && t.lockedUntil > new Date() ? t.lockedUntil : undefined;
}

/** Counts a failure inside the lockout window; the Nth failure locks the e-mail for the window. */
export function recordFailure(email: string, policy: ThrottlePolicy): Promise<void> {
  return withLock(`login:${email}`, () => countFailure(email, policy));
}

async function countFailure(email: string, policy: ThrottlePolicy): Promise<void> {
  const now = new Date();
  const windowMs = policy.lockoutMinutes * 60_000;
  const t = await LoginThrottle.findById(email).lean();
  if (!t || now.getTime() - t.windowStart.getTime() > windowMs) {
    await LoginThrottle.replaceOne({ _id: email }, { failures: 1, windowStart: now }, { upsert: true });
    if (policy.maxFailures > 1) return;
  } else {
    await LoginThrottle.updateOne({ _id: email }, { $inc: { failures: 1 } });
    if (t.failures + 1 < policy.maxFailures) return;
  }
  await LoginThrottle.updateOne({ _id: email }, { $set: { lockedUntil: new Date(now.getTime() + windowMs) } });
}

export async function clearFailures(email: string): Promise<void> {
  await LoginThrottle.deleteOne({ _id: email });
}
