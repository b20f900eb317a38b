import { useState } from 'preact/hooks';
import { api, fieldError } from '../api';
import { DateInput, Field } from '../ui';
import { fmtDate, fmtTime, t } from '../i18n';
import { hasRole, type Me } from '../session';
import { Finding, endOfDay, Ctl, useAction, ActionError, Who } from './finding-shared';

/* Risk acceptance and deadline extension: the owner's (or inspector's) request, the admin's decision. */
/**
 * Risk acceptance: the request as the API holds it; a request form (owner, inspector) while the
 * API lists risk_accepted among the next states; the approval (admin) — the risk_accepted move.
 */
export function RiskSection({ f, me, pending, ctl }: { f: Finding; me: Me; pending: boolean; ctl: Ctl }) {
  const r = f.riskAcceptance;
  const canRequest = !!f.requests?.riskAcceptance && !pending;
  const canApprove = hasRole(me, 'admin') && pending;
  if (!r && !canRequest) return null;
  return (
    <section class="card" aria-labelledby="finding-risk">
      <h2 id="finding-risk">{t('finding.page.risk.heading')}</h2>
      {r && (
        <>
          <p>{pending ? t('finding.page.riskPending') : r.approvedAt ? t('finding.page.risk.approved', { date: fmtTime(r.approvedAt) }) : t('finding.page.risk.notPending')}</p>
          <dl class="facts">
            <dt>{t('finding.page.risk.requested')}</dt><dd>{fmtTime(r.requestedAt)} · <Who id={r.requestedBy} me={me} people={f.people} /></dd>
            <dt>{t('finding.page.risk.justification')}</dt><dd style={{ whiteSpace: 'pre-wrap' }}>{r.justification}</dd>
            <dt>{t('finding.page.risk.controls')}</dt><dd style={{ whiteSpace: 'pre-wrap' }}>{r.compensatingControls}</dd>
            <dt>{t('finding.page.risk.expiresAt')}</dt><dd>{fmtDate(r.expiresAt)}</dd>
            {r.approvedBy && <><dt>{t('finding.page.risk.approvedBy')}</dt><dd><Who id={r.approvedBy} me={me} people={f.people} /></dd></>}
          </dl>
        </>
      )}
      {canApprove && <RiskApproval f={f} ctl={ctl} />}
      {canRequest && <RiskRequest f={f} ctl={ctl} />}
    </section>
  );
}

function RiskRequest({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [justification, setJustification] = useState('');
  const [controls, setControls] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const a = useAction(ctl);
  return (
    <form class="form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void a.run(
        () => api.post(`/findings/${f.id}/risk-acceptance`, { justification, compensatingControls: controls, expiresAt: endOfDay(expiresAt) }),
        t('finding.page.done.risk'),
        () => { setJustification(''); setControls(''); setExpiresAt(''); },
      );
    }}>
      {f.riskAcceptance && <h3>{t('finding.page.risk.requestHeading')}</h3>}
      <Field label={t('finding.page.risk.justification')} error={fieldError(a.error, 'justification')}>
        {(id, d) => <textarea id={id} aria-describedby={d} value={justification} onInput={(e) => setJustification(e.currentTarget.value)} />}
      </Field>
      <Field label={t('finding.page.risk.controls')} error={fieldError(a.error, 'compensatingControls')}>
        {(id, d) => <textarea id={id} aria-describedby={d} value={controls} onInput={(e) => setControls(e.currentTarget.value)} />}
      </Field>
      <Field label={t('finding.page.risk.expiresAt')} error={fieldError(a.error, 'expiresAt')}>
        {(id, d) => <DateInput id={id} describedBy={d} value={expiresAt} onChange={setExpiresAt} />}
      </Field>
      <div class="actions"><button type="submit" disabled={a.busy}>{t('finding.page.risk.submit')}</button></div>
      <ActionError error={a.error} reload={ctl.reload} />
    </form>
  );
}

/** The approval is the risk_accepted move (by an admin other than the requester). */
function RiskApproval({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [comment, setComment] = useState('');
  const a = useAction(ctl);
  return (
    <form class="form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void a.run(() => api.post(`/findings/${f.id}/transitions`, { to: 'risk_accepted', comment: comment.trim() || undefined, version: f.version }), t('finding.page.done.approve'), () => setComment(''));
    }}>
      <Field label={t('finding.page.risk.approvalNote')} error={fieldError(a.error, 'comment')}>
        {(id, d) => <textarea id={id} aria-describedby={d} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
      </Field>
      <div class="actions"><button type="submit" disabled={a.busy}>{t('finding.page.to.risk_accepted')}</button></div>
      <ActionError error={a.error} reload={ctl.reload} />
    </form>
  );
}

