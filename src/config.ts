import Joi from 'joi';
import path from 'node:path';
import { parseAllowList } from './modules/scans/targets';
import { ConfigError, jobSchedules, ports, trustProxy, withoutPatches, type TrustProxy } from './config.parsers';

export { ConfigError };
import type { Role } from './shared/enums';

/** Typed, frozen configuration. The only module that reads process.env. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  mongodbUri?: string;
  /** true when no MONGODB_URI is given: the service launches its own FerretDB. */
  embedded: boolean;
  dataDir: string;
  ferretdbBin: string;
  /** build patches left out of the embedded FerretDB: only to show what a patch fixes (README) */
  ferretdbWithoutPatches: string[];
  adminEmail?: string;
  adminPassword?: string;
  sessionSecret?: string;
  /** keys the audit chain's hashes; default: the session secret */
  auditKey?: string;
  /** file the audit checkpoints are appended to, outside the database */
  auditCheckpointFile: string;
  tokenTtlHours: number;
  /** how long a process may trust a token and its user without reading them again (revocation delay across instances) */
  authCacheSeconds: number;
  /** roles that must use a second factor until an admin sets the mfaRequiredRoles setting (MFA_REQUIRED_ROLES) */
  mfaRequiredRolesDefault: Role[];
  /** the longest lifetime an API token may be given, in days */
  apiTokenMaxDays: number;
  publicBaseUrl: string;
  /** false when PUBLIC_BASE_URL was not set and the localhost default is used (start-up warns) */
  publicBaseUrlSet: boolean;
  /** the IANA time zone in which people read dates: PDFs, the verification page, the console, CSV, e-mails (the API stays UTC) */
  displayTimeZone: string;
  scanAllowedTargets: string[];
  scanConcurrency: number;
  /** checks of one scan against one address at once */
  scanPerHostConcurrency: number;
  /** connect, handshake and read timeout of every probe */
  scanTimeoutMs: number;
  /** ports probed on each endpoint host when the system lists no scanPorts */
  scanDefaultPorts: number[];
  /** extra trusted CA certificates (PEM file) for the certificate check */
  scanCaFile?: string;
  /** the largest scanner report POST /scan-imports accepts, in bytes */
  scanImportMaxBytes: number;
  schedulerEnabled: boolean;
  logLevel: string;
  demoData: boolean;
  /** Express 'trust proxy': which hops may state the client's address and protocol (X-Forwarded-*) */
  trustProxy: TrustProxy;
  /** login attempts per address, and per address range (IPv4 /24, IPv6 /64), per 15 minutes (per instance) */
  loginRateLimit: number;
  loginRangeRateLimit: number;
  /** seconds between anchors of the audit chain's head outside the database (DATA_DIR/audit-anchors.jsonl and the log) */
  auditAnchorSeconds: number;
  /** an http(s) endpoint each anchor is also POSTed to as JSON (an external sink), unset: none */
  auditAnchorUrl?: string;
  /** how long one POST to AUDIT_ANCHOR_URL may take before it counts as failed */
  auditAnchorTimeoutMs: number;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  shutdownTimeoutMs: number;
  bodyLimit: string;
  importBodyLimit: string;
  /** smtp:// or smtps:// URI of the mail relay; unset = notifications stay in the outbox */
  smtpUrl?: string;
  smtpFrom: string;
  notifyMaxAttempts: number;
  /** PKCS#12 file with the issuing authority's signing key and certificate; unset = a trial identity in DATA_DIR */
  signingP12?: string;
  signingP12Password?: string;
  /** the authority named in certificate signatures */
  signingAuthority: string;
  signingLocation: string;
  /** a separate address serving GET /metrics without a token (for a scraper inside the deployment) */
  metricsPort?: number;
  metricsHost: string;
  /** public certificate verifications per address per minute */
  verifyRateLimit: number;
  /** cron expressions replacing scheduled jobs' defaults, by job name ('*': every job) */
  jobSchedules: Record<string, string>;
}

