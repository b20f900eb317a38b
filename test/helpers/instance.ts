import { spawn } from 'node:child_process';
import { harness } from './harness';

export interface Instance {
  /** http://127.0.0.1:<port> */
  url: string;
  stop(): Promise<void>;
}

/**
 * Another app instance on the harness's database, in a child process (instance-main.ts), with
 * `env` as its settings on top of testConfig's.
 */
export async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/instance-main.ts'], {
    env: { ...process.env, ATTEST_TEST_URI: harness().uri, ATTEST_TEST_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the instance did not start within 60 s: ${err.slice(-2000)}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line) { clearTimeout(timer); resolve(Number(line[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the instance exited (${code}): ${err.slice(-2000)}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
