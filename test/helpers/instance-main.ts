import http from 'node:http';
import { connectMongo, disconnectMongo } from '../../src/db/connection';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { configureAuditKey } from '../../src/modules/audit/audit.key';
import { testConfig, TEST_SECRET } from './harness';

/*
 * A second app instance in a process of its own (test/helpers/instance.ts starts it): the caches
 * of src/ are per process, so two instances sharing a database must be two processes. It connects
 * to ATTEST_TEST_URI, builds the app from testConfig(ATTEST_TEST_ENV) and prints {port} once it
 * listens on loopback.
 */
async function main() {
  const uri = process.env.ATTEST_TEST_URI;
  if (!uri) throw new Error('ATTEST_TEST_URI is not set');
  const extra = JSON.parse(process.env.ATTEST_TEST_ENV ?? '{}') as Record<string, string>;
  await connectMongo(uri);
  configureAuditKey(TEST_SECRET);
  const config = testConfig(extra);
  const handle = createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET, loginRateLimit: 1000, loginRangeRateLimit: 1000 });
  const server = http.createServer(handle.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 })}\n`);
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void handle.close().then(disconnectMongo).finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`instance failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
