import * as users from './user.service';
import { systemActor } from '../../shared/actor';

/** On an empty database, creates the first admin; returns true when it did. */
export async function ensureAdmin(email: string | undefined, password: string | undefined): Promise<boolean> {
  if ((await users.count()) > 0) return false;
  if (!email || !password) throw new Error('The database has no users: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first admin');
  try {
    await users.create({ actor: systemActor('bootstrap') }, { email, name: 'Administrator', password, roles: ['admin'] });
  } catch (err) {
    // another instance created it at the same moment
    if ((err as { status?: number }).status === 409) return false;
    // a policy problem names the setting to fix, not the API's field
    const reasons = ((err as { details?: { field?: string; reason: string }[] }).details ?? []).map((d) => `${d.field === 'password' ? 'ADMIN_PASSWORD' : d.field === 'email' ? 'ADMIN_EMAIL' : d.field} ${d.reason}`);
    if (reasons.length) throw new Error(`The first admin cannot be created: ${reasons.join('; ')}`);
    throw err;
  }
  return true;
}
