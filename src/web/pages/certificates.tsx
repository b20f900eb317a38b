import { useEffect, useRef, useState } from 'preact/hooks';
import { allPages, api, ApiError, fieldError, type Page, qs } from '../api';
import { Badge, DownloadLink, ErrorBox, Field, Loaded, Pager, useLoad } from '../ui';
import { fmtDate, lang, t, useLang } from '../i18n';
import { hasRole, useMe } from '../session';
import { type SystemItem } from './inventory';

/* Certificates (admin): the register, the signed PDFs, revocation with a reason, and issuing one. */

const STATUSES = ['valid', 'suspended', 'revoked', 'expired'];
interface Certificate {
  id: string; number: string; system: string; status: string; issuedAt: string; expiresAt: string; verifyUrl?: string;
  snapshot: { code: string; name: string; level: number; organization: { code: string; name: string } };
  suspension?: { at: string; findings: number };
  revocation?: { at: string; reason: string };
}
/** a 422 of the issue: each condition not met */
interface Unmet { code?: string; message?: string; reason?: string; text?: { vi: string; en: string } }

export function CertificatesPage() {
  useLang();
  const admin = hasRole(useMe(), 'admin'); // owners read the register and download; admins issue and revoke
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const list = useLoad(() => api.get<Page<Certificate>>(`/certificates${qs({ status, page, limit: 25 })}`), [status, page]);
  const [revoking, setRevoking] = useState<Certificate>();
  const [notice, setNotice] = useState<string>();

  return (
    <section class="page">
      <h1>{t('admin.cert.title')}</h1>
      {admin && <IssueCertificate onIssued={() => { setPage(1); list.reload(); }} />}

      <section aria-labelledby="cert-list">
        <h2 id="cert-list">{t('admin.cert.list')}</h2>
        <div class="toolbar">
          <Field label={t('col.status')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={status} onChange={(e) => { setStatus(e.currentTarget.value); setPage(1); }}>
                <option value="">{t('all')}</option>
                {STATUSES.map((s) => <option key={s} value={s}>{t(`cert.${s}`)}</option>)}
              </select>
            )}
          </Field>
        </div>
        {notice && <p class="notice" role="status">{notice}</p>}
        <Loaded state={list}>
          {(data) => (
            <>
              {data.items.length === 0 ? <p class="muted">{t('empty')}</p> : (
                <div class="table-wrap">
                  <table class="table">
                    <thead>
                      <tr>
                        <th scope="col">{t('admin.cert.number')}</th><th scope="col">{t('col.system')}</th><th scope="col">{t('col.organization')}</th>
                        <th scope="col">{t('col.level')}</th><th scope="col">{t('admin.cert.issuedAt')}</th><th scope="col">{t('admin.cert.expiresAt')}</th>
                        <th scope="col">{t('col.status')}</th><th scope="col">{t('col.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((c) => (
                        <tr key={c.id}>
                          <td>{c.number}</td>
                          <td><a href={`#/systems/${c.system}`}>{c.snapshot.code}</a> — {c.snapshot.name}</td>
                          <td>{c.snapshot.organization.name}</td>
                          <td>{t('level.n', { n: c.snapshot.level })}</td>
                          <td>{fmtDate(c.issuedAt)}</td>
                          <td>{fmtDate(c.expiresAt)}</td>
                          <td>
                            <Badge kind="cert" value={c.status} />
                            {c.status === 'suspended' && c.suspension && <div class="muted">{t('admin.cert.suspendedBy', { n: c.suspension.findings })}</div>}
                            {c.revocation && <div class="muted">{t('admin.cert.revokedReason', { reason: c.revocation.reason })}</div>}
                          </td>
                          <td>
                            <div class="actions">
                              <DownloadLink href={`/certificates/${c.id}/pdf`}>{t('admin.cert.pdf')}</DownloadLink>
                              {c.verifyUrl && <a href={c.verifyUrl} target="_blank" rel="noopener">{t('admin.cert.verifyLink')}</a>}
                              {admin && (c.status === 'valid' || c.status === 'suspended') && (
                                <button type="button" class="danger" onClick={() => { setNotice(undefined); setRevoking(c); }}>{t('admin.cert.revoke')}</button>
                              )}
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager page={data.page} limit={data.limit} total={data.total} onPage={setPage} />
            </>
          )}
        </Loaded>
      </section>

      {revoking && (
        <RevokeForm key={revoking.id} cert={revoking} onCancel={() => setRevoking(undefined)}
          onRevoked={() => { setNotice(t('admin.cert.revoked', { number: revoking.number })); setRevoking(undefined); list.reload(); }} />
      )}
    </section>
  );
}

function RevokeForm({ cert, onCancel, onRevoked }: { cert: Certificate; onCancel: () => void; onRevoked: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try { await api.post(`/certificates/${cert.id}/revoke`, { reason }); onRevoked(); } catch (err) { setError(err); setBusy(false); }
  };
  return (
    <section aria-labelledby="cert-revoke">
      <h2 id="cert-revoke" tabIndex={-1} ref={heading}>{t('admin.cert.revokeTitle', { number: cert.number, code: cert.snapshot.code })}</h2>
      <form class="form" onSubmit={submit}>
        <Field label={t('admin.cert.reason')} error={fieldError(error, 'reason')}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>{t('admin.cert.revokeConfirm')}</button>
          <button type="button" class="secondary" onClick={onCancel}>{t('action.cancel')}</button>
        </div>
      </form>
    </section>
  );
}

function IssueCertificate({ onIssued }: { onIssued: () => void }) {
  const systems = useLoad(() => allPages<SystemItem>('/systems', { status: 'active' }), []);
  const [filter, setFilter] = useState('');
  const [system, setSystem] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Certificate>();
  const [missing, setMissing] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined); setIssued(undefined);
    setMissing(!system);
    if (!system) return; // no system, no address to send the request to
    setBusy(true);
    try {
      const c = await api.post<Certificate>(`/systems/${encodeURIComponent(system)}/certificates`, {});
      setIssued(c); onIssued();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const unmet = error instanceof ApiError && error.status === 422 ? (error.details as Unmet[]).map((d) => d.text?.[lang()] ?? (lang() === 'en' ? d.message ?? d.reason : undefined) ?? t('err.422')) : [];
  const needle = filter.trim().toLowerCase();

  return (
    <section aria-labelledby="cert-issue">
      <h2 id="cert-issue">{t('admin.cert.issueTitle')}</h2>
      <Loaded state={systems}>
        {(all) => {
          const shown = all.filter((s) => !needle || s.code.toLowerCase().includes(needle) || s.name.toLowerCase().includes(needle) || s.id === system);
          return (
            <form class="form" onSubmit={submit}>
              <div class="toolbar">
                <Field label={t('admin.cert.filterSystems')}>
                  {(id, d) => <input id={id} type="search" aria-describedby={d} value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />}
                </Field>
                <Field label={t('col.system')} error={missing ? t('err.required') : undefined} hint={t('admin.cert.systemsShown', { n: shown.length, total: all.length })}>
                  {(id, d) => (
                    <select id={id} aria-describedby={d} value={system} onChange={(e) => { setSystem(e.currentTarget.value); setMissing(false); }}>
                      <option value="">{t('admin.choose')}</option>
                      {shown.map((s) => <option key={s.id} value={s.id}>{s.code} — {s.name}</option>)}
                    </select>
                  )}
                </Field>
              </div>
              {unmet.length > 0 ? (
                <div class="error" role="alert">
                  <p>{t('admin.cert.unmet')}</p>
                  <ul>{unmet.map((m, i) => <li key={i}>{m}</li>)}</ul>
                </div>
              ) : <ErrorBox error={error} />}
              {issued && (
                <div class="notice" role="status">
                  <p>{t('admin.cert.issued', { number: issued.number, code: issued.snapshot.code })}</p>
                  <DownloadLink href={`/certificates/${issued.id}/pdf`}>{t('admin.cert.pdf')}</DownloadLink>
                </div>
              )}
              <div class="actions"><button type="submit" disabled={busy}>{t('admin.cert.issue')}</button></div>
            </form>
          );
        }}
      </Loaded>
    </section>
  );
}
