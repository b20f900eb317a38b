import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, fieldError, messageOf } from '../api';
import { Badge, Field, Loaded, useLoad } from '../ui';
import { descriptionOf, fmtDate, fmtTime, t, titleOf, useLang } from '../i18n';
import { hasRole, useMe, type Me } from '../session';
import { SEVERITY_VALUES } from './findings';

/*
 * One finding: its details, history, and the actions the API offers on it. The console decides
 * nothing: the status buttons are the API's `allowedTransitions`, and whatever the API refuses
 * (role, state, a missing comment or evidence, a stale version) is shown as it answers, with
 * validation messages next to their fields. After every action the finding is read again.
 */

import { Finding, Ctl, useAction, ActionError, Who, EvidenceLinks, HistoryWords } from './finding-shared';
import { ExtensionSection, RiskSection } from './finding-requests';
export function FindingPage({ id }: { id: string }) {
  useLang();
  const me = useMe();
  const state = useLoad(() => api.get<Finding>(`/findings/${encodeURIComponent(id)}`), [id]);
  const [notice, setNotice] = useState('');
  useEffect(() => setNotice(''), [id]);
  const ctl: Ctl = { reload: state.reload, notify: setNotice };
  return (
    <div class="finding-page">
      <p><a href="#/findings">{t('finding.page.back')}</a></p>
      <Loaded state={state}>{(f) => <FindingView f={f} me={me} ctl={ctl} notice={notice} />}</Loaded>
    </div>
  );
}