const bool = Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off');
const sizeLimit = Joi.string().pattern(/^\d+(kb|mb)$/i);

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().hostname().default('127.0.0.1'),
  MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }),
  DATA_DIR: Joi.string().default('./data'),
  FERRETDB_BIN: Joi.string(),
  FERRETDB_WITHOUT_PATCHES: Joi.string().pattern(/^\s*[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*\s*$/),
  ADMIN_EMAIL: Joi.string().email({ tlds: { allow: false } }).lowercase(),
  ADMIN_PASSWORD: Joi.string().min(12).max(128),
  SESSION_SECRET: Joi.string().min(32),
  AUDIT_KEY: Joi.string().min(32),
  AUDIT_CHECKPOINT_FILE: Joi.string(),
  TOKEN_TTL_HOURS: Joi.number().integer().min(1).max(24 * 30).default(12),
  AUTH_CACHE_SECONDS: Joi.number().integer().min(0).max(300).default(15),
  MFA_REQUIRED_ROLES: Joi.string().trim().pattern(/^(none|(admin|inspector|owner)(\s*,\s*(admin|inspector|owner))*)$/).default('admin')
    .messages({ 'string.pattern.base': 'must be "none" or a comma-separated list of admin, inspector, owner' }),
  API_TOKEN_MAX_DAYS: Joi.number().integer().min(1).max(366).default(90),
  PUBLIC_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  DISPLAY_TIME_ZONE: Joi.string().default('Asia/Ho_Chi_Minh').custom((v: string, h) => {
    try { new Intl.DateTimeFormat('en', { timeZone: v }); return v; } catch { return h.message({ custom: 'must be an IANA time zone such as Asia/Ho_Chi_Minh' }); }
  }),
  SCAN_ALLOWED_TARGETS: Joi.string().default('127.0.0.0/8,::1/128,localhost'),
  SCAN_CONCURRENCY: Joi.number().integer().min(1).max(64).default(4),
  SCAN_PER_HOST_CONCURRENCY: Joi.number().integer().min(1).max(16).default(2),
  SCAN_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
  SCAN_DEFAULT_PORTS: Joi.string().pattern(/^\s*\d{1,5}(\s*,\s*\d{1,5})*\s*$/).default('21,22,23,25,110,135,139,445,1433,1521,3306,3389,5432,5900,6379,8080,9200,27017'),
  SCAN_CA_FILE: Joi.string(),
  SCAN_IMPORT_MAX_MB: Joi.number().integer().min(1).max(64).default(64),
  SCHEDULER_ENABLED: bool.default(true),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  DEMO_DATA: bool,
  TRUST_PROXY: Joi.string().allow('').max(2000),
  LOGIN_RATE_LIMIT: Joi.number().integer().min(1).max(100_000).default(100),
  LOGIN_RANGE_RATE_LIMIT: Joi.number().integer().min(1).max(100_000).default(300),
  AUDIT_ANCHOR_SECONDS: Joi.number().integer().min(1).max(3600).default(300),
  AUDIT_ANCHOR_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  AUDIT_ANCHOR_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(5000),
  LOGIN_MAX_FAILURES: Joi.number().integer().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: Joi.number().integer().min(1).max(24 * 60).default(15),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(100).max(120000).default(10000),
  BODY_LIMIT: sizeLimit.default('1mb'),
  IMPORT_BODY_LIMIT: sizeLimit.default('5mb'),
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }),
  SMTP_FROM: Joi.string().trim().max(320).pattern(/^[^\r\n]*@[^\r\n]*$/).default('Attest <no-reply@attest.example>'),
  NOTIFY_MAX_ATTEMPTS: Joi.number().integer().min(1).max(20).default(5),
  SIGNING_P12: Joi.string(),
  SIGNING_P12_PASSWORD: Joi.string().allow(''),
  SIGNING_AUTHORITY: Joi.string().trim().min(3).max(200).default('Attest trial signing authority (not for production)'),
  SIGNING_LOCATION: Joi.string().trim().min(2).max(200).default('Hà Nội, Việt Nam'),
  METRICS_PORT: Joi.number().integer().min(1).max(65535),
  METRICS_HOST: Joi.string().hostname().default('127.0.0.1'),
  VERIFY_RATE_LIMIT: Joi.number().integer().min(1).max(10_000).default(60),
  JOB_SCHEDULES: Joi.string().allow(''),
}).unknown(true);

