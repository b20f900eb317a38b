import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { Factors, type FactorsDoc } from './mfa.model';
import { hashRecoveryCode, open, recoveryCodes, seal } from './mfa.crypto';
import * as tokens from './token.service';
import * as users from '../users/user.service';
import * as settings from '../settings/settings.service';
import * as audit from '../audit/audit.service';
import { verifyPassword } from '../users/password';
import { NOUN } from '../../shared/words';
import { AppError } from '../../http/errors';
import * as store from '../../db/store';
import type { Actor, Ctx } from '../../shared/actor';
import type { Role } from '../../shared/enums';

/** How long an enrolment begun may wait for its first code. */
const PENDING_TOTP_MS = 15 * 60_000;
/** One period either side of now: clocks of phones drift, and people type slowly. */
const TOLERANCE_SECONDS = 30;

export const factorsOf = (userId: string) => Factors.findById(userId).lean<FactorsDoc>();
export const hasFactor = (f: FactorsDoc | null | undefined) => !!f?.totp || (f?.passkeys.length ?? 0) > 0;

/** Whether the settings make a second factor mandatory for someone holding these roles. */
export async function requiredFor(roles: readonly Role[]): Promise<boolean> {
  const { mfaRequiredRoles } = await settings.getSettings();
  return roles.some((r) => mfaRequiredRoles.includes(r));
}

/** The user's factors document, created empty on first use (one winner if several race). */
export async function ensureFactors(userId: string): Promise<void> {
  if (await factorsOf(userId)) return;
  await store.lease(Factors, { _id: userId, version: 0, recovery: [], passkeys: [] });
}

export async function status(actor: Actor) {
  const f = await factorsOf(actor.id);
  return {
    totp: !!f?.totp,
    passkeys: (f?.passkeys ?? []).map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt, ...(p.lastUsedAt && { lastUsedAt: p.lastUsedAt }) })),
    recoveryCodesLeft: (f?.recovery ?? []).filter((r) => !r.usedAt).length,
    required: await requiredFor(actor.roles),
    // this login passed a second factor
    verified: !!actor.credential?.mfa,
  };
}

type Audited = (ctx: Ctx, action: string, after?: Record<string, unknown>) => Promise<void>;
export const record: Audited = (ctx, action, after) => audit.record(ctx, { action, entity: 'user', entityId: ctx.actor.id, ...(after && { after }) });

/** Begins a TOTP enrolment: a new secret, its otpauth URI and that URI as a QR code (PNG data URL). */
export async function startTotp(actor: Actor) {
  await ensureFactors(actor.id);
  const secret = generateSecret();
  const m = await store.mutate<FactorsDoc>(Factors, actor.id, (f) => {
    if (f.totp) throw AppError.conflict({ en: 'An authenticator app is already set up; remove it first to set up another', vi: 'Ứng dụng xác thực đã được thiết lập; hãy gỡ nó trước khi thiết lập ứng dụng khác' });
    return { $set: { pendingTotp: { secret: seal(secret), createdAt: new Date() } } };
  });
  if (!m) throw AppError.notFound(NOUN.user);
  const otpauthUri = generateURI({ issuer: 'Attest', label: actor.email, secret });
  return { secret, otpauthUri, qr: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, scale: 5 }) };
}

/** The time-step a code matches, later than `after` (when given); undefined when it matches none. */
async function matchStep(secret: string, code: string, after?: number): Promise<number | undefined> {
  const r = await verifyTotp({ secret, token: code, epochTolerance: TOLERANCE_SECONDS, ...(after !== undefined && { afterTimeStep: after }) });
  return r.valid && 'timeStep' in r && Number.isSafeInteger(r.timeStep) ? r.timeStep : undefined;
}

/**
 * Confirms the enrolment begun by startTotp with a first code. The first factor of a user also
 * brings ten recovery codes, returned once. `firstFactor`: the user had no factor before this one.
 */
export async function confirmTotp(ctx: Ctx & { actor: Actor }, code: string): Promise<{ recoveryCodes?: string[]; firstFactor: boolean }> {
  const f = await factorsOf(ctx.actor.id);
  const pending = f?.pendingTotp;
  if (!pending || Date.now() - new Date(pending.createdAt).getTime() > PENDING_TOTP_MS) throw AppError.conflict({ en: 'No authenticator set-up is under way (or it expired): start again', vi: 'Không có việc thiết lập ứng dụng xác thực nào đang diễn ra (hoặc đã hết hạn): hãy bắt đầu lại' });
  const secret = open(pending.secret);
  const step = secret ? await matchStep(secret, code) : undefined;
  if (step === undefined) throw AppError.rule('code', 'is not the current code of this authenticator');
  const codes = recoveryCodes();
  let issued = false;
  let firstFactor = false;
  const m = await store.mutate<FactorsDoc>(Factors, ctx.actor.id, (cur) => {
    if (cur.totp) throw AppError.conflict({ en: 'An authenticator app is already set up', vi: 'Ứng dụng xác thực đã được thiết lập' });
    if (cur.pendingTotp?.secret !== pending.secret) throw AppError.conflict({ en: 'The set-up was restarted meanwhile: use the newest QR code', vi: 'Việc thiết lập vừa được bắt đầu lại: hãy dùng mã QR mới nhất' });
    issued = !cur.recovery.some((r) => !r.usedAt);
    firstFactor = !hasFactor(cur);
    return {
      $set: { totp: { secret: pending.secret, confirmedAt: new Date(), lastStep: step }, ...(issued && { recovery: codes.map((c) => ({ hash: hashRecoveryCode(c) })) }) },
      $unset: { pendingTotp: 1 },
    };
  });
  if (!m) throw AppError.notFound(NOUN.user);
  await record(ctx, 'auth.mfa_totp_enrolled', { recoveryCodesIssued: issued });
  return issued ? { recoveryCodes: codes, firstFactor } : { firstFactor };
}

