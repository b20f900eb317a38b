import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { fmtPct, t, useLang } from '../i18n';
import { hasRole, useMe } from '../session';
import { Badge, ErrorBox, Loaded, useLoad } from '../ui';
import { ControlCard, type Control } from './assessment-control';
import { applyResult, BulkBar, RESULTS, SaveStatus, SubmitDialog, useSaveTracker, useShortcuts, type Result } from './assessment-tools';

const EDITABLE = ['draft', 'in_progress', 'returned'];

export function AssessmentPage({ id }: { id: string }) {
  useLang();
  const me = useMe();
  const state = useLoad(() => api.get(`/assessments/${id}`), [id]);
  const [results, setResults] = useState<Result[]>([]);
  const [submitError, setSubmitError] = useState<unknown>();
  const [submitted, setSubmitted] = useState(false);
  const [group, setGroup] = useState<'management' | 'technical'>('management');
  useEffect(() => { if (state.data) setResults(state.data.results); }, [state.data]);
  const saves = useSaveTracker();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<string>();
  const [bulk, setBulk] = useState<{ message?: string; error?: unknown }>({});
  const [confirming, setConfirming] = useState(false);
  const controlsAll: Control[] = state.data?.controls ?? [];
  const visible = controlsAll.filter((c) => c.group === group).map((c) => c.id);
  const canEdit = !!state.data && EDITABLE.includes(state.data.status) && hasRole(me, 'inspector') && !submitted;
  const merge = (saved: Result[]) => setResults((rs) => rs.map((x) => { const n = saved.find((y) => y.controlId === x.controlId); return n ? { ...x, ...n } : x; }));
  const apply = async (value: string, note: string, ids: string[]) => {
    const targets = results.filter((r) => ids.includes(r.controlId));
    if (!targets.length) return;
    const lacking = value === 'met' || note.trim() ? [] : targets.filter((r) => !(r.note ?? '').trim()).map((r) => r.controlId);
    if (lacking.length) { setBulk({ message: t('bulk.needNote', { ids: lacking.join(', ') }) }); return; }
    setBulk({});
    try {
      merge(await saves.track(() => applyResult(id, targets, value, note)));
      setBulk({ message: t('bulk.done', { result: t(`result.${value}`), n: targets.length }) });
    } catch (err) {
      const named = err instanceof ApiError && err.status === 422 ? err.details.map((d) => (d as { controlId?: string }).controlId).filter(Boolean) : [];
      setBulk({ error: err, message: named.length ? t('bulk.needNote', { ids: named.join(', ') }) : undefined });
    }
  };
  const toggle = (cid: string, shift = false) => {
    setSelected((cur) => {
      const next = new Set(cur);
      const range = shift && anchor ? visible.slice(Math.min(visible.indexOf(anchor), visible.indexOf(cid)), Math.max(visible.indexOf(anchor), visible.indexOf(cid)) + 1) : [cid];
      const on = !cur.has(cid);
      for (const x of range) { if (on) next.add(x); else next.delete(x); }
      return next;
    });
    setAnchor(cid);
  };
  useShortcuts(canEdit ? visible : [], {
    result: (value, current) => { const ids = selected.size ? [...selected] : current ? [current] : []; void apply(value, '', ids); },
    toggle: (cid) => toggle(cid),
  });

  return (
    <Loaded state={state}>{(a: any) => {
      const controls: Control[] = a.controls ?? [];
      const byId = new Map(results.map((r) => [r.controlId, r]));
      const editable = EDITABLE.includes(a.status) && hasRole(me, 'inspector') && !submitted;
      const answered = results.filter((r) => r.result).length;
      const unanswered = controls.filter((c) => !byId.get(c.id)?.result);
      const missingNotes = controls.filter((c) => { const r = byId.get(c.id); return r?.result && r.result !== 'met' && !(r.note ?? '').trim(); });
      const counts = { ...Object.fromEntries(RESULTS.map((r) => [r, results.filter((x) => x.result === r).length])), unanswered: unanswered.length };
      const submit = async () => {
        setConfirming(false);
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
                <SaveStatus s={saves} />
                <button type="button" onClick={() => setConfirming(true)}>{t('assess.submit')}</button>
                <SubmitDialog open={confirming} counts={counts} blocked={unanswered.length > 0 || missingNotes.length > 0 || saves.unsaved} onConfirm={submit} onCancel={() => setConfirming(false)} />
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
          {editable && <BulkBar selected={selected.size} onSelectAll={() => setSelected(new Set(visible))} onClear={() => setSelected(new Set())}
            onApply={(value, note) => { void apply(value, note, [...selected]); }} message={bulk.message} error={bulk.error} />}
          <h2>{t(`assess.group.${group}`)}</h2>
          {controls.filter((c) => c.group === group).map((c) => {
            const r = byId.get(c.id) ?? { controlId: c.id, evidence: [], version: 0 };
            return <ControlCard key={c.id} assessmentId={id} control={c} result={r} editable={editable} selected={selected.has(c.id)} onSelect={toggle} track={saves.track} markDirty={saves.markDirty}
              onSaved={(n) => merge([n])} />;
          })}
        </>
      );
    }}</Loaded>
  );
}
