import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { harness, TEST_SECRET } from './helpers/harness';
import { makeActors, type Actors } from './helpers/factories';
import { assessedSystem, expectValid, get } from './helpers/oscal';
import * as audit from '../src/modules/audit/audit.service';

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

/** `npm run oscal`'s program against the suite's database. */
const oscalCli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/oscal.ts', ...args],
  { MONGODB_URI: harness().uri, SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://attest.oscal.example' });

const FILES = ['catalog.json', 'profile-level-2.json', 'ssp.json', 'assessment-results.json', 'poam.json'];

describe('OSCAL exchange: files (npm run oscal) and compliance-trestle', () => {
  let a: Actors;
  let seeded: Awaited<ReturnType<typeof assessedSystem>>;
  let dir: string;
  before(async function () {
    this.timeout(180_000);
    a = await makeActors();
    seeded = await assessedSystem(a);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-oscal-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('when `oscal export --system CODE --out DIR` runs, then it writes the five documents, each valid and the same as the API gives, and the exports are audited', async function () {
    this.timeout(120_000);
    const r = await oscalCli(['export', '--system', seeded.system.code.toLowerCase(), '--out', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([...FILES].sort());
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, any>;
    for (const f of FILES) expectValid(read(f), f);
    const api = await get(a.inspector, `/api/v1/assessments/${seeded.assessmentId}/oscal/assessment-results`);
    const file = read('assessment-results.json');
    // the same document but for the base URL of links (the CLI's PUBLIC_BASE_URL)
    expect(JSON.stringify(file).replace(/https:\/\/attest\.oscal\.example/g, '')).to.equal(JSON.stringify(api).replace(/http:\/\/[^/"]+(?=\/api\/v1\/)/g, ''));
    expect(read('ssp.json')['system-security-plan']['back-matter'].resources[0].rlinks[0].href).to.match(/^https:\/\/attest\.oscal\.example\/api\/v1\/checklists\/[0-9a-f]{24}\/oscal\/profiles\/2$/);
    const events = await audit.list({ entity: 'assessment', entityId: seeded.assessmentId, action: 'oscal.assessment_results.export', page: 1, limit: 10 });
    expect(events.items.map((e: { actor: { name: string } }) => e.actor.name)).to.include('cli:oscal');
    const missing = await oscalCli(['export', '--system', 'NO-SUCH-SYSTEM', '--out', path.join(dir, 'none')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/No system with code NO-SUCH-SYSTEM/);
    expect(fs.existsSync(path.join(dir, 'none'))).to.equal(false);
  });

  it('when compliance-trestle (PyPI, in a virtual environment) loads each exported document, then every one parses into its OSCAL model', async function () {
    this.timeout(600_000);
    if (!fs.existsSync(path.join(dir, 'poam.json'))) this.skip();
    const venv = process.env.TRESTLE_VENV ?? path.resolve('.tools', 'trestle-venv');
    const setup = await run('bash', ['test/oscal/trestle-venv.sh'], { TRESTLE_VENV: venv }, 540_000);
    if (setup.code !== 0) {
      process.stdout.write(`      SKIPPED: the compliance-trestle virtual environment could not be created in ${venv} (offline?): ${setup.stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
      this.skip();
    }
    const files = FILES.map((f) => path.join(dir, f));
    const loaded = await run(path.join(venv, 'bin', 'python'), ['test/oscal/trestle_load.py', ...files]);
    expect(loaded.stdout + loaded.stderr).to.not.match(/^fail /m);
    expect(loaded.code, loaded.stdout + loaded.stderr).to.equal(0);
    expect(loaded.stdout.match(/^ok /gm)).to.have.length(FILES.length);
    // trestle refuses a broken document: the check can fail
    const broken = path.join(dir, 'broken-ssp.json');
    const ssp = JSON.parse(fs.readFileSync(files[2], 'utf8'));
    delete ssp['system-security-plan']['import-profile'];
    fs.writeFileSync(broken, JSON.stringify(ssp));
    const refused = await run(path.join(venv, 'bin', 'python'), ['test/oscal/trestle_load.py', broken]);
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.match(/^fail /m);
  });
});