/** Validates an environment (process.env by default); throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  const { value: v, error } = schema.validate(env, { abortEarly: true, convert: true });
  if (error) {
    const d = error.details[0];
    throw new ConfigError(String(d.path[0]), d.message.replace(/^"[^"]+" /, ''));
  }
  const embedded = !v.MONGODB_URI;
  const production = v.NODE_ENV === 'production' || !embedded;
  // Secrets never default outside embedded mode: a shared database means several instances
  // that must agree on them, so they have to come from the deployment.
  if (production && !embedded && !v.SESSION_SECRET) {
    throw new ConfigError('SESSION_SECRET', 'is required when MONGODB_URI is set (at least 32 characters)');
  }
  // the issuing authority's key must come from the deployment; only the embedded trial invents one
  if (v.NODE_ENV === 'production' && !embedded && !v.SIGNING_P12) {
    throw new ConfigError('SIGNING_P12', 'is required in production with MONGODB_URI (the PKCS#12 file of the issuing authority)');
  }
  // the verification link is printed on every certificate and cannot be changed once issued
  if (v.NODE_ENV === 'production' && !v.PUBLIC_BASE_URL) {
    throw new ConfigError('PUBLIC_BASE_URL', 'is required in production (the public address printed on certificates, e.g. https://attest.example.gov.vn)');
  }
  if (!!v.ADMIN_EMAIL !== !!v.ADMIN_PASSWORD && !(embedded && (v.ADMIN_EMAIL || v.ADMIN_PASSWORD))) {
    throw new ConfigError(v.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL', 'must be set together with the other');
  }
  try {
    parseAllowList(String(v.SCAN_ALLOWED_TARGETS).split(',').filter((e) => e.trim()));
  } catch (err) {
    throw new ConfigError('SCAN_ALLOWED_TARGETS', (err as Error).message.replace(/^SCAN_ALLOWED_TARGETS: /, ''));
  }
  const port = v.PORT as number;
  return Object.freeze({
    env: v.NODE_ENV,
    port,
    host: v.HOST,
    mongodbUri: v.MONGODB_URI,
    embedded,
    dataDir: path.resolve(cwd, v.DATA_DIR),
    ferretdbBin: path.resolve(cwd, v.FERRETDB_BIN ?? '.tools/bin/ferretdb'),
    ferretdbWithoutPatches: withoutPatches(v, !v.FERRETDB_BIN || path.resolve(cwd, v.FERRETDB_BIN) === path.resolve(cwd, '.tools/bin/ferretdb')),
    adminEmail: v.ADMIN_EMAIL ?? (embedded ? 'admin@attest.example' : undefined),
    adminPassword: v.ADMIN_PASSWORD,
    sessionSecret: v.SESSION_SECRET,
    auditKey: v.AUDIT_KEY,
    auditCheckpointFile: path.resolve(cwd, v.AUDIT_CHECKPOINT_FILE ?? path.join(v.DATA_DIR, 'audit-checkpoints.jsonl')),
    tokenTtlHours: v.TOKEN_TTL_HOURS,
    authCacheSeconds: v.AUTH_CACHE_SECONDS,
    mfaRequiredRolesDefault: v.MFA_REQUIRED_ROLES === 'none' ? [] : [...new Set(String(v.MFA_REQUIRED_ROLES).split(',').map((r) => r.trim() as Role))],
    apiTokenMaxDays: v.API_TOKEN_MAX_DAYS,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    publicBaseUrlSet: !!v.PUBLIC_BASE_URL,
    displayTimeZone: v.DISPLAY_TIME_ZONE,
    scanAllowedTargets: String(v.SCAN_ALLOWED_TARGETS).split(',').map((s) => s.trim()).filter(Boolean),
    scanConcurrency: v.SCAN_CONCURRENCY,
    scanPerHostConcurrency: v.SCAN_PER_HOST_CONCURRENCY,
    scanTimeoutMs: v.SCAN_TIMEOUT_MS,
    scanDefaultPorts: ports(String(v.SCAN_DEFAULT_PORTS)),
    scanCaFile: v.SCAN_CA_FILE ? path.resolve(cwd, v.SCAN_CA_FILE) : undefined,
    scanImportMaxBytes: v.SCAN_IMPORT_MAX_MB * 1024 * 1024,
    schedulerEnabled: v.SCHEDULER_ENABLED,
    logLevel: v.LOG_LEVEL,
    demoData: v.DEMO_DATA ?? embedded,
    trustProxy: trustProxy(v.TRUST_PROXY),
    loginRateLimit: v.LOGIN_RATE_LIMIT,
    loginRangeRateLimit: v.LOGIN_RANGE_RATE_LIMIT,
    auditAnchorSeconds: v.AUDIT_ANCHOR_SECONDS,
    auditAnchorUrl: v.AUDIT_ANCHOR_URL,
    auditAnchorTimeoutMs: v.AUDIT_ANCHOR_TIMEOUT_MS,
    loginMaxFailures: v.LOGIN_MAX_FAILURES,
    loginLockoutMinutes: v.LOGIN_LOCKOUT_MINUTES,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    bodyLimit: v.BODY_LIMIT,
    importBodyLimit: v.IMPORT_BODY_LIMIT,
    smtpUrl: v.SMTP_URL,
    smtpFrom: v.SMTP_FROM,
    notifyMaxAttempts: v.NOTIFY_MAX_ATTEMPTS,
    signingP12: v.SIGNING_P12 ? path.resolve(cwd, v.SIGNING_P12) : undefined,
    signingP12Password: v.SIGNING_P12_PASSWORD,
    signingAuthority: v.SIGNING_AUTHORITY,
    signingLocation: v.SIGNING_LOCATION,
    verifyRateLimit: v.VERIFY_RATE_LIMIT,
    metricsPort: v.METRICS_PORT,
    metricsHost: v.METRICS_HOST,
    jobSchedules: jobSchedules(v.JOB_SCHEDULES),
  });
}
