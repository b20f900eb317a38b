import { SettingsModel, SETTINGS_KEY, type SettingsDoc } from './settings.model';
import { settingsPatch } from './settings.schemas';
import * as checklists from '../checklists/checklist.service';
import * as audit from '../audit/audit.service';
import { cronProblem } from '../../shared/joi';
import { AppError, joiDetails } from '../../http/errors';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { LEVELS, ROLES, type Role, type Severity } from '../../shared/enums';
import { systemActor, type Ctx } from '../../shared/actor';

type LevelKey = '1' | '2' | '3' | '4' | '5';

/** Level-driven rules, kept as configuration an admin can change (see domain/TCVN-11930.md). */
export interface Settings {
  reassessmentMonths: Record<LevelKey, number>;
  slaDays: Record<Severity, number>;
  slaDaysByLevel: Partial<Record<LevelKey, Partial<Record<Severity, number>>>>;
  /** when systems without a schedule of their own are scanned, per level (node-cron expressions) */
  scanCron: Record<LevelKey, string>;
  /** which checklist version new assessments use; null = the latest imported DEFAULT_FRAMEWORK */
  activeChecklist: { framework: string; version: string } | null;
  /** roles whose users must log in with a second factor */
  mfaRequiredRoles: Role[];
  version: number;
  updatedAt?: Date;
  updatedBy?: string;
}

export type SettingsPatch = Partial<Pick<Settings, 'reassessmentMonths' | 'slaDays' | 'slaDaysByLevel' | 'scanCron' | 'activeChecklist' | 'mfaRequiredRoles'>>;

export const DEFAULT_FRAMEWORK = 'TCVN-11930';

/**
 * Levels 1–2 every 3 years, 3 every 2 years, 4 yearly, 5 every 6 months; SLA days per severity;
 * scans weekly for levels 1–2, daily for 3, twice a day for 4, every 6 hours for 5.
 */
export const DEFAULT_SETTINGS: Omit<Settings, 'updatedAt' | 'updatedBy' | 'mfaRequiredRoles'> = Object.freeze({
  reassessmentMonths: { 1: 36, 2: 36, 3: 24, 4: 12, 5: 6 },
  slaDays: { critical: 7, high: 30, medium: 90, low: 180 },
  slaDaysByLevel: {},
  scanCron: { 1: '0 2 * * 0', 2: '0 2 * * 0', 3: '0 2 * * *', 4: '0 2,14 * * *', 5: '0 */6 * * *' },
  activeChecklist: null,
  version: 1,
});

/** Until an admin sets mfaRequiredRoles, the deployment's MFA_REQUIRED_ROLES applies (default: admins). */
let mfaRequiredRolesDefault: Role[] = ['admin'];
export function configureSettingsDefaults(opts: { mfaRequiredRoles: Role[] }): void {
  mfaRequiredRolesDefault = [...opts.mfaRequiredRoles];
}

function view(d: SettingsDoc): Settings {
  return {
    reassessmentMonths: { ...DEFAULT_SETTINGS.reassessmentMonths, ...d.reassessmentMonths },
    slaDays: { ...DEFAULT_SETTINGS.slaDays, ...d.slaDays },
    slaDaysByLevel: d.slaDaysByLevel ?? {},
    scanCron: { ...DEFAULT_SETTINGS.scanCron, ...d.scanCron },
    activeChecklist: d.activeChecklist?.framework ? { framework: d.activeChecklist.framework, version: d.activeChecklist.version } : null,
    mfaRequiredRoles: d.mfaRequiredRoles ? ROLES.filter((r) => d.mfaRequiredRoles!.includes(r)) : [...mfaRequiredRolesDefault],
    version: d.version,
    ...(d.updatedAt && { updatedAt: d.updatedAt }),
    ...(d.updatedBy && { updatedBy: d.updatedBy }),
  };
}

/** The newest revision (revisions are few and cached: db/cache.ts). */
async function current(): Promise<SettingsDoc | undefined> {
  let best: SettingsDoc | undefined;
  for (const d of await cache.all<SettingsDoc>(SettingsModel)) if (d.key === SETTINGS_KEY && (!best || d.version > best.version)) best = d;
  return best;
}
const isDuplicate = (err: unknown) => err instanceof store.DuplicateKeyError;

/** The settings; the first read on an empty database stores the defaults (one winner if several race). */
export async function getSettings(): Promise<Settings> {
  const found = await current();
  if (found) return view(found);
  try {
    await store.insertOne(SettingsModel, { key: SETTINGS_KEY, ...structuredClone(DEFAULT_SETTINGS) });
    await audit.record({ actor: systemActor('settings') }, { action: 'settings.create', entity: 'settings', entityId: SETTINGS_KEY, after: DEFAULT_SETTINGS });
  } catch (err) {
    // another request or instance stored them first
    if (!isDuplicate(err)) throw err;
  }
  const seeded = await current();
  if (!seeded) throw new Error('settings missing after seeding');
  return view(seeded);
}

