import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf } from './api';
import { lang, t } from './i18n';

/** An error in words: what happened and what to do, with the server's reason when it gave one. */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return t('err.unexpected');
  const known = [0, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503];
  const base = t(`err.${known.includes(err.status) ? err.status : 'other'}`);
  if (err.status !== 422 && err.status !== 409) return base;
  // the API's words in the chosen language; its English message only in English
  const said = err.words() ?? (err.details.some((d) => d.message) ? err.details.filter((d) => d.row === undefined).map(messageOf).join('; ') : undefined);
  const extra = said ?? (lang() === 'en' ? err.message : '');
  return extra ? `${base} ${extra}` : base;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const network = error instanceof ApiError && error.status === 0;
  const rows = error instanceof ApiError && error.details.some((d) => d.row !== undefined) ? error.details : [];
  return (
    <div class="error" role="alert">
      <p>{explain(error)}</p>
      {rows.length > 0 && (
        <table class="table compact">
          <caption>{t('err.rows')}</caption>
          <thead><tr><th scope="col">{t('col.row')}</th><th scope="col">{t('col.field')}</th><th scope="col">{t('col.reason')}</th></tr></thead>
          <tbody>{rows.map((d, i) => <tr key={i}><td>{d.row}</td><td>{d.label?.[lang()] ?? d.field}</td><td>{messageOf(d)}</td></tr>)}</tbody>
        </table>
      )}
      {network && onRetry && <button type="button" onClick={onRetry}>{t('action.retry')}</button>}
    </div>
  );
}

/** Loads data for a page; `reload()` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then((data) => live && setState({ data, loading: false }), (error) => live && setState({ error, loading: false }));
    return () => { live = false; };
  }, [...deps, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

export function Loading() {
  return <p class="muted" role="status">{t('loading')}</p>;
}

/** The standard frame of a loaded section: spinner, error with retry, or the content. */
export function Loaded<T>({ state, children }: { state: { data?: T; error?: unknown; loading: boolean; reload: () => void }; children: (data: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

let fieldSeq = 0;
/** A labelled control with its validation message beside it. */
export function Field({ label, error, children, hint }: { label: string; error?: string; hint?: string; children: (id: string, describedBy?: string) => JSX.Element }) {
  const [id] = useState(() => `f${++fieldSeq}`);
  const msg = error ? `${id}-err` : hint ? `${id}-hint` : undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children(id, msg)}
      {hint && !error && <small id={`${id}-hint`} class="muted">{hint}</small>}
      {error && <small id={`${id}-err`} class="field-error">{error}</small>}
    </div>
  );
}

export function Badge({ kind, value, label }: { kind: string; value: string; label?: string }) {
  return <span class={`badge ${kind}-${value}`}>{label ?? t(`${kind}.${value}`)}</span>;
}

/**
 * Horizontal bar chart in HTML (no chart library, no SVG scaling): one row per item, the value at
 * its end. The text is the page's own text, so it stays readable at any width (≥ 11 px), and long
 * labels (organization names) wrap instead of being cut.
 */
export function BarChart({ title, items, max }: { title: string; items: { label: string; value: number; total?: number; tone?: string }[]; max?: number }) {
  const top = max ?? Math.max(1, ...items.map((i) => i.total ?? i.value));
  const pct = (n: number) => `${Math.min(100, Math.max(0, (100 * n) / top))}%`;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="bars" role="img" aria-label={`${title}: ${items.map((i) => `${i.label} ${i.value}${i.total !== undefined ? `/${i.total}` : ''}`).join(', ')}`}>
        {items.map((it, i) => (
          <div class="bar-row" key={`${i}-${it.label}`}>
            <span class="chart-label">{it.label}</span>
            <span class="bar-track">
              {it.total !== undefined && <span class="bar-total" style={{ width: pct(it.total) }} />}
              <span class={`bar ${it.tone ?? ''}`} style={{ width: it.value ? `max(2px, ${pct(it.value)})` : '0' }} />
            </span>
            <span class="chart-value">{it.total !== undefined ? `${it.value}/${it.total}` : it.value}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** Downloads a file from the API with the session cookie (PDF, CSV). */
export function DownloadLink({ href, children }: { href: string; children: ComponentChildren }) {
  return <a class="button secondary" href={`/api/v1${href}`} download>{children}</a>;
}

/** Previous / next page with "page x of y". */
export function Pager({ page, limit, total, onPage }: { page: number; limit: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav class="actions" aria-label={t('pager.label')}>
      <button type="button" class="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>{t('pager.prev')}</button>
      <span class="muted" aria-live="polite">{t('pager.status', { page, pages, total })}</span>
      <button type="button" class="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>{t('pager.next')}</button>
    </nav>
  );
}

const VI_DATE = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A day (`YYYY-MM-DD` in and out). In Vietnamese it is typed as dd/mm/yyyy: a browser's own date
 * picker writes the browser's convention (mm/dd/yyyy in an English browser), not the console's.
 * What cannot be read as a day is passed on as typed, so the API names the field that is wrong.
 */
export function DateInput({ id, describedBy, value, onChange }: { id: string; describedBy?: string; value: string; onChange: (v: string) => void }) {
  const [typed, setTyped] = useState<string | undefined>();
  // a form that clears the field (after sending it) clears what was typed too
  useEffect(() => { if (!value) setTyped(undefined); }, [value]);
  if (lang() !== 'vi') return <input id={id} aria-describedby={describedBy} type="date" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
  const iso = ISO_DATE.exec(value);
  const shown = typed ?? (iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : value);
  return (
    <input id={id} aria-describedby={describedBy} type="text" inputMode="numeric" placeholder="dd/mm/yyyy" autoComplete="off" value={shown}
      onInput={(e) => {
        const v = e.currentTarget.value;
        setTyped(v);
        const m = VI_DATE.exec(v);
        onChange(m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : v.trim());
      }} />
  );
}
