import net from 'node:net';
import { expect } from 'chai';
import { api, bearer } from './factories';

/** A TCP listener on a loopback address that counts the connections it sees. */
export async function listener(host = '127.0.0.1', opts: { hang?: boolean } = {}): Promise<{ port: number; host: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (!opts.hang) s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    host,
    connections: () => count,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** Polls a run until it has finished; returns it. */
export async function waitForRun(token: string, id: string, ms = 30_000): Promise<Record<string, any>> {
  const until = Date.now() + ms;
  for (;;) {
    const res = await api().get(`/api/v1/scans/${id}`).set(bearer(token));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    if (['succeeded', 'failed', 'interrupted'].includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`scan ${id} still ${res.body.status} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function scan(token: string, system: string, checks?: string[]) {
  const res = await api().post(`/api/v1/systems/${system}/scans`).set(bearer(token)).send(checks ? { checks } : {});
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  const run = await waitForRun(token, res.body.id);
  // the run's last step, after its final status: the system's slot is released (scan.runner.ts)
  for (let i = 0; i < 50; i++) {
    const sys = await api().get(`/api/v1/systems/${system}`).set(bearer(token));
    if (sys.status !== 200 || sys.body.activeScan !== res.body.id) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return run;
}
