import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../api';
import { Badge, DownloadLink, Field, Loaded, useLoad } from '../ui';
import { fmtDate, t, titleOf, useLang } from '../i18n';
import { navigate, routeQuery, useRoute } from '../router';
import { hasRole, useMe } from '../session';

/*
 * The findings list: filters kept in the hash route (so `#/findings?overdue=true` links work and
 * the back button restores a filter), the page the API returns, and a CSV export of the same
 * filter. Owners only ever get their organization's findings from the API.
 */

/** A finding as GET /findings lists it (no history; GET /findings/:id has the rest). */
export interface FindingItem {
  id: string;
  title: string;
  titleVi?: string;
  system: string;
  organization: string;
  systemCode: string;
  level: number;
  severity: string;
  status: string;
  dueAt: string;
  assignee?: string | null;
  control?: string;
  source: { type: string; assessment?: string; scanRun?: string; check?: string; target?: string };
  createdAt: string;
  updatedAt: string;
  version: number;
  overdue: boolean;
  allowedTransitions: string[];
  riskAcceptance?: { expiresAt?: string };
  extensionPending?: boolean;
}

interface ListResponse { items: FindingItem[]; total: number; page: number; limit: number }

/* The values of the API's enums, for the filter choices (their labels are in common.ts). */
export const FINDING_STATUS_VALUES = ['open', 'in_remediation', 'resolved', 'verified', 'reopened', 'risk_accepted'];
export const SEVERITY_VALUES = ['critical', 'high', 'medium', 'low'];
export const SOURCE_VALUES = ['assessment', 'scan', 'import', 'manual'];
const LIMITS = [20, 50, 100];

/** The filter keys GET /findings and GET /findings/export.csv understand. */
const FILTER_KEYS = ['status', 'severity', 'source', 'system', 'organization', 'assignee', 'overdue', 'q'] as const;
type Params = Record<string, string>;

function readParams(): Params {
  const q = routeQuery();
  const out: Params = {};
  for (const k of [...FILTER_KEYS, 'page', 'limit']) {
    const v = q.get(k);
    if (v !== null && v !== '') out[k] = v;
  }
  return out;
}

