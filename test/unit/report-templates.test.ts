import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { loadTemplates, TemplateFileError } from '../../src/modules/reports/templates';

const SHIPPED = path.resolve('reports');
const FILES = ['certificate.yaml', 'assessment-report.yaml', 'programme-report.yaml'];
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-templates-'));
let n = 0;

/** A copy of the shipped templates in `<tmp>/<n>/reports/`, with one file changed. */
function brokenCopy(file: string, change: (doc: any) => void | string): string {
  const dir = path.join(root, String(++n), 'reports');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of FILES) fs.copyFileSync(path.join(SHIPPED, f), path.join(dir, f));
  const doc = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const replaced = change(doc);
  fs.writeFileSync(path.join(dir, file), typeof replaced === 'string' ? replaced : YAML.stringify(doc));
  return dir;
}

function problems(dir: string): string[] {
  try {
    loadTemplates(dir);
  } catch (err) {
    expect(err).to.be.instanceOf(TemplateFileError);
    return (err as Error).message.split('\n');
  }
  return [];
}

/** The message lines end with "reports/<file>: <path>: <reason>" (the directory in front is the temp dir). */
function rejects(file: string, change: (doc: any) => void | string, expected: string) {
  const found = problems(brokenCopy(file, change));
  expect(found.some((line) => line.endsWith(`reports/${file}: ${expected}`)), `expected "${expected}" in ${JSON.stringify(found)}`).to.equal(true);
}

after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('unit: report templates', () => {
  it('when the shipped templates are loaded, then all three validate and the result is cached per directory', () => {
    const t = loadTemplates(SHIPPED);
    expect(t.certificate.document).to.equal('certificate');
    expect(t.assessmentReport.document).to.equal('assessment-report');
    expect(t.programmeReport.document).to.equal('programme-report');
    expect(loadTemplates(SHIPPED)).to.equal(t);
    expect(loadTemplates()).to.equal(t);
  });

  it('when an English text is missing, then the file, the path and the reason are named', () => {
    rejects('certificate.yaml', (d) => { delete d.title.en; }, 'title.en: is required');
  });

  it('when a Vietnamese text is empty or blank, then it is rejected', () => {
    rejects('assessment-report.yaml', (d) => { d.results.partial.vi = ''; }, 'results.partial.vi: is not allowed to be empty');
    rejects('programme-report.yaml', (d) => { d.states.compliant.vi = '   '; }, 'states.compliant.vi: must not be blank');
  });

  it('when a key is unknown, then its path is named', () => {
    rejects('certificate.yaml', (d) => { d.fields.owner = { vi: 'Chủ sở hữu', en: 'Owner' }; }, 'fields.owner: is not allowed');
    rejects('programme-report.yaml', (d) => { d.title.fr = 'Rapport'; }, 'title.fr: is not allowed');
  });

  it('when a placeholder is misspelt or a required one is missing, then the text says which', () => {
    rejects('assessment-report.yaml', (d) => { d.footer.pageNumber.vi = 'Trang {pag} / {pages}'; }, 'footer.pageNumber.vi: uses {pag}, which this text is not given (available: {page}, {pages})');
    rejects('programme-report.yaml', (d) => { d.footer.pageNumber.en = 'Page {page}'; }, 'footer.pageNumber.en: must contain {pages}');
    rejects('certificate.yaml', (d) => { d.title.vi = 'GIẤY CHỨNG NHẬN {number}'; }, 'title.vi: uses {number}, which this text is not given (available: none)');
  });

  it('when page settings or the document id are wrong, then each is named', () => {
    rejects('certificate.yaml', (d) => { d.page.size = 'Letter'; }, 'page.size: must be [A4]');
    rejects('certificate.yaml', (d) => { d.page.colours.primary = 'red'; }, 'page.colours.primary: must be a colour written #rrggbb');
    rejects('assessment-report.yaml', (d) => { d.page.margins.bottom = 10; }, 'page.margins.bottom: must be greater than or equal to 36');
    rejects('programme-report.yaml', (d) => { d.document = 'certificate'; }, 'document: must be "programme-report" in this file');
    rejects('programme-report.yaml', (d) => { d.locale.timeZone = 'Asia/Ho_Chi_Minh'; }, 'locale.timeZone: is not set in templates: dates follow the DISPLAY_TIME_ZONE setting');
    rejects('assessment-report.yaml', (d) => { d.version = 0; }, 'version: must be greater than or equal to 1');
  });

  it('when the YAML itself is broken or the file is absent, then the file is named with the reason', () => {
    rejects('certificate.yaml', () => 'document: certificate\ntitle: [unclosed\n', 'line 3, column 1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
    const dir = brokenCopy('certificate.yaml', () => undefined);
    fs.rmSync(path.join(dir, 'programme-report.yaml'));
    expect(problems(dir)[0]).to.match(/reports\/programme-report\.yaml: cannot read the template \(ENOENT\)$/);
  });
});
