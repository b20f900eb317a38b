import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { Factors, type FactorsDoc } from './mfa.model';
import { ensureFactors, factorsOf, hasFactor, record } from './mfa.service';
import { hashRecoveryCode, recoveryCodes } from './mfa.crypto';
import { NOUN } from '../../shared/words';
import { AppError } from '../../http/errors';
import * as store from '../../db/store';
import type { Actor, Ctx } from '../../shared/actor';

/*
 * Passkeys (WebAuthn). The relying party is the public address of this deployment
 * (PUBLIC_BASE_URL): its host name is the RP ID and its origin the only origin accepted, so a
 * passkey made for this site answers nowhere else and a console served under another address
 * cannot use it.
 */
let rp = { id: 'localhost', origin: 'http://localhost:3000', name: 'Attest' };

export function configureWebAuthn(opts: { publicBaseUrl: string }): void {
  const u = new URL(opts.publicBaseUrl);
  rp = { id: u.hostname, origin: u.origin, name: 'Attest' };
}

const CHALLENGE_MS = 5 * 60_000;
const MAX_PASSKEYS = 20;

/** Options for navigator.credentials.create(); the challenge is kept with the user's factors. */
export async function registrationOptions(actor: Actor) {
  await ensureFactors(actor.id);
  const f = await factorsOf(actor.id);
  if ((f?.passkeys.length ?? 0) >= MAX_PASSKEYS) throw AppError.conflict({ en: `At most ${MAX_PASSKEYS} passkeys per user`, vi: `Mỗi người dùng có tối đa ${MAX_PASSKEYS} khóa truy cập (passkey)` });
  const options = await generateRegistrationOptions({
    rpName: rp.name, rpID: rp.id, userName: actor.email, userDisplayName: actor.name,
    userID: new TextEncoder().encode(actor.id), attestationType: 'none', timeout: CHALLENGE_MS,
    excludeCredentials: (f?.passkeys ?? []).map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await store.updateById(Factors, actor.id, { $set: { registration: { challenge: options.challenge, expiresAt: new Date(Date.now() + CHALLENGE_MS) } } });
  return options;
}

/**
 * Verifies the authenticator's answer and stores the passkey; a first factor brings recovery codes.
 * `firstFactor`: the user had no factor before this one.
 */
export async function register(ctx: Ctx & { actor: Actor }, name: string, response: RegistrationResponseJSON): Promise<{ id: string; recoveryCodes?: string[]; firstFactor: boolean }> {
  const f = await factorsOf(ctx.actor.id);
  const reg = f?.registration;
  if (!reg || new Date(reg.expiresAt).getTime() < Date.now()) throw AppError.conflict({ en: 'No passkey registration is under way (or it expired): start again', vi: 'Không có việc đăng ký khóa truy cập nào đang diễn ra (hoặc đã hết hạn): hãy bắt đầu lại' });
  let info;
  try {
    const v = await verifyRegistrationResponse({ response, expectedChallenge: reg.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
    info = v.verified ? v.registrationInfo : undefined;
  } catch {
    info = undefined;
  }
  if (!info) throw AppError.rule('response', 'is not a valid passkey registration for this site and challenge');
  const cred = info.credential;
  const codes = recoveryCodes();
  let issued = false;
  let firstFactor = false;
  const m = await store.mutate<FactorsDoc>(Factors, ctx.actor.id, (cur) => {
    if (cur.registration?.challenge !== reg.challenge) throw AppError.conflict({ en: 'The registration was restarted meanwhile', vi: 'Việc đăng ký vừa được bắt đầu lại' });
    if (cur.passkeys.some((p) => p.id === cred.id)) throw AppError.conflict({ en: 'This passkey is already registered', vi: 'Khóa truy cập này đã được đăng ký' });
    issued = !cur.recovery.some((r) => !r.usedAt);
    firstFactor = !hasFactor(cur);
    const passkey = { id: cred.id, publicKey: Buffer.from(cred.publicKey).toString('base64url'), counter: cred.counter, name, createdAt: new Date(), ...(cred.transports?.length && { transports: cred.transports }) };
    return {
      $push: { passkeys: passkey },
      $unset: { registration: 1 },
      ...(issued && { $set: { recovery: codes.map((c) => ({ hash: hashRecoveryCode(c) })) } }),
    };
  });
  if (!m) throw AppError.notFound(NOUN.user);
  await record(ctx, 'auth.mfa_passkey_added', { passkey: cred.id.slice(0, 16), name, recoveryCodesIssued: issued });
  return issued as boolean ? { id: cred.id, recoveryCodes: codes, firstFactor } : { id: cred.id, firstFactor };
}

/** Options for navigator.credentials.get() for one user's passkeys (the second step of a login). */
export async function authenticationOptions(userId: string) {
  const f = await factorsOf(userId);
  if (!f?.passkeys.length) throw AppError.conflict({ en: 'No passkey is registered for this account', vi: 'Tài khoản này chưa đăng ký khóa truy cập nào' });
  return generateAuthenticationOptions({
    rpID: rp.id, timeout: CHALLENGE_MS, userVerification: 'preferred',
    allowCredentials: f.passkeys.map((p) => ({ id: p.id, transports: p.transports })),
  });
}

/**
 * Checks an assertion against the user's stored passkey and the challenge issued for this login;
 * the signature counter must move forward (when the authenticator keeps one), and is stored.
 */
export async function useAssertion(userId: string, challenge: string, response: AuthenticationResponseJSON): Promise<boolean> {
  const f = await factorsOf(userId);
  const stored = f?.passkeys.find((p) => p.id === response.id);
  if (!stored) return false;
  let newCounter: number;
  try {
    const v = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false,
      credential: { id: stored.id, publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64url')), counter: stored.counter, transports: stored.transports },
    });
    if (!v.verified) return false;
    newCounter = v.authenticationInfo.newCounter;
  } catch {
    return false;
  }
  let ok = false;
  await store.mutate<FactorsDoc>(Factors, userId, (cur) => {
    const i = cur.passkeys.findIndex((p) => p.id === stored.id);
    ok = i >= 0 && (newCounter === 0 || newCounter > cur.passkeys[i].counter);
    return ok ? { $set: { [`passkeys.${i}.counter`]: newCounter, [`passkeys.${i}.lastUsedAt`]: new Date() } } : null;
  });
  return ok;
}

/** Removes one passkey; the recovery codes go too when no factor is left. */
export async function remove(ctx: Ctx & { actor: Actor }, id: string): Promise<void> {
  const m = await store.mutate<FactorsDoc>(Factors, ctx.actor.id, (cur) => {
    const rest = cur.passkeys.filter((p) => p.id !== id);
    if (rest.length === cur.passkeys.length) throw AppError.notFound(NOUN.passkey);
    return { $set: !cur.totp && rest.length === 0 ? { passkeys: rest, recovery: [] } : { passkeys: rest } };
  });
  if (!m) throw AppError.notFound(NOUN.passkey);
  await record(ctx, 'auth.mfa_passkey_removed', { passkey: id.slice(0, 16) });
}
