import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { lang, t } from '../i18n';
import { ErrorBox } from '../ui';

export const RESULTS = ['met', 'partial', 'not_met', 'not_applicable'] as const;
export type Result = { controlId: string; result?: string | null; note?: string; evidence: any[]; version: number };

/** Autosave state of the page: saves in flight, the time of the last one, the last failure (with its retry). */
export function useSaveTracker() {
  const [inFlight, setInFlight] = useState(0);
  const [savedAt, setSavedAt] = useState<Date>();
  const [failed, setFailed] = useState<{ error: unknown; retry: () => void }>();
  const track = async <T,>(run: () => Promise<T>): Promise<T> => {
    setInFlight((n) => n + 1);
    try {
      const out = await run();
      setSavedAt(new Date());
      setFailed(undefined);
      return out;
    } catch (error) {
      setFailed({ error, retry: () => { void track(run).catch(() => undefined); } });
      throw error;
    } finally { setInFlight((n) => n - 1); }
  };
  const [dirty, setDirty] = useState<Set<string>>(new Set());
  /** a control whose note is typed but not yet sent (autosave waits for a pause in typing) */
  const markDirty = (id: string, on: boolean) => setDirty((d) => { if (d.has(id) === on) return d; const n = new Set(d); if (on) n.add(id); else n.delete(id); return n; });
  const unsaved = inFlight > 0 || !!failed || dirty.size > 0;
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => { if (unsaved) { e.preventDefault(); e.returnValue = t('save.unsaved'); } };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [unsaved]);
  return { inFlight, savedAt, failed, unsaved, track, markDirty };
}
export type SaveTracker = ReturnType<typeof useSaveTracker>;

export function SaveStatus({ s }: { s: SaveTracker }) {
  const time = s.savedAt && new Intl.DateTimeFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(s.savedAt);
  return (
    <div class="save-status" role="status" aria-live="polite">
      {s.inFlight > 0 ? <span>{t('save.saving')}</span>
        : s.failed ? <span class="error">{t('save.error')} <button type="button" class="secondary" onClick={s.failed.retry}>{t('save.retry')}</button></span>
          : time ? <span class="saved">{t('save.savedAt', { time })}</span> : null}
    </div>
  );
}

/** Applies one result to many controls in one request (PATCH …/results): all or nothing. */
export async function applyResult(assessmentId: string, results: Result[], value: string, note: string): Promise<Result[]> {
  const body = { results: results.map((r) => ({ controlId: r.controlId, result: value, version: r.version, ...(note.trim() && !(r.note ?? '').trim() && { note: note.trim() }) })) };
  const saved = await api.patch<{ results: Result[] }>(`/assessments/${assessmentId}/results`, body);
  return saved.results;
}

/** The selection bar: select all in the group, clear, a shared note, one button per result. */
export function BulkBar({ selected, onSelectAll, onClear, onApply, message, error }: {
  selected: number; onSelectAll: () => void; onClear: () => void; onApply: (value: string, note: string) => void; message?: string; error?: unknown;
}) {
  const [note, setNote] = useState('');
  return (
    <section class="card bulk" aria-labelledby="bulk-title">
      <h2 id="bulk-title">{t('bulk.title')}</h2>
      <p>{t('bulk.selected', { n: selected })} <button type="button" class="secondary" onClick={onSelectAll}>{t('bulk.selectAll')}</button>{' '}
        <button type="button" class="secondary" onClick={onClear} disabled={!selected}>{t('bulk.clear')}</button></p>
      <div class="field"><label for="bulk-note">{t('bulk.note')}</label><textarea id="bulk-note" value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} /></div>
      <div class="actions">{RESULTS.map((r) => <button key={r} type="button" disabled={!selected} onClick={() => onApply(r, note)}>{t('bulk.apply', { result: t(`result.${r}`) })}</button>)}</div>
      <div aria-live="polite">{message && <p>{message}</p>}</div>
      {error instanceof ApiError && error.status === 422 ? null : <ErrorBox error={error} />}
      <details><summary>{t('keys.title')}</summary><p class="muted">{t('keys.legend')}</p></details>
    </section>
  );
}

const typing = (el: EventTarget | null) => {
  const e = el as HTMLElement | null;
  if (!e) return false;
  if (e.isContentEditable || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT') return true;
  return e.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((e as HTMLInputElement).type);
};

/** j/k move between controls, x selects, 1–4 set met / partial / not met / N/A; never while typing or with a dialog open. */
export function useShortcuts(ids: string[], on: { result: (value: string, current?: string) => void; toggle: (id: string) => void }) {
  const current = useRef<string>();
  // the listener reads the latest render's ids and callbacks through refs set during render: effects run after
  // paint, so a listener re-registered per render could act on a stale selection for a key pressed right after a click
  const latest = useRef({ ids, on });
  latest.current = { ids, on };
  useEffect(() => {
    const focusIn = (e: FocusEvent) => { const c = (e.target as HTMLElement).closest?.('article.control'); if (c) current.current = c.id.replace(/^control-/, ''); };
    const key = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]')) return;
      const { ids, on } = latest.current;
      const i = current.current ? ids.indexOf(current.current) : -1;
      if (e.key === 'j' || e.key === 'k') {
        const next = ids[Math.max(0, Math.min(ids.length - 1, e.key === 'j' ? i + 1 : i < 0 ? 0 : i - 1))];
        if (!next) return;
        current.current = next;
        document.getElementById(`control-${next}`)?.focus();
      } else if (e.key === 'x' && current.current) on.toggle(current.current);
      else if (['1', '2', '3', '4'].includes(e.key)) on.result(RESULTS[Number(e.key) - 1], current.current);
      else return;
      e.preventDefault();
    };
    addEventListener('focusin', focusIn);
    addEventListener('keydown', key);
    return () => { removeEventListener('focusin', focusIn); removeEventListener('keydown', key); };
  }, []);
}

/** Asks before submitting: what is submitted (counts) and that it goes to approval; cancel changes nothing. */
export function SubmitDialog({ open, counts, blocked, onConfirm, onCancel }: { open: boolean; counts: Record<string, number>; blocked: boolean; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => { const d = ref.current; if (!d) return; if (open && !d.open) d.showModal(); if (!open && d.open) d.close(); }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="submit-title" onClose={onCancel}>
      <h2 id="submit-title">{t('submit.title')}</h2>
      <p>{t('submit.counts', counts)}</p>
      <p>{t('submit.explain')}</p>
      {blocked && <p class="error">{t('submit.blocked')}</p>}
      <div class="actions">
        <button type="button" disabled={blocked} onClick={onConfirm}>{t('submit.confirm')}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t('submit.cancel')}</button>
      </div>
    </dialog>
  );
}
