import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Poppler's tools (Debian poppler-utils), as a reader of the PDF would see it. */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
}

export function pdfSig(pdf: Buffer): string {
  return withFile(pdf, (file) => {
    const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  });
}

/** The first QR code found on page 1, rendered at 150 dpi. */
export function pdfQr(pdf: Buffer): string | undefined {
  return withFile(pdf, (file) => {
    const out = `${file}-page`;
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', '-f', '1', '-l', '1', file, out]);
    const png = PNG.sync.read(fs.readFileSync(`${out}.png`));
    return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
  });
}

function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** supertest: collect a binary body as a Buffer. */
export const binary = (res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
