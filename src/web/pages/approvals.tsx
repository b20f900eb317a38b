import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { allPages, api, ApiError, fieldError, type Page, qs } from '../api';
import { Badge, DownloadLink, ErrorBox, Field, Loaded, Pager, useLoad } from '../ui';
import { fmtDate, fmtPct, fmtTime, t, titleOf, useLang } from '../i18n';


/*
 * What waits for an admin: submitted assessments (approve / return), risk acceptances requested
 * but not approved (approve = the risk_accepted transition), extension requests not decided —
 * the last two from GET /findings?pending=risk_acceptance|extension.
 */

interface Assessment {
  id: string; system: string; systemCode: string; systemName: string; level: number; status: string; version: number;
  submittedAt?: string; checklist?: { framework: string; version: string };
  summary?: { total: number; met: number; partial: number; not_met: number; not_applicable: number; score: number; metAllCriteria: boolean };
}
interface Finding {
  id: string; system: string; systemCode: string; title: string; titleVi?: string; severity: string; status: string; dueAt: string; version: number;
  allowedTransitions: string[];
  riskAcceptance?: { requestedBy: string; requestedAt: string; justification: string; compensatingControls: string; expiresAt: string; approvedAt?: string };
  extension?: { requestedBy: string; requestedAt: string; reason: string; dueAt: string; decision?: string };
}
interface Pending { finding: Finding; requester: string }

async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

/** Findings with a request of this kind waiting (GET /findings?pending=…), each read in full for the request. */
async function pendingRequests(kind: 'risk_acceptance' | 'extension', pending: (f: Finding) => string | undefined): Promise<Pending[]> {
  const items = await allPages<{ id: string }>('/findings', { pending: kind });
  const found = await mapLimit(items.map((i) => i.id), 6, (id) => api.get<Finding>(`/findings/${id}`).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }));
  return found.flatMap((f) => {
    const by = f && pending(f);
    return f && by !== undefined ? [{ finding: f, requester: by }] : [];
  });
}

export function ApprovalsPage() {
  useLang();
  const [round, setRound] = useState(0); // "Reload": every section reads again (after a 409, say)
  return (
    <section class="page">
      <h1>{t('admin.appr.title')}</h1>
      <div class="toolbar"><button type="button" class="secondary" onClick={() => setRound((n) => n + 1)}>{t('action.reload')}</button></div>
      <AssessmentsWaiting round={round} />
      <RiskAcceptancesWaiting round={round} />
      <ExtensionsWaiting round={round} />
    </section>
  );
}

