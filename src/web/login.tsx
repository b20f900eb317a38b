import { useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { api, ApiError, fieldError } from './api';
import { setLang, t, useLang, type Lang } from './i18n';
import type { Me } from './session';
import { ErrorBox, Field } from './ui';

export function LangSwitch() {
  const l = useLang();
  return (
    <label class="lang">
      <span class="visually-hidden">{t('lang.switch')} </span>
      <select aria-label={t('lang.switch')} value={l} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        <option value="vi">{t('lang.vi')}</option>
        <option value="en">{t('lang.en')}</option>
      </select>
    </label>
  );
}

type LoginAnswer = { user: Me; mfaEnrolmentRequired?: boolean } | { mfaRequired: true; mfaToken: string; methods: string[] };
interface Pending { mfaToken: string; methods: string[] }

const messageOf = (error: unknown, second: boolean) => {
  if (!(error instanceof ApiError)) return undefined;
  if (error.status === 429) return t('login.locked');
  if (error.status === 401) return second ? (/expired|unknown/.test(error.message) ? t('mfa.expired') : t('mfa.failed')) : t('login.failed');
  return undefined;
};

/** The second step: the authenticator app's code, a recovery code, or a passkey. */
function SecondFactor({ pending, onDone, onBack }: { pending: Pending; onDone: (me: Me) => void; onBack: () => void }) {
  useLang();
  const [recovery, setRecovery] = useState(!pending.methods.includes('totp') && !pending.methods.includes('passkey'));
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<{ user: Me }>) => {
    setBusy(true); setError(undefined);
    try { onDone((await f()).user); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void run(() => api.post('/auth/mfa/verify', recovery ? { mfaToken: pending.mfaToken, recoveryCode: code.trim() } : { mfaToken: pending.mfaToken, code: code.trim() }));
  };
  const passkey = () => run(async () => {
    const optionsJSON = await api.post('/auth/mfa/passkey/options', { mfaToken: pending.mfaToken });
    let response;
    try { response = await startAuthentication({ optionsJSON }); } catch { throw new ApiError(401, 'passkey', t('mfa.passkeyFailed')); }
    return api.post('/auth/mfa/passkey/verify', { mfaToken: pending.mfaToken, response });
  });
  const message = error instanceof ApiError && error.code === 'passkey' ? t('mfa.passkeyFailed') : messageOf(error, true);
  return (
    <>
      <h2>{t('mfa.title')}</h2>
      <p>{t('mfa.prompt')}</p>
      {message ? <p class="error" role="alert">{message}</p> : error ? <ErrorBox error={error} /> : null}
      {pending.methods.includes('passkey') && <p><button type="button" onClick={passkey} disabled={busy}>{t('mfa.usePasskey')}</button></p>}
      <form class="card" onSubmit={submit}>
        <Field label={recovery ? t('mfa.recovery') : t('mfa.code')} error={fieldError(error, recovery ? 'recoveryCode' : 'code')}>
          {(id, d) => <input id={id} aria-describedby={d} autoComplete="one-time-code" inputMode={recovery ? 'text' : 'numeric'} required value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />}
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy}>{t('mfa.verify')}</button>
          <button type="button" class="secondary" onClick={() => { setRecovery(!recovery); setCode(''); }}>{recovery ? t('mfa.useCode') : t('mfa.useRecovery')}</button>
          <button type="button" class="secondary" onClick={onBack}>{t('mfa.back')}</button>
        </div>
      </form>
    </>
  );
}

export function Login({ notice, onDone }: { notice?: string; onDone: (me: Me) => void }) {
  useLang();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<LoginAnswer>('/auth/login', { email, password });
      if ('mfaRequired' in r) { setPassword(''); setPending({ mfaToken: r.mfaToken, methods: r.methods }); } else onDone(r.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const message = messageOf(error, false);
  return (
    <main class="page login" id="main">
      <div class="actions" style="justify-content: flex-end"><LangSwitch /></div>
      <h1>{t('app.name')} — {t('login.title')}</h1>
      <p class="muted">{t('app.tagline')}</p>
      {notice && <p class="notice" role="status">{notice}</p>}
      {pending ? <SecondFactor pending={pending} onDone={onDone} onBack={() => setPending(undefined)} /> : (
        <>
          {message ? <p class="error" role="alert">{message}</p> : error ? <ErrorBox error={error} /> : null}
          <form class="card" onSubmit={submit}>
            <Field label={t('login.email')} error={fieldError(error, 'email')}>
              {(id, d) => <input id={id} aria-describedby={d} type="email" autoComplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />}
            </Field>
            <Field label={t('login.password')} error={fieldError(error, 'password')}>
              {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />}
            </Field>
            <button type="submit" disabled={busy}>{t('login.submit')}</button>
          </form>
        </>
      )}
    </main>
  );
}
