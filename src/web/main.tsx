import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, onSessionExpired } from './api';
import { t, useLang } from './i18n';
import { LangSwitch, Login } from './login';
import { match, navigate, useRoute } from './router';
import { hasRole, SessionContext, type Me } from './session';
import { Loading } from './ui';
import { setDisplayZone } from './dates';
import { stackTables } from './stack-tables';
import { PortfolioPage } from './pages/portfolio';
import { SystemPage } from './pages/system';
import { AssessmentPage } from './pages/assessment';
import { FindingsPage } from './pages/findings';
import { FindingPage } from './pages/finding';
import { DashboardPage } from './pages/dashboard';
import { InventoryPage } from './pages/inventory';
import { ScanImportsPage } from './pages/scan-imports';
import { UsersPage } from './pages/users';
import { ApprovalsPage } from './pages/approvals';
import { CertificatesPage } from './pages/certificates';
import { AuditPage } from './pages/audit';
import { SecurityPage } from './pages/security';

function Redirect({ to }: { to: string }) {
  useEffect(() => { navigate(to); }, [to]);
  return <Loading />;
}

interface NavItem { path: string; key: string; show: (me: Me) => boolean }
const NAV: NavItem[] = [
  { path: '/dashboard', key: 'nav.dashboard', show: (me) => hasRole(me, 'admin', 'inspector') },
  { path: '/systems', key: 'nav.systems', show: () => true },
  { path: '/findings', key: 'nav.findings', show: (me) => hasRole(me, 'admin', 'inspector') },
  // an owner's findings are those of their organization's systems (the API shows them no others)
  { path: '/findings', key: 'nav.myFindings', show: (me) => !hasRole(me, 'admin', 'inspector') },
  { path: '/approvals', key: 'nav.approvals', show: (me) => hasRole(me, 'admin') },
  { path: '/certificates', key: 'nav.certificates', show: (me) => hasRole(me, 'admin', 'owner') },
  { path: '/scan-imports', key: 'nav.imports', show: (me) => hasRole(me, 'admin', 'inspector') },
  { path: '/inventory', key: 'nav.inventory', show: (me) => hasRole(me, 'admin') },
  { path: '/users', key: 'nav.users', show: (me) => hasRole(me, 'admin') },
  { path: '/audit', key: 'nav.audit', show: (me) => hasRole(me, 'admin') },
  { path: '/security', key: 'nav.security', show: () => true },
];

const home = (me: Me) => (hasRole(me, 'admin') ? '/dashboard' : hasRole(me, 'inspector') ? '/systems' : '/findings');