export function FindingsPage() {
  useLang();
  const path = useRoute();
  const base = path.split('?')[0] || '/findings';
  const params = readParams();
  const key = qs(params);
  const filters: Params = {};
  for (const k of FILTER_KEYS) if (params[k] !== undefined) filters[k] = params[k];

  const state = useLoad(() => api.get<ListResponse>(`/findings${key}`), [key]);

  /** Changes the route; a new filter starts again at page 1. */
  const go = (changes: Record<string, string | undefined>, keepPage = false) => {
    const next: Params = { ...params };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') delete next[k];
      else next[k] = v;
    }
    if (!keepPage && !('page' in changes)) delete next.page;
    navigate(`${base}${qs(next)}`);
  };

  const [q, setQ] = useState(params.q ?? '');
  useEffect(() => setQ(params.q ?? ''), [params.q]);

  // an owner sees their organization's findings only (the API scopes them): these are theirs
  const me = useMe();
  const ownerOnly = hasRole(me, 'owner') && !hasRole(me, 'admin', 'inspector');
  // "only assigned to me" is exactly the assignee=me filter (an owner's list is their organization's, assigned or not)
  const mine = params.assignee === 'me';
  const hasFilters = Object.keys(filters).length > 0;

  return (
    <div class="findings-page">
      <h1>{mine || ownerOnly ? t('nav.myFindings') : t('nav.findings')}</h1>

      <form class="toolbar" role="search" aria-label={t('findings.filters')} noValidate
        onSubmit={(e) => { e.preventDefault(); go({ q: q.trim() || undefined }); }}>
        <Field label={t('col.status')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={params.status ?? ''} onChange={(e) => go({ status: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              <option value="open_any">{t('findings.status.open_any')}</option>
              {FINDING_STATUS_VALUES.map((s) => <option key={s} value={s}>{t(`finding.${s}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('col.severity')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={params.severity ?? ''} onChange={(e) => go({ severity: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {SEVERITY_VALUES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('findings.col.source')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={params.source ?? ''} onChange={(e) => go({ source: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {SOURCE_VALUES.map((s) => <option key={s} value={s}>{t(`findings.source.${s}`)}</option>)}
            </select>
          )}
        </Field>
        <div class="check">
          <input id="findings-overdue" type="checkbox" checked={params.overdue === 'true'}
            onChange={(e) => go({ overdue: e.currentTarget.checked ? 'true' : undefined })} />
          <label for="findings-overdue">{t('findings.filter.overdue')}</label>
        </div>
        <div class="check">
          <input id="findings-mine" type="checkbox" checked={mine}
            onChange={(e) => go({ assignee: e.currentTarget.checked ? 'me' : undefined })} />
          <label for="findings-mine">{t('findings.filter.mine')}</label>
        </div>
        <Field label={t('findings.filter.q')}>
          {(id, d) => <input id={id} aria-describedby={d} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />}
        </Field>
        <div class="actions">
          <button type="submit">{t('action.search')}</button>
          {hasFilters && <button type="button" class="secondary" onClick={() => navigate(base)}>{t('findings.filter.clear')}</button>}
          <DownloadLink href={`/findings/export.csv${qs(filters)}`}>{t('findings.export')}</DownloadLink>
        </div>
      </form>

      <Loaded state={state}>
        {(data) => <FindingsTable data={data} onPage={(p) => go({ page: String(p) }, true)} onLimit={(l) => go({ limit: String(l) })} />}
      </Loaded>
    </div>
  );
}

function FindingsTable({ data, onPage, onLimit }: { data: ListResponse; onPage: (page: number) => void; onLimit: (limit: number) => void }) {
  const pages = Math.max(1, Math.ceil(data.total / data.limit));
  return (
    <>
      <p role="status" class="muted">{t('findings.count', { total: data.total })}</p>
      {data.items.length === 0 ? <p>{t('empty')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <caption>{t('findings.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('col.title')}</th>
                <th scope="col">{t('col.system')}</th>
                <th scope="col">{t('col.severity')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col">{t('col.due')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((f) => (
                <tr key={f.id} class={f.overdue ? 'overdue' : undefined}>
                  <td>
                    <a href={`#/findings/${encodeURIComponent(f.id)}`}>{titleOf(f)}</a>
                    {f.control && <div class="muted"><small>{f.control}</small></div>}
                  </td>
                  <td>{f.systemCode}</td>
                  <td><Badge kind="severity" value={f.severity} /></td>
                  <td>
                    <Badge kind="finding" value={f.status} />
                    {f.riskAcceptance?.expiresAt && <div><small class="muted">{t('findings.riskUntil', { date: fmtDate(f.riskAcceptance.expiresAt) })}</small></div>}
                    {f.extensionPending && <div><span class="pill">{t('findings.extensionPending')}</span></div>}
                  </td>
                  <td>
                    {fmtDate(f.dueAt)}
                    {f.overdue && <> <strong class="bad">{t('overdue')}</strong></>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="actions" style={{ alignItems: 'center' }} aria-label={t('findings.pagination')}>
        <button type="button" class="secondary" disabled={data.page <= 1} onClick={() => onPage(data.page - 1)}>{t('findings.prev')}</button>
        <span class="muted">{t('findings.pageOf', { page: data.page, pages })}</span>
        <button type="button" class="secondary" disabled={data.page >= pages} onClick={() => onPage(data.page + 1)}>{t('findings.next')}</button>
        <label class="check">
          <span>{t('findings.limit')}</span>
          <select value={String(data.limit)} onChange={(e) => onLimit(Number(e.currentTarget.value))}>
            {(LIMITS.includes(data.limit) ? LIMITS : [...LIMITS, data.limit]).map((l) => <option key={l} value={String(l)}>{l}</option>)}
          </select>
        </label>
      </nav>
    </>
  );
}
