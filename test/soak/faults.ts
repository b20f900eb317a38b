import { type Instance, readDbState, isOurFerret, sigkill, spawnInstance, waitAllReady, waitReady } from './instances';
import type { Prober } from './prober';
import { type Stats, type Window, note, sleep } from './stats';

/**
 * The deliberate faults. The database downtime window runs from the FerretDB kill until every
 * available instance answers /readyz 200 again, plus 2 s of slack; B's window from its kill until
 * its restarted process answers /readyz.
 */
export async function killDatabase(stats: Stats, dataDir: string, insts: Instance[]): Promise<void> {
  const st = readDbState(dataDir);
  if (!isOurFerret(st.pid, dataDir)) throw new Error(`ferretdb.json names pid ${st.pid}, which is not this soak's FerretDB`);
  const w: Window = { start: Date.now() };
  stats.dbDown.push(w);
  stats.kills.push(w.start);
  process.kill(st.pid, 'SIGKILL');
  note(`fault: SIGKILL FerretDB (pid ${st.pid}, port ${st.port}) at ${new Date(w.start).toISOString()}`);
  try {
    const readyAt = await waitAllReady(insts.filter((i) => i.available), 120_000);
    w.end = readyAt + 2000;
    const now = readDbState(dataDir);
    note(`fault: /readyz 200 again on ${insts.filter((i) => i.available).map((i) => i.name).join(' and ')} after ${readyAt - w.start} ms (FerretDB pid ${now.pid}, port ${now.port})`);
  } catch (err) {
    w.end = Date.now();
    throw err;
  }
}

export async function bounceInstance(stats: Stats, dataDir: string, inst: Instance, prober: Prober): Promise<void> {
  inst.available = false;
  prober.enable(inst.name, false);
  await sleep(100);
  const w: Window = { start: Date.now() };
  stats.bDown.push(w);
  stats.kills.push(w.start);
  await sigkill(inst);
  note(`fault: SIGKILL instance ${inst.name} (pid ${inst.child?.pid}) at ${new Date(w.start).toISOString()}`);
  await sleep(3000);
  spawnInstance(inst, dataDir);
  try {
    const ms = await waitReady(inst, { banner: true, timeoutMs: 120_000 });
    note(`fault: instance ${inst.name} restarted, ready after ${ms} ms`);
  } finally {
    w.end = Date.now();
  }
  inst.available = true;
  prober.enable(inst.name, true);
}