function FindingView({ f, me, ctl, notice }: { f: Finding; me: Me; ctl: Ctl; notice: string }) {
  const pendingRisk = !!f.riskAcceptance && !f.riskAcceptance.approvedAt && f.allowedTransitions.includes('risk_accepted');
  const pendingExtension = !!f.extension && !f.extension.decision;
  // risk_accepted is the approval of a pending request: offered below, next to the request
  const moves = f.allowedTransitions.filter((s) => s !== 'risk_accepted');
  const history = [...f.history].reverse().sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());

  return (
    <>
      <h1>{titleOf(f)}</h1>
      <p class="actions">
        <Badge kind="finding" value={f.status} />
        <Badge kind="severity" value={f.severity} />
        {f.overdue && <strong class="bad">{t('overdue')}</strong>}
        {pendingExtension && <span class="pill">{t('findings.extensionPending')}</span>}
        {pendingRisk && <span class="pill">{t('finding.page.riskPending')}</span>}
      </p>
      <p role="status" class="saved">{notice}</p>

      <div class="grid">
        <section class="card" aria-labelledby="finding-details">
          <h2 id="finding-details">{t('finding.page.details')}</h2>
          <dl class="facts">
            <dt>{t('col.system')}</dt><dd><a href={`#/systems/${encodeURIComponent(f.system)}`}>{f.systemCode}</a> <span class="muted">({t('level.n', { n: f.level })})</span></dd>
            <dt>{t('findings.col.control')}</dt><dd>{f.control ?? '—'}</dd>
            <dt>{t('col.severity')}</dt><dd><Badge kind="severity" value={f.severity} /></dd>
            <dt>{t('col.status')}</dt><dd><Badge kind="finding" value={f.status} /></dd>
            <dt>{t('findings.col.source')}</dt>
            <dd>
              {t(`findings.source.${f.source.type}`)}
              {(f.source.check || f.source.target) && <span class="muted"> ({[f.source.check, f.source.target].filter(Boolean).join(' · ')})</span>}
            </dd>
            <dt>{t('col.due')}</dt><dd>{fmtDate(f.dueAt)}{f.overdue && <> <strong class="bad">{t('overdue')}</strong></>}</dd>
            <dt>{t('findings.col.assignee')}</dt><dd><Who id={f.assignee} me={me} people={f.people} /></dd>
            <dt>{t('finding.page.firstSeen')}</dt><dd>{fmtTime(f.firstSeenAt ?? f.createdAt)}</dd>
            <dt>{t('finding.page.lastSeen')}</dt><dd>{fmtTime(f.lastSeenAt)}</dd>
          </dl>
          {f.description && (
            <>
              <h3>{t('finding.page.description')}</h3>
              <p style={{ whiteSpace: 'pre-wrap' }}>{descriptionOf(f)}</p>
            </>
          )}
        </section>

        {moves.length > 0 && <TransitionForm f={f} moves={moves} ctl={ctl} />}
        <CommentForm f={f} ctl={ctl} />
        {hasRole(me, 'inspector') && <EditForm key={f.version} f={f} ctl={ctl} />}
      </div>

      <div class="grid">
        <RiskSection f={f} me={me} pending={pendingRisk} ctl={ctl} />
        <ExtensionSection f={f} me={me} pending={pendingExtension} ctl={ctl} />
      </div>

      <section aria-labelledby="finding-history">
        <h2 id="finding-history">{t('finding.page.history')}</h2>
        {history.length === 0 ? <p>{t('empty')}</p> : (
          <ol class="history">
            {history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <div>
                  <strong>{t(`finding.page.event.${h.action}`)}</strong>
                  {h.to && <> {h.from && <><Badge kind="finding" value={h.from} /> → </>}<Badge kind="finding" value={h.to} /></>}
                </div>
                <div class="muted"><small><time dateTime={h.at}>{fmtTime(h.at)}</time> · {t('finding.page.by')} <Who id={h.by} me={me} people={f.people} /></small></div>
                <HistoryWords h={h} me={me} people={f.people} />
                <EvidenceLinks items={h.evidence} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

interface Row { title: string; url: string }
const emptyRow = (): Row => ({ title: '', url: '' });

/** Status change: one note, evidence links, and a button per state the API allows next. */
function TransitionForm({ f, moves, ctl }: { f: Finding; moves: string[]; ctl: Ctl }) {
  const [comment, setComment] = useState('');
  const [rows, setRows] = useState<Row[]>([emptyRow()]);
  // index in the request → index of the row on screen (fully empty rows are not sent)
  const [sent, setSent] = useState<number[]>([]);
  const a = useAction(ctl);

  const move = (to: string) => {
    const kept = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.title.trim() || r.url.trim());
    setSent(kept.map(({ i }) => i));
    const evidence = kept.map(({ r }) => ({ url: r.url.trim(), ...(r.title.trim() && { title: r.title.trim() }) }));
    void a.run(
      () => api.post(`/findings/${f.id}/transitions`, { to, comment: comment.trim() || undefined, evidence: evidence.length ? evidence : undefined, version: f.version }),
      t('finding.page.done.move', { status: t(`finding.${to}`) }),
      () => { setComment(''); setRows([emptyRow()]); setSent([]); },
    );
  };
  const rowError = (i: number, part: 'url' | 'title') => {
    const k = sent.indexOf(i);
    return k < 0 ? undefined : fieldError(a.error, `evidence.${k}.${part}`);
  };
  const groupDetail = a.error instanceof ApiError ? a.error.details.find((d) => d.field === 'evidence') : undefined;
  const groupError = groupDetail && messageOf(groupDetail);

  return (
    <section class="card" aria-labelledby="finding-move">
      <h2 id="finding-move">{t('finding.page.move.heading')}</h2>
      <form class="form" noValidate onSubmit={(e) => e.preventDefault()}>
        <Field label={t('finding.page.move.comment')} error={fieldError(a.error, 'comment')} hint={t('finding.page.move.hint')}>
          {(id, d) => <textarea id={id} aria-describedby={d} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <fieldset aria-describedby={groupError ? 'finding-evidence-err' : undefined}>
          <legend>{t('finding.page.evidenceLegend')}</legend>
          {groupError && <p id="finding-evidence-err" class="field-error">{groupError}</p>}
          {rows.map((r, i) => (
            <div key={i} class="evidence-row">
              <Field label={t('finding.page.evidenceTitle', { n: i + 1 })} error={rowError(i, 'title')}>
                {(id, d) => <input id={id} aria-describedby={d} value={r.title}
                  onInput={(e) => { const v = e.currentTarget.value; setRows((rs) => rs.map((x, j) => (j === i ? { ...x, title: v } : x))); }} />}
              </Field>
              <Field label={t('finding.page.evidenceUrl', { n: i + 1 })} error={rowError(i, 'url')}>
                {(id, d) => <input id={id} aria-describedby={d} type="url" inputMode="url" placeholder="https://" value={r.url}
                  onInput={(e) => { const v = e.currentTarget.value; setRows((rs) => rs.map((x, j) => (j === i ? { ...x, url: v } : x))); }} />}
              </Field>
              {rows.length > 1 && (
                <button type="button" class="secondary" onClick={() => { setRows((rs) => rs.filter((_x, j) => j !== i)); setSent([]); }}>
                  {t('finding.page.removeEvidence', { n: i + 1 })}
                </button>
              )}
            </div>
          ))}
          <p><button type="button" class="secondary" onClick={() => setRows((rs) => [...rs, emptyRow()])}>{t('finding.page.addEvidence')}</button></p>
        </fieldset>
        <div class="actions">
          {moves.map((to) => (
            <button key={to} type="button" disabled={a.busy} onClick={() => move(to)}>{t(`finding.page.to.${to}`)}</button>
          ))}
        </div>
        <ActionError error={a.error} reload={ctl.reload} />
      </form>
    </section>
  );
}

function CommentForm({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [comment, setComment] = useState('');
  const a = useAction(ctl);
  return (
    <section class="card" aria-labelledby="finding-comment">
      <h2 id="finding-comment">{t('finding.page.comment.heading')}</h2>
      <form class="form" noValidate onSubmit={(e) => {
        e.preventDefault();
        void a.run(() => api.post(`/findings/${f.id}/comments`, { comment }), t('finding.page.done.comment'), () => setComment(''));
      }}>
        <Field label={t('finding.page.comment.label')} error={fieldError(a.error, 'comment')}>
          {(id, d) => <textarea id={id} aria-describedby={d} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <div class="actions"><button type="submit" disabled={a.busy}>{t('finding.page.comment.submit')}</button></div>
        <ActionError error={a.error} reload={ctl.reload} />
      </form>
    </section>
  );
}

/** Inspector: severity (the API recomputes the deadline) and assignee (a member of the system's organization, or nobody). */
function EditForm({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [severity, setSeverity] = useState(f.severity);
  const [assignee, setAssignee] = useState(f.assignee ?? '');
  const members = useLoad(() => api.get<{ items: { id: string; name: string; roles: string[] }[] }>(`/organizations/${f.organization}/members`), [f.organization]);
  const a = useAction(ctl);
  return (
    <section class="card" aria-labelledby="finding-edit">
      <h2 id="finding-edit">{t('finding.page.edit.heading')}</h2>
      <form class="form" noValidate onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { severity, version: f.version };
        const next = assignee.trim();
        if (next !== (f.assignee ?? '')) body.assignee = next || null;
        void a.run(() => api.patch(`/findings/${f.id}`, body), t('finding.page.done.edit'));
      }}>
        <Field label={t('col.severity')} error={fieldError(a.error, 'severity')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
              {SEVERITY_VALUES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('finding.page.edit.assignee')} error={fieldError(a.error, 'assignee')} hint={t('finding.page.edit.assigneeHint')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
              <option value="">{t('finding.page.unassigned')}</option>
              {f.assignee && !members.data?.items.some((m) => m.id === f.assignee) && <option value={f.assignee}>{f.people?.[f.assignee] ?? f.assignee}</option>}
              {(members.data?.items ?? []).map((m) => <option key={m.id} value={m.id}>{m.name} ({m.roles.map((r) => t(`role.${r}`)).join(', ')})</option>)}
            </select>
          )}
        </Field>
        <div class="actions"><button type="submit" disabled={a.busy}>{t('finding.page.edit.submit')}</button></div>
        <ActionError error={a.error} reload={ctl.reload} />
      </form>
    </section>
  );
}

