import { useState } from 'preact/hooks';
import { allPages, api, fieldError, type Page, qs } from '../api';
import { Badge, ErrorBox, Field, Loaded, Pager, useLoad } from '../ui';
import { t, useLang } from '../i18n';

/*
 * Inventory (admin): the systems with search and paging, a form to create one, and the CSV import
 * (all or nothing, per-row errors shown by ErrorBox).
 */

export interface Organization { id: string; code: string; name: string; type: string }
export interface SystemItem {
  id: string; code: string; name: string; organization: string; level: number; status: string;
  compliance?: { state?: string };
}

export const loadOrganizations = () => allPages<Organization>('/organizations');

export const LEVELS = [1, 2, 3, 4, 5];

const PAGE_SIZE = 25;

export function InventoryPage() {
  useLang();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const orgs = useLoad(loadOrganizations, []);
  const systems = useLoad(() => api.get<Page<SystemItem>>(`/systems${qs({ q: query, page, limit: PAGE_SIZE })}`), [query, page]);
  const orgName = (id: string) => orgs.data?.find((o) => o.id === id)?.name ?? id;

  return (
    <section class="page">
      <h1>{t('admin.inventory.title')}</h1>

      <section aria-labelledby="inv-list">
        <h2 id="inv-list">{t('admin.inventory.list')}</h2>
        <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); setPage(1); setQuery(q.trim()); }}>
          <Field label={t('admin.inventory.search')}>
            {(id, d) => <input id={id} type="search" aria-describedby={d} value={q} maxLength={100} onInput={(e) => setQ(e.currentTarget.value)} />}
          </Field>
          <button type="submit">{t('action.search')}</button>
        </form>
        <Loaded state={systems}>
          {(data) => (
            <>
              {data.items.length === 0 ? <p class="muted">{t('empty')}</p> : (
                <div class="table-wrap">
                  <table class="table">
                    <caption class="muted">{t('admin.inventory.count', { n: data.total })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('col.code')}</th><th scope="col">{t('col.name')}</th><th scope="col">{t('col.organization')}</th>
                        <th scope="col">{t('col.level')}</th><th scope="col">{t('admin.col.compliance')}</th><th scope="col">{t('col.status')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((s) => (
                        <tr key={s.id}>
                          <td><a href={`#/systems/${s.id}`}>{s.code}</a></td>
                          <td>{s.name}</td>
                          <td>{orgName(s.organization)}</td>
                          <td>{t('level.n', { n: s.level })}</td>
                          <td>{s.compliance?.state ? <Badge kind="compliance" value={s.compliance.state} /> : '—'}</td>
                          <td>{t(`admin.systemStatus.${s.status}`)}</td>
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

      <CreateSystem orgs={orgs.data ?? []} orgError={orgs.error} onCreated={systems.reload} />
      <ImportSystems onImported={systems.reload} />
    </section>
  );
}

function CreateSystem({ orgs, orgError, onCreated }: { orgs: Organization[]; orgError?: unknown; onCreated: () => void }) {
  const empty = { code: '', name: '', organization: '', level: '', endpoints: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<SystemItem>();
  const set = (k: keyof typeof empty) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });
  const fieldErr = (name: string) => fieldError(error, name);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined); setCreated(undefined);
    const endpoints = form.endpoints.split('\n').map((l) => l.trim()).filter(Boolean);
    try {
      const s = await api.post<SystemItem>('/systems', {
        code: form.code, name: form.name, organization: form.organization || undefined,
        level: form.level ? Number(form.level) : undefined, ...(endpoints.length && { endpoints }),
      });
      setCreated(s); setForm(empty); onCreated();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <section aria-labelledby="inv-create">
      <h2 id="inv-create">{t('admin.inventory.create')}</h2>
      {orgError !== undefined && <ErrorBox error={orgError} />}
      <form class="form" onSubmit={submit} noValidate>
        <Field label={t('col.code')} error={fieldErr('code')} hint={t('admin.inventory.codeHint')}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.code} required maxLength={32} onInput={set('code')} />}
        </Field>
        <Field label={t('col.name')} error={fieldErr('name')}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.name} required maxLength={300} onInput={set('name')} />}
        </Field>
        <Field label={t('col.organization')} error={fieldErr('organization')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={form.organization} required onChange={set('organization')}>
              <option value="">{t('admin.choose')}</option>
              {orgs.map((o) => <option key={o.id} value={o.id}>{o.code} — {o.name}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('col.level')} error={fieldErr('level')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={form.level} required onChange={set('level')}>
              <option value="">{t('admin.choose')}</option>
              {LEVELS.map((l) => <option key={l} value={String(l)}>{t('level.n', { n: l })}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('admin.inventory.endpoints')} error={fieldErr('endpoints')} hint={t('admin.inventory.endpointsHint')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={4} value={form.endpoints} onInput={set('endpoints')} />}
        </Field>
        <ErrorBox error={error} />
        {created && <p class="notice" role="status">{t('admin.inventory.created', { code: created.code })} <a href={`#/systems/${created.id}`}>{t('admin.inventory.openSystem', { code: created.code })}</a></p>}
        <div class="actions"><button type="submit" disabled={busy}>{t('admin.inventory.createButton')}</button></div>
      </form>
    </section>
  );
}

interface ImportResult { created: number; updated: number; unchanged: number; dryRun: boolean }

function ImportSystems({ onImported }: { onImported: () => void }) {
  const [text, setText] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<ImportResult>();
  const [fileError, setFileError] = useState<string>();

  const readFile = (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    setFileError(undefined);
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setText(String(reader.result ?? ''));
    reader.onerror = () => setFileError(t('admin.import.fileUnreadable'));
    reader.readAsText(file, 'utf-8');
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined); setResult(undefined);
    try {
      const r = await api.csv<ImportResult>(`/systems/import${qs({ dryRun })}`, text);
      setResult(r);
      if (!r.dryRun) onImported();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <section aria-labelledby="inv-import">
      <h2 id="inv-import">{t('admin.import.title')}</h2>
      <p class="muted">{t('admin.import.help')}</p>
      <form class="form" onSubmit={submit}>
        <Field label={t('admin.import.file')} error={fileError}>
          {(id, d) => <input id={id} type="file" accept=".csv,text/csv,text/plain" aria-describedby={d} onChange={readFile} />}
        </Field>
        <Field label={t('admin.import.text')} hint={t('admin.import.columns')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={10} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
        <label class="check"><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> {t('admin.import.dryRun')}</label>
        <ErrorBox error={error} />
        {result && (
          <div class="notice" role="status">
            <p>{result.dryRun ? t('admin.import.dryRunDone') : t('admin.import.done')}</p>
            <ul>
              <li>{t('admin.import.createdN', { n: result.created })}</li>
              <li>{t('admin.import.updatedN', { n: result.updated })}</li>
              <li>{t('admin.import.unchangedN', { n: result.unchanged })}</li>
            </ul>
          </div>
        )}
        <div class="actions"><button type="submit" disabled={busy}>{t('admin.import.button')}</button></div>
      </form>
    </section>
  );
}
