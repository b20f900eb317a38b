import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { t } from './i18n';

/** An error in words: what happened and what to do, with the server's reason when it gave one. */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return t('err.unexpected');
  const known = [0, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503];
  const base = t(`err.${known.includes(err.status) ? err.status : 'other'}`);
  return err.status === 422 || err.status === 409 ? `${base} ${err.message}` : base;
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
          <tbody>{rows.map((d, i) => <tr key={i}><td>{d.row}</td><td>{d.field}</td><td>{d.reason}</td></tr>)}</tbody>
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

/** Horizontal bar chart in SVG (no chart library): one bar per item, the value at its end. */
export function BarChart({ title, items, max }: { title: string; items: { label: string; value: number; total?: number; tone?: string }[]; max?: number }) {
  const top = max ?? Math.max(1, ...items.map((i) => i.total ?? i.value));
  const rowH = 26;
  const labelW = 170;
  const w = 520;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${w} ${items.length * rowH + 4}`} role="img" aria-label={`${title}: ${items.map((i) => `${i.label} ${i.value}${i.total !== undefined ? `/${i.total}` : ''}`).join(', ')}`}>
        {items.map((it, i) => {
          const y = i * rowH + 2;
          const barW = ((w - labelW - 60) * it.value) / top;
          const totalW = it.total !== undefined ? ((w - labelW - 60) * it.total) / top : 0;
          return (
            <g key={it.label}>
              <text x={labelW - 8} y={y + 16} text-anchor="end" class="chart-label">{it.label.length > 24 ? `${it.label.slice(0, 23)}…` : it.label}</text>
              {it.total !== undefined && <rect x={labelW} y={y + 3} width={totalW} height={rowH - 8} class="bar-total" />}
              <rect x={labelW} y={y + 3} width={Math.max(barW, it.value ? 2 : 0)} height={rowH - 8} class={`bar ${it.tone ?? ''}`} />
              <text x={labelW + Math.max(barW, totalW) + 6} y={y + 16} class="chart-value">{it.total !== undefined ? `${it.value}/${it.total}` : it.value}</text>
            </g>
          );
        })}
      </svg>
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
