import { configureDisplay, displayDate, displayDateTime, displayTimeZone } from '../shared/display';

/*
 * Dates as the console shows them: in the display time zone the server names (GET /auth/session,
 * DISPLAY_TIME_ZONE), never the browser's own, so an inspector abroad reads the same day as the
 * certificate and the PDFs. Vietnamese writes dd/mm/yyyy, English "6 Dec 2026".
 */
export function setDisplayZone(timeZone?: string): void {
  if (!timeZone) return;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    configureDisplay({ displayTimeZone: timeZone });
  } catch { /* an unknown zone keeps the default (Asia/Ho_Chi_Minh) */ }
}

const valid = (d?: string | Date | null): Date | undefined => {
  if (!d) return undefined;
  const x = new Date(d);
  return Number.isNaN(x.getTime()) ? undefined : x;
};

export const dayOf = (d: string | Date | null | undefined, lang: 'vi' | 'en'): string => {
  const x = valid(d);
  return x ? displayDate(x, lang) : '—';
};
export const dayTimeOf = (d: string | Date | null | undefined, lang: 'vi' | 'en'): string => {
  const x = valid(d);
  return x ? displayDateTime(x, lang) : '—';
};

/** The instant at which the display zone's clock reads `day` (YYYY-MM-DD) at `time` (HH:mm:ss.SSS), as ISO UTC. */
export function zonedInstant(day: string, time: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/.exec(time);
  if (!m || !t) return undefined;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +t[1], +t[2], +t[3], Number(t[4] ?? 0));
  if (Number.isNaN(wall)) return undefined;
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: displayTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
  };
  // twice: the offset at the guessed instant may differ from the one at the answer (a DST change between)
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at).toISOString();
}
