import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { fmtDate, fmtPct, fmtTime, t, titleOf, useLang } from '../i18n';
import { navigate } from '../router';
import { hasRole, useMe } from '../session';
import { useOrganizations } from '../orgs';
import { Badge, DownloadLink, ErrorBox, Loaded, useLoad } from '../ui';
import { EditSystem } from './system-edit';

/** A scan run while it runs: progress from GET /scans/:id every second until it ends. */
function ScanWatch({ id, onDone }: { id: string; onDone: () => void }) {
  const [run, setRun] = useState<any>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const r = await api.get(`/scans/${id}`);
        if (!live) return;
        setRun(r);
        if (r.status === 'queued' || r.status === 'running') timer = window.setTimeout(tick, 1000);
        else onDone();
      } catch (err) { if (live) setError(err); }
    };
    void tick();
    return () => { live = false; if (timer) clearTimeout(timer); };
  }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (!run) return null;
  const pct = run.progress?.total ? Math.round((100 * run.progress.done) / run.progress.total) : 0;
  return (
    <div class="card" aria-live="polite">
      <p><strong>{t('system.scanRun')}</strong> <Badge kind="scan" value={run.status} /> {t('system.scanProgress', { done: run.progress?.done ?? 0, total: run.progress?.total ?? 0 })}</p>
      <div class="progress" role="progressbar" aria-label={t('system.scanRun')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}><span style={`width:${pct}%`} /></div>
      {run.refused?.length > 0 && <p class="muted">{t('system.scanRefused', { n: run.refused.length })}: {run.refused.map((r: any) => `${r.endpoint ?? r.target ?? ''} (${r.reason ?? ''})`).join('; ')}</p>}
      {run.summary && <p>{t('system.scanSummary', { passed: run.summary.passed ?? 0, failed: run.summary.failed ?? 0, errors: run.summary.errors ?? 0 })}{run.summary.grade ? ` — ${t('system.grade')} ${run.summary.grade}` : ''}</p>}
    </div>
  );
}

