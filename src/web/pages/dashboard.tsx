import { api } from '../api';
import { BarChart, DownloadLink, Loaded, useLoad } from '../ui';
import { fmtDate, fmtPct, fmtTime, t, useLang } from '../i18n';
import { hasRole, useMe } from '../session';

/* The programme's figures (GET /dashboard) as cards and charts, the report, and the assessments due. */

type Severity = 'critical' | 'high' | 'medium' | 'low';
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F', 'none'];
const TONE: Record<Severity, string | undefined> = { critical: 'bad', high: 'bad', medium: 'warn', low: undefined };

interface Tally { systems: number; evaluated: number; metAllCriteria: number; certified: number; metAllCriteriaPct: number }
interface Figures {
  generatedAt: string;
  systems: { total: number; evaluated: number; metAllCriteria: number; metAllCriteriaPct: number; certified: number };
  byLevel: (Tally & { level: number })[];
  byOrganization: (Tally & { id: string; code: string; name: string; type?: string })[];
  findings: { open: Record<Severity, number>; overdue: number; overdueBySeverity: Record<Severity, number> };
  certificates: { valid: number; suspended: number; expiringWithin30Days: number };
  assessmentsDue: { system: string; code: string; name: string; organization: string; level: number; nextAssessmentDue: string; overdue: boolean }[];
  scanGrades: Record<string, number>;
}

function Figure({ label, value, note }: { label: string; value: string | number; note?: string }) {
  return (
    <div class="card">
      <span class="figure">{value}</span>
      <span>{label}</span>
      {note && <div class="muted">{note}</div>}
    </div>
  );
}

export function DashboardPage() {
  useLang();
  const me = useMe();
  const state = useLoad(() => api.get<Figures>('/dashboard'), []);
  return (
    <section class="page">
      <h1>{t('admin.dash.title')}</h1>
      <div class="toolbar">
        <button type="button" class="secondary" onClick={state.reload}>{t('action.reload')}</button>
        {hasRole(me, 'admin') && <DownloadLink href="/reports/programme.pdf">{t('admin.dash.report')}</DownloadLink>}
      </div>
      <Loaded state={state}>
        {(f) => {
          const openTotal = SEVERITIES.reduce((n, s) => n + (f.findings.open[s] ?? 0), 0);
          const orgName = new Map(f.byOrganization.map((o) => [o.id, o.name]));
          const sev = (counts: Record<Severity, number>) => SEVERITIES.map((s) => ({ label: t(`severity.${s}`), value: counts[s] ?? 0, tone: TONE[s] }));
          return (
            <>
              <p class="muted">{t('admin.dash.generatedAt', { at: fmtTime(f.generatedAt) })}</p>
              <section aria-labelledby="dash-figures">
                <h2 id="dash-figures">{t('admin.dash.figures')}</h2>
                <div class="cards">
                  <Figure label={t('admin.dash.systems')} value={f.systems.total} />
                  <Figure label={t('admin.dash.evaluated')} value={f.systems.evaluated} />
                  <Figure label={t('admin.dash.metAll')} value={f.systems.metAllCriteria} note={fmtPct(f.systems.metAllCriteriaPct)} />
                  <Figure label={t('admin.dash.certified')} value={f.systems.certified} />
                  <Figure label={t('admin.dash.findingsOpen')} value={openTotal} />
                  <Figure label={t('admin.dash.overdue')} value={f.findings.overdue} />
                  <Figure label={t('admin.dash.certValid')} value={f.certificates.valid} />
                  <Figure label={t('admin.dash.certSuspended')} value={f.certificates.suspended} />
                  <Figure label={t('admin.dash.certExpiring')} value={f.certificates.expiringWithin30Days} />
                </div>
              </section>

              <section aria-labelledby="dash-charts">
                <h2 id="dash-charts">{t('admin.dash.charts')}</h2>
                <div class="grid">
                  <BarChart title={t('admin.dash.chart.programme')} max={Math.max(1, f.systems.total)} items={[
                    { label: t('admin.dash.evaluated'), value: f.systems.evaluated, total: f.systems.total },
                    { label: t('admin.dash.metAll'), value: f.systems.metAllCriteria, total: f.systems.total },
                    { label: t('admin.dash.certified'), value: f.systems.certified, total: f.systems.total },
                  ]} />
                  <BarChart title={t('admin.dash.chart.byLevel')} items={f.byLevel.map((l) => ({ label: t('level.n', { n: l.level }), value: l.metAllCriteria, total: l.systems }))} />
                  <BarChart title={t('admin.dash.chart.byOrg')} items={f.byOrganization.slice(0, 15).map((o) => ({ label: o.name, value: o.metAllCriteria, total: o.systems }))} />
                  <BarChart title={t('admin.dash.chart.open')} items={sev(f.findings.open)} />
                  <BarChart title={t('admin.dash.chart.overdue')} items={sev(f.findings.overdueBySeverity)} />
                  <BarChart title={t('admin.dash.chart.grades')} items={GRADES.filter((g) => f.scanGrades[g] !== undefined).map((g) => ({
                    label: g === 'none' ? t('admin.dash.noGrade') : g, value: f.scanGrades[g], tone: g === 'F' ? 'bad' : undefined,
                  }))} />
                </div>
              </section>

              <section aria-labelledby="dash-due">
                <h2 id="dash-due">{t('admin.dash.due')}</h2>
                {f.assessmentsDue.length === 0 ? <p class="muted">{t('empty')}</p> : (
                  <div class="table-wrap">
                    <table class="table">
                      <thead>
                        <tr>
                          <th scope="col">{t('col.code')}</th><th scope="col">{t('col.name')}</th><th scope="col">{t('col.organization')}</th>
                          <th scope="col">{t('col.level')}</th><th scope="col">{t('admin.col.nextAssessment')}</th><th scope="col">{t('col.status')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {f.assessmentsDue.map((d) => (
                          <tr key={d.system} class={d.overdue ? 'overdue' : undefined}>
                            <td><a href={`#/systems/${d.system}`}>{d.code}</a></td>
                            <td>{d.name}</td>
                            <td>{orgName.get(d.organization) ?? d.organization}</td>
                            <td>{t('level.n', { n: d.level })}</td>
                            <td>{fmtDate(d.nextAssessmentDue)}</td>
                            <td>{d.overdue ? <span class="pill bad">{t('overdue')}</span> : <span class="pill">{t('admin.dash.dueSoon')}</span>}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
