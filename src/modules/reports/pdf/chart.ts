import { drawLine, fitLine, measure, type Style } from './text';

export interface Series { name: string; colour: string; values: number[] }

export interface BarChart {
  orientation: 'vertical' | 'horizontal';
  /** one label per category; a vertical chart prints each entry on its own line under the bars */
  categories: string[][];
  series: Series[];
  /** colours per category when there is one series (severities) */
  categoryColours?: string[];
  box: { x: number; y: number; width: number; height: number };
  style: { label: Style; value: Style; grid: string };
}

/** Grid step of 1, 2 or 5 times a power of ten (never below 1): about four lines at round numbers. */
function scale(values: number[]): { step: number; max: number } {
  const top = Math.max(0, ...values);
  const raw = Math.max(1, top / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
  return { step, max: Math.max(step, Math.ceil(top / step) * step) };
}

const rect = (doc: PDFKit.PDFDocument, x: number, y: number, w: number, h: number, colour: string) => {
  if (w > 0 && h > 0) doc.save().rect(x, y, w, h).fillColor(colour).fill().restore();
};

function text(doc: PDFKit.PDFDocument, s: string, style: Style, x: number, y: number, width: number, align: 'left' | 'center' | 'right') {
  const t = fitLine(doc, s, style, width);
  drawLine(doc, { text: t, style, width: measure(doc, t, style), height: style.size * 1.2 }, x, y, width, align);
}

/** The legend's entries in rows that fit the box (right-aligned); a narrow chart gets more rows, never a cut name. */
function legendRows(doc: PDFKit.PDFDocument, c: BarChart): { s: Series; w: number }[][] {
  if (c.series.length < 2) return [];
  const rows: { s: Series; w: number }[][] = [[]];
  let used = 0;
  for (const s of c.series) {
    const w = Math.min(measure(doc, s.name, c.style.label), c.box.width - 16);
    if (used && used + w + 16 > c.box.width) { rows.push([]); used = 0; }
    rows[rows.length - 1].push({ s, w });
    used += w + 16;
  }
  return rows;
}

/** Draws the legend from `y`; returns the height it took. */
function legend(doc: PDFKit.PDFDocument, c: BarChart, y: number): number {
  const lh = c.style.label.size * 1.2;
  const rows = legendRows(doc, c);
  rows.forEach((row, r) => {
    let x = c.box.x + c.box.width;
    for (const { s, w } of [...row].reverse()) {
      x -= w + 16;
      rect(doc, x, y + r * (lh + 2) + 2, 8, 8, s.colour);
      text(doc, s.name, c.style.label, x + 11, y + r * (lh + 2), w + 2, 'left');
    }
  });
  return rows.length ? rows.length * (lh + 2) + 4 : 0;
}

const colourOf = (c: BarChart, series: number, category: number) =>
  (c.series.length === 1 && c.categoryColours?.[category]) || c.series[series].colour;

/** A category label's lines, each wrapped at spaces to `width` (a word wider than that is cut by fitLine). */
function wrapLabel(doc: PDFKit.PDFDocument, lines: string[], style: Style, width: number): string[] {
  return lines.flatMap((line) => {
    const out: string[] = [];
    for (const word of line.split(' ')) {
      const last = out.length ? `${out[out.length - 1]} ${word}` : word;
      if (out.length && measure(doc, last, style) <= width) out[out.length - 1] = last;
      else out.push(word);
    }
    return out;
  });
}

function vertical(doc: PDFKit.PDFDocument, c: BarChart): void {
  const { x, y, width, height } = c.box;
  const lh = c.style.label.size * 1.2;
  const groupW = (x + width - (x + 28)) / Math.max(1, c.categories.length);
  const categories = c.categories.map((l) => wrapLabel(doc, l, c.style.label, groupW - 2));
  const labelLines = Math.max(1, ...categories.map((l) => l.length));
  const top = y + (legend(doc, c, y) || 4) + lh;
  const bottom = y + height - labelLines * lh - 4;
  const left = x + 28;
  const { step, max } = scale(c.series.flatMap((s) => s.values));
  for (let v = 0; v <= max; v += step) {
    const gy = bottom - ((bottom - top) * v) / max;
    doc.save().moveTo(left, gy).lineTo(x + width, gy).lineWidth(0.3).strokeColor(c.style.grid).stroke().restore();
    text(doc, String(v), c.style.value, x, gy - lh / 2, 24, 'right');
  }
  const barW = Math.min(36, (groupW * 0.72) / c.series.length);
  categories.forEach((label, k) => {
    const gx = left + k * groupW + (groupW - barW * c.series.length) / 2;
    c.series.forEach((s, j) => {
      const v = s.values[k] ?? 0;
      const h = ((bottom - top) * v) / max;
      rect(doc, gx + j * barW, bottom - h, barW - 1, h, colourOf(c, j, k));
      text(doc, String(v), c.style.value, gx + j * barW - 6, bottom - h - lh, barW + 11, 'center');
    });
    label.forEach((line, n) => text(doc, line, c.style.label, left + k * groupW, bottom + 3 + n * lh, groupW, 'center'));
  });
}

function horizontal(doc: PDFKit.PDFDocument, c: BarChart): void {
  const { x, y, width, height } = c.box;
  const lh = c.style.label.size * 1.2;
  const top = y + legend(doc, c, y);
  const labelW = Math.min(220, width * 0.38);
  const valueW = 28;
  const left = x + labelW + 6;
  const span = x + width - valueW - left;
  const { max } = scale(c.series.flatMap((s) => s.values));
  const rowH = (y + height - top) / Math.max(1, c.categories.length);
  const barH = Math.min(12, (rowH * 0.78) / c.series.length);
  doc.save().moveTo(left, top).lineTo(left, y + height).lineWidth(0.4).strokeColor(c.style.grid).stroke().restore();
  c.categories.forEach((label, k) => {
    const ry = top + k * rowH;
    text(doc, label.join(' / '), c.style.label, x, ry + (rowH - lh) / 2, labelW, 'right');
    const by = ry + (rowH - barH * c.series.length) / 2;
    c.series.forEach((s, j) => {
      const v = s.values[k] ?? 0;
      const w = (span * v) / max;
      rect(doc, left, by + j * barH, w, barH - 1, colourOf(c, j, k));
      text(doc, String(v), c.style.value, left + w + 3, by + j * barH + (barH - c.style.value.size * 1.2) / 2, valueW, 'left');
    });
  });
}

/** A bar chart drawn with plain rectangles and lines: nothing rasterised, text stays text. */
export function barChart(doc: PDFKit.PDFDocument, c: BarChart): void {
  (c.orientation === 'vertical' ? vertical : horizontal)(doc, c);
}
