import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { fmtPct, lang, t, useLang } from '../i18n';
import { hasRole, useMe } from '../session';
import { Badge, ErrorBox, Loaded, useLoad } from '../ui';

const RESULTS = ['met', 'partial', 'not_met', 'not_applicable'] as const;
const EDITABLE = ['draft', 'in_progress', 'returned'];
type Result = { controlId: string; result?: string | null; note?: string; evidence: any[]; version: number };
type Control = { id: string; group: 'management' | 'technical'; ref?: string; title: Record<string, string>; requirement: Record<string, string>; severity: string; evidence?: Record<string, string>[] };

/**
 * One control: result (radio group), note, evidence. A result is saved as soon as it is chosen,
 * a note when the field is left (or after a pause in typing); 409 means someone saved first.
 */
function ControlCard({ assessmentId, control, result, editable, onSaved }: { assessmentId: string; control: Control; result: Result; editable: boolean; onSaved: (r: Result) => void }) {
  const [note, setNote] = useState(result.note ?? '');
  // the user's choice shows at once; it is kept when the API refuses it (e.g. a note is needed first)
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>();
  const timer = useRef<number>();
  const l = lang();
  const save = async (patch: { result?: string; note?: string }) => {
    if (patch.result) setChoice(patch.result);
    const value = patch.result ?? choice ?? result.result;
    if (!value) return; // nothing chosen yet: the note waits for a result
    setState('saving');
    setError(undefined);
    try {
      const saved = await api.put<Result>(`/assessments/${assessmentId}/results/${encodeURIComponent(control.id)}`, {
        result: value, note: patch.note ?? note, version: result.version,
      });
      onSaved({ ...result, ...saved });
      setChoice(undefined);
      setState('saved');
    } catch (err) {
      setError(err);
      setState('idle');
    }
  };
  const onNote = (v: string) => {
    setNote(v);
    if (timer.current) clearTimeout(timer.current);
    timer.current = window.setTimeout(() => { void save({ note: v }); }, 1200);
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
    <article class="control" id={`control-${control.id}`} aria-labelledby={`${name}-title`}>
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

export function AssessmentPage({ id }: { id: string }) {
  useLang();
  const me = useMe();
  const state = useLoad(() => api.get(`/assessments/${id}`), [id]);
  const [results, setResults] = useState<Result[]>([]);
  const [submitError, setSubmitError] = useState<unknown>();
  const [submitted, setSubmitted] = useState(false);
  const [group, setGroup] = useState<'management' | 'technical'>('management');
  useEffect(() => { if (state.data) setResults(state.data.results); }, [state.data]);

  return (
    <Loaded state={state}>{(a: any) => {
      const controls: Control[] = a.controls ?? [];
      const byId = new Map(results.map((r) => [r.controlId, r]));
      const editable = EDITABLE.includes(a.status) && hasRole(me, 'inspector') && !submitted;
      const answered = results.filter((r) => r.result).length;
      const unanswered = controls.filter((c) => !byId.get(c.id)?.result);
      const missingNotes = controls.filter((c) => { const r = byId.get(c.id); return r?.result && r.result !== 'met' && !(r.note ?? '').trim(); });
      const submit = async () => {
        setSubmitError(undefined);
        try {
          await api.post(`/assessments/${id}/submit`, {});
          setSubmitted(true);
          state.reload();
        } catch (err) { setSubmitError(err); }
      };
      const raw = submitError instanceof ApiError ? (submitError.raw as { unanswered?: string[] } | undefined) : undefined;
      const pct = controls.length ? Math.round((100 * answered) / controls.length) : 0;
      return (
        <>
          <p><a href={`#/systems/${a.system}`}>← {a.systemCode}</a></p>
          <h1>{t('assess.title', { code: a.systemCode })}</h1>
          <p>{a.systemName} · {t('level.n', { n: a.level })} · {a.checklist?.framework} {a.checklist?.version} · <Badge kind="assessment" value={submitted ? 'submitted' : a.status} /></p>
          <div class="card">
            <p role="status"><strong>{t('assess.progress', { answered, total: controls.length })}</strong>{a.summary ? ` · ${t('system.score')} ${fmtPct(a.summary.score * 100)}` : ''}</p>
            <div class="progress" role="progressbar" aria-label={t('assess.progressLabel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}><span style={`width:${pct}%`} /></div>
            {editable && (
              <>
                {(unanswered.length > 0 || missingNotes.length > 0) ? (
                  <div>
                    <h2>{t('assess.blockers')}</h2>
                    <ul>
                      {unanswered.length > 0 && <li>{t('assess.unanswered', { n: unanswered.length })}: {unanswered.slice(0, 12).map((c, i) => <span key={c.id}>{i ? ', ' : ''}<a href={`#/assessments/${id}`} onClick={(e) => { e.preventDefault(); setGroup(c.group); setTimeout(() => document.getElementById(`control-${c.id}`)?.scrollIntoView(), 0); }}>{c.id}</a></span>)}{unanswered.length > 12 ? ' …' : ''}</li>}
                      {missingNotes.length > 0 && <li>{t('assess.missingNotes', { n: missingNotes.length })}: {missingNotes.map((c) => c.id).join(', ')}</li>}
                    </ul>
                  </div>
                ) : <p class="ok">{t('assess.ready')}</p>}
                <button type="button" onClick={submit}>{t('assess.submit')}</button>
                <ErrorBox error={submitError} />
                {raw?.unanswered && <p>{t('assess.unanswered', { n: raw.unanswered.length })}: {raw.unanswered.join(', ')}</p>}
              </>
            )}
            {a.status !== 'draft' && <p><a href={`/api/v1/assessments/${id}/report.pdf`} download>{t('system.reportPdf')}</a></p>}
          </div>
          <div class="actions" role="group" aria-label={t('assess.groups')}>
            {(['management', 'technical'] as const).map((g) => {
              const n = controls.filter((c) => c.group === g);
              return <button key={g} type="button" class={group === g ? '' : 'secondary'} aria-pressed={group === g} onClick={() => setGroup(g)}>
                {t(`assess.group.${g}`)} ({n.filter((c) => byId.get(c.id)?.result).length}/{n.length})
              </button>;
            })}
          </div>
          <h2>{t(`assess.group.${group}`)}</h2>
          {controls.filter((c) => c.group === group).map((c) => {
            const r = byId.get(c.id) ?? { controlId: c.id, evidence: [], version: 0 };
            return <ControlCard key={c.id} assessmentId={id} control={c} result={r} editable={editable}
              onSaved={(n) => setResults((rs) => rs.map((x) => (x.controlId === n.controlId ? { ...x, ...n } : x)))} />;
          })}
        </>
      );
    }}</Loaded>
  );
}