function AssessmentsWaiting({ round }: { round: number }) {
  const [page, setPage] = useState(1);
  const state = useLoad(() => api.get<Page<Assessment>>(`/assessments${qs({ status: 'submitted', page, limit: 20 })}`), [page, round]);
  const [done, setDone] = useState<string>();
  return (
    <section aria-labelledby="appr-assessments">
      <h2 id="appr-assessments">{t('admin.appr.assessments')}</h2>
      {done && <p class="notice" role="status">{done}</p>}
      <Loaded state={state}>
        {(data) => (
          <>
            {data.items.length === 0 ? <p class="muted">{t('admin.appr.none')}</p> : data.items.map((a) => (
              <AssessmentItem key={a.id} a={a} onDone={(msg) => { setDone(msg); state.reload(); }} />
            ))}
            {data.total > data.limit && <Pager page={data.page} limit={data.limit} total={data.total} onPage={setPage} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

function AssessmentItem({ a, onDone }: { a: Assessment; onDone: (msg: string) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const act = async (kind: 'approve' | 'return') => {
    setBusy(true); setError(undefined);
    try {
      if (kind === 'approve') await api.post(`/assessments/${a.id}/approve`, { version: a.version });
      else await api.post(`/assessments/${a.id}/return`, { reason, version: a.version });
      onDone(t(kind === 'approve' ? 'admin.appr.approved' : 'admin.appr.returned', { code: a.systemCode }));
    } catch (err) { setError(err); setBusy(false); }
  };
  const s = a.summary;
  return (
    <article class="card" aria-labelledby={`a-${a.id}`}>
      <h3 id={`a-${a.id}`}><a href={`#/systems/${a.system}`}>{a.systemCode}</a> — {a.systemName}</h3>
      <dl class="facts">
        <dt>{t('col.level')}</dt><dd>{t('level.n', { n: a.level })}</dd>
        {a.checklist && <><dt>{t('admin.appr.checklist')}</dt><dd>{a.checklist.framework} {a.checklist.version}</dd></>}
        <dt>{t('admin.appr.submittedAt')}</dt><dd>{fmtTime(a.submittedAt)}</dd>
        {s && <><dt>{t('admin.appr.results')}</dt><dd>{t('admin.appr.resultCounts', { met: s.met, partial: s.partial, notMet: s.not_met, na: s.not_applicable, total: s.total })}</dd></>}
        {s && <><dt>{t('admin.appr.score')}</dt><dd>{fmtPct(s.score * 100)} — {s.metAllCriteria ? t('admin.appr.metAll') : t('admin.appr.notMetAll')}</dd></>}
      </dl>
      <div class="actions">
        <a href={`#/assessments/${a.id}`}>{t('admin.appr.openAssessment')}</a>
        <DownloadLink href={`/assessments/${a.id}/report.pdf`}>{t('admin.appr.reportPdf')}</DownloadLink>
      </div>
      <form class="form" onSubmit={(e) => { e.preventDefault(); act('return'); }}>
        <Field label={t('admin.appr.returnReason')} error={fieldError(error, 'reason')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" disabled={busy} onClick={() => act('approve')}>{t('admin.appr.approve')}</button>
          <button type="submit" class="secondary" disabled={busy}>{t('admin.appr.return')}</button>
        </div>
      </form>
    </article>
  );
}

function FindingFacts({ f, requester, children }: { f: Finding; requester: string; children?: ComponentChildren }) {
  return (
    <dl class="facts">
      <dt>{t('col.system')}</dt><dd><a href={`#/systems/${f.system}`}>{f.systemCode}</a></dd>
      <dt>{t('col.severity')}</dt><dd><Badge kind="severity" value={f.severity} /></dd>
      <dt>{t('col.status')}</dt><dd><Badge kind="finding" value={f.status} /></dd>
      <dt>{t('col.due')}</dt><dd>{fmtDate(f.dueAt)}</dd>
      <dt>{t('admin.appr.requestedBy')}</dt><dd>{requester}</dd>
      {children}
    </dl>
  );
}

function RiskAcceptancesWaiting({ round }: { round: number }) {
  const state = useLoad(() => pendingRequests('risk_acceptance',
    (f) => (f.riskAcceptance && !f.riskAcceptance.approvedAt && f.allowedTransitions.includes('risk_accepted') ? f.riskAcceptance.requestedBy : undefined)), [round]);
  const [done, setDone] = useState<string>();
  return (
    <section aria-labelledby="appr-risk">
      <h2 id="appr-risk">{t('admin.appr.risk')}</h2>
      <p class="muted">{t('admin.appr.riskHelp')}</p>
      {done && <p class="notice" role="status">{done}</p>}
      <Loaded state={state}>
        {(items) => (items.length === 0 ? <p class="muted">{t('admin.appr.none')}</p> : <>{items.map((p) => (
          <RiskItem key={p.finding.id} p={p} onDone={(msg) => { setDone(msg); state.reload(); }} />
        ))}</>)}
      </Loaded>
    </section>
  );
}

function RiskItem({ p, onDone }: { p: Pending; onDone: (msg: string) => void }) {
  const f = p.finding;
  const r = f.riskAcceptance!;
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const approve = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try {
      await api.post(`/findings/${f.id}/transitions`, { to: 'risk_accepted', ...(comment.trim() && { comment }), version: f.version });
      onDone(t('admin.appr.riskApproved', { title: titleOf(f) }));
    } catch (err) { setError(err); setBusy(false); }
  };
  return (
    <article class="card" aria-labelledby={`r-${f.id}`}>
      <h3 id={`r-${f.id}`}><a href={`#/findings/${f.id}`}>{titleOf(f)}</a></h3>
      <FindingFacts f={f} requester={p.requester}>
        <dt>{t('admin.appr.requestedAt')}</dt><dd>{fmtTime(r.requestedAt)}</dd>
        <dt>{t('admin.appr.justification')}</dt><dd>{r.justification}</dd>
        <dt>{t('admin.appr.compensating')}</dt><dd>{r.compensatingControls}</dd>
        <dt>{t('admin.appr.acceptUntil')}</dt><dd>{fmtDate(r.expiresAt)}</dd>
      </FindingFacts>
      <form class="form" onSubmit={approve}>
        <Field label={t('admin.appr.comment')} error={fieldError(error, 'comment')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={error} />
        <div class="actions"><button type="submit" disabled={busy}>{t('admin.appr.approveRisk')}</button></div>
      </form>
    </article>
  );
}

function ExtensionsWaiting({ round }: { round: number }) {
  const state = useLoad(() => pendingRequests('extension',
    (f) => (f.extension && !f.extension.decision ? f.extension.requestedBy : undefined)), [round]);
  const [done, setDone] = useState<string>();
  return (
    <section aria-labelledby="appr-ext">
      <h2 id="appr-ext">{t('admin.appr.extensions')}</h2>
      {done && <p class="notice" role="status">{done}</p>}
      <Loaded state={state}>
        {(items) => (items.length === 0 ? <p class="muted">{t('admin.appr.none')}</p> : <>{items.map((p) => (
          <ExtensionItem key={p.finding.id} p={p} onDone={(msg) => { setDone(msg); state.reload(); }} />
        ))}</>)}
      </Loaded>
    </section>
  );
}

function ExtensionItem({ p, onDone }: { p: Pending; onDone: (msg: string) => void }) {
  const f = p.finding;
  const x = f.extension!;
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const decide = async (approve: boolean) => {
    setBusy(true); setError(undefined);
    try {
      await api.post(`/findings/${f.id}/extension/decision`, { approve, ...(comment.trim() && { comment }) });
      onDone(t(approve ? 'admin.appr.extApproved' : 'admin.appr.extRejected', { title: titleOf(f) }));
    } catch (err) { setError(err); setBusy(false); }
  };
  return (
    <article class="card" aria-labelledby={`x-${f.id}`}>
      <h3 id={`x-${f.id}`}><a href={`#/findings/${f.id}`}>{titleOf(f)}</a></h3>
      <FindingFacts f={f} requester={p.requester}>
        <dt>{t('admin.appr.requestedAt')}</dt><dd>{fmtTime(x.requestedAt)}</dd>
        <dt>{t('admin.appr.newDue')}</dt><dd>{fmtDate(x.dueAt)}</dd>
        <dt>{t('admin.appr.reason')}</dt><dd>{x.reason}</dd>
      </FindingFacts>
      <form class="form" onSubmit={(e) => { e.preventDefault(); decide(true); }}>
        <Field label={t('admin.appr.comment')} error={fieldError(error, 'comment')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>{t('admin.appr.approveExt')}</button>
          <button type="button" class="danger" disabled={busy} onClick={() => decide(false)}>{t('admin.appr.rejectExt')}</button>
        </div>
      </form>
    </article>
  );
}
