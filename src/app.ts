import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import pinoHttp from 'pino-http';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import passport from 'passport';
import swaggerUi from 'swagger-ui-express';
import type { Config } from './config';
import { serveConsole } from './http/console-static';
import { configureDisplay } from './shared/display';
import type { Logger } from './logger';
import { configurePassport } from './http/auth';
import { AppError, errorHandler, notFoundHandler } from './http/errors';
import { metricsHandler, timeRequests, watchDatabase } from './http/metrics';
import { authenticate as authenticateOnly } from './http/auth';
import { permit } from './http/permissions';
import { allowOnly, buildRouter, type RouteDef } from './http/route';
import { buildOpenApi } from './http/openapi';
import { pingDatabase } from './db/connection';
import { authRoutes } from './modules/auth/auth.routes';
import { mfaRoutes } from './modules/auth/mfa.routes';
import { passkeyRoutes } from './modules/auth/passkey.routes';
import { sessionRoutes } from './modules/auth/sessions.routes';
import { configureMfaKey } from './modules/auth/mfa.crypto';
import { configureWebAuthn } from './modules/auth/passkey.service';
import { configureSettingsDefaults } from './modules/settings/settings.service';
import { organizationRoutes } from './modules/organizations/organization.routes';
import { userRoutes } from './modules/users/user.routes';
import { systemRoutes } from './modules/systems/system.routes';
import { assessmentRoutes } from './modules/assessments/assessment.routes';
import { findingRoutes } from './modules/findings/finding.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { checklistRoutes } from './modules/checklists/checklist.routes';
import { settingsRoutes } from './modules/settings/settings.routes';
import { notificationRoutes } from './modules/notifications/notification.routes';
import { scanRoutes } from './modules/scans/scan.routes';
import { importRoutes, configureUploads } from './modules/scan-imports/import.routes';
import { configureScanImports } from './modules/scan-imports/import.service';
import { certificateRoutes } from './modules/certificates/certificate.routes';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes';
import { reportRoutes } from './modules/reports/report.routes';
import { consistencyRoutes } from './consistency/consistency.routes';
import { oscalRoutes } from './modules/oscal/oscal.routes';
import { configureConsistencyLog } from './consistency/consistency.service';
import { verifyRouter } from './modules/certificates/verify.routes';
import * as certificates from './modules/certificates/certificate.service';
import { configureSigning } from './modules/certificates/certificate.document';
import { configureCheckpoints } from './modules/audit/audit.checkpoint';
import { configureScanner } from './modules/scans/scan.runner';
import { configureMailer } from './modules/notifications/notification.service';
import * as compliance from './modules/compliance/compliance.service';
import { configureTokenCache } from './modules/auth/token.service';
import { configureLoginAudit } from './modules/auth/login-audit';
import { configureAnchorSink, sendAnchor } from './modules/audit/audit.anchor-sink';
import { SESSIONS_COLLECTION } from './modules/auth/token.model';
import { onFault } from './db/faults';
import { configureUserCache } from './modules/users/user.service';
import { version } from '../package.json';

export interface AppDeps {
  config: Readonly<Config>;
  logger: Logger;
  sessionSecret: string;
  /** login attempts per address, and per address range, per 15 minutes (per instance); default LOGIN_RATE_LIMIT, LOGIN_RANGE_RATE_LIMIT */
  loginRateLimit?: number;
  loginRangeRateLimit?: number;
  /** names this process in scan runs (default host:pid) */
  instanceId?: string;
  /** false while the embedded database is known to be down (being restarted): answer 503 at once */
  databaseUp?: () => boolean;
  /** the built web console (npm run build / build:console); default dist/console */
  consoleDir?: string;
}