export function SystemPage({ id }: { id: string }) {
  useLang();
  const me = useMe();
  const orgs = useOrganizations();
  const system = useLoad(() => api.get(`/systems/${id}`), [id]);
  const assessments = useLoad(() => api.get(`/assessments?system=${id}&limit=20`), [id]);
  const findings = useLoad(() => api.get(`/findings?system=${id}&status=open_any&limit=50`), [id]);
  const scans = useLoad(() => api.get(`/scans?system=${id}&limit=5`), [id]);
  const [scanId, setScanId] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();
  const inspector = hasRole(me, 'inspector');

  const startAssessment = async () => {
    setActionError(undefined);
    try {
      const a = await api.post('/assessments', { system: id });
      navigate(`/assessments/${a.id}`);
    } catch (err) { setActionError(err); }
  };
  const startScan = async () => {
    setActionError(undefined);
    try {
      const r = await api.post(`/systems/${id}/scans`, {});
      setScanId(r.id);
    } catch (err) { setActionError(err); }
  };

  return (
    <Loaded state={system}>{(s: any) => {
      const c = s.compliance ?? {};
      const open = c.openFindings ?? {};
      return (
        <>
          <p><a href="#/systems">← {t('nav.systems')}</a></p>
          <h1>{s.code} — {s.name}</h1>
          <ErrorBox error={actionError} />
          <div class="cards">
            <div class="card"><span class="muted">{t('portfolio.compliance')}</span><span class="figure"><Badge kind="compliance" value={c.state ?? 'not_assessed'} /></span></div>
            <div class="card"><span class="muted">{t('system.score')}</span><span class="figure">{c.score === undefined ? '—' : fmtPct(c.score * 100)}</span></div>
            <div class="card"><span class="muted">{t('portfolio.openFindings')}</span><span class="figure">{(open.critical ?? 0) + (open.high ?? 0) + (open.medium ?? 0) + (open.low ?? 0)}</span>
              <small>{['critical', 'high', 'medium', 'low'].map((k) => `${t(`severity.${k}`)} ${open[k] ?? 0}`).join(' · ')}</small></div>
            <div class="card"><span class="muted">{t('system.grade')}</span><span class="figure">{s.lastScan?.grade ?? '—'}</span><small>{fmtTime(s.lastScan?.at)}</small></div>
            <div class="card"><span class="muted">{t('system.certificate')}</span><span class="figure">{s.certificate ? <Badge kind="cert" value={s.certificate.status} /> : '—'}</span>
              <small>{s.certificate ? `${s.certificate.number} · ${t('system.expires')} ${fmtDate(s.certificate.expiresAt)}` : ''}</small></div>
          </div>
          <div class="actions">
            {inspector && !s.activeAssessment && s.status === 'active' && <button type="button" onClick={startAssessment}>{t('system.startAssessment')}</button>}
            {s.activeAssessment && <a class="button" href={`#/assessments/${s.activeAssessment}`}>{t('system.openAssessment')}</a>}
            {inspector && <button type="button" class="secondary" onClick={startScan} disabled={!!scanId && !!s.activeScan}>{t('system.startScan')}</button>}
            {s.certificate && hasRole(me, 'admin', 'owner') && <DownloadLink href={`/certificates/${s.certificate.id}/pdf`}>{t('system.certificatePdf')}</DownloadLink>}
            {hasRole(me, 'admin') && <EditSystem s={s} onSaved={system.reload} />}
          </div>
          {scanId && <ScanWatch id={scanId} onDone={() => { system.reload(); scans.reload(); findings.reload(); }} />}
          <section class="card">
            <h2>{t('system.details')}</h2>
            <dl class="facts">
              <dt>{t('col.organization')}</dt><dd>{orgs.get(s.organization) ? `${orgs.get(s.organization)!.code} — ${orgs.get(s.organization)!.name}` : '…'}</dd>
              <dt>{t('col.level')}</dt><dd>{t('level.n', { n: s.level })}</dd>
              <dt>{t('system.endpoints')}</dt><dd>{(s.endpoints ?? []).join(', ') || '—'}</dd>
              <dt>{t('system.lastAssessed')}</dt><dd>{fmtDate(c.lastAssessedAt)}</dd>
              <dt>{t('portfolio.nextDue')}</dt><dd>{fmtDate(c.nextAssessmentDue)}{c.nextAssessmentDue && new Date(c.nextAssessmentDue) < new Date() ? ` — ${t('overdue')}` : ''}</dd>
              <dt>{t('system.metAll')}</dt><dd>{c.assessmentMetAllCriteria ? t('yes') : t('no')}</dd>
            </dl>
          </section>
          <section>
            <h2>{t('system.assessments')}</h2>
            <Loaded state={assessments}>{(d: any) => d.items.length === 0 ? <p>{t('empty')}</p> : (
              <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{t('col.status')}</th><th scope="col">{t('system.checklist')}</th><th scope="col">{t('system.score')}</th><th scope="col">{t('system.metAll')}</th><th scope="col">{t('col.date')}</th><th scope="col">{t('col.actions')}</th></tr></thead>
                <tbody>{d.items.map((a: any) => (
                  <tr key={a.id}>
                    <td><Badge kind="assessment" value={a.status} /></td>
                    <td>{a.checklist?.framework} {a.checklist?.version}</td>
                    <td>{a.summary ? fmtPct(a.summary.score * 100) : '—'}</td>
                    <td>{a.summary ? (a.summary.metAllCriteria ? t('yes') : t('no')) : '—'}</td>
                    <td>{fmtDate(a.approvedAt ?? a.submittedAt ?? a.createdAt)}</td>
                    <td class="actions"><a href={`#/assessments/${a.id}`}>{t('action.open')}</a> <a href={`/api/v1/assessments/${a.id}/report.pdf`} download>{t('system.reportPdf')}</a></td>
                  </tr>
                ))}</tbody>
              </table></div>
            )}</Loaded>
          </section>
          <section>
            <h2>{t('system.openFindings')}</h2>
            <Loaded state={findings}>{(d: any) => d.items.length === 0 ? <p>{t('empty')}</p> : (
              <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{t('col.title')}</th><th scope="col">{t('col.severity')}</th><th scope="col">{t('col.status')}</th><th scope="col">{t('col.due')}</th></tr></thead>
                <tbody>{d.items.map((f: any) => {
                  const late = new Date(f.dueAt) < new Date();
                  return (
                    <tr key={f.id} class={late ? 'overdue' : ''}>
                      <td><a href={`#/findings/${f.id}`}>{titleOf(f)}</a></td>
                      <td><Badge kind="severity" value={f.severity} /></td>
                      <td><Badge kind="finding" value={f.status} /></td>
                      <td>{fmtDate(f.dueAt)}{late ? ` — ${t('overdue')}` : ''}</td>
                    </tr>
                  );
                })}</tbody>
              </table></div>
            )}</Loaded>
          </section>
          <section>
            <h2>{t('system.scans')}</h2>
            <Loaded state={scans}>{(d: any) => d.items.length === 0 ? <p>{t('empty')}</p> : (
              <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{t('col.date')}</th><th scope="col">{t('col.status')}</th><th scope="col">{t('system.grade')}</th><th scope="col">{t('system.failedChecks')}</th></tr></thead>
                <tbody>{d.items.map((r: any) => (
                  <tr key={r.id}><td>{fmtTime(r.createdAt)}</td><td><Badge kind="scan" value={r.status} /></td><td>{r.summary?.grade ?? '—'}</td><td>{r.summary?.failed ?? 0}</td></tr>
                ))}</tbody>
              </table></div>
            )}</Loaded>
          </section>
        </>
      );
    }}</Loaded>
  );
}
