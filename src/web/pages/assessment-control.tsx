import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { lang, t } from '../i18n';
import { Badge, ErrorBox } from '../ui';
import { RESULTS, type Result, type SaveTracker } from './assessment-tools';

export type Control = { id: string; group: 'management' | 'technical'; domain?: string; ref?: string; title: Record<string, string>; requirement: Record<string, string>; severity: string; evidence?: Record<string, string>[] };

/**
 * One control: result (radio group), note, evidence. A result is saved as soon as it is chosen,
 * a note when the field is left (or after a pause in typing); 409 means someone saved first.
 */
export function ControlCard({ assessmentId, control, result, editable, onSaved, selected, onSelect, track, markDirty }: { assessmentId: string; control: Control; result: Result; editable: boolean; onSaved: (r: Result) => void; selected: boolean; onSelect: (id: string, shift: boolean) => void; track: SaveTracker['track']; markDirty: SaveTracker['markDirty'] }) {
  const [note, setNote] = useState(result.note ?? '');
  // the user's choice shows at once; it is kept when the API refuses it (e.g. a note is needed first)
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>();
  const timer = useRef<number>();
  const l = lang();
  // a bulk action changed the result: show its note unless the user is typing one
  useEffect(() => { if (!timer.current) setNote(result.note ?? ''); }, [result.version]);
  // leaving the page (or the group) while a note waits for its pause: it is saved now, not lost
  const latest = useRef<typeof save>();
  useEffect(() => () => { if (timer.current) { clearTimeout(timer.current); timer.current = undefined; void latest.current?.({}); } }, []);
  const save = async (patch: { result?: string; note?: string }) => {
    markDirty(control.id, false);
    if (patch.result) setChoice(patch.result);
    const value = patch.result ?? choice ?? result.result;
    if (!value) return; // nothing chosen yet: the note waits for a result
    setState('saving');
    setError(undefined);
    try {
      const saved = await track(() => api.put<Result>(`/assessments/${assessmentId}/results/${encodeURIComponent(control.id)}`, {
        result: value, note: patch.note ?? note, version: result.version,
      }));
      onSaved({ ...result, ...saved });
      setChoice(undefined);
      setState('saved');
    } catch (err) {
      setError(err);
      setState('idle');
    }
  };
  latest.current = save;
  const onNote = (v: string) => {
    setNote(v);
    if (timer.current) clearTimeout(timer.current);
    markDirty(control.id, true);
    timer.current = window.setTimeout(() => { timer.current = undefined; void save({ note: v }); }, 1200);
  };
  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setError(undefined);
    try {
      const item = await api.upload(`/assessments/${assessmentId}/results/${encodeURIComponent(control.id)}/evidence`, form);
      onSaved({ ...result, evidence: [...result.evidence, item] });
      input.value = '';
    } catch (err) { setError(err); }
  };
  const conflict = error instanceof ApiError && error.status === 409;
  const name = `r-${control.id}`;
  return (
    <article class={`control${selected ? ' selected' : ''}`} id={`control-${control.id}`} tabIndex={-1} aria-labelledby={`${name}-title`}>
      {editable && <label class="check"><input type="checkbox" checked={selected} onClick={(e) => onSelect(control.id, (e as MouseEvent).shiftKey)} /> {t('bulk.select', { id: control.id })}</label>}
      <h3 id={`${name}-title`}>{control.id} — {control.title[l] ?? control.title.vi} <Badge kind="severity" value={control.severity} /></h3>
      <p class="muted">{control.requirement[l] ?? control.requirement.vi}</p>
      <fieldset disabled={!editable}>
        <legend>{t('assess.result')}</legend>
        {RESULTS.map((r) => (
          <label key={r} class="check">
            <input type="radio" name={name} value={r} checked={(choice ?? result.result) === r} onChange={() => save({ result: r })} /> {t(`result.${r}`)}
          </label>
        ))}
      </fieldset>
      <div class={`field${error instanceof ApiError && error.field('note') ? ' invalid' : ''}`}>
        <label for={`${name}-note`}>{t('assess.note')}{(choice ?? result.result) && (choice ?? result.result) !== 'met' ? ` (${t('assess.noteRequired')})` : ''}</label>
        <textarea id={`${name}-note`} value={note} disabled={!editable} aria-describedby={error ? `${name}-err` : undefined}
          onInput={(e) => onNote((e.target as HTMLTextAreaElement).value)} onBlur={() => { if (timer.current) { clearTimeout(timer.current); timer.current = undefined; void save({}); } }} />
        {error instanceof ApiError && error.field('note') && <small id={`${name}-err`} class="field-error">{error.field('note')}</small>}
      </div>
      {result.evidence.length > 0 && (
        <ul>{result.evidence.map((e: any, i: number) => (
          <li key={i}>{e.kind === 'file' ? <a href={`/api/v1/assessments/${assessmentId}/evidence/${e.fileId}`}>{e.name ?? e.filename ?? t('assess.file')}</a> : <a href={e.url} rel="noopener noreferrer" target="_blank">{e.title || e.url}</a>}</li>
        ))}</ul>
      )}
      {editable && (
        <div class="field">
          <label for={`${name}-file`}>{t('assess.upload')}</label>
          <input id={`${name}-file`} type="file" onChange={(e) => upload(e.target as HTMLInputElement)} />
        </div>
      )}
      <div aria-live="polite">
        {state === 'saving' && <small class="muted">{t('assess.saving')}</small>}
        {state === 'saved' && <small class="saved">{t('assess.saved')}</small>}
      </div>
      {conflict ? <p class="error" role="alert">{t('assess.conflict')}</p> : <ErrorBox error={error && !(error instanceof ApiError && error.field('note')) ? error : undefined} />}
    </article>
  );
}

