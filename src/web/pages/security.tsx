import { useState } from 'preact/hooks';
import { startRegistration } from '@simplewebauthn/browser';
import { api, fieldError } from '../api';
import { ErrorBox, Field, Loaded, useLoad } from '../ui';
import { fmtTime, t, useLang } from '../i18n';
import { SessionsSection } from './security-sessions';

/* Account / Security: the second factors (authenticator app, passkeys, recovery codes), sessions and API tokens. */

interface Status { totp: boolean; passkeys: { id: string; name: string; createdAt: string; lastUsedAt?: string }[]; recoveryCodesLeft: number; required: boolean }
interface Enrolled { recoveryCodes?: string[]; token?: string }

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div class="notice" role="status">
      <p>{t('sec.recoveryShow')}</p>
      <ul class="recovery-codes" aria-label={t('sec.recovery')}>{codes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
    </div>
  );
}

function TotpSetup({ onDone }: { onDone: (r: Enrolled) => void }) {
  const [started, setStarted] = useState<{ secret: string; qr: string; otpauthUri: string }>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true); setError(undefined);
    try { setStarted(await api.post('/auth/mfa/totp')); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try { onDone(await api.post<Enrolled>('/auth/mfa/totp/confirm', { code: code.trim() })); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  if (!started) return <><ErrorBox error={error} /><button type="button" onClick={start} disabled={busy}>{t('sec.totpStart')}</button></>;
  return (
    <form class="card" onSubmit={confirm}>
      <ErrorBox error={error} />
      <p>{t('sec.totpScan')}</p>
      <img src={started.qr} alt={t('sec.totpQr')} width={200} height={200} />
      <p>{t('sec.secret')}: <code data-testid="totp-secret">{started.secret}</code></p>
      <Field label={t('mfa.code')} error={fieldError(error, 'code')}>
        {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" autoComplete="one-time-code" required value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />}
      </Field>
      <button type="submit" disabled={busy}>{t('sec.totpConfirm')}</button>
    </form>
  );
}

function AddPasskey({ onDone }: { onDone: (r: Enrolled) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try {
      const optionsJSON = await api.post('/auth/passkeys/options');
      const response = await startRegistration({ optionsJSON });
      onDone(await api.post<Enrolled>('/auth/passkeys', { name: name.trim() || 'Passkey', response }));
      setName('');
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <form class="card" onSubmit={add}>
      {error instanceof Error && !('status' in error) ? <p class="error" role="alert">{t('mfa.passkeyFailed')}</p> : <ErrorBox error={error} />}
      <Field label={t('sec.passkeyName')} error={fieldError(error, 'name')}>
        {(id, d) => <input id={id} aria-describedby={d} maxLength={80} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
      </Field>
      <button type="submit" disabled={busy}>{t('sec.passkeyAdd')}</button>
    </form>
  );
}

export function SecurityPage({ restricted, onEnrolled }: { restricted?: boolean; onEnrolled?: () => void }) {
  useLang();
  const status = useLoad(() => api.get<Status>('/auth/mfa'), []);
  const [codes, setCodes] = useState<string[]>();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [continueTo, setContinueTo] = useState(false);
  const enrolled = (r: Enrolled) => {
    setCodes(r.recoveryCodes);
    status.reload();
    if (restricted && r.token) setContinueTo(true);
    if (!r.recoveryCodes && restricted) onEnrolled?.();
  };
  const withProof = async (f: () => Promise<unknown>) => {
    setError(undefined); setDone(undefined);
    try { await f(); setPassword(''); setDone(t('sec.removed')); status.reload(); } catch (err) { setError(err); }
  };
  return (
    <section class="page">
      <h1>{t('sec.title')}</h1>
      <section aria-labelledby="sec-factors">
        <h2 id="sec-factors">{t('sec.factors')}</h2>
        <Loaded state={status}>{(s) => (
          <>
            <p>{s.required ? t('sec.required') : t('sec.optional')}</p>
            {codes && <RecoveryCodes codes={codes} />}
            {continueTo && <button type="button" onClick={() => onEnrolled?.()}>{t('sec.continue')}</button>}
            <h3>{t('sec.totp')}</h3>
            {s.totp ? <p>{t('sec.totpOn')}</p> : <><p>{t('sec.totpOff')}</p><TotpSetup onDone={enrolled} /></>}
            <h3>{t('sec.passkeys')}</h3>
            {s.passkeys.length === 0 ? <p class="muted">{t('sec.passkeyNone')}</p> : (
              <ul class="passkeys">
                {s.passkeys.map((p) => (
                  <li key={p.id}>
                    <strong>{p.name}</strong> — {fmtTime(p.createdAt)}{p.lastUsedAt ? ` · ${t('sec.col.lastUsed')}: ${fmtTime(p.lastUsedAt)}` : ''}{' '}
                    {!restricted && <button type="button" class="secondary" onClick={() => withProof(() => api.post(`/auth/passkeys/${encodeURIComponent(p.id)}/remove`, { password }))}>{t('sec.remove')}</button>}
                  </li>
                ))}
              </ul>
            )}
            <AddPasskey onDone={enrolled} />
            {(s.totp || s.passkeys.length > 0) && !restricted && (
              <>
                <h3>{t('sec.recovery')}</h3>
                <p>{t('sec.recoveryLeft', { n: s.recoveryCodesLeft })}</p>
                <ErrorBox error={error} />
                {done && <p class="notice" role="status">{done}</p>}
                <Field label={t('sec.proof')} error={fieldError(error, 'password')}>
                  {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />}
                </Field>
                <div class="actions">
                  <button type="button" class="secondary" onClick={async () => {
                    setError(undefined);
                    try { setCodes((await api.post<{ recoveryCodes: string[] }>('/auth/mfa/recovery-codes', { password })).recoveryCodes); setPassword(''); status.reload(); } catch (err) { setError(err); }
                  }}>{t('sec.recoveryNew')}</button>
                  {s.totp && <button type="button" class="secondary" onClick={() => withProof(() => api.post('/auth/mfa/totp/remove', { password }))}>{t('sec.totpRemove')}</button>}
                </div>
              </>
            )}
          </>
        )}</Loaded>
      </section>
      {!restricted && <SessionsSection />}
    </section>
  );
}
