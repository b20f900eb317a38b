import type { Bilingual } from '../types';
import type { Flow } from './flow';
import { table } from './table';
import { heightOf, wrapAll, type Para, type Style } from './text';

/** The type scale shared by the reports; colours come from the template. */
export function reportStyles(c: { text: string; muted: string; primary: string }) {
  const s = (font: Style['font'], size: number, colour: string): Style => ({ font, size, colour });
  return {
    body: s('regular', 8.5, c.text),
    bodyEn: s('oblique', 7.5, c.muted),
    strong: s('bold', 8.5, c.text),
    th: s('bold', 8, c.text),
    thEn: s('oblique', 7, c.muted),
    cell: s('regular', 7.8, c.text),
    cellEn: s('oblique', 7, c.muted),
    cellStrong: s('bold', 7.8, c.text),
    mono: s('mono', 7, c.text),
    title: { ...s('bold', 15, c.primary), leading: 1.3 },
    titleEn: s('oblique', 11, c.primary),
    h2: s('bold', 11, c.primary),
    h2En: s('oblique', 9, c.muted),
    authority: s('bold', 9.5, c.text),
    authorityEn: s('oblique', 7.5, c.muted),
    legal: s('oblique', 7.8, c.text),
    legalEn: s('oblique', 7, c.muted),
    footer: s('regular', 7.5, c.muted),
  };
}
export type ReportStyles = ReturnType<typeof reportStyles>;

/** Vietnamese above, English below; one line only when both read the same (codes, numbers). */
export function bi(b: Bilingual, vi: Style, en: Style): Para[] {
  return b.vi === b.en ? [{ text: b.vi, style: vi }] : [{ text: b.vi, style: vi }, { text: b.en, style: en }];
}

export const plain = (text: string, style: Style): Para[] => [{ text, style }];

/** A numbered section heading, kept on the same page as `keepWith` points of what follows. */
export function heading(flow: Flow, b: Bilingual, S: ReportStyles, keepWith = 80, at: { x?: number; width?: number } = {}): void {
  const paras = bi(b, S.h2, S.h2En);
  flow.gap(10);
  flow.ensure(heightOf(wrapAll(flow.doc, paras, at.width ?? flow.width)) + 5 + keepWith);
  flow.paras(paras, at);
  flow.gap(5);
}

/** The issuing authority, top left of a cover page, with the rule official letterheads carry. */
export function letterhead(flow: Flow, authority: Bilingual, S: ReportStyles, rule: string): void {
  const width = Math.min(260, flow.width);
  flow.paras(bi(authority, S.authority, S.authorityEn), { width, align: 'center' });
  const mid = flow.left + width / 2;
  flow.doc.save().moveTo(mid - 40, flow.y + 3).lineTo(mid + 40, flow.y + 3).lineWidth(0.6).strokeColor(rule).stroke().restore();
  flow.gap(14);
}

export function legalBasis(flow: Flow, lines: Bilingual[], S: ReportStyles): void {
  for (const line of lines) {
    flow.paras(bi(line, S.legal, S.legalEn));
    flow.gap(2);
  }
}

/** Label / value rows without a header: the cover page's general information. */
export function keyValues(flow: Flow, rows: { label: Bilingual; value: Para[] }[], S: ReportStyles, colours: { rule: string; zebra: string }): void {
  table(flow, {
    columns: [{ header: [], width: 32 }, { header: [], width: 68 }],
    rows: rows.map((r) => ({ cells: [bi(r.label, S.strong, S.bodyEn), r.value] })),
    showHeader: false, border: colours.rule, headerFill: colours.zebra, zebra: colours.zebra, padding: 4,
  });
}
