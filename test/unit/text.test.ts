import { expect } from 'chai';
import Joi from 'joi';
import { textProblem, TEXT_ERROR } from '../../src/shared/text';
import { text } from '../../src/shared/joi';

describe('unit: names are text (the text rule)', () => {
  it('when text is plain (Vietnamese, punctuation, emoji, Arabic without marks), then it passes in both kinds of field', () => {
    for (const s of ['Hệ thống "Một cửa", điện tử', 'Sở TT&TT — Hà Nội (2024)', 'خادم الويب', 'Máy chủ 🔒 số 3', '']) {
      expect(textProblem(s), s).to.equal(undefined);
      expect(textProblem(s, true), s).to.equal(undefined);
    }
  });

  it('when a character no text may hold appears, then the first one is named with its code point and position', () => {
    const cases: [string, string, string][] = [
      ['Sys \u202eexe.txt', 'U+202E', 'bidirectional override'],
      ['a\u0000b', 'U+0000', 'NUL'],
      ['bell\u0007', 'U+0007', 'control character'],
      ['del\u007f', 'U+007F', 'control character'],
      ['c1\u0085', 'U+0085', 'C1'],
      ['c1\u009b[31m', 'U+009B', 'C1'],
      ['\u2066isolate\u2069', 'U+2066', 'isolate'],
      ['mark\u200f', 'U+200F', 'bidirectional mark'],
      ['mark\u061c', 'U+061C', 'bidirectional mark'],
      ['sep\u2028x', 'U+2028', 'separator'],
      ['half \ud83d', 'U+D83D', 'unpaired surrogate'],
      ['\udc00 low', 'U+DC00', 'unpaired surrogate'],
      ['esc\u001b[2J', 'U+001B', 'control character'],
    ];
    for (const [s, code, what] of cases) {
      for (const multiline of [false, true]) {
        const p = textProblem(s, multiline);
        expect(p, JSON.stringify(s)).to.not.equal(undefined);
        expect(p!.code).to.equal(code);
        expect(p!.what).to.include(what);
        expect(s.charCodeAt(p!.position - 1)).to.equal(Number.parseInt(code.slice(2), 16));
      }
    }
  });

  it('when a line break or tab appears, then a single-line field refuses it and a multi-line field keeps it', () => {
    for (const s of ['two\nlines', 'windows\r\nline', 'tab\there']) {
      expect(textProblem(s)?.what, s).to.match(/line break|tab/);
      expect(textProblem(s, true), s).to.equal(undefined);
    }
    expect(textProblem('ok\nbut\u202e', true)?.position).to.equal(7);
    expect(textProblem('a\u202eb\nc')?.code).to.equal('U+202E'); // the first problem, whatever its kind
  });

  it('when the joi rule refuses a value, then the error has the code string.controlChars and a message naming the field', () => {
    const schema = Joi.object({ name: text().min(2), note: text({ multiline: true }) });
    const { error } = schema.validate({ name: 'Sys \u202eexe.txt', note: 'a\nb' }, { abortEarly: false, errors: { wrap: { label: false } } });
    expect(error!.details).to.have.length(1);
    expect(error!.details[0].type).to.equal(TEXT_ERROR);
    expect(error!.details[0].message).to.equal('name contains a bidirectional override or isolate (U+202E) at character 5; only plain text is accepted');
    expect(schema.validate({ name: '  Hệ thống  ' }).value).to.deep.equal({ name: 'Hệ thống' });
  });
});
