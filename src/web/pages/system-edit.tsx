import { useState } from 'preact/hooks';
import { api, ApiError, fieldError } from '../api';
import { t } from '../i18n';
import { ErrorBox, Field } from '../ui';

const ports = (text: string) => text.split(/[\s,;]+/).filter(Boolean).map(Number);

/** Admin: the inventory fields of one system (PATCH /systems/:id); the API validates every one. */
export function EditSystem({ s, onSaved }: { s: any; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Record<'name' | 'level' | 'status' | 'endpoints' | 'allowedPorts', string>>({ name: s.name, level: String(s.level), status: s.status, endpoints: (s.endpoints ?? []).join('\n'), allowedPorts: (s.allowedPorts ?? []).join(', ') });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!open) return <button type="button" class="secondary" onClick={() => setOpen(true)}>{t('system.edit')}</button>;
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.patch(`/systems/${s.id}`, {
        name: form.name, level: Number(form.level), status: form.status,
        endpoints: form.endpoints.split('\n').map((x: string) => x.trim()).filter(Boolean), allowedPorts: ports(form.allowedPorts),
      });
      setOpen(false);
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <form class="card form" onSubmit={save} noValidate>
      <h2>{t('system.edit')}</h2>
      <Field label={t('col.name')} error={fieldError(error, 'name')}>{(id, d) => <input id={id} aria-describedby={d} value={form.name} onInput={set('name')} />}</Field>
      <Field label={t('col.level')} error={fieldError(error, 'level')} hint={t('system.levelHint')}>{(id, d) => (
        <select id={id} aria-describedby={d} value={form.level} onChange={set('level')}>{[1, 2, 3, 4, 5].map((l) => <option key={l} value={l}>{t('level.n', { n: l })}</option>)}</select>
      )}</Field>
      <Field label={t('col.status')} error={fieldError(error, 'status')}>{(id, d) => (
        <select id={id} aria-describedby={d} value={form.status} onChange={set('status')}>
          <option value="active">{t('system.status.active')}</option><option value="decommissioned">{t('system.status.decommissioned')}</option>
        </select>
      )}</Field>
      <Field label={t('system.endpointsOnePerLine')} error={fieldError(error, 'endpoints')}>{(id, d) => <textarea id={id} aria-describedby={d} value={form.endpoints} onInput={set('endpoints')} />}</Field>
      <Field label={t('system.allowedPorts')} error={fieldError(error, 'allowedPorts')}>{(id, d) => <input id={id} aria-describedby={d} value={form.allowedPorts} onInput={set('allowedPorts')} />}</Field>
      <ErrorBox error={error instanceof ApiError && error.status === 400 ? undefined : error} />
      {error instanceof ApiError && error.status === 400 && <p class="error" role="alert">{t('err.400')}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{t('action.save')}</button>
        <button type="button" class="secondary" onClick={() => { setOpen(false); setError(undefined); }}>{t('action.cancel')}</button>
      </div>
    </form>
  );
}
