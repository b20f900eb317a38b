import type { Bilingual } from '../types';
import { displayDate, displayDateTime } from '../../../shared/display';

/** How numbers are written; comes from the template's `locale` (dates follow DISPLAY_TIME_ZONE). */
export interface Locale { decimalSeparator: string }

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

/*
 * Dates are written in the display time zone (DISPLAY_TIME_ZONE, src/shared/display.ts), the one
 * clock of every PDF, the verification page, CSV and e-mails; the template's locale only says how
 * numbers are written. The locale parameter stays so renderers keep one call shape.
 */

/** dd/mm/yyyy in the display time zone: the calendar day an official in Hà Nội would write. */
export function date(d: Date, _locale?: Locale): string {
  return displayDate(d, 'vi');
}

/** dd/mm/yyyy hh:mm in the display time zone. */
export function dateTime(d: Date, _locale?: Locale): string {
  return displayDateTime(d, 'vi');
}

export function dateParts(d: Date, _locale?: Locale): { day: string; month: string; year: string; date: string } {
  const [day, month, year] = displayDate(d, 'vi').split('/');
  return { day, month, year, date: `${day}/${month}/${year}` };
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
