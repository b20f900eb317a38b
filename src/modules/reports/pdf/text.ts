import type { FontKey } from './fonts';

export interface Style { font: FontKey; size: number; colour: string; leading?: number }
/** A block of text in one style; a cell or a paragraph is a list of these, stacked. */
export interface Para { text: string; style: Style }
export interface Line { text: string; style: Style; width: number; height: number }
export type Align = 'left' | 'center' | 'right';

const lineHeight = (s: Style) => s.size * (s.leading ?? 1.22);

/** Width of `text` in `style`; pdfkit measures with the same shaping it renders with. */
export function measure(doc: PDFKit.PDFDocument, text: string, style: Style): number {
  return doc.font(style.font).fontSize(style.size).widthOfString(text);
}

// Composed form: DejaVu has a glyph for every precomposed Vietnamese letter, and text copied
// out of the PDF then matches what was typed. Control characters would print as boxes.
const clean = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');

/** Splits a word wider than the column at code points, so a long URL or hash still stays inside. */
function breakWord(doc: PDFKit.PDFDocument, word: string, style: Style, width: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of Array.from(word)) {
    if (current && measure(doc, current + ch, style) > width) {
      pieces.push(current);
      current = ch;
    } else current += ch;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Wraps one paragraph to `width`; breaks at spaces, and inside words only when they cannot fit. */
export function wrap(doc: PDFKit.PDFDocument, para: Para, width: number): Line[] {
  const { style } = para;
  const h = lineHeight(style);
  const space = measure(doc, ' ', style);
  const lines: Line[] = [];
  for (const hard of clean(para.text).split('\n')) {
    let text = '';
    let w = 0;
    const push = () => { lines.push({ text, style, width: w, height: h }); text = ''; w = 0; };
    for (const word of hard.split(/ +/).filter(Boolean)) {
      const ww = measure(doc, word, style);
      if (text && w + space + ww <= width) {
        text += ` ${word}`;
        w += space + ww;
        continue;
      }
      if (text) push();
      if (ww <= width) {
        text = word;
        w = ww;
        continue;
      }
      const pieces = breakWord(doc, word, style, width);
      for (const piece of pieces.slice(0, -1)) lines.push({ text: piece, style, width: measure(doc, piece, style), height: h });
      text = pieces[pieces.length - 1];
      w = measure(doc, text, style);
    }
    push();
  }
  return lines;
}

export const wrapAll = (doc: PDFKit.PDFDocument, paras: Para[], width: number): Line[] => paras.flatMap((p) => wrap(doc, p, width));

export const heightOf = (lines: Line[]): number => lines.reduce((sum, l) => sum + l.height, 0);

/** One line, cut with "…" if it does not fit: for chart labels, where a second line has no room. */
export function fitLine(doc: PDFKit.PDFDocument, text: string, style: Style, width: number): string {
  const t = clean(text).replace(/\n/g, ' ');
  if (measure(doc, t, style) <= width) return t;
  const chars = Array.from(t);
  while (chars.length && measure(doc, `${chars.join('').trimEnd()}…`, style) > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/**
 * Draws one line at (x, y) as its top. Alignment is computed here so pdfkit never gets a width:
 * with a width it would run its own wrapper and could add a page behind the layout's back.
 */
export function drawLine(doc: PDFKit.PDFDocument, line: Line, x: number, y: number, width: number, align: Align = 'left'): void {
  if (!line.text) return;
  const dx = align === 'center' ? (width - line.width) / 2 : align === 'right' ? width - line.width : 0;
  doc.font(line.style.font).fontSize(line.style.size).fillColor(line.style.colour)
    .text(line.text, x + Math.max(0, dx), y + (line.height - line.style.size * 1.16) / 2, { lineBreak: false });
}

export function drawLines(doc: PDFKit.PDFDocument, lines: Line[], x: number, y: number, width: number, align: Align = 'left'): number {
  let top = y;
  for (const line of lines) {
    drawLine(doc, line, x, top, width, align);
    top += line.height;
  }
  return top - y;
}