/**
 * Checks a TOTP code and consumes its time-step: the same code (or an older one) is refused
 * afterwards. The step is written only if the stored one did not move meanwhile (mutate), so of
 * two logins racing with one code exactly one wins.
 */
export async function useTotp(userId: string, code: string): Promise<boolean> {
  const f = await factorsOf(userId);
  const secret = f?.totp && open(f.totp.secret);
  if (!f?.totp || !secret) return false;
  const step = await matchStep(secret, code, f.totp.lastStep);
  if (step === undefined) return false;
  let ok = false;
  await store.mutate<FactorsDoc>(Factors, userId, (cur) => {
    ok = !!cur.totp && cur.totp.secret === f.totp!.secret && cur.totp.lastStep < step;
    return ok ? { $set: { 'totp.lastStep': step } } : null;
  });
  return ok;
}

/** Consumes one recovery code; false when it is not one of the user's unused codes. */
export async function useRecoveryCode(userId: string, code: string): Promise<boolean> {
  const hash = hashRecoveryCode(code);
  let ok = false;
  await store.mutate<FactorsDoc>(Factors, userId, (cur) => {
    const i = cur.recovery.findIndex((r) => r.hash === hash && !r.usedAt);
    ok = i >= 0;
    return ok ? { $set: { [`recovery.${i}.usedAt`]: new Date() } } : null;
  });
  return ok;
}

export interface Proof { password?: string; code?: string }

/**
 * A fresh proof before a factor is removed or the recovery codes are replaced: the password or a
 * current TOTP code, throttled like logins (per user).
 */
export async function checkProof(actor: Actor, proof: Proof, policy: tokens.ThrottlePolicy): Promise<void> {
  const key = `mfa:${actor.id}`;
  if (!(await tokens.admitAttempt(key, policy))) throw AppError.tooMany({ en: 'Too many failed attempts; try again later', vi: 'Nhập sai quá nhiều lần; hãy thử lại sau' });
  let ok = false;
  if (proof.code) ok = await useTotp(actor.id, proof.code);
  else if (proof.password) ok = await verifyPassword((await users.findForLogin(actor.email))?.passwordHash, proof.password);
  if (!ok) {
    await record({ actor }, 'auth.mfa_failed', { purpose: 'proof', method: proof.code ? 'totp' : 'password' });
    throw AppError.rule(proof.code ? 'code' : 'password', 'is not right');
  }
  await tokens.clearAttempts(key);
}

/** Removes the authenticator app; the recovery codes go too when no factor is left. */
export async function removeTotp(ctx: Ctx & { actor: Actor }): Promise<void> {
  const m = await store.mutate<FactorsDoc>(Factors, ctx.actor.id, (cur) => {
    if (!cur.totp) throw AppError.notFound(NOUN.authenticator);
    return { $unset: { totp: 1 }, ...(cur.passkeys.length === 0 && { $set: { recovery: [] } }) };
  });
  if (!m) throw AppError.notFound(NOUN.authenticator);
  await record(ctx, 'auth.mfa_totp_removed');
}

/** Replaces the recovery codes with ten new ones (the old ones stop working), for a user with a factor. */
export async function regenerateRecoveryCodes(ctx: Ctx & { actor: Actor }): Promise<{ recoveryCodes: string[] }> {
  const codes = recoveryCodes();
  const m = await store.mutate<FactorsDoc>(Factors, ctx.actor.id, (cur) => {
    if (!hasFactor(cur)) throw AppError.conflict({ en: 'Set up an authenticator app or a passkey first', vi: 'Hãy thiết lập ứng dụng xác thực hoặc khóa truy cập (passkey) trước' });
    return { $set: { recovery: codes.map((c) => ({ hash: hashRecoveryCode(c) })) } };
  });
  if (!m) throw AppError.conflict({ en: 'Set up an authenticator app or a passkey first', vi: 'Hãy thiết lập ứng dụng xác thực hoặc khóa truy cập (passkey) trước' });
  await record(ctx, 'auth.mfa_recovery_regenerated');
  return { recoveryCodes: codes };
}

/** An admin removes every second factor of a user (a lost phone and lost codes); their sessions end. */
export async function resetFor(ctx: Ctx, userId: string): Promise<void> {
  await users.get(userId);
  await store.mutate<FactorsDoc>(Factors, userId, () => ({ $set: { recovery: [], passkeys: [] }, $unset: { totp: 1, pendingTotp: 1, registration: 1 } }));
  await tokens.revokeAllFor(userId);
  await audit.record(ctx, { action: 'auth.mfa_reset', entity: 'user', entityId: userId });
}
