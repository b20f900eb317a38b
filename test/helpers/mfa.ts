import { generate } from 'otplib';
import { api, bearer } from './factories';

/** The authenticator app's code, `steps` periods of 30 s from now (the server accepts one either side). */
export const totp = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

export const login = (email: string, password: string) => api().post('/api/v1/auth/login').send({ email, password });

/** Sets up an authenticator app for the holder of `token`; its secret, recovery codes and the confirmation's body. */
export async function enrolTotp(token: string) {
  const start = await api().post('/api/v1/auth/mfa/totp').set(bearer(token)).send({});
  if (start.status !== 200) throw new Error(`enrol: ${start.status} ${JSON.stringify(start.body)}`);
  const confirm = await api().post('/api/v1/auth/mfa/totp/confirm').set(bearer(token)).send({ code: await totp(start.body.secret) });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { secret: start.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[], body: confirm.body, start: start.body };
}

/** Which roles must have a second factor (the setting), returning the value before. */
export async function setMandatoryRoles(adminToken: string, roles: string[]): Promise<string[]> {
  const cur = await api().get('/api/v1/settings').set(bearer(adminToken));
  const r = await api().put('/api/v1/settings').set(bearer(adminToken)).send({ version: cur.body.version, mfaRequiredRoles: roles });
  if (r.status !== 200) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
  return cur.body.mfaRequiredRoles;
}
