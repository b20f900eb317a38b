import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ReportError, type ParseLimits } from '../types';
import { MAX_REPORT_BYTES, tooBig } from './common';

/** Reads the whole stream as UTF-8 text, refusing more than MAX_REPORT_BYTES. */
export async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > MAX_REPORT_BYTES) throw tooBig();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Checks nesting depth before JSON.parse (so a hostile file cannot make it recurse deep) and
 * turns a syntax error into a ReportError with its line. Node 20's messages give a position
 * for most errors; for the rest a small scan finds where the structure breaks.
 */
export function parseJson(text: string, limits: ParseLimits, lineOffset = 0): unknown {
  let depth = 0;
  let inString = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limits.maxDepth) throw new ReportError({ en: `the report nests deeper than ${limits.maxDepth} levels`, vi: `báo cáo lồng sâu quá ${limits.maxDepth} cấp` }, line + lineOffset);
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    let where: number | undefined;
    if (at) where = lineAt(text, Number(at[1]));
    else if (/end of JSON input/i.test(message)) where = lineAt(text, text.length);
    else where = firstBadLine(text);
    const truncated = /end of JSON input/i.test(message);
    const what = truncated ? 'it ends in the middle (truncated?)' : message
          .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
          .replace(/\s*(in JSON )?at position \d+.*$/s, '')
          .slice(0, 120);
    throw new ReportError({ en: `the report is not valid JSON: ${what}`, vi: `báo cáo không phải JSON hợp lệ: ${truncated ? 'tệp kết thúc giữa chừng (bị cắt cụt?)' : what}` }, where === undefined ? undefined : where + lineOffset);
  }
}

const TOKEN = /\s+|"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,]/y;

/** Node 20 omits the position for "Unexpected token": walk the grammar to the first token it rejects. */
function firstBadLine(text: string): number {
  const stack: string[] = [];
  type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after' | 'end';
  let expect: Expect = 'value';
  const next = (): Expect => (stack.length ? 'after' : 'end');
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) return lineAt(text, pos);
    const start = pos;
    pos += m[0].length;
    const c = m[0][0];
    if (/\s/.test(c)) continue;
    const top = stack[stack.length - 1];
    if (expect === 'value' || expect === 'valueOrEnd') {
      if (c === ']' && expect === 'valueOrEnd') {
        stack.pop();
        expect = next();
      } else if (c === '{' || c === '[') {
        stack.push(c);
        expect = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
      } else if ('}]:,'.includes(c)) return lineAt(text, start);
      else expect = next();
    } else if (expect === 'key' || expect === 'keyOrEnd') {
      if (c === '}' && expect === 'keyOrEnd') {
        stack.pop();
        expect = next();
      } else if (c === '"') expect = 'colon';
      else return lineAt(text, start);
    } else if (expect === 'colon') {
      if (c !== ':') return lineAt(text, start);
      expect = 'value';
    } else if (expect === 'after' && c === ',') expect = top === '{' ? 'key' : 'value';
    else if (expect === 'after' && ((c === '}' && top === '{') || (c === ']' && top === '['))) {
      stack.pop();
      expect = next();
    } else return lineAt(text, start);
  }
  return lineAt(text, text.length);
}

/** Text of the first non-space characters, to tell a JSON array from an object or JSONL. */
export function firstChar(text: string): string {
  return /\S/.exec(text)?.[0] ?? '';
}

/** Splits a stream into lines without ever holding a line longer than maxLineBytes. */
export async function* lines(input: Readable, maxLineBytes: number): AsyncGenerator<{ text: string; line: number }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 1;
  let bytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > MAX_REPORT_BYTES) throw tooBig();
    pending += decoder.write(buf);
    let from = 0;
    let nl: number;
    while ((nl = pending.indexOf('\n', from)) >= 0) {
      yield { text: pending.slice(from, nl), line };
      from = nl + 1;
      line++;
    }
    pending = pending.slice(from);
    if (pending.length > maxLineBytes) {
      const mb = Math.round(maxLineBytes / 1024 / 1024);
      throw new ReportError({ en: `a single line is longer than ${mb} MB`, vi: `có một dòng dài quá ${mb} MB` }, line);
    }
  }
  pending += decoder.end();
  if (pending) yield { text: pending, line };
}
