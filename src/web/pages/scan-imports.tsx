import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { fmtTime, t, useLang } from '../i18n';
import { Badge, ErrorBox, Field, Loaded, useLoad } from '../ui';

type Counts = { opened: number; refreshed: number; reopened: number; verified: number; ignored: number };
interface Preview {
  tool: string; toolName: string; filename?: string; items: Record<string, number>; planned: Counts;
  systems: { id: string; code: string; name: string; opened: number; refreshed: number; reopened: number; verified: number }[];
  findings: { action: string; system: string; title: string; titleVi: string; severity: string; target: string }[];
  unmatchedHosts: string[]; unmatchedHostCount: number;
}
interface Imported { id: string; tool: string; filename?: string; createdAt: string; status: string; counts?: Counts }

const TOOLS = ['nmap', 'testssl', 'sslyze', 'zap', 'nuclei', 'openvas', 'nessus'];

/** Inspectors and admins: a scanner report previewed (nothing written), then applied. */
export function ScanImportsPage() {
  const l = useLang();
  const [file, setFile] = useState<File>();
  const [tool, setTool] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [preview, setPreview] = useState<Preview>();
  const [done, setDone] = useState<Imported>();
  const recent = useLoad(() => api.get<Page<Imported>>('/scan-imports?limit=10'), []);

  const send = async (path: string) => {
    if (!file) return;
    const form = new FormData();
    if (tool) form.append('tool', tool);
    form.append('report', file, file.name);
    setBusy(true); setError(undefined);
    try {
      if (path === '/preview') { setDone(undefined); setPreview(await api.upload<Preview>('/scan-imports/preview', form)); }
      else { setDone(await api.upload<Imported>('/scan-imports', form)); setPreview(undefined); recent.reload(); }
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <div>
      <h1>{t('imports.title')}</h1>
      <p class="muted">{t('imports.help')}</p>
      <form class="form" onSubmit={(e) => { e.preventDefault(); void send('/preview'); }}>
        <Field label={t('imports.file')}>
          {(id, d) => <input id={id} type="file" aria-describedby={d} accept=".xml,.json,.jsonl,.nessus" onChange={(e) => { setFile(e.currentTarget.files?.[0]); setPreview(undefined); setDone(undefined); }} />}
        </Field>
        <Field label={t('imports.tool')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={tool} onChange={(e) => setTool(e.currentTarget.value)}>
              <option value="">{t('imports.toolAuto')}</option>
              {TOOLS.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          )}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" disabled={busy || !file}>{t('imports.preview')}</button>
          {preview && <button type="button" disabled={busy} onClick={() => void send('')}>{t('imports.apply')}</button>}
        </div>
      </form>
      {done?.counts && <div class="notice" role="status"><p>{t('imports.done', { ...done.counts })}</p></div>}
      {preview && (
        <section aria-labelledby="imp-preview">
          <h2 id="imp-preview">{t('imports.previewOf', { tool: preview.toolName })}</h2>
          <p>{t('imports.items', { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...preview.items })}</p>
          <p role="status">{t('imports.planned', { ...preview.planned })}</p>
          {preview.systems.length > 0 && (
            <table>
              <caption>{t('imports.systems')}</caption>
              <thead><tr>{['system', 'opened', 'refreshed', 'reopened', 'verified'].map((k) => <th key={k} scope="col">{t(`imports.col.${k}`)}</th>)}</tr></thead>
              <tbody>{preview.systems.map((s) => <tr key={s.id}><td><a href={`#/systems/${s.id}`}>{s.code}</a> {s.name}</td><td>{s.opened}</td><td>{s.refreshed}</td><td>{s.reopened}</td><td>{s.verified}</td></tr>)}</tbody>
            </table>
          )}
          {preview.findings.length > 0 && (
            <table>
              <caption>{t('imports.findings')}</caption>
              <tbody>{preview.findings.map((f, i) => (
                <tr key={i}><td>{t(`imports.action.${f.action}`)}</td><td>{f.system}</td><td>{l === 'vi' ? f.titleVi : f.title}</td><td><Badge kind="severity" value={f.severity} /></td><td class="wrap">{f.target}</td></tr>
              ))}</tbody>
            </table>
          )}
          {preview.unmatchedHostCount > 0 && (
            <div class="notice"><p>{t('imports.unmatched', { n: preview.unmatchedHostCount })}</p><ul>{preview.unmatchedHosts.slice(0, 50).map((h) => <li key={h}>{h}</li>)}</ul></div>
          )}
        </section>
      )}
      <section aria-labelledby="imp-recent">
        <h2 id="imp-recent">{t('imports.recent')}</h2>
        <Loaded state={recent}>{(page) => (
          <table>
            <thead><tr>{['when', 'file', 'result'].map((k) => <th key={k} scope="col">{t(`imports.col.${k}`)}</th>)}</tr></thead>
            <tbody>{page.items.map((r) => (
              <tr key={r.id}><td>{fmtTime(r.createdAt)}</td><td>{r.tool} — {r.filename ?? ''}</td><td>{r.counts ? t('imports.done', { ...r.counts }) : r.status}</td></tr>
            ))}</tbody>
          </table>
        )}</Loaded>
      </section>
    </div>
  );
}
