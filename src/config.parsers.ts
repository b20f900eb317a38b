import express from 'express';
import { validate } from 'node-cron';
import { PATCHES } from './db/ferretdb-install';

/** Parsers of the settings whose shape joi alone cannot state (config.ts). */
export class ConfigError extends Error {
  constructor(public readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
  }
}

/** `job=cron;job=cron` ('*' names every job); each cron is checked by node-cron, job names when jobs register. */
export function jobSchedules(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9*][A-Za-z0-9._:-]*)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new ConfigError('JOB_SCHEDULES', `has "${part}": expected job=cron`);
    if (!validate(m[2].trim())) throw new ConfigError('JOB_SCHEDULES', `has an invalid cron expression for ${m[1]}: "${m[2].trim()}"`);
    out[m[1]] = m[2].trim();
  }
  return out;
}

export function withoutPatches(v: Record<string, unknown>, embeddedDefaultBin: boolean): string[] {
  const ids = String(v.FERRETDB_WITHOUT_PATCHES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!ids.length) return [];
  const unknown = ids.filter((id) => !PATCHES.some((p) => p.id === id));
  if (unknown.length) throw new ConfigError('FERRETDB_WITHOUT_PATCHES', `names unknown patches: ${unknown.join(', ')} (patches: ${PATCHES.map((p) => p.id).join(', ')})`);
  if (v.NODE_ENV === 'production') throw new ConfigError('FERRETDB_WITHOUT_PATCHES', 'is for experiments only, never in production');
  if (embeddedDefaultBin) throw new ConfigError('FERRETDB_WITHOUT_PATCHES', 'needs FERRETDB_BIN set to a path of its own: the default binary is always fully patched');
  return ids;
}

export function ports(list: string): number[] {
  const out = list.split(',').map((p) => Number(p.trim()));
  const bad = out.find((p) => p < 1 || p > 65535);
  if (bad !== undefined) throw new ConfigError('SCAN_DEFAULT_PORTS', `has port ${bad} outside 1-65535`);
  return [...new Set(out)];
}

/** What Express's 'trust proxy' is set to: nothing, everything, a hop count, or addresses / CIDRs / names. */
export type TrustProxy = boolean | number | string[];

/**
 * TRUST_PROXY as Express reads it: `false` (default: X-Forwarded-* ignored), `true` (every hop
 * trusted: only when nothing but the proxy can reach the service), a hop count (`1`: the address
 * the request came from is the proxy), or a comma-separated list of addresses, CIDRs and the names
 * `loopback`, `linklocal`, `uniquelocal`. A list Express cannot compile stops the start-up.
 */
export function trustProxy(text: string | undefined): TrustProxy {
  const t = (text ?? '').trim();
  if (/^(false|no|off)?$/i.test(t)) return false;
  if (/^(true|yes|on)$/i.test(t)) return true;
  if (/^\d+$/.test(t)) {
    const hops = Number(t);
    if (hops > 16) throw new ConfigError('TRUST_PROXY', `has ${hops} hops: at most 16`);
    return hops === 0 ? false : hops;
  }
  const list = t.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    express().set('trust proxy', list); // proxy-addr compiles it now, as the app will
  } catch (err) {
    throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count or addresses/CIDRs/loopback/linklocal/uniquelocal: ${(err as Error).message}`);
  }
  return list;
}