function Routes({ path, me }: { path: string; me: Me }) {
  const p = path.split('?')[0];
  let m: Record<string, string> | undefined;
  if ((m = match('/systems/:id', p))) return <SystemPage key={m.id} id={m.id} />;
  if ((m = match('/assessments/:id', p))) return <AssessmentPage key={m.id} id={m.id} />;
  // keyed by id: moving to another finding starts its forms afresh (no reason or error carried over)
  if ((m = match('/findings/:id', p))) return <FindingPage key={m.id} id={m.id} />;
  switch (p) {
    case '/systems': return <PortfolioPage />;
    case '/findings': return <FindingsPage />;
    case '/dashboard': return <DashboardPage />;
    case '/inventory': return <InventoryPage />;
    case '/scan-imports': return <ScanImportsPage />;
    case '/users': return <UsersPage />;
    case '/approvals': return <ApprovalsPage />;
    case '/certificates': return <CertificatesPage />;
    case '/audit': return <AuditPage />;
    case '/security': return <SecurityPage />;
    default:
      return <Redirect to={home(me)} />;
  }
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  useLang();
  const path = useRoute();
  const [menu, setMenu] = useState(false);
  useEffect(() => setMenu(false), [path]);
  useEffect(() => stackTables(), []);
  const logout = async () => {
    try { await api.post('/auth/logout'); } catch { /* already ended: the login page follows anyway */ }
    onLogout();
  };
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('nav.skip')}</a>
      <header class="top">
        <a class="brand" href={`#${home(me)}`}>{t('app.name')}</a>
        {/* on a phone the navigation folds behind one button, so the header stays one line */}
        <button type="button" class="menu-toggle secondary" aria-expanded={menu} aria-controls="top-menu" onClick={() => setMenu(!menu)}>{t('nav.menu')}</button>
        <div id="top-menu" class={`menu${menu ? ' open' : ''}`}>
          <nav aria-label={t('nav.main')}>
            <ul>
              {NAV.filter((n) => n.show(me)).map((n) => (
                <li key={n.key}><a href={`#${n.path}`} onClick={() => setMenu(false)} aria-current={path === n.path || (n.path !== '/findings' && path.startsWith(`${n.path}/`)) ? 'page' : undefined}>{t(n.key)}</a></li>
              ))}
            </ul>
          </nav>
          <div class="who">
            <span>{t('nav.signedInAs', { name: me.name })} ({me.roles.map((r) => t(`role.${r}`)).join(', ')})</span>
            <LangSwitch />
            <button type="button" class="secondary" onClick={logout}>{t('nav.logout')}</button>
          </div>
        </div>
      </header>
      <main class="page" id="main" tabIndex={-1}>
        <Routes path={path} me={me} />
      </main>
    </>
  );
}

/** Until a second factor is set up, the only page: its enrolment (the server refuses everything else). */
function EnrolOnly({ onLogout, onEnrolled }: { onLogout: () => void; onEnrolled: () => void }) {
  useLang();
  const logout = async () => {
    try { await api.post('/auth/logout'); } catch { /* already ended */ }
    onLogout();
  };
  return (
    <main class="page" id="main" tabIndex={-1}>
      <div class="actions" style="justify-content: flex-end"><LangSwitch /><button type="button" class="secondary" onClick={logout}>{t('nav.logout')}</button></div>
      <p class="notice" role="status">{t('mfa.enrolRequired')}</p>
      <SecurityPage restricted onEnrolled={onEnrolled} />
    </main>
  );
}

function App() {
  useLang();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState<string>();
  // a login whose role must have a second factor and has none may only set one up
  const [enrolOnly, setEnrolOnly] = useState(false);
  // asking whether a session exists is not an error: /auth/session answers 200 either way
  const load = () => api.get<{ authenticated: boolean; user?: Me; displayTimeZone?: string; mfaEnrolmentRequired?: boolean }>('/auth/session').then((s) => {
    setDisplayZone(s.displayTimeZone);
    setEnrolOnly(!!s.mfaEnrolmentRequired);
    setMe(s.authenticated && s.user ? s.user : null);
  }, () => setMe(null));
  useEffect(() => { void load(); }, []);
  // a 401 on any call: back to the login page, saying why
  useEffect(() => onSessionExpired(() => { setMe(null); setNotice('login.expired'); }), []);
  if (me === undefined) return <main class="page"><Loading /></main>;
  if (me === null) return <Login notice={notice ? t(notice) : undefined} onDone={() => { setNotice(undefined); void load(); }} />;
  const loggedOut = () => { setMe(null); setNotice('login.loggedOut'); };
  if (enrolOnly) return <SessionContext.Provider value={{ me, refresh: () => void load() }}><EnrolOnly onLogout={loggedOut} onEnrolled={() => void load()} /></SessionContext.Provider>;
  return (
    <SessionContext.Provider value={{ me, refresh: () => void load() }}>
      <Shell me={me} onLogout={loggedOut} />
    </SessionContext.Provider>
  );
}

document.documentElement.lang = (() => { try { return localStorage.getItem('attest.lang') === 'en' ? 'en' : 'vi'; } catch { return 'vi'; } })();
render(<App />, document.getElementById('app')!);
