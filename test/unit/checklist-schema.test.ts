import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { checklistFile, FILE_VALIDATION, type ChecklistFile } from '../../src/modules/checklists/checklist.schemas';
import { ChecklistFileError, parseChecklist, readChecklistFile } from '../../src/modules/checklists/checklist.loader';

const FIXTURES = path.resolve('test/fixtures/checklists');
const smallText = fs.readFileSync(path.join(FIXTURES, 'small.yaml'), 'utf8');
const small = (): ChecklistFile => YAML.parse(smallText);

/** "path: message" for every problem joi finds. */
function problems(doc: unknown): string[] {
  const { error } = checklistFile.validate(doc, FILE_VALIDATION);
  return error ? error.details.map((d) => `${d.path.join('.')}: ${d.message}`) : [];
}

function rejects(mutate: (d: any) => void, expected: string | RegExp) {
  const d = small();
  mutate(d);
  const found = problems(d);
  const match = (p: string) => (typeof expected === 'string' ? p === expected : expected.test(p));
  expect(found.some(match), `expected ${expected} in ${JSON.stringify(found)}`).to.equal(true);
}

describe('unit: checklist file schema', () => {
  it('when the sample and the shipped TCVN 11930 file are validated, then both pass', () => {
    expect(problems(small())).to.deep.equal([]);
    expect(readChecklistFile(path.resolve('checklists/tcvn-11930-2017.yaml')).content.controls).to.have.length(112);
  });

  it('when a key is unknown at the top level or on a control, then its path is named', () => {
    rejects((d) => { d.owner = 'x'; }, 'owner: is not allowed');
    rejects((d) => { d.controls[1].note = 'x'; }, 'controls.1.note: is not allowed');
  });

  it('when an id repeats, then the second occurrence is named with the first', () => {
    rejects((d) => { d.controls[2].id = 'TEC.NET.01'; }, 'controls.2: repeats id TEC.NET.01 of controls.1');
  });

  it('when an id breaks the pattern or its prefix disagrees with the group, then that field is named', () => {
    rejects((d) => { d.controls[0].id = 'MGT.P.1'; }, /^controls\.0\.id: must be MGT or TEC/);
    rejects((d) => { d.controls[1].group = 'management'; }, 'controls.1.group: must be "technical" for id TEC.NET.01');
  });

  it('when a domain belongs to the other group or is unknown, then the domain is named', () => {
    rejects((d) => { d.controls[0].domain = 'network'; }, /^controls\.0\.domain: must be one of security-policy.*\(management\)$/);
    rejects((d) => { d.controls[1].domain = 'physical'; }, /^controls\.1\.domain: must be one of network, server, application, data/);
  });

  it('when refs do not match levels, then refs is named with the missing or extra level', () => {
    rejects((d) => { delete d.controls[2].refs['4']; }, 'controls.2.refs: has no ref for level 4 (keys must equal levels [3, 4, 5])');
    rejects((d) => { d.controls[2].refs['2'] = '6.2.3.4'; }, 'controls.2.refs: has a ref for level 2, which is not in levels [3, 4, 5]');
    rejects((d) => { d.controls[0].refs['9'] = '13.1.1.1'; }, 'controls.0.refs.9: is not a level (1–5)');
  });

  it('when a ref has the wrong clause, group digit or suffix, then the ref is named', () => {
    rejects((d) => { d.controls[0].refs['2'] = '7.1.1.1'; }, 'controls.0.refs.2: must start with "6."');
    rejects((d) => { d.controls[1].refs['3'] = '7.1.1.1'; }, 'controls.1.refs.3: must look like "7.2.<group>.<item>" (technical)');
    rejects((d) => { d.controls[1].refs['5'] = '9.2.1.2'; }, /^controls\.1\.refs: must keep the same suffix at every level/);
  });

  it('when levels do not end at 5, skip a level, or leave the file\'s levels, then levels is named', () => {
    rejects((d) => { d.controls[0].levels = [1, 2, 3]; }, 'controls.0.levels: must end at 5, got [1, 2, 3]');
    rejects((d) => { d.controls[2].levels = [3, 5]; d.controls[2].refs = { 3: '7.2.3.4', 5: '9.2.3.4' }; }, 'controls.2.levels: must be ascending and contiguous, got [3, 5]');
    rejects((d) => { d.levels = [3, 4, 5]; }, 'controls.0.levels: level 1 is not one of the file\'s levels [3, 4, 5]');
    rejects((d) => { d.levels = [2, 1, 3, 4, 5]; }, 'levels: must be ascending');
  });

  it('when a level text is keyed by a level the control does not have, then that key is named', () => {
    rejects((d) => { d.controls[2].levelText = { 1: { vi: 'a', en: 'b' } }; }, 'controls.2.levelText.1: level 1 is not in the control\'s levels [3, 4, 5]');
  });

  it('when a Vietnamese or English text is missing or padded, then that text is named', () => {
    rejects((d) => { delete d.controls[0].title.vi; }, 'controls.0.title.vi: is required');
    rejects((d) => { delete d.title.en; }, 'title.en: is required');
    rejects((d) => { d.controls[1].evidence[0].vi = ''; }, 'controls.1.evidence.0.vi: is not allowed to be empty');
    rejects((d) => { d.controls[1].requirement.en = 'trailing '; }, 'controls.1.requirement.en: must not have leading or trailing whitespace');
  });

  it('when severity, scan check, version or date are wrong, then each is named', () => {
    rejects((d) => { d.controls[0].severity = 'severe'; }, 'controls.0.severity: must be one of [critical, high, medium, low]');
    rejects((d) => { d.controls[0].scanCheck = 'dns.spf'; }, /^controls\.0\.scanCheck: must be one of/);
    rejects((d) => { d.controls[1].scanCheck = 'tls.protocols'; }, 'controls.2: uses scanCheck tls.protocols again (already on controls.1); each check names one control');
    rejects((d) => { d.version = 1.0; }, 'version: must be a string');
    rejects((d) => { d.publishedAt = '15/01/2024'; }, /^publishedAt: /);
    rejects((d) => { d.controls[0].evidence = []; }, 'controls.0.evidence: must contain at least 1 items');
  });

  it('when a file has a problem, then the error message reads "file: path: reason"', () => {
    const text = smallText.replace('2: "6.1.1.1"', '2: "7.1.1.1"');
    expect(() => parseChecklist(text, 'checklists/x.yaml')).to.throw(ChecklistFileError, 'checklists/x.yaml: controls.0.refs.2: must start with "6."');
  });

  it('when the YAML itself is broken or repeats a key, then the error names the file and the line', () => {
    expect(() => parseChecklist('framework: [A\nversion: "1"\n', 'broken.yaml')).to.throw(ChecklistFileError, /^broken\.yaml: line \d+, column \d+: invalid YAML/);
    expect(() => parseChecklist(smallText.replace('version: "1.0"', 'version: "1.0"\nversion: "1.1"'), 'dup.yaml')).to.throw(ChecklistFileError, /^dup\.yaml: line 4, column 1: invalid YAML: Map keys must be unique/);
  });

  it('when only comments, quoting or layout change, then the content hash stays the same; when a word changes, it differs', () => {
    const base = parseChecklist(smallText, 'a.yaml').contentHash;
    const relaid = smallText.replace('# A small', '# Another comment\n# A small').replace('version: "1.0"', "version: '1.0'").replace('levels: [1, 2, 3, 4, 5]\n', 'levels:\n  - 1\n  - 2\n  - 3\n  - 4\n  - 5\n');
    expect(parseChecklist(relaid, 'b.yaml').contentHash).to.equal(base);
    expect(parseChecklist(smallText.replace('Network zoning', 'Network zones'), 'c.yaml').contentHash).to.not.equal(base);
  });
});
