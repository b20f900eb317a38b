import type { Bilingual } from '../types';

/** How dates and numbers are written; comes from the template's `locale`. */
export interface Locale { timeZone: string; decimalSeparator: string }

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

/** Fills `{name}` placeholders; the templates are validated to use only the names each text is given. */
export function fill(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function fillBi(b: Bilingual, vars: Record<string, string | number> = {}): Bilingual {
  return { vi: fill(b.vi, vars), en: fill(b.en, vars) };
}

/** "Vietnamese / English" on one line, for short values such as "Cấp độ 3 / Level 3". */
export const slash = (b: Bilingual): string => (b.vi === b.en ? b.vi : `${b.vi} / ${b.en}`);

export const placeholdersOf = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsOf(date: Date, timeZone: string): Record<string, string> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
}

/** dd/mm/yyyy in the programme's time zone: the calendar day an official in Hà Nội would write. */
export function date(d: Date, locale: Locale): string {
  const p = partsOf(d, locale.timeZone);
  return `${p.day}/${p.month}/${p.year}`;
}

export function dateTime(d: Date, locale: Locale): string {
  const p = partsOf(d, locale.timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function dateParts(d: Date, locale: Locale): { day: string; month: string; year: string; date: string } {
  const p = partsOf(d, locale.timeZone);
  return { day: p.day, month: p.month, year: p.year, date: `${p.day}/${p.month}/${p.year}` };
}

export function decimal(n: number, digits: number, locale: Locale): string {
  return n.toFixed(digits).replace('.', locale.decimalSeparator);
}

/** A percentage already on the 0–100 scale, one decimal, trailing ",0" dropped. */
export function percent(n: number, locale: Locale): string {
  const s = decimal(Math.round(n * 10) / 10, 1, locale);
  return `${s.endsWith(`${locale.decimalSeparator}0`) ? s.slice(0, -2) : s}%`;
}

/** A 0–1 ratio (the assessment score) as a percentage. */
export const ratio = (r: number, locale: Locale): string => percent(r * 100, locale);