export interface AppHandle { app: Express; routes: RouteDef[]; close(): Promise<void> }

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Paths served outside /api/v1, documented alongside the API. */
const outsidePaths = {
  '/': { get: { tags: ['meta'], summary: 'The web console (HTML; its scripts, styles and fonts are served beside it)', responses: { 200: { description: 'HTML' }, 503: { description: 'The console is not built' } } } },
  '/healthz': { get: { tags: ['health'], summary: 'Liveness', responses: { 200: { description: 'The process is up' } } } },
  '/metrics': { get: { tags: ['health'], summary: 'Prometheus metrics (admin token; or without a token on METRICS_PORT)', security: [{ bearer: [] }], responses: { 200: { description: 'text/plain; version=0.0.4' }, 401: { description: 'No token' }, 403: { description: 'Not an admin' } } } },
  '/readyz': { get: { tags: ['health'], summary: 'Readiness, including a database ping', responses: { 200: { description: 'Ready' }, 503: { description: 'Database unavailable' } } } },
  '/api/v1/openapi.json': { get: { tags: ['meta'], summary: 'This document', responses: { 200: { description: 'OpenAPI 3 document' } } } },
  '/docs': { get: { tags: ['meta'], summary: 'Swagger UI', responses: { 200: { description: 'HTML' } } } },
  '/verify/{code}': { get: {
    tags: ['verification'], summary: 'Public: a certificate\'s number, system, organization, level, status (with the reason when suspended, revoked or expired) and validity (HTML in Vietnamese and English with a "check this file" drop zone, or JSON with Accept: application/json)',
    parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Z2-9]{24}$' } }],
    responses: { 200: { description: '{number, status, system, organization, level, issuedAt, expiresAt (ISO-8601 UTC), reason?: {vi, en}, display: {timeZone, issuedAt, expiresAt (dd/mm/yyyy in the display time zone, as the PDF prints them), status: {vi, en}}}' }, 404: { description: 'No such certificate' }, 429: { description: 'Rate limited' } },
  } },
  '/verify/check.js': { get: {
    tags: ['verification'], summary: 'Public: the verification page\'s file-check script (JavaScript; cached for a year when asked for with its version, ?v=)',
    responses: { 200: { description: 'application/javascript' } },
  } },
  '/verify/{code}/check': { post: {
    tags: ['verification'], summary: 'Public: whether a PDF (the request body, at most 10 MB) is the registered certificate file (SHA-256 match), in one sentence per language',
    parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Z2-9]{24}$' } }],
    requestBody: { required: true, content: { 'application/pdf': { schema: { type: 'string', format: 'binary', minLength: 1 } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary', minLength: 1 } } } },
    responses: { 200: { description: 'genuine: {genuine: true, match: true, sha256, certificate: {number, status, issuedAt, expiresAt}, message: {vi, en}}; otherwise {genuine: false, match: false, sha256, message: {vi, en}} (no status: a file that does not match says nothing about any certificate)' }, 400: { description: 'No PDF sent' }, 404: { description: 'No such certificate' }, 413: { description: 'Too large' }, 429: { description: 'Rate limited' } },
  } },
};

/** Builds the HTTP application; no listening and no other side effects. */
export function createApp(deps: AppDeps): AppHandle {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  app.use(pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  }));
  // plain-HTTP deployments (the embedded default on localhost) must not ask browsers to upgrade
  // every sub-request to HTTPS, or /docs loads nothing
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.env === 'production' ? [] : null } } }));
  // text answers (the console's script and styles, JSON, CSV, HTML) go compressed when the client accepts it
  app.use(compression());

  app.use(timeRequests);
  watchDatabase();
  onFault('log', (f) => logger.error({ component: 'database', kind: f.kind, collection: f.collection }, `database fault: ${f.message}`));
  configureConsistencyLog(logger);
  // the paths outside the API answer undeclared methods with 405 too
  for (const path of ['/', '/healthz', '/metrics', '/readyz', '/api/v1/openapi.json', '/docs', '/verify/:code']) app.all(path, allowOnly(['get']));
  app.all('/verify/:code/check', allowOnly(['post']));
  app.use('/docs', allowOnly(['get']));
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/metrics', authenticateOnly, permit('metrics:read'), metricsHandler);
  const knownDown = () => deps.databaseUp?.() === false;
  app.get('/readyz', async (_req, res) => {
    const up = !knownDown() && (await pingDatabase());
    res.status(up ? 200 : 503).json({ status: up ? 'ready' : 'unavailable', database: up ? 'up' : 'down' });
  });

  const loginPolicy = { maxFailures: config.loginMaxFailures, lockoutMinutes: config.loginLockoutMinutes, tokenTtlHours: config.tokenTtlHours };
  const routes: RouteDef[] = [
    ...authRoutes({ loginLimits: { perAddress: deps.loginRateLimit ?? config.loginRateLimit, perRange: deps.loginRangeRateLimit ?? config.loginRangeRateLimit } }),
    ...mfaRoutes(loginPolicy), ...passkeyRoutes(loginPolicy), ...sessionRoutes({ apiTokenMaxDays: config.apiTokenMaxDays }),
    ...organizationRoutes,
    ...userRoutes,
    ...systemRoutes({ importBodyLimit: config.importBodyLimit }),
    ...assessmentRoutes,
    ...findingRoutes,
    ...auditRoutes,
    ...checklistRoutes, ...settingsRoutes,
    ...notificationRoutes,
    ...scanRoutes,
    ...importRoutes,
    ...certificateRoutes,
    ...dashboardRoutes,
    ...reportRoutes,
    ...consistencyRoutes,
    ...oscalRoutes,
  ];
  const openapi = buildOpenApi(routes, outsidePaths, { version });
  app.get('/api/v1/openapi.json', (_req, res) => { res.json(openapi); });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Attest API' }));

  const store = MongoStore.create({
    client: mongoose.connection.getClient() as never,
    collectionName: SESSIONS_COLLECTION,
    // no sweep of its own: connect-mongo's sweeps with an unacknowledged (write concern w=0) delete, whose stray
    // reply desynchronised FerretDB's pooled connection; the auth-cleanup job removes expired
    // sessions with an acknowledged delete (token.service.ts) on every database
    autoRemove: 'disabled',
    ttl: config.tokenTtlHours * 3600,
    stringify: false,
  });
  // order matters: the compliance summary first, then the certificate that depends on it
  compliance.subscribe();
  certificates.subscribe();
  configureAnchorSink(config.auditAnchorUrl ? { url: config.auditAnchorUrl, timeoutMs: config.auditAnchorTimeoutMs, logger } : undefined);
  configureCheckpoints(config.auditCheckpointFile, (c) => {
    logger.info({ component: 'audit', anchor: { seq: c.seq, hash: c.hash, at: c.at, reason: c.reason } }, `audit head anchored (${c.reason}): event ${c.seq}, hash ${c.hash}`);
    sendAnchor(c);
  });
  certificates.configureCertificates({ publicBaseUrl: config.publicBaseUrl });
  configureDisplay(config);
  configureSigning({ p12Path: config.signingP12, passphrase: config.signingP12Password, dataDir: config.dataDir, authority: config.signingAuthority, location: config.signingLocation });
  configureScanner({
    allowedTargets: config.scanAllowedTargets, concurrency: config.scanConcurrency, perHost: config.scanPerHostConcurrency,
    timeoutMs: config.scanTimeoutMs, defaultPorts: config.scanDefaultPorts, caFile: config.scanCaFile, publicBaseUrl: config.publicBaseUrl,
    instance: deps.instanceId ?? `${os.hostname()}:${process.pid}`,
  });
  configureScanImports({ publicBaseUrl: config.publicBaseUrl });
  configureUploads(config.scanImportMaxBytes);
  configureTokenCache(config.authCacheSeconds);
  configureUserCache(config.authCacheSeconds);
  configureMailer({ smtpUrl: config.smtpUrl, from: config.smtpFrom, maxAttempts: config.notifyMaxAttempts });
  configurePassport(loginPolicy);
  configureLoginAudit(config.loginLockoutMinutes);
  // second factors: TOTP secrets sealed under a key from the session secret; passkeys bound to PUBLIC_BASE_URL
  configureMfaKey(deps.sessionSecret);
  configureWebAuthn({ publicBaseUrl: config.publicBaseUrl });
  configureSettingsDefaults({ mfaRequiredRoles: config.mfaRequiredRolesDefault });
  // API answers carry tokens and personal data: no cache, shared or private, may keep them
  app.use('/api', (_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });
  // while the embedded database restarts, requests fail fast instead of waiting for a server
  app.use('/api', (_req, _res, next) => next(knownDown() ? new AppError(503, 'database_unavailable', { en: 'The database is restarting, try again shortly', vi: 'Cơ sở dữ liệu đang khởi động lại; hãy thử lại sau ít phút' }) : undefined));
  // the cookie session is for browsers; a request with a bearer token skips it entirely
  const browserOnly = (mw: express.RequestHandler): express.RequestHandler => (req, res, next) => (req.headers.authorization ? next() : mw(req, res, next));
  app.use('/api', browserOnly(session({
    name: 'attest.sid',
    secret: deps.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // Secure whenever the request came over TLS: on this socket, or (X-Forwarded-Proto: https) through a
    // proxy TRUST_PROXY names; express-session reads req.secure, which follows Express's 'trust proxy'
    cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: config.tokenTtlHours * 3600_000 },
  })));
  app.use('/api', passport.initialize(), browserOnly(passport.session()));
  app.use('/api/v1', buildRouter(routes, { jsonLimit: config.bodyLimit }));

  app.use('/verify', verifyRouter({ perMinute: config.verifyRateLimit }));

  // the web console: static files built by esbuild, no CDN; the API stays its one source of behaviour
  serveConsole(app, deps.consoleDir ?? path.resolve('dist', 'console'));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return { app, routes, close: () => store.close() };
}
