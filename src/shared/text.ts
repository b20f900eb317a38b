/*
 * Names are text: the one rule every free-text field obeys (the API's schemas, the system import
 * in the API and the CLI, the checklist files; the console shows the API's reasons). A name reaches
 * PDFs, CSV cells, e-mail subjects and other people's screens, where an invisible character can
 * hide or reorder what is shown ("Sys \u202Eexe.txt" displays as "Sys txt.exe").
 *
 * Refused in every text field:
 * - C0 controls U+0000–U+001F (NUL, BEL, ESC, …), except the line feed, carriage return and tab of a
 *   multi-line field;
 * - DEL U+007F and the C1 controls U+0080–U+009F;
 * - bidirectional formatting: the marks U+200E, U+200F, U+061C, the embeddings and overrides
 *   U+202A–U+202E, the isolates U+2066–U+2069;
 * - the line and paragraph separators U+2028, U+2029 (a multi-line field breaks lines with \n);
 * - unpaired UTF-16 surrogates (not text in any encoding).
 * Single-line fields (names, titles, codes' labels) take no line break and no tab; multi-line fields
 * (descriptions, notes, comments, reasons, justifications) take \n, \r and \t.
 */

export interface TextProblem {
  /** the code point, as U+XXXX */
  code: string;
  /** what kind of character it is, in a few words */
  what: string;
  /** its position (1 = the first character) */
  position: number;
}

const ALWAYS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SINGLE_LINE = /[\t\n\r]/;

function kind(c: number): string {
  if (c === 0) return 'a NUL character';
  if (c === 0x09) return 'a tab';
  if (c === 0x0a || c === 0x0d) return 'a line break';
  if (c < 0x20 || c === 0x7f) return 'a control character';
  if (c <= 0x9f) return 'a C1 control character';
  if (c === 0x2028 || c === 0x2029) return 'a line or paragraph separator';
  if (c >= 0xd800 && c <= 0xdfff) return 'an unpaired surrogate';
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return 'a bidirectional override or isolate';
  return 'a bidirectional mark';
}

/** The first character of `value` a text field may not hold, or undefined when it is plain text. */
export function textProblem(value: string, multiline = false): TextProblem | undefined {
  const a = ALWAYS.exec(value);
  const b = multiline ? null : SINGLE_LINE.exec(value);
  const m = a && b ? (a.index < b.index ? a : b) : (a ?? b);
  if (!m) return undefined;
  const c = value.charCodeAt(m.index);
  return { code: `U+${c.toString(16).toUpperCase().padStart(4, '0')}`, what: kind(c), position: m.index + 1 };
}

/** The joi error code of the rule (src/shared/joi.ts): the API answers it with 422, naming the field. */
export const TEXT_ERROR = 'string.controlChars';

/** The English message, after the field's name. */
export const TEXT_MESSAGE = 'contains {{#what}} ({{#code}}) at character {{#position}}; only plain text is accepted';
