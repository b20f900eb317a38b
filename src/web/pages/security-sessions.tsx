import { useState } from 'preact/hooks';
import { api, fieldError } from '../api';
import { ErrorBox, Field, Loaded, useLoad } from '../ui';
import { fmtTime, t, useLang } from '../i18n';
import { useMe } from '../session';

/* The user's sessions and API tokens, with a button to end each, and the form that creates a token. */

interface Row { id: string; kind: 'session' | 'api'; scope: string; name?: string; createdAt: string; expiresAt: string; lastUsedAt?: string; address?: string; userAgent?: string; current: boolean }

function NewToken({ onCreated }: { onCreated: () => void }) {
  const me = useMe();
  const [name, setName] = useState('');
  const [scope, setScope] = useState('read-only');
  const [days, setDays] = useState('30');
  const [error, setError] = useState<unknown>();
  const [shown, setShown] = useState<string>();
  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined); setShown(undefined);
    try {
      const r = await api.post<{ token: string }>('/auth/tokens', { name: name.trim(), scope, expiresInDays: Number(days) });
      setShown(r.token); setName(''); onCreated();
    } catch (err) { setError(err); }
  };
  return (
    <form class="card" onSubmit={create}>
      <h3>{t('sec.token')}</h3>
      <ErrorBox error={error} />
      {shown && <p class="notice" role="status">{t('sec.tokenShown')} <code data-testid="new-token">{shown}</code></p>}
      <Field label={t('sec.tokenName')} error={fieldError(error, 'name')}>
        {(id, d) => <input id={id} aria-describedby={d} required maxLength={80} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('sec.tokenScope')} error={fieldError(error, 'scope')}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="read-only">{t('sec.scope.read-only')}</option>
            {me.roles.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('sec.tokenDays')} error={fieldError(error, 'expiresInDays')}>
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} max={366} required value={days} onInput={(e) => setDays((e.target as HTMLInputElement).value)} />}
      </Field>
      <button type="submit">{t('sec.tokenCreate')}</button>
    </form>
  );
}

export function SessionsSection() {
  useLang();
  const rows = useLoad(() => api.get<{ items: Row[] }>('/auth/sessions'), []);
  const [error, setError] = useState<unknown>();
  const end = async (r: Row) => {
    setError(undefined);
    try { await api.del(`/auth/sessions/${r.id}`); rows.reload(); } catch (err) { setError(err); }
  };
  return (
    <section aria-labelledby="sec-sessions">
      <h2 id="sec-sessions">{t('sec.sessions')}</h2>
      <ErrorBox error={error} />
      <Loaded state={rows}>{(d) => (
        <div class="table-wrap">
          <table class="table">
            <thead><tr>
              <th scope="col">{t('sec.col.kind')}</th><th scope="col">{t('sec.col.name')}</th><th scope="col">{t('sec.col.created')}</th>
              <th scope="col">{t('sec.col.lastUsed')}</th><th scope="col">{t('sec.col.address')}</th><th scope="col">{t('sec.col.agent')}</th>
              <th scope="col">{t('sec.col.expires')}</th><th scope="col">{t('sec.col.actions')}</th>
            </tr></thead>
            <tbody>{d.items.map((r) => (
              <tr key={r.id} data-session={r.id}>
                <td>{t(`sec.kind.${r.kind}`)}{r.current && <> <strong>({t('sec.current')})</strong></>}</td>
                <td>{r.name ?? ''}{r.kind === 'api' ? ` · ${r.scope === 'read-only' ? t('sec.scope.read-only') : t(`role.${r.scope}`)}` : ''}</td>
                <td>{fmtTime(r.createdAt)}</td><td>{r.lastUsedAt ? fmtTime(r.lastUsedAt) : '—'}</td>
                <td>{r.address ?? '—'}</td><td class="wrap">{r.userAgent ?? '—'}</td><td>{fmtTime(r.expiresAt)}</td>
                <td><button type="button" class="secondary" onClick={() => end(r)}>{t('sec.end')}</button></td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}</Loaded>
      <NewToken onCreated={rows.reload} />
    </section>
  );
}
