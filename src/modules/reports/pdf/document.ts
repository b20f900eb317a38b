import PDFDocument from 'pdfkit';
import { registerFonts } from './fonts';

export interface PageSettings {
  size: 'A4';
  layout: 'portrait' | 'landscape';
  margins: { top: number; right: number; bottom: number; left: number };
}

export interface DocumentMeta { title: string; subject: string; keywords: string; author: string; date: Date }

export interface Doc { doc: PDFKit.PDFDocument; finish(): Promise<Buffer> }

/**
 * A pdfkit document that comes out byte-identical for identical input. pdfkit stamps the info
 * dictionary with `new Date()` and derives the trailer /ID from an MD5 of that dictionary, so
 * setting CreationDate and ModDate from the data fixes both; fonts are subset under tags derived
 * from their registration order, and nothing else reads the clock or a random source.
 */
export function createDocument(page: PageSettings, meta: DocumentMeta): Doc {
  const doc = new PDFDocument({
    size: page.size,
    layout: page.layout,
    margins: page.margins,
    bufferPages: true,
    // no default font: pdfkit would load Helvetica, and opening DejaVu here under its path as well as
    // under the registered names below makes pdfkit re-parse the font on every switch to it
    font: '',
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: meta.title, Subject: meta.subject, Keywords: meta.keywords, Author: meta.author,
      Creator: 'Attest', Producer: 'Attest (pdfkit)', CreationDate: meta.date, ModDate: meta.date,
    },
  });
  registerFonts(doc);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    finish() {
      doc.end();
      return done;
    },
  };
}
