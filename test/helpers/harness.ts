import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createApp, type AppHandle } from '../../src/app';
import { ensureFerretDB } from '../../src/db/ferretdb-install';
import { launchFerretDB, type EmbeddedDatabase } from '../../src/db/ferretdb';
import { connectMongo, disconnectMongo } from '../../src/db/connection';
import { loadChecklistDir } from '../../src/modules/checklists/checklist.loader';
import { systemActor } from '../../src/shared/actor';
import { configureAuditKey } from '../../src/modules/audit/audit.key';

/**
 * One real database for the whole run: FerretDB on a temporary directory and a free port, or
 * MONGODB_URI (a fresh database name per run) when the suite is pointed at MongoDB.
 */
export interface Harness {
  app: Express;
  handle: AppHandle;
  config: Readonly<Config>;
  uri: string;
}

let current: Harness | undefined;
let ferret: EmbeddedDatabase | undefined;
let tmpDir: string | undefined;

/** The suite's session secret (and so its audit key): child processes writing to the same database use it too. */
export const TEST_SECRET = 'test-session-secret-that-is-long-enough-0123';

export function testConfig(extra: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', DATA_DIR: tmpDir ?? os.tmpdir(), SCHEDULER_ENABLED: 'false',
    // the suite's users log in with a password alone; test/mfa.test.ts sets the setting itself
    MFA_REQUIRED_ROLES: 'none', ...extra });
}

export async function startHarness(): Promise<Harness> {
  const external = process.env.MONGODB_URI;
  let uri: string;
  if (external) {
    const u = new URL(external);
    u.pathname = `/attest_test_${crypto.randomBytes(4).toString('hex')}`;
    uri = u.toString();
  } else {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-test-'));
    // FERRETDB_BIN / FERRETDB_WITHOUT_PATCHES: run the suite on a binary built without some patch
    const { ferretdbBin, ferretdbWithoutPatches } = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const bin = ensureFerretDB(ferretdbBin, () => undefined, { without: ferretdbWithoutPatches });
    ferret = await launchFerretDB({ bin, dataDir: tmpDir });
    uri = ferret.uri;
  }
  await connectMongo(uri);
  configureAuditKey(TEST_SECRET);
  await loadChecklistDir(path.resolve('checklists'), { actor: systemActor('checklists') });
  const config = testConfig();
  const handle = createApp({ config, logger: createLogger(config.logLevel), sessionSecret: TEST_SECRET, loginRateLimit: 1000, loginRangeRateLimit: 1000 });
  current = { app: handle.app, handle, config, uri };
  return current;
}

export async function stopHarness(): Promise<void> {
  if (!current) return;
  await current.handle.close();
  if (process.env.MONGODB_URI) await mongoose.connection.dropDatabase();
  await disconnectMongo();
  await ferret?.stop();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  current = undefined;
}

export function harness(): Harness {
  if (!current) throw new Error('harness not started');
  return current;
}
