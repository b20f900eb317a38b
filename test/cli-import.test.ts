import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { harness, TEST_SECRET } from './helpers/harness';
import { makeOrg, uniq } from './helpers/factories';
import { System } from '../src/modules/systems/system.model';
import * as audit from '../src/modules/audit/audit.service';

/** Runs `npm run import`'s program against the suite's database. */
function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      env: { ...process.env, MONGODB_URI: harness().uri, SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('import CLI', () => {
  it('when given a valid CSV, then it creates the systems and says how many; when a row is bad, then it lists it, exits 1 and writes nothing', async () => {
    const org = await makeOrg();
    const p = uniq('CLI-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-cli-'));
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, `code,name,organization,level\n${p}-1,"Hệ thống, một",${org.code},2\n${p}-2,Hệ thống hai,${org.code},3\n`);
    const ok = await runImport([good]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/created 2, updated 0/);
    expect(await System.countDocuments({ code: { $in: [`${p}-1`, `${p}-2`] } })).to.equal(2);

    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `code,name,organization,level\n${p}-3,Ba,${org.code},2\n${p}-4,Bốn,${org.code},9\n`);
    const failed = await runImport([bad]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.match(/row 2\s+level/);
    expect(await System.countDocuments({ code: `${p}-3` })).to.equal(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a CSV cell holds a bidirectional override or a control character, then the CLI names its row and field, exits 1 and writes nothing', async () => {
    const org = await makeOrg();
    const p = uniq('CLI-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-cli-'));
    const file = path.join(dir, 'bidi.csv');
    fs.writeFileSync(file, `code,name,organization,level,description\n${p}-1,Một,${org.code},2,ok\n${p}-2,Sys \u202eexe.txt,${org.code},2,\n${p}-3,Ba,${org.code},2,"chuông \u0007"\n`);
    const r = await runImport([file]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/row 2\s+name: name contains a bidirectional override or isolate \(U\+202E\)/);
    expect(r.stderr).to.match(/row 3\s+description: description contains a control character \(U\+0007\)/);
    expect(await System.countDocuments({ code: { $regex: `^${p}-` } })).to.equal(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the import is killed (SIGKILL) part-way, then every system it created has its audit event', async () => {
    const org = await makeOrg();
    const p = uniq('KILL-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-cli-'));
    const file = path.join(dir, 'big.json');
    fs.writeFileSync(file, JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ code: `${p}-${i}`, name: `Hệ thống ${i}`, organization: org.code, level: 1 + (i % 5) }))));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], {
      env: { ...process.env, MONGODB_URI: harness().uri, SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' }, stdio: 'ignore',
    });
    const started = Date.now();
    while (child.exitCode === null && Date.now() - started < 60_000 && (await System.countDocuments({ code: { $regex: `^${p}-` } })) === 0) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const created = await System.find({ code: { $regex: `^${p}-` } }, { _id: 1 }).lean();
    for (const s of created) {
      const events = await audit.list({ entity: 'system', entityId: s._id.toString(), action: 'system.create', page: 1, limit: 5 });
      expect(events.total, s._id.toString()).to.be.at.least(1);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
