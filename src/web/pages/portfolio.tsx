import { useState } from 'preact/hooks';
import { api, qs } from '../api';
import { fmtDate, t, useLang } from '../i18n';
import { navigate, routeQuery } from '../router';
import { useOrganizations } from '../orgs';
import { Badge, Field, Loaded, Pager, useLoad } from '../ui';

const STATES = ['not_assessed', 'in_assessment', 'non_compliant', 'compliant', 'certified'];
const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F', 'none'];

/** The portfolio: every system the user may see, filtered by the API (the filters live in the URL). */
export function PortfolioPage() {
  useLang();
  const orgs = useOrganizations();
  const q0 = routeQuery();
  const [f, setF] = useState({ q: q0.get('q') ?? '', organization: q0.get('organization') ?? '', level: q0.get('level') ?? '', state: q0.get('state') ?? '', grade: q0.get('grade') ?? '', overdue: q0.get('overdue') === 'true', page: Number(q0.get('page') ?? 1) });
  const query = qs({ q: f.q, organization: f.organization, level: f.level, state: f.state, grade: f.grade, overdue: f.overdue ? true : undefined, page: f.page, limit: 25 });
  const list = useLoad(() => api.get(`/systems${query}`), [query]);
  const set = (patch: Partial<typeof f>) => {
    const next = { ...f, page: 1, ...patch };
    setF(next);
    navigate(`/systems${qs({ q: next.q, organization: next.organization, level: next.level, state: next.state, grade: next.grade, overdue: next.overdue ? true : undefined, page: next.page > 1 ? next.page : undefined })}`);
  };
  const value = (e: Event) => (e.target as HTMLInputElement).value;
  return (
    <>
      <h1>{t('portfolio.title')}</h1>
      <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('portfolio.search')}>{(id) => <input id={id} type="search" value={f.q} onInput={(e) => set({ q: value(e) })} />}</Field>
        <Field label={t('col.organization')}>{(id) => (
          <select id={id} value={f.organization} onChange={(e) => set({ organization: value(e) })}>
            <option value="">{t('all')}</option>
            {[...orgs].sort((a, b) => a[1].code.localeCompare(b[1].code)).map(([id2, o]) => <option key={id2} value={id2}>{o.code} — {o.name}</option>)}
          </select>
        )}</Field>
        <Field label={t('col.level')}>{(id) => (
          <select id={id} value={f.level} onChange={(e) => set({ level: value(e) })}>
            <option value="">{t('all')}</option>
            {[1, 2, 3, 4, 5].map((l) => <option key={l} value={l}>{t('level.n', { n: l })}</option>)}
          </select>
        )}</Field>
        <Field label={t('portfolio.compliance')}>{(id) => (
          <select id={id} value={f.state} onChange={(e) => set({ state: value(e) })}>
            <option value="">{t('all')}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`compliance.${s}`)}</option>)}
          </select>
        )}</Field>
        <Field label={t('portfolio.grade')}>{(id) => (
          <select id={id} value={f.grade} onChange={(e) => set({ grade: value(e) })}>
            <option value="">{t('all')}</option>
            {GRADES.map((g) => <option key={g} value={g}>{g === 'none' ? t('portfolio.noGrade') : g}</option>)}
          </select>
        )}</Field>
        <label class="check"><input type="checkbox" checked={f.overdue} onChange={(e) => set({ overdue: (e.target as HTMLInputElement).checked })} /> {t('portfolio.overdueOnly')}</label>
      </form>
      <Loaded state={list}>{(data: { items: any[]; total: number; page: number; limit: number }) => (
        <>
          <p class="muted" role="status">{t('portfolio.count', { n: data.total })}</p>
          <div class="table-wrap">
            <table class="table">
              <thead><tr>
                <th scope="col">{t('col.code')}</th><th scope="col">{t('col.name')}</th><th scope="col">{t('col.organization')}</th><th scope="col">{t('col.level')}</th>
                <th scope="col">{t('portfolio.compliance')}</th><th scope="col">{t('portfolio.openFindings')}</th><th scope="col">{t('portfolio.grade')}</th><th scope="col">{t('portfolio.nextDue')}</th>
              </tr></thead>
              <tbody>
                {data.items.map((s) => {
                  const open = s.compliance?.openFindings ?? {};
                  const overdue = s.compliance?.nextAssessmentDue && new Date(s.compliance.nextAssessmentDue) < new Date();
                  return (
                    <tr key={s.id} class={overdue ? 'overdue' : ''}>
                      <td><a href={`#/systems/${s.id}`}>{s.code}</a></td>
                      <td>{s.name}</td>
                      <td>{orgs.get(s.organization)?.code ?? '…'}</td>
                      <td>{s.level}</td>
                      <td><Badge kind="compliance" value={s.compliance?.state ?? 'not_assessed'} /></td>
                      <td>{(open.critical ?? 0) + (open.high ?? 0) + (open.medium ?? 0) + (open.low ?? 0)}</td>
                      <td>{s.lastScan?.grade ?? '—'}</td>
                      <td>{fmtDate(s.compliance?.nextAssessmentDue)}{overdue ? ` (${t('overdue')})` : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 && <p>{t('empty')}</p>}
          <Pager page={data.page} total={data.total} limit={data.limit} onPage={(page) => set({ page })} />
        </>
      )}</Loaded>
    </>
  );
}

