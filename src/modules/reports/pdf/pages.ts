import { drawLine, fitLine, measure, type Style } from './text';

export interface PageStamp {
  /** the page-number text of page `page` (1-based) out of `pages` */
  pageNumber: (page: number, pages: number) => string;
  /** repeated at the foot of every page, left of the number (document and system) */
  running?: string;
  style: Style;
  rule: string;
}

/**
 * Writes the footer of every page once the whole document is laid out, which is the only time
 * the page count is known (hence `bufferPages`). Drawn inside the bottom margin with explicit
 * positions, so it can never push content onto another page.
 */
export function stampPages(doc: PDFKit.PDFDocument, stamp: PageStamp): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    doc.switchToPage(start + i);
    const { width, height, margins } = doc.page;
    const top = height - margins.bottom + 10;
    const inner = width - margins.left - margins.right;
    doc.save().moveTo(margins.left, top).lineTo(width - margins.right, top).lineWidth(0.5).strokeColor(stamp.rule).stroke().restore();
    const number = stamp.pageNumber(i + 1, count);
    const numberWidth = measure(doc, number, stamp.style);
    const h = stamp.style.size * 1.3;
    drawLine(doc, { text: number, style: stamp.style, width: numberWidth, height: h }, margins.left, top + 4, inner, 'right');
    if (stamp.running) {
      const text = fitLine(doc, stamp.running, stamp.style, inner - numberWidth - 24);
      drawLine(doc, { text, style: stamp.style, width: measure(doc, text, stamp.style), height: h }, margins.left, top + 4, inner, 'left');
    }
  }
}
