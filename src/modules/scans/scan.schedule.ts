import { validateDetailed } from 'node-cron';
import { ScanSchedule, type ScanScheduleDoc } from './scan.model';
import { CHECK_IDS, type CheckId } from './checks/types';
import * as systems from '../systems/system.service';
import * as settings from '../settings/settings.service';
import * as audit from '../audit/audit.service';
import * as store from '../../db/store';
import * as cache from '../../db/cache';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../shared/actor';
import { cronProblem } from '../../shared/joi';

const scheduleChanged = (details?: unknown) => AppError.conflict({ en: 'The schedule was changed by someone else; reload it and try again', vi: 'Lịch quét đã được người khác thay đổi; hãy tải lại rồi thử lại' }, details);

export interface EffectiveSchedule { cron: string; enabled: boolean; checks: CheckId[]; source: 'system' | 'level-default'; version: number }

/**
 * Whether a node-cron expression fires at `date` (server time, to the minute), with node-cron's
 * own semantics: every field must match, day of month and day of week alike.
 */
export function cronMatches(expression: string, date: Date): boolean {
  const v = validateDetailed(expression);
  if (!v.valid || !v.fields) return false;
  const f = v.fields;
  const weekday = date.getDay();
  return f.minute.includes(date.getMinutes()) && f.hour.includes(date.getHours()) && f.dayOfMonth.includes(date.getDate())
    && f.month.includes(date.getMonth() + 1) && (f.dayOfWeek.includes(weekday) || (weekday === 0 && f.dayOfWeek.includes(7)));
}

/** A system's schedule: its own, or its level's default from the settings (all checks, enabled). */
export async function effective(system: { _id: unknown; level: number }, own?: ScanScheduleDoc): Promise<EffectiveSchedule> {
  const doc = own ?? (await cache.all<ScanScheduleDoc>(ScanSchedule)).find((s) => s._id === String(system._id));
  if (doc) return { cron: doc.cron, enabled: doc.enabled, checks: doc.checks?.length ? doc.checks : [...CHECK_IDS], source: 'system', version: doc.version };
  return { cron: settings.scanCronFor(await settings.getSettings(), system.level), enabled: true, checks: [...CHECK_IDS], source: 'level-default', version: 0 };
}

export async function get(ctx: Ctx, systemId: string): Promise<EffectiveSchedule> {
  const system = await systems.get(ctx, systemId);
  return effective({ _id: system.id, level: system.level });
}

/** Sets a system's own schedule; `version` is the one last read (0 for the level default): 409 if it changed. */
export async function put(ctx: Ctx, systemId: string, input: { cron: string; enabled: boolean; checks?: CheckId[]; version?: number }): Promise<EffectiveSchedule> {
  const system = await systems.get(ctx, systemId);
  const problem = cronProblem(input.cron);
  if (problem) throw AppError.rule('cron', problem);
  const before = await effective({ _id: system.id, level: system.level });
  if (input.version !== undefined && input.version !== before.version) throw scheduleChanged({ currentVersion: before.version });
  const set = { cron: input.cron, enabled: input.enabled, checks: input.checks?.length ? input.checks : [...CHECK_IDS], updatedBy: ctx.actor.id, updatedAt: new Date() };
  const saved = before.source === 'system'
    ? await store.updateIfVersion<ScanScheduleDoc>(ScanSchedule, systemId, before.version, { $set: set })
    : (await store.lease(ScanSchedule, { _id: systemId, ...set, version: 1 })) ? await ScanSchedule.findById(systemId).lean<ScanScheduleDoc>() : null;
  if (!saved) throw scheduleChanged();
  const after = await effective({ _id: system.id, level: system.level }, saved);
  await audit.record(ctx, { action: 'scan.schedule', entity: 'system', entityId: systemId, before, after });
  return after;
}