async function checkActiveChecklist(ref: { framework: string; version: string }) {
  const found = await checklists.findByFrameworkVersion(ref.framework, ref.version);
  const missing = LEVELS.filter((l) => !found?.levels.includes(l));
  if (!found || missing.length) {
    throw AppError.unprocessable({ en: 'The request breaks a rule: activeChecklist', vi: 'Yêu cầu vi phạm một quy tắc: bộ tiêu chí đang dùng phải được nhập và áp dụng cho mọi cấp độ' }, [{
      field: 'activeChecklist', in: 'body',
      reason: found ? `${ref.framework} ${ref.version} does not cover level ${missing.join(', ')}` : `no imported checklist ${ref.framework} ${ref.version}`,
    }]);
  }
}

/**
 * Changes the settings if nobody changed them since `expectedVersion` was read (409 otherwise).
 * reassessmentMonths and slaDays merge key by key; slaDaysByLevel and activeChecklist are replaced.
 */
export async function updateSettings(ctx: Ctx, patch: SettingsPatch, expectedVersion: number): Promise<Settings> {
  const { error } = settingsPatch.validate(patch, { abortEarly: false, convert: false });
  if (error) throw AppError.badRequest({ en: 'Invalid input', vi: 'Dữ liệu không hợp lệ' }, joiDetails(error));
  for (const [level, expression] of Object.entries(patch.scanCron ?? {})) {
    const problem = cronProblem(expression);
    if (problem) throw AppError.rule(`scanCron.${level}`, problem);
  }
  if (patch.activeChecklist) await checkActiveChecklist(patch.activeChecklist);
  const before = await getSettings();
  const stale = () => AppError.conflict({
    en: `The settings were changed by someone else since version ${expectedVersion}; reload and try again`,
    vi: `Thiết lập đã được người khác thay đổi sau phiên bản ${expectedVersion}; hãy tải lại rồi thử lại`,
  }, [{ field: 'version', reason: `${expectedVersion} is not the current version` }]);
  if (before.version !== expectedVersion) throw stale();
  const mfaRequiredRoles = patch.mfaRequiredRoles ?? (await current())?.mfaRequiredRoles;
  const next = {
    key: SETTINGS_KEY,
    version: expectedVersion + 1,
    reassessmentMonths: { ...before.reassessmentMonths, ...patch.reassessmentMonths },
    slaDays: { ...before.slaDays, ...patch.slaDays },
    slaDaysByLevel: patch.slaDaysByLevel ?? before.slaDaysByLevel,
    scanCron: { ...before.scanCron, ...patch.scanCron },
    activeChecklist: patch.activeChecklist === undefined ? before.activeChecklist : patch.activeChecklist,
    // stored only once an admin sets it: until then the deployment's default applies
    ...(mfaRequiredRoles && { mfaRequiredRoles }),
    updatedAt: new Date(),
    updatedBy: ctx.actor.id,
  };
  // the next revision is inserted, never updated in place: of concurrent writers of the same
  // version the unique index (key, version) admits exactly one (see settings.model.ts)
  let updated;
  try {
    updated = await store.insertOne<SettingsDoc>(SettingsModel, next);
  } catch (err) {
    if (isDuplicate(err)) throw stale();
    throw err;
  }
  const after = view(updated);
  await audit.record(ctx, { action: 'settings.update', entity: 'settings', entityId: SETTINGS_KEY, before, after });
  return after;
}

export function slaDaysFor(s: Settings, severity: Severity, level: number): number {
  return s.slaDaysByLevel[String(level) as LevelKey]?.[severity] ?? s.slaDays[severity];
}

export function scanCronFor(s: Settings, level: number): string {
  return s.scanCron[String(level) as LevelKey] ?? DEFAULT_SETTINGS.scanCron[String(level) as LevelKey];
}

export function reassessmentMonthsFor(s: Settings, level: number): number {
  const months = s.reassessmentMonths[String(level) as LevelKey];
  if (months === undefined) throw new Error(`no re-assessment period for level ${level}`);
  return months;
}

/** The checklist new assessments use: the configured version, or the latest DEFAULT_FRAMEWORK. */
export async function activeChecklistId(): Promise<string> {
  const s = await getSettings();
  if (s.activeChecklist) {
    const found = await checklists.findByFrameworkVersion(s.activeChecklist.framework, s.activeChecklist.version);
    if (!found) throw AppError.unprocessable({
      en: `The active checklist ${s.activeChecklist.framework} ${s.activeChecklist.version} is not imported`,
      vi: `Bộ tiêu chí đang dùng ${s.activeChecklist.framework} ${s.activeChecklist.version} chưa được nhập vào hệ thống`,
    });
    return found.id;
  }
  const newest = await checklists.latest(DEFAULT_FRAMEWORK);
  if (!newest) throw AppError.unprocessable({ en: `No ${DEFAULT_FRAMEWORK} checklist has been imported`, vi: `Chưa có bộ tiêu chí ${DEFAULT_FRAMEWORK} nào được nhập vào hệ thống` });
  return newest.id;
}
