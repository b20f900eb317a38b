/* Benchmark: import of a 124-row inventory over HTTP on the embedded database. Prints figures. */
import request from 'supertest';
import { startHarness, stopHarness } from '../helpers/harness';
import { makeOrg, makeUser, tokenFor } from '../helpers/factories';

async function main() {
  const h = await startHarness();
  const orgs = await Promise.all(['BENCH-A', 'BENCH-B', 'BENCH-C', 'BENCH-D'].map((code) => makeOrg({ code })));
  const token = await tokenFor(await makeUser('admin'));
  const csvFor = (run: number) => ['code,name,organization,level,endpoints,allowedPorts,tags',
    ...Array.from({ length: 124 }, (_, i) => `HT-${String(i + 1).padStart(3, '0')},"Hệ thống thông tin số ${i + 1}, lần ${run}",${orgs[i % 4].code},${(i % 5) + 1},https://s${i}.example.org,443,bench`)].join('\n');
  const times: number[] = [];
  for (let run = 0; run < 6; run++) {
    const t = process.hrtime.bigint();
    const res = await request(h.app).post('/api/v1/systems/import').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csvFor(run));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    times.push(ms);
    process.stdout.write(`run ${run + 1}: ${res.body.created} created, ${res.body.updated} updated in ${ms.toFixed(0)} ms\n`);
  }
  const t = process.hrtime.bigint();
  const same = await request(h.app).post('/api/v1/systems/import').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csvFor(5));
  const unchangedMs = Number(process.hrtime.bigint() - t) / 1e6;
  process.stdout.write(`re-import of the same file: ${same.body.unchanged} unchanged in ${unchangedMs.toFixed(0)} ms\n`);
  const sorted = [...times.slice(1)].sort((a, b) => a - b);
  process.stdout.write(`124-row CSV import: first (all creates) ${times[0].toFixed(0)} ms; all 124 changed: median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms; unchanged re-import ${unchangedMs.toFixed(0)} ms\n`);
  await stopHarness();
}

main().catch((err) => { console.error(err); process.exit(1); });
