import { useState } from 'preact/hooks';
import { api, fieldError, type Page, qs } from '../api';
import { ErrorBox, DateInput, Field, Loaded, Pager, useLoad } from '../ui';
import { fmtTime, t, useLang } from '../i18n';
import { zonedInstant } from '../dates';


/* The audit trail (admin): verification of its hash chain, and the events with filters and paging. */

const ENTITIES = ['assessment', 'auth', 'certificate', 'checklist', 'demo', 'finding', 'organization', 'scan_import', 'settings', 'system', 'user'];
const PAGE_SIZE = 50;
/** entities the console has a page for */
const LINKED: Record<string, string> = { system: 'systems', assessment: 'assessments', finding: 'findings' };

interface AuditEvent {
  id: string; seq: number; at: string; actor: { id: string; email?: string; name: string }; action: string; entity: string; entityId?: string;
  before?: unknown; after?: unknown; requestId?: string;
}
interface Verify { ok: boolean; checked: number; headSeq: number; problems: { seq: number; reason: string }[]; checkpoint?: { seq: number; at: string } }
interface Filters { entity: string; entityId: string; actor: string; action: string; from: string; to: string }
const NO_FILTERS: Filters = { entity: '', entityId: '', actor: '', action: '', from: '', to: '' };

/** a date input's day → the first or last instant of that day in the display time zone */
const dayStart = (d: string) => (d ? zonedInstant(d, '00:00:00') : undefined);
const dayEnd = (d: string) => (d ? zonedInstant(d, '23:59:59.999') : undefined);

export function AuditPage() {
  useLang();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const events = useLoad(() => api.get<Page<AuditEvent>>(`/audit${qs({
    entity: filters.entity, entityId: filters.entityId.trim(), actor: filters.actor.trim(), action: filters.action.trim(),
    from: dayStart(filters.from), to: dayEnd(filters.to), page, limit: PAGE_SIZE,
  })}`), [filters, page]);
  const fieldErr = (name: string) => fieldError(events.error, name);
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [k]: e.currentTarget.value });

  return (
    <section class="page">
      <h1>{t('admin.audit.title')}</h1>
      <VerifyChain />

      <section aria-labelledby="audit-events">
        <h2 id="audit-events">{t('admin.audit.events')}</h2>
        <form class="toolbar" onSubmit={(e) => { e.preventDefault(); setPage(1); setFilters(draft); }}>
          <Field label={t('admin.audit.entity')} error={fieldErr('entity')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={draft.entity} onChange={set('entity')}>
                <option value="">{t('all')}</option>
                {ENTITIES.map((x) => <option key={x} value={x}>{t(`admin.entity.${x}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('admin.audit.entityId')} error={fieldErr('entityId')}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.entityId} maxLength={64} onInput={set('entityId')} />}
          </Field>
          <Field label={t('admin.audit.action')} error={fieldErr('action')} hint={t('admin.audit.actionHint')}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.action} maxLength={60} onInput={set('action')} />}
          </Field>
          <Field label={t('admin.audit.actor')} error={fieldErr('actor')} hint={t('admin.audit.actorHint')}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.actor} maxLength={24} onInput={set('actor')} />}
          </Field>
          <Field label={t('admin.audit.from')} error={fieldErr('from')}>
            {(id, d) => <DateInput id={id} describedBy={d} value={draft.from} onChange={(v) => setDraft((x) => ({ ...x, from: v }))} />}
          </Field>
          <Field label={t('admin.audit.to')} error={fieldErr('to')}>
            {(id, d) => <DateInput id={id} describedBy={d} value={draft.to} onChange={(v) => setDraft((x) => ({ ...x, to: v }))} />}
          </Field>
          <div class="actions">
            <button type="submit">{t('admin.audit.apply')}</button>
            <button type="button" class="secondary" onClick={() => { setDraft(NO_FILTERS); setFilters(NO_FILTERS); setPage(1); }}>{t('admin.audit.clear')}</button>
          </div>
        </form>
        <Loaded state={events}>
          {(data) => (
            <>
              {data.items.length === 0 ? <p class="muted">{t('empty')}</p> : (
                <div class="table-wrap">
                  <table class="table compact">
                    <caption class="muted">{t('admin.audit.count', { n: data.total })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">#</th><th scope="col">{t('admin.audit.time')}</th><th scope="col">{t('admin.audit.actor')}</th>
                        <th scope="col">{t('admin.audit.action')}</th><th scope="col">{t('admin.audit.entity')}</th><th scope="col">{t('admin.audit.entityId')}</th>
                        <th scope="col">{t('admin.audit.changes')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((e) => (
                        <tr key={e.id}>
                          <td>{e.seq}</td>
                          <td>{fmtTime(e.at)}</td>
                          <td>{e.actor.name}{e.actor.email && <div class="muted">{e.actor.email}</div>}</td>
                          <td><code>{e.action}</code></td>
                          <td>{t(`admin.entity.${e.entity}`)}</td>
                          <td>{e.entityId ? (LINKED[e.entity] ? <a href={`#/${LINKED[e.entity]}/${e.entityId}`}><code>{e.entityId}</code></a> : <code>{e.entityId}</code>) : '—'}</td>
                          <td>
                            {(e.before !== undefined || e.after !== undefined) ? (
                              <details>
                                <summary>{t('admin.audit.show')}</summary>
                                {e.before !== undefined && <><strong>{t('admin.audit.before')}</strong><pre>{JSON.stringify(e.before, null, 2)}</pre></>}
                                {e.after !== undefined && <><strong>{t('admin.audit.after')}</strong><pre>{JSON.stringify(e.after, null, 2)}</pre></>}
                              </details>
                            ) : '—'}
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
    </section>
  );
}

function VerifyChain() {
  const [result, setResult] = useState<Verify>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true); setError(undefined);
    try { setResult(await api.get<Verify>('/audit/verify')); } catch (err) { setResult(undefined); setError(err); } finally { setBusy(false); }
  };
  return (
    <section aria-labelledby="audit-verify">
      <h2 id="audit-verify">{t('admin.audit.verifyTitle')}</h2>
      <p class="muted">{t('admin.audit.verifyHelp')}</p>
      <div class="actions"><button type="button" disabled={busy} onClick={run}>{t('admin.audit.verify')}</button></div>
      <div role="status" aria-live="polite">
        {busy && <p class="muted">{t('admin.audit.verifying')}</p>}
        {!busy && result && (
          <div class={result.ok ? 'notice' : 'error'}>
            {result.ok
              ? <p class="ok">✔ {t('admin.audit.ok', { n: result.checked, head: result.headSeq })}</p>
              : <p class="bad">✘ {t('admin.audit.broken', { n: result.problems.length, checked: result.checked, head: result.headSeq })}</p>}
            {result.problems.length > 0 && (
              <table class="table compact">
                <caption>{t('admin.audit.problems')}</caption>
                <thead><tr><th scope="col">{t('admin.audit.seq')}</th><th scope="col">{t('col.reason')}</th></tr></thead>
                <tbody>{result.problems.map((p, i) => <tr key={i}><td>{p.seq}</td><td>{p.reason}</td></tr>)}</tbody>
              </table>
            )}
            <p>{result.checkpoint
              ? t('admin.audit.checkpoint', { seq: result.checkpoint.seq, at: fmtTime(result.checkpoint.at) })
              : t('admin.audit.noCheckpoint')}</p>
          </div>
        )}
      </div>
      <ErrorBox error={error} onRetry={run} />
    </section>
  );
}
