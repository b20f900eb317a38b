/**
 * How people read dates: in one display time zone (DISPLAY_TIME_ZONE, default Asia/Ho_Chi_Minh)
 * everywhere a person reads them — PDFs, the verification page, the console, CSV, e-mails. The API
 * keeps ISO-8601 UTC. Vietnamese writes dd/mm/yyyy; English writes "6 Dec 2026".
 */
export type DisplayLang = 'vi' | 'en';

let zone = 'Asia/Ho_Chi_Minh';
export const configureDisplay = (c: { displayTimeZone: string }): void => { zone = c.displayTimeZone; };
export const displayTimeZone = (): string => zone;

const cache = new Map<string, Intl.DateTimeFormat>();
function parts(d: Date, timeZone: string): Record<string, string> {
  let f = cache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    cache.set(timeZone, f);
  }
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The calendar day in the display zone: "06/12/2026" (vi) or "6 Dec 2026" (en). */
export function displayDate(d: Date, lang: DisplayLang = 'vi', timeZone = zone): string {
  const p = parts(d, timeZone);
  return lang === 'vi' ? `${p.day}/${p.month}/${p.year}` : `${Number(p.day)} ${MONTHS_EN[Number(p.month) - 1]} ${p.year}`;
}

/** Day and minute in the display zone: "06/12/2026 14:05" (vi) or "6 Dec 2026, 14:05" (en). */
export function displayDateTime(d: Date, lang: DisplayLang = 'vi', timeZone = zone): string {
  const p = parts(d, timeZone);
  return lang === 'vi' ? `${displayDate(d, 'vi', timeZone)} ${p.hour}:${p.minute}` : `${displayDate(d, 'en', timeZone)}, ${p.hour}:${p.minute}`;
}

/** yyyy-mm-dd of the day in the display zone (file names, CSV date columns). */
export function displayIsoDay(d: Date, timeZone = zone): string {
  const p = parts(d, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}