/** Deadline extension: the latest request, a request form (owner) and the decision (admin). */
export function ExtensionSection({ f, me, pending, ctl }: { f: Finding; me: Me; pending: boolean; ctl: Ctl }) {
  const x = f.extension;
  const canRequest = !!f.requests?.extension && !pending;
  const canDecide = hasRole(me, 'admin') && pending;
  if (!x && !canRequest) return null;
  return (
    <section class="card" aria-labelledby="finding-extension">
      <h2 id="finding-extension">{t('finding.page.ext.heading')}</h2>
      {x && (
        <>
          <p>{pending ? t('finding.page.ext.pending', { date: fmtDate(x.dueAt) }) : t(`finding.page.ext.${x.decision ?? 'approved'}`, { date: fmtDate(x.dueAt) })}</p>
          <dl class="facts">
            <dt>{t('finding.page.ext.requested')}</dt><dd>{fmtTime(x.requestedAt)} · <Who id={x.requestedBy} me={me} people={f.people} /></dd>
            <dt>{t('finding.page.ext.dueAt')}</dt><dd>{fmtDate(x.dueAt)}</dd>
            <dt>{t('finding.page.ext.reason')}</dt><dd style={{ whiteSpace: 'pre-wrap' }}>{x.reason}</dd>
            {x.decidedAt && <><dt>{t('finding.page.ext.decided')}</dt><dd>{fmtTime(x.decidedAt)} · <Who id={x.decidedBy} me={me} people={f.people} /></dd></>}
            {x.comment && <><dt>{t('finding.page.ext.decisionNote')}</dt><dd style={{ whiteSpace: 'pre-wrap' }}>{x.comment}</dd></>}
          </dl>
        </>
      )}
      {canDecide && <ExtensionDecision f={f} ctl={ctl} />}
      {canRequest && <ExtensionRequest f={f} ctl={ctl} />}
    </section>
  );
}

function ExtensionRequest({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [dueAt, setDueAt] = useState('');
  const [reason, setReason] = useState('');
  const a = useAction(ctl);
  return (
    <form class="form" noValidate onSubmit={(e) => {
      e.preventDefault();
      void a.run(() => api.post(`/findings/${f.id}/extension`, { dueAt: endOfDay(dueAt), reason }), t('finding.page.done.ext'), () => { setDueAt(''); setReason(''); });
    }}>
      {f.extension && <h3>{t('finding.page.ext.requestHeading')}</h3>}
      <Field label={t('finding.page.ext.dueAt')} error={fieldError(a.error, 'dueAt')} hint={t('finding.page.ext.current', { date: fmtDate(f.dueAt) })}>
        {(id, d) => <DateInput id={id} describedBy={d} value={dueAt} onChange={setDueAt} />}
      </Field>
      <Field label={t('finding.page.ext.reason')} error={fieldError(a.error, 'reason')}>
        {(id, d) => <textarea id={id} aria-describedby={d} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="actions"><button type="submit" disabled={a.busy}>{t('finding.page.ext.submit')}</button></div>
      <ActionError error={a.error} reload={ctl.reload} />
    </form>
  );
}

function ExtensionDecision({ f, ctl }: { f: Finding; ctl: Ctl }) {
  const [comment, setComment] = useState('');
  const a = useAction(ctl);
  const decide = (approve: boolean) =>
    void a.run(() => api.post(`/findings/${f.id}/extension/decision`, { approve, comment: comment.trim() || undefined }), t(approve ? 'finding.page.done.extApproved' : 'finding.page.done.extRejected'), () => setComment(''));
  return (
    <form class="form" noValidate onSubmit={(e) => e.preventDefault()}>
      <Field label={t('finding.page.ext.decisionNote')} error={fieldError(a.error, 'comment')}>
        {(id, d) => <textarea id={id} aria-describedby={d} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
      </Field>
      <div class="actions">
        <button type="button" disabled={a.busy} onClick={() => decide(true)}>{t('finding.page.ext.approve')}</button>
        <button type="button" class="danger" disabled={a.busy} onClick={() => decide(false)}>{t('finding.page.ext.reject')}</button>
      </div>
      <ActionError error={a.error} reload={ctl.reload} />
    </form>
  );
}

