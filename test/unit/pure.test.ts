import { expect } from 'chai';
import Joi from 'joi';
import { canonicalJson } from '../../src/shared/canonical';
import { passwordProblems } from '../../src/modules/users/password';
import { csvToRows } from '../../src/modules/systems/system.import';
import { joiToSchema } from '../../src/http/openapi';
import { serialize } from '../../src/db/serialize';
import { Types } from 'mongoose';

describe('unit: canonical JSON', () => {
  it('when keys come in another order, then the text is the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).to.equal(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });
  it('when a value differs, then the text differs', () => {
    expect(canonicalJson({ a: 1 })).to.not.equal(canonicalJson({ a: '1' }));
  });
});

describe('unit: password policy', () => {
  it('when the password is short, letter-only, or contains the e-mail name, then each problem is named', () => {
    expect(passwordProblems('Ab1')).to.include('must be at least 12 characters');
    expect(passwordProblems('onlyletterslong')).to.include('must contain letters and digits');
    expect(passwordProblems('nguyenvan-2024-xyz', 'nguyenvan@bo.example')).to.include('must not contain the e-mail name');
    expect(passwordProblems('Mật-khẩu-mạnh-2026')).to.deep.equal([]);
  });
});

describe('unit: CSV rows', () => {
  it('when cells are quoted, empty, or lists, then rows come out shaped like the JSON import', () => {
    const rows = csvToRows('\ufeffcode,name,organization,level,endpoints,levelApprovalDate\nHT-1,"Tên, có ""ngoặc""",BTC,3,a.example.org:443; https://b.example.org ,2024-01-02\nHT-2,Hai,BTC,1,,\n');
    expect(rows).to.deep.equal([
      { code: 'HT-1', name: 'Tên, có "ngoặc"', organization: 'BTC', level: '3', endpoints: ['a.example.org:443', 'https://b.example.org'], levelApproval: { date: '2024-01-02' } },
      { code: 'HT-2', name: 'Hai', organization: 'BTC', level: '1' },
    ]);
  });
  it('when a quote is left open, then the error names the CSV', () => {
    expect(() => csvToRows('code,name\n"HT-1,x\n')).to.throw().with.property('status', 422);
  });
});

describe('unit: joi → OpenAPI schema', () => {
  it('when a schema has required keys, enums, bounds and patterns, then they appear in the JSON schema', () => {
    const s = joiToSchema(Joi.object({
      level: Joi.number().integer().valid(1, 2).required(),
      code: Joi.string().pattern(/^[A-Z]+$/).max(5),
      tags: Joi.array().items(Joi.string()).max(3).unique(),
      limit: Joi.number().integer().min(1).max(100).default(20),
    }).describe());
    expect(s).to.deep.include({ type: 'object', required: ['level'], additionalProperties: false });
    const props = s.properties as Record<string, Record<string, unknown>>;
    expect(props.level).to.include({ type: 'integer' });
    expect(props.level.enum).to.deep.equal([1, 2]);
    expect(props.code).to.include({ type: 'string', pattern: '^[A-Z]+$', maxLength: 5 });
    expect(props.tags).to.include({ type: 'array', maxItems: 3, uniqueItems: true });
    expect(props.limit).to.include({ minimum: 1, maximum: 100, default: 20 });
  });
});

describe('unit: serialize', () => {
  it('when a lean document is serialised, then _id becomes id, __v and hidden fields go, nested ids become strings', () => {
    const id = new Types.ObjectId();
    const out = serialize({ _id: id, __v: 3, secret: 'x', owner: id, list: [{ _id: id, n: 1 }] }, ['secret']);
    expect(out).to.deep.equal({ id: id.toString(), owner: id.toString(), list: [{ id: id.toString(), n: 1 }] });
  });
});
