import * as tokens from './token.service';
import * as users from '../users/user.service';
import * as audit from '../audit/audit.service';
import * as loginAudit from './login-audit';
import { verifyPassword } from '../users/password';
import { AppError } from '../../http/errors';
import type { Actor } from '../../shared/actor';
import { secondStep, startPending, type Client } from './mfa.login';

export interface LoginPolicy extends tokens.ThrottlePolicy { tokenTtlHours: number }

/**
 * Checks the credentials. Unknown e-mail, wrong password and inactive account give the same
 * answer in about the same time; every attempt is counted before the password is checked, and
 * past the limit the e-mail is locked (429) whether it exists or not.
 */
export async function login(email: string, password: string, policy: LoginPolicy, requestId?: string, client: Client = {}) {
  const key = email.trim().toLowerCase();
  if (!(await tokens.admitAttempt(key, policy))) throw AppError.tooMany({ en: 'Too many failed login attempts; try again later', vi: 'Đăng nhập sai quá nhiều lần; hãy thử lại sau' });
  const user = await users.findForLogin(key);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok || !user.active) {
    await loginAudit.failed({ address: client.ip ?? '', email: key, windowMinutes: policy.lockoutMinutes });
    throw AppError.unauthorized({ en: 'Invalid email or password', vi: 'Sai thư điện tử hoặc mật khẩu' });
  }
  await tokens.clearAttempts(key);
  const actor: Actor = users.toActor(user);
  // a second factor (mfa.login.ts): either still to come, or to be enrolled before anything else
  const { step, methods } = await secondStep(actor);
  if (step === 'factor') return { mfaRequired: true as const, methods, ...(await startPending(actor, client)) };
  await users.touchLogin(user._id);
  const issued = await tokens.issue(user._id, policy.tokenTtlHours, { scope: step === 'enrol' ? 'enrol' : 'full', ip: client.ip, userAgent: client.userAgent });
  await audit.record({ actor, requestId }, { action: 'auth.login', entity: 'user', entityId: actor.id, ...(step === 'enrol' && { after: { mfaEnrolmentRequired: true } }) });
  return { ...issued, actor, user: await users.get(actor.id), ...(step === 'enrol' && { mfaEnrolmentRequired: true as const }) };
}

/** Ends the login: the bearer token used, and the token a browser session is bound to. */
export async function logout(actor: Actor, token: string | undefined, requestId?: string) {
  if (token) await tokens.revoke(token);
  if (actor.sessionToken) await tokens.revokeHash(actor.sessionToken);
  await audit.record({ actor, requestId }, { action: 'auth.logout', entity: 'user', entityId: actor.id });
}
