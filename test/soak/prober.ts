import { Worker } from 'node:worker_threads';
import { percentile } from './stats';

/*
 * GET /healthz on each instance every ~100 ms, from a worker thread so that the soak's own work
 * (truth recomputation, TLS handshakes of the scan targets) does not show up as service latency.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const targets = workerData.targets.map((t) => ({ ...t, enabled: true, busy: false }));
let lat = [], errors = [];
parentPort.on('message', (m) => {
  if (m.type === 'enable') for (const t of targets) if (t.name === m.name) t.enabled = m.on;
  if (m.type === 'stop') { clearInterval(timer); clearInterval(flush); parentPort.postMessage({ lat, errors }); parentPort.close(); }
});
function probe(t) {
  if (!t.enabled || t.busy) return;
  t.busy = true;
  const t0 = process.hrtime.bigint();
  const done = (err) => {
    t.busy = false;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!t.enabled) return; // deliberately down meanwhile
    if (err) errors.push(t.name + ': ' + err + ' after ' + ms.toFixed(0) + ' ms'); else lat.push([t.name, Date.now(), ms]);
  };
  const req = http.get({ host: '127.0.0.1', port: t.port, path: '/healthz', agent: false, headers: { connection: 'close' }, timeout: 2000 }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode === 200 ? undefined : 'status ' + res.statusCode));
    res.on('error', (e) => done(e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => done(e.message));
}
const timer = setInterval(() => targets.forEach(probe), 100);
const flush = setInterval(() => { parentPort.postMessage({ lat, errors }); lat = []; errors = []; }, 1000);
`;

export class Prober {
  private readonly worker: Worker;
  readonly latencies: number[] = [];
  /** the slowest probes: instance, when, how long */
  readonly slowest: [string, number, number][] = [];
  readonly errors: string[] = [];

  constructor(targets: { name: string; port: number }[]) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { targets } });
    this.worker.on('message', (m: { lat: [string, number, number][]; errors: string[] }) => {
      for (const x of m.lat) this.latencies.push(x[2]);
      this.slowest.push(...m.lat.filter((x) => x[2] >= 50));
      this.slowest.sort((a, b) => b[2] - a[2]).splice(20);
      this.errors.push(...m.errors);
    });
  }

  enable(name: string, on: boolean): void { this.worker.postMessage({ type: 'enable', name, on }); }

  async stop(): Promise<void> {
    const last = new Promise<void>((r) => this.worker.once('message', () => r()));
    this.worker.postMessage({ type: 'stop' });
    await Promise.race([last, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }

  p(q: number): number { return Math.round(percentile(this.latencies, q) * 10) / 10; }
}
