import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { ReportError, type ParseLimits } from '../types';
import { MAX_REPORT_BYTES, tooBig } from './common';
import type { Bilingual } from '../../../shared/bilingual';

/** "an nmap XML report (-oX)" → "báo cáo nmap XML (-oX)" */
const formatVi = (format: string) => `báo cáo ${format.replace(/^an? /, '').replace(/ report\b/, '')}`;

/** One open element: its text is the element's own character data, cut at limits.maxTextChars. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  line: number;
}

export interface XmlHandlers {
  /** root element names this format accepts (anything else is a ReportError) */
  roots: readonly string[];
  /** a human name for the format, for error messages */
  format: string;
  /** `stack` holds the ancestors, outermost first; the element itself is not on it */
  open?(el: XmlElement, stack: readonly XmlElement[]): void;
  close?(el: XmlElement, stack: readonly XmlElement[]): void;
}

/**
 * Streams an XML report through saxes without any DTD processing: saxes knows only the five
 * predefined entities and character references, so nothing is ever expanded or fetched. A
 * DOCTYPE that declares entities is refused outright (billion laughs, XXE) rather than left
 * to fail later at the first reference, so the user learns why.
 */
export async function walkXml(input: Readable, limits: ParseLimits, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let sawRoot = false;
  const fail = (message: Bilingual): never => {
    throw new ReportError(message, parser.line || undefined);
  };

  parser.on('error', (err) => {
    if (/undefined entity/i.test(err.message)) fail({ en: 'the report refers to an entity Attest does not know; Attest expands no entities', vi: 'báo cáo tham chiếu một thực thể (entity) mà Attest không biết; Attest không mở rộng thực thể nào' });
    const why = err.message.replace(/^[^:]*:\d+:\d+:\s*/, '');
    fail({ en: `the report is not well-formed XML: ${why}`, vi: `báo cáo không phải XML hợp lệ: ${why}` });
  });
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) fail({ en: 'the report declares entities; Attest does not expand them', vi: 'báo cáo khai báo thực thể (entity); Attest không mở rộng chúng' });
    if (/\b(SYSTEM|PUBLIC)\b/.test(doctype)) fail({ en: 'the report refers to an external DTD; Attest does not load it', vi: 'báo cáo tham chiếu một DTD bên ngoài; Attest không tải DTD' });
  });
  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (!handlers.roots.includes(tag.name)) {
        fail({
          en: `this is not ${handlers.format}: the root element is <${tag.name}>, expected <${handlers.roots.join('> or <')}>`,
          vi: `đây không phải ${formatVi(handlers.format)}: phần tử gốc là <${tag.name}>, cần <${handlers.roots.join('> hoặc <')}>`,
        });
      }
    }
    if (stack.length >= limits.maxDepth) fail({ en: `the report nests elements deeper than ${limits.maxDepth} levels`, vi: `báo cáo lồng phần tử sâu quá ${limits.maxDepth} cấp` });
    const el: XmlElement = { name: tag.name, attrs: tag.attributes as Record<string, string>, text: '', line: parser.line };
    handlers.open?.(el, stack);
    stack.push(el);
  });
  const onText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (top && top.text.length < limits.maxTextChars) top.text += text.slice(0, limits.maxTextChars - top.text.length);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const el = stack.pop();
    if (el) handlers.close?.(el, stack);
  });

  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > MAX_REPORT_BYTES) throw tooBig();
    let text = decoder.write(buf);
    if (first && text) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    parser.write(text);
  }
  parser.write(decoder.end());
  if (!sawRoot) fail({ en: `the file is empty or has no root element; expected ${handlers.format}`, vi: `tệp trống hoặc không có phần tử gốc; cần ${formatVi(handlers.format)}` });
  parser.close();
}

/** The nearest ancestor (or the element itself) with one of these names. */
export function within(stack: readonly XmlElement[], name: string): XmlElement | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].name === name) return stack[i];
  return undefined;
}
