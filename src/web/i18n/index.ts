import { useEffect, useState } from 'preact/hooks';
import { common } from './common';
import { inspector } from './inspector';
import { owner } from './owner';
import { admin } from './admin';
import { dayOf, dayTimeOf } from '../dates';
import { assessment } from './assessment';
import { security } from './security';

/*
 * Vietnamese first, English second; the choice is remembered in localStorage. Each area of the
 * console keeps its own dictionary (common, inspector, owner, admin); a key missing in one language
 * falls back to the other, then to the key itself, so nothing renders empty.
 */
export type Lang = 'vi' | 'en';
type Dict = Record<string, string>;
const dicts: Record<Lang, Dict> = {
  vi: { ...common.vi, ...inspector.vi, ...owner.vi, ...admin.vi, ...assessment.vi, ...security.vi },
  en: { ...common.en, ...inspector.en, ...owner.en, ...admin.en, ...assessment.en, ...security.en },
};

const KEY = 'attest.lang';
let current: Lang = (() => {
  try { return (localStorage.getItem(KEY) as Lang) === 'en' ? 'en' : 'vi'; } catch { return 'vi'; }
})();
const listeners = new Set<() => void>();

export const lang = () => current;
/** A finding's title / description in the chosen language, where it has Vietnamese words of its own (scan findings). */
export const titleOf = (f: { title: string; titleVi?: string }) => (current === 'vi' && f.titleVi) || f.title;
export const descriptionOf = (f: { description?: string; descriptionVi?: string }) => (current === 'vi' && f.descriptionVi) || f.description;
export function setLang(l: Lang): void {
  current = l;
  try { localStorage.setItem(KEY, l); } catch { /* private mode: the choice lasts for this page */ }
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

/** `t('key', {n: 3})` replaces `{n}`. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = dicts[current][key] ?? dicts[current === 'vi' ? 'en' : 'vi'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => (vars[k] !== undefined ? String(vars[k]) : `{${k}}`));
}

/** Re-renders the component when the language changes. */
export function useLang(): Lang {
  const [, set] = useState(0);
  useEffect(() => { const f = () => set((n) => n + 1); listeners.add(f); return () => { listeners.delete(f); }; }, []);
  return current;
}

/** Dates in the display time zone the server names, in the chosen language (see ../dates). */
export const fmtDate = (d?: string | Date | null) => dayOf(d, current);
export const fmtTime = (d?: string | Date | null) => dayTimeOf(d, current);
export const fmtPct = (n?: number | null) => (n === undefined || n === null ? '—' : `${(Math.round(n * 10) / 10).toLocaleString(current === 'vi' ? 'vi-VN' : 'en-GB')} %`);
