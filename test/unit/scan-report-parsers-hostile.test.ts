import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseReport } from '../../src/modules/scan-imports/parsers';
import { MAX_LINE_BYTES } from '../../src/modules/scan-imports/parsers/nuclei';
import { DEFAULT_LIMITS, ReportError, type ImportTool, type ParseLimits } from '../../src/modules/scan-imports/types';

const DIR = path.join(__dirname, '..', 'fixtures', 'scan-reports');
const stream = (content: string | Buffer): Readable => Readable.from([Buffer.from(content)]);

/** Parses and returns the ReportError, failing the test if there is none or it took too long. */
async function refused(tool: ImportTool, input: Readable, limits: ParseLimits = DEFAULT_LIMITS, ms = 2_000): Promise<ReportError> {
  const started = Date.now();
  const err = await parseReport(input, { tool, limits }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(Date.now() - started, 'time to refuse').to.be.below(ms);
  expect(err, 'a ReportError').to.be.instanceOf(ReportError);
  return err as ReportError;
}

describe('unit: scan report parsers — hostile XML', () => {
  let sentinel: string;
  const opened: string[] = [];
  const originals: Partial<Record<'openSync' | 'readFileSync' | 'createReadStream' | 'open', unknown>> = {};
  before(() => {
    sentinel = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xxe-')), 'secret.txt');
    fs.writeFileSync(sentinel, 'TOP-SECRET-CONTENT');
    for (const name of ['openSync', 'readFileSync', 'createReadStream', 'open'] as const) {
      const original = (fs as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      originals[name] = original;
      (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        opened.push(String(args[0]));
        return original.apply(fs, args);
      };
    }
  });
  after(() => {
    for (const [name, fn] of Object.entries(originals)) (fs as unknown as Record<string, unknown>)[name] = fn;
    fs.rmSync(path.dirname(sentinel), { recursive: true, force: true });
  });

  it('when a report declares an external entity (XXE), then it is refused naming the line and the file is never read', async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE nmaprun [\n  <!ENTITY xxe SYSTEM "file://${sentinel}">\n]>\n<nmaprun><host>&xxe;</host></nmaprun>\n`;
    const err = await refused('nmap', stream(xxe));
    expect(err.message).to.match(/declares entities; Attest does not expand them \(line \d\)/);
    expect(err.message).not.to.contain('TOP-SECRET');
    expect(opened.filter((p) => p.includes('secret.txt'))).to.deep.equal([]);
  });

  it('when a report points at an external DTD, then it is refused without loading it', async () => {
    const err = await refused('nessus', stream(`<?xml version="1.0"?>\n<!DOCTYPE NessusClientData_v2 SYSTEM "file://${sentinel}">\n<NessusClientData_v2/>`));
    expect(err.message).to.match(/external DTD/);
    expect(opened.filter((p) => p.includes('secret.txt'))).to.deep.equal([]);
  });

  it('when billion laughs is uploaded, then it is refused at once with bounded memory', async () => {
    const defs = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) defs.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE OWASPZAPReport [\n${defs.join('\n')}\n]>\n<OWASPZAPReport>&lol9;</OWASPZAPReport>\n`;
    const heap = process.memoryUsage().heapUsed;
    const err = await refused('zap', stream(bomb), DEFAULT_LIMITS, 500);
    expect(err.message).to.match(/declares entities/);
    expect(err.line).to.be.a('number');
    expect(process.memoryUsage().heapUsed - heap).to.be.below(50 * 1024 * 1024);
  });

  it('when an entity is used that XML does not predefine, then it is refused with its line', async () => {
    const err = await refused('nmap', stream('<nmaprun>\n<host>\n&nbsp;\n</host></nmaprun>'));
    expect(err.message).to.match(/entity/);
    expect(err.line).to.equal(3);
  });

  it('when the five predefined entities and character references are used, then they are decoded', async () => {
    const xml = '<nmaprun><scaninfo services="22"/><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/>' +
      '<ports><port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="a&amp;b &lt;&gt;&quot;&apos; &#x41;&#66;"/></port></ports></host></nmaprun>';
    const r = await parseReport(stream(xml), { tool: 'nmap' });
    expect(r.items[0].evidence).to.contain(`a&b <>"' AB`);
  });

  it('when elements nest deeper than the limit, then it is refused with the line', async () => {
    const deep = `<nmaprun>\n${'<a>'.repeat(100_000)}`;
    const err = await refused('nmap', stream(deep));
    expect(err.message).to.match(/deeper than 64 levels \(line 2\)/);
  });

  it('when a report is truncated, then it is refused as malformed with the last line', async () => {
    const full = fs.readFileSync(path.join(DIR, 'nmap', 'nmap_1port.xml'), 'utf8');
    const cut = full.slice(0, Math.floor(full.length * 0.6));
    const err = await refused('nmap', stream(cut));
    expect(err.message).to.match(/not well-formed XML/);
    expect(err.line).to.equal(cut.split('\n').length);
  });

  it('when tags are mismatched in the middle, then the error names that line', async () => {
    const err = await refused('openvas', stream('<report format_id="x">\n<results>\n<result id="1">\n</reslt>\n</results></report>'));
    expect(err.message).to.match(/not well-formed XML/);
    expect(err.line).to.equal(4);
  });

  it('when the root element belongs to another format, then it is refused saying which root was expected', async () => {
    const err = await refused('nessus', stream('<?xml version="1.0"?>\n<NessusClientData_v1></NessusClientData_v1>'));
    expect(err.message).to.equal(
      'this is not a Nessus report (.nessus, NessusClientData_v2): the root element is <NessusClientData_v1>, expected <NessusClientData_v2> (line 2)',
    );
  });

  it('when a report has more items than allowed, then it is refused rather than cut', async () => {
    const input = fs.createReadStream(path.join(DIR, 'nmap', 'nmap_multiple_port.xml'));
    const err = await refused('nmap', input, { ...DEFAULT_LIMITS, maxItems: 5 });
    expect(err.message).to.match(/more than 5 items/);
  });

  it('when a text is longer than the limit, then it is cut, not refused', async () => {
    const long = 'x'.repeat(100_000);
    const xml = `<OWASPZAPReport><site host="h" port="80"><alerts><alertitem><pluginid>1</pluginid><alert>A</alert><riskcode>2</riskcode><desc>${long}</desc></alertitem></alerts></site></OWASPZAPReport>`;
    const r = await parseReport(stream(xml), { tool: 'zap', limits: { ...DEFAULT_LIMITS, maxTextChars: 100 } });
    expect(r.items[0].description).to.have.length(100);
  });
});

describe('unit: scan report parsers — hostile JSON', () => {
  it('when a JSONL line is 100 MB, then it is refused with its line long before it is all read', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    async function* generate(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"template-id":"ok","info":{"severity":"low"},"host":"a.example"}\n{"template-id":"x","host":"');
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield chunk;
      }
      yield Buffer.from('"}\n');
    }
    const err = await refused('nuclei', Readable.from(generate()), DEFAULT_LIMITS, 5_000);
    expect(err.message).to.equal(`a single line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB (line 2)`);
    // a stream reads a chunk or two ahead; far from the 100 it would take to read the line
    expect(pulled).to.be.at.most(MAX_LINE_BYTES / chunk.length + 4);
  });

  it('when a JSONL line is malformed, then the error names that line', async () => {
    const ok = '{"template-id":"t","info":{"severity":"low"},"host":"a.example"}';
    const err = await refused('nuclei', stream(`${ok}\n${ok}\n{"template-id": "t", "info": }\n`));
    expect(err.message).to.match(/not valid JSON/);
    expect(err.line).to.equal(3);
  });

  it('when JSON nests deeper than the limit, then it is refused before JSON.parse', async () => {
    const err = await refused('sslyze', stream(`{\n"server_scan_results": ${'['.repeat(1_000_000)}`));
    expect(err.message).to.equal('the report nests deeper than 64 levels (line 2)');
  });

  it('when JSON has a syntax error, then the line is given even where Node gives no position', async () => {
    const bad = '[\n {"id": "a", "severity": "LOW", "finding": "x"},\n {"id": "b", "severity": }\n]';
    const err = await refused('testssl', stream(bad));
    expect(err.message).to.match(/not valid JSON: Unexpected token '}' \(line 3\)/);
    const missingComma = await refused('testssl', stream('[\n{"id": "a"}\n{"id": "b"}\n]'));
    expect(missingComma.line).to.equal(3);
  });

  it('when a JSON report is truncated, then it says so with the last line', async () => {
    const full = fs.readFileSync(path.join(DIR, 'testssl', 'overall_critical.json'), 'utf8');
    const cut = full.slice(0, 5_000);
    const err = await refused('testssl', stream(cut));
    expect(err.message).to.match(/ends in the middle|not valid JSON/);
    expect(err.line).to.equal(cut.split('\n').length);
  });

  it('when valid JSON is not the declared tool\'s shape, then it is refused saying what is missing', async () => {
    expect((await refused('sslyze', stream('{"a": 1}'))).message).to.match(/not an sslyze JSON report/);
    expect((await refused('zap', stream('{"a": 1}'))).message).to.match(/not a ZAP JSON report/);
    expect((await refused('testssl', stream('{"a": 1}'))).message).to.match(/not a testssl.sh JSON report/);
    expect((await refused('nuclei', stream('{"a": 1}\n'))).message).to.equal('this is not a Nuclei result: template-id is missing (line 1)');
  });

  it('when an upload is empty, then it is refused as empty', async () => {
    expect((await refused('nmap', stream(''))).message).to.match(/empty/);
    expect((await parseReport(stream(''), { tool: 'nuclei' })).items).to.deep.equal([]);
  });
});
