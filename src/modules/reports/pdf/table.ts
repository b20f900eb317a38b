import type { Flow } from './flow';
import { drawLines, heightOf, wrapAll, type Align, type Line, type Para } from './text';

export interface Column {
  header: Para[];
  /** relative width: the columns share the table's width in these proportions */
  width: number;
  align?: Align;
}
/** A data row (one cell per column) or a section row spanning every column. */
export type Row = { cells: Para[][]; fill?: string } | { span: Para[]; fill?: string };

export interface TableSpec {
  columns: Column[];
  rows: Row[];
  padding?: number;
  border: string;
  headerFill: string;
  zebra?: string;
  showHeader?: boolean;
  x?: number;
  width?: number;
}

const stroke = (doc: PDFKit.PDFDocument, x: number, y: number, w: number, h: number, colour: string) =>
  doc.save().rect(x, y, w, h).lineWidth(0.4).strokeColor(colour).stroke().restore();
const fillRect = (doc: PDFKit.PDFDocument, x: number, y: number, w: number, h: number, colour: string) =>
  doc.save().rect(x, y, w, h).fillColor(colour).fill().restore();

/** How many of `lines` fit in `room` (points). */
function fitting(lines: Line[], room: number): number {
  let used = 0;
  let n = 0;
  while (n < lines.length && used + lines[n].height <= room) used += lines[n++].height;
  return n;
}

/**
 * A table whose cells wrap, whose rows move to the next page whole when they fit there and are
 * split between pages only when taller than a page, and whose header row is drawn again at the top
 * of every page it continues on.
 */
export function table(flow: Flow, spec: TableSpec): void {
  const { doc } = flow;
  const pad = spec.padding ?? 3;
  const x0 = spec.x ?? flow.left;
  const total = spec.width ?? flow.right - x0;
  const sum = spec.columns.reduce((s, c) => s + c.width, 0);
  const widths = spec.columns.map((c) => (c.width / sum) * total);
  const xs = widths.map((_, i) => x0 + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const showHeader = spec.showHeader !== false;
  const header = spec.columns.map((c, i) => wrapAll(doc, c.header, widths[i] - 2 * pad));
  const headerH = showHeader ? Math.max(...header.map(heightOf)) + 2 * pad : 0;

  const drawHeader = () => {
    if (!showHeader) return;
    fillRect(doc, x0, flow.y, total, headerH, spec.headerFill);
    header.forEach((lines, i) => {
      drawLines(doc, lines, xs[i] + pad, flow.y + pad, widths[i] - 2 * pad, spec.columns[i].align);
      stroke(doc, xs[i], flow.y, widths[i], headerH, spec.border);
    });
    flow.y += headerH;
  };
  const nextPage = () => {
    flow.newPage();
    drawHeader();
  };

  /** Draws as much of the row as fits; returns what is left for the next page. */
  const drawPiece = (cells: Line[][], cellX: number[], cellW: number[], aligns: (Align | undefined)[], fill?: string): Line[][] => {
    const room = flow.bottom - flow.y - 2 * pad;
    let take = cells.map((ls) => fitting(ls, room));
    if (flow.y <= flow.top + headerH + 0.01 && take.every((n, i) => n === 0 && cells[i].length > 0)) take = take.map(() => 1);
    const h = Math.max(...cells.map((ls, i) => heightOf(ls.slice(0, take[i])))) + 2 * pad;
    if (fill) fillRect(doc, cellX[0], flow.y, cellW.reduce((s, w) => s + w, 0), h, fill);
    cells.forEach((ls, i) => {
      drawLines(doc, ls.slice(0, take[i]), cellX[i] + pad, flow.y + pad, cellW[i] - 2 * pad, aligns[i]);
      stroke(doc, cellX[i], flow.y, cellW[i], h, spec.border);
    });
    flow.y += h;
    return cells.map((ls, i) => ls.slice(take[i]));
  };

  const minRows = spec.rows.slice(0, 1).map((r) => ('span' in r ? 2 : 1) * 12 + 2 * pad);
  flow.ensure(headerH + (minRows[0] ?? 0));
  drawHeader();
  let data = 0;
  for (const row of spec.rows) {
    const span = 'span' in row;
    const cellX = span ? [x0] : xs;
    const cellW = span ? [total] : widths;
    const aligns = span ? ['left' as const] : spec.columns.map((c) => c.align);
    let cells = span ? [wrapAll(doc, row.span, total - 2 * pad)] : row.cells.map((paras, i) => wrapAll(doc, paras, widths[i] - 2 * pad));
    const fill = row.fill ?? (!span && spec.zebra && data++ % 2 === 1 ? spec.zebra : undefined);
    const h = Math.max(...cells.map(heightOf)) + 2 * pad;
    const fresh = flow.bottom - flow.top - headerH;
    // a row that fits a page is kept whole (a section row with room for a row under it);
    // one taller than a page is split anyway, so it starts here unless the page is nearly full
    if (h > fresh) {
      if (flow.room < 4 * 12) nextPage();
    } else if (flow.y + Math.min(span ? h + 14 + 2 * pad : h, fresh) > flow.bottom) nextPage();
    const key = cells[0]?.[0];
    for (;;) {
      cells = drawPiece(cells, cellX, cellW, aligns, fill);
      if (cells.every((ls) => ls.length === 0)) break;
      nextPage();
      // a row continued on a new page shows its first line (the reference) again
      if (!span && key && cells[0].length === 0) cells[0] = [key];
    }
  }
}
