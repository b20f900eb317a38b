import fs from 'node:fs';

/*
 * DejaVu carries every precomposed Vietnamese letter (ă â ê ô ơ ư đ with all five tones), which the
 * PDF standard fonts do not: a document that fell back to Helvetica would lose the diacritics.
 * Every document registers these and never names a built-in font.
 */
const FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  oblique: 'DejaVuSans-Oblique.ttf',
  boldOblique: 'DejaVuSans-BoldOblique.ttf',
  mono: 'DejaVuSansMono.ttf',
} as const;

export type FontKey = keyof typeof FILES;
export const FONT_KEYS = Object.keys(FILES) as FontKey[];

export const fontPath = (key: FontKey): string => require.resolve(`dejavu-fonts-ttf/ttf/${FILES[key]}`);

// read once per process: the files are ~700 kB each and every document needs them
const bytes = new Map<FontKey, Buffer>();
const fontBytes = (key: FontKey): Buffer => {
  let b = bytes.get(key);
  if (!b) {
    b = fs.readFileSync(fontPath(key));
    bytes.set(key, b);
  }
  return b;
};

/*
 * Each document parses its own fonts (~10 ms a face). Sharing one parsed fontkit font between
 * documents would be faster, but fontkit caches glyph objects with the characters they were first
 * met with, and pdfkit builds the text layer (ToUnicode) from those: a later document then lost
 * letters such as â and ơ when copied out. Parsing per document keeps every document independent.
 */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  for (const key of FONT_KEYS) doc.registerFont(key, fontBytes(key));
  doc.font('regular');
}
