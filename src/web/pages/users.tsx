import { useState } from 'preact/hooks';
import { api, fieldError, type Page, qs } from '../api';
import { ErrorBox, Field, Loaded, Pager, useLoad } from '../ui';
import { fmtTime, t, useLang } from '../i18n';
import { loadOrganizations, type Organization } from './inventory';

/* Users (admin): the list with a role filter, a form to create one, activation on and off. */

type Role = 'admin' | 'inspector' | 'owner';
const ROLES: Role[] = ['admin', 'inspector', 'owner'];
interface User { id: string; email: string; name: string; roles: Role[]; organization?: string; active: boolean; lastLoginAt?: string }
const PAGE_SIZE = 25;

export function UsersPage() {
  useLang();
  const [role, setRole] = useState('');
  const [page, setPage] = useState(1);
  const orgs = useLoad(loadOrganizations, []);
  const users = useLoad(() => api.get<Page<User>>(`/users${qs({ role, page, limit: PAGE_SIZE })}`), [role, page]);
  const [rowError, setRowError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const orgName = (id?: string) => (id ? orgs.data?.find((o) => o.id === id)?.name ?? id : '—');

  const toggle = async (u: User) => {
    setBusy(u.id); setRowError(undefined);
    try { await api.patch(`/users/${u.id}`, { active: !u.active }); users.reload(); } catch (err) { setRowError(err); } finally { setBusy(undefined); }
  };

  return (
    <section class="page">
      <h1>{t('admin.users.title')}</h1>
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('admin.users.list')}</h2>
        <div class="toolbar">
          <Field label={t('admin.users.roleFilter')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={role} onChange={(e) => { setRole(e.currentTarget.value); setPage(1); }}>
                <option value="">{t('all')}</option>
                {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
              </select>
            )}
          </Field>
        </div>
        <ErrorBox error={rowError} />
        <Loaded state={users}>
          {(data) => (
            <>
              {data.items.length === 0 ? <p class="muted">{t('empty')}</p> : (
                <div class="table-wrap">
                  <table class="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('col.name')}</th><th scope="col">{t('admin.users.email')}</th><th scope="col">{t('admin.users.roles')}</th>
                        <th scope="col">{t('col.organization')}</th><th scope="col">{t('col.status')}</th><th scope="col">{t('admin.users.lastLogin')}</th>
                        <th scope="col">{t('col.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((u) => (
                        <tr key={u.id}>
                          <td>{u.name}</td>
                          <td>{u.email}</td>
                          <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                          <td>{orgName(u.organization)}</td>
                          <td>{u.active ? <span class="ok">{t('admin.users.active')}</span> : <span class="bad">{t('admin.users.inactive')}</span>}</td>
                          <td>{fmtTime(u.lastLoginAt)}</td>
                          <td>
                            <button type="button" class={u.active ? 'danger' : 'secondary'} disabled={busy === u.id} onClick={() => toggle(u)}
                              aria-label={`${u.active ? t('admin.users.deactivate') : t('admin.users.activate')} ${u.email}`}>
                              {u.active ? t('admin.users.deactivate') : t('admin.users.activate')}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager page={data.page} limit={data.limit} total={data.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </section>
      <CreateUser orgs={orgs.data ?? []} orgError={orgs.error} onCreated={users.reload} />
    </section>
  );
}

function CreateUser({ orgs, orgError, onCreated }: { orgs: Organization[]; orgError?: unknown; onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [organization, setOrganization] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<User>();
  const fieldErr = (f: string) => fieldError(error, f);
  const isOwner = roles.includes('owner');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined); setCreated(undefined);
    try {
      const u = await api.post<User>('/users', { email, name, password, roles, ...(isOwner && organization && { organization }) });
      setCreated(u);
      setEmail(''); setName(''); setPassword(''); setRoles([]); setOrganization('');
      onCreated();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const rolesError = fieldErr('roles');

  return (
    <section aria-labelledby="users-create">
      <h2 id="users-create">{t('admin.users.create')}</h2>
      {orgError !== undefined && <ErrorBox error={orgError} />}
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t('admin.users.email')} error={fieldErr('email')}>
          {(id, d) => <input id={id} type="email" autocomplete="off" aria-describedby={d} value={email} required onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field label={t('col.name')} error={fieldErr('name')}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} required onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field label={t('admin.users.password')} error={fieldErr('password')} hint={t('admin.users.passwordHint')}>
          {(id, d) => <input id={id} type="password" autocomplete="new-password" aria-describedby={d} value={password} required onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <fieldset class={`field${rolesError ? ' invalid' : ''}`} aria-describedby={rolesError ? 'users-roles-err' : undefined}>
          <legend>{t('admin.users.roles')}</legend>
          {ROLES.map((r) => (
            <label key={r} class="check">
              <input type="checkbox" checked={roles.includes(r)}
                onChange={(e) => setRoles(e.currentTarget.checked ? [...roles, r] : roles.filter((x) => x !== r))} />
              {' '}{t(`role.${r}`)}
            </label>
          ))}
          {rolesError && <small id="users-roles-err" class="field-error">{rolesError}</small>}
        </fieldset>
        {isOwner && (
          <Field label={t('col.organization')} error={fieldErr('organization')} hint={t('admin.users.orgHint')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={organization} onChange={(e) => setOrganization(e.currentTarget.value)}>
                <option value="">{t('admin.choose')}</option>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.code} — {o.name}</option>)}
              </select>
            )}
          </Field>
        )}
        <ErrorBox error={error} />
        {created && <p class="notice" role="status">{t('admin.users.created', { email: created.email })}</p>}
        <div class="actions"><button type="submit" disabled={busy}>{t('admin.users.createButton')}</button></div>
      </form>
    </section>
  );
}
