import { drawLine, wrapAll, type Align, type Para } from './text';

/**
 * A cursor down the pages of a document. Everything placed through it checks the room left and
 * starts a new page itself, so nothing is ever drawn into the bottom margin where the page
 * numbers go, and pdfkit's own page breaking is never involved.
 */
export class Flow {
  y: number;
  /** called after every page break this flow makes (running headers) */
  onNewPage?: () => void;

  constructor(readonly doc: PDFKit.PDFDocument) {
    this.y = doc.page.margins.top;
  }

  get left(): number { return this.doc.page.margins.left; }
  get right(): number { return this.doc.page.width - this.doc.page.margins.right; }
  get width(): number { return this.right - this.left; }
  get top(): number { return this.doc.page.margins.top; }
  get bottom(): number { return this.doc.page.height - this.doc.page.margins.bottom; }
  get room(): number { return this.bottom - this.y; }

  newPage(): void {
    this.doc.addPage();
    this.y = this.top;
    this.onNewPage?.();
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.y + height > this.bottom && this.y > this.top) this.newPage();
  }

  gap(height: number): void {
    this.y = Math.min(this.y + height, this.bottom);
  }

  /** Wrapped paragraphs; a paragraph longer than the room left continues on the next page. */
  paras(paras: Para[], opts: { x?: number; width?: number; align?: Align; keepLines?: number } = {}): void {
    const x = opts.x ?? this.left;
    const width = opts.width ?? this.right - x;
    const lines = wrapAll(this.doc, paras, width);
    // keep the first few lines together so a heading is not left alone at the foot of a page
    const keep = lines.slice(0, opts.keepLines ?? 2).reduce((s, l) => s + l.height, 0);
    this.ensure(keep);
    for (const line of lines) {
      this.ensure(line.height);
      drawLine(this.doc, line, x, this.y, width, opts.align);
      this.y += line.height;
    }
  }

  rule(colour: string, weight = 0.6): void {
    this.doc.save().moveTo(this.left, this.y).lineTo(this.right, this.y).lineWidth(weight).strokeColor(colour).stroke().restore();
  }
}
