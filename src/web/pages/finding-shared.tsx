import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorBox } from '../ui';
import { fmtDate, lang, t } from '../i18n';
import { type Me } from '../session';
import { type FindingItem } from './findings';
import { zonedInstant } from '../dates';

/* Types and helpers the finding page and its request forms share. */
export interface Evidence { url?: string; title?: string }
/** `text`: the service's line naming documents and people (vi / en); `comment`: a person's words (or, for older events, the service's English) */
export interface HistoryEvent { at: string; by: string; action: string; from?: string; to?: string; comment?: string; text?: { vi: string; en: string }; evidence?: Evidence[] }
export interface RiskAcceptance {
  requestedBy: string; requestedAt: string; justification: string; compensatingControls: string; expiresAt: string;
  approvedBy?: string; approvedAt?: string;
}
export interface Extension {
  requestedBy: string; requestedAt: string; reason: string; dueAt: string;
  decision?: 'approved' | 'rejected'; decidedBy?: string; decidedAt?: string; comment?: string;
}
export interface Finding extends Omit<FindingItem, 'riskAcceptance'> {
  description?: string;
  descriptionVi?: string;
  firstSeenAt?: string;
  lastSeenAt?: string;
  history: HistoryEvent[];
  riskAcceptance?: RiskAcceptance;
  extension?: Extension;
  /** the requests the caller may file now (the API decides) */
  requests?: { riskAcceptance: boolean; extension: boolean };
  /** names of the people on this finding, by user id */
  people?: Record<string, string>;
}


/** `YYYY-MM-DD` from a date input → the end of that day in the display time zone, as ISO (the API judges it). */
export function endOfDay(value: string): string | undefined {
  if (!value) return undefined;
  return zonedInstant(value, '23:59:59') ?? value;
}

export const safeHref = (url?: string) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/** What an action's form gets: reload the finding after a change, and say what was done. */
export interface Ctl { reload: () => void; notify: (message: string) => void }

/** Runs one API call at a time for a form: busy flag and its error; on success a notice and a reload. */
export function useAction(ctl: Ctl) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (call: () => Promise<unknown>, message: string, after?: () => void) => {
    setBusy(true); setError(undefined); ctl.notify('');
    try {
      await call();
      after?.();
      ctl.notify(message);
      ctl.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** The API's answer to a failed action; a conflict (someone changed it first) offers a reload. */
export function ActionError({ error, reload }: { error: unknown; reload: () => void }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <>
      {e?.code === 'separation_of_duties'
        ? <div class="error" role="alert"><p>{t('finding.page.separation')}</p></div>
        : <ErrorBox error={error} />}
      {e?.status === 409 && <p><button type="button" class="secondary" onClick={reload}>{t('action.reload')}</button></p>}
    </>
  );
}

export function Who({ id, me, people }: { id?: string | null; me: Me; people?: Record<string, string> }) {
  if (!id) return <span class="muted">{t('finding.page.unassigned')}</span>;
  if (id === 'system') return <span>{t('finding.page.systemActor')}</span>;
  if (id === me.id) return <span>{t('finding.page.you')}</span>;
  return people?.[id] ? <span>{people[id]}</span> : <code>{id}</code>;
}

/** Evidence links (only http/https become links; anything else is shown as text). */
export function EvidenceLinks({ items }: { items?: Evidence[] }) {
  if (!items?.length) return null;
  return (
    <p class="evidence">
      <small>{t('finding.page.evidence')}: </small>
      {items.map((ev, i) => {
        const href = safeHref(ev.url);
        const text = ev.title || ev.url || '—';
        return <span key={i}>{i > 0 && ' · '}{href ? <a href={href} target="_blank" rel="noopener noreferrer">{text}</a> : text}</span>;
      })}
    </p>
  );
}


const ID = /^[0-9a-f]{24}$/;
const UNTIL = / \(until (\d{4}-\d{2}-\d{2}T[\d:.]+Z)\)$/;

/**
 * What a history event says: the service's line in the chosen language, then the person's words.
 * Events recorded before the service worded them in both languages are shown as well as can be:
 * an assignment names the person, an extension request's day is a date of the display zone.
 */
export function HistoryWords({ h, me, people }: { h: HistoryEvent; me: Me; people?: Record<string, string> }) {
  const line = { margin: '.2rem 0' };
  // an assignment's comment is the assignee's id, a severity change's the two values: never a person's words
  const coded = h.action === 'assigned' || h.action === 'severity_changed';
  const own = h.comment && h.comment !== h.text?.en && !coded ? h.comment : undefined;
  if (!h.text && h.action === 'assigned' && h.comment && (ID.test(h.comment) || h.comment === 'unassigned')) {
    return <p style={line}>{h.comment === 'unassigned' ? t('finding.page.unassigned') : <Who id={h.comment} me={me} people={people} />}</p>;
  }
  const severities = !h.text && h.action === 'severity_changed' ? /^(\w+) → (\w+)$/.exec(h.comment ?? '') : null;
  if (severities) return <p style={line}>{t(`severity.${severities[1]}`)} → {t(`severity.${severities[2]}`)}</p>;
  const until = !h.text && h.action === 'extension_requested' && own ? UNTIL.exec(own) : null;
  return (
    <>
      {h.text && <p style={line}>{h.text[lang()]}</p>}
      {until && <p style={line}>{t('finding.page.ext.until', { date: fmtDate(until[1]) })}</p>}
      {own && <p style={{ ...line, whiteSpace: 'pre-wrap' }}>{until ? own.replace(UNTIL, '') : own}</p>}
    </>
  );
}
