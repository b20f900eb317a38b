import type { RequestHandler } from 'express';
import type { Role } from '../shared/enums';
import { AppError } from './errors';

const ALL: Role[] = ['admin', 'inspector', 'owner'];

/** Which roles may use which capability. Scope (own organization) is enforced in services. */
export const PERMISSIONS = {
  'self': ALL,
  'organizations:read': ALL,
  'organizations:write': ['admin'],
  'users:manage': ['admin'],
  'systems:read': ALL,
  'systems:write': ['admin'],
  'audit:read': ['admin'],
  'checklists:read': ALL,
  'settings:read': ['admin', 'inspector'],
  'settings:write': ['admin'],
  'assessments:read': ALL,
  'assessments:write': ['inspector'],
  'assessments:approve': ['admin'],
  'findings:read': ALL,
  'findings:write': ['inspector'],
  'findings:act': ALL,
  'findings:decide': ['admin'],
  'notifications:read': ['admin'],
  'certificates:read': ['admin', 'owner'],
  'certificates:issue': ['admin'],
  'dashboard:read': ['admin', 'inspector'],
  'reports:read': ['admin'],
  'metrics:read': ['admin'],
  'consistency:check': ['admin'],
  'scans:read': ALL,
  'scans:run': ['admin', 'inspector'],
  'scans:schedule': ['admin', 'inspector'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => (PERMISSIONS[permission] as Role[]).includes(r));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The role check, and what the request's token allows, for every authenticated route in one place:
 * an `enrol` token (a user who must set up a second factor first) reaches only routes marked
 * `enrolment`; a `read-only` token never writes.
 */
export function permit(permission: Permission, opts: { enrolment?: boolean } = {}): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(AppError.unauthorized());
    const scope = req.user.credential?.scope;
    if (scope === 'enrol' && !opts.enrolment) {
      return next(new AppError(403, 'mfa_enrolment_required', { en: 'Your role requires a second factor: set up an authenticator app or a passkey first (GET /auth/mfa)', vi: 'Vai trò của bạn bắt buộc dùng yếu tố xác thực thứ hai: hãy thiết lập ứng dụng xác thực hoặc khóa truy cập trước' }));
    }
    if (scope === 'read-only' && !SAFE_METHODS.has(req.method)) return next(new AppError(403, 'read_only_token', { en: 'This token is read-only', vi: 'Mã truy cập này chỉ được phép đọc' }));
    if (!can(req.user.roles, permission)) return next(AppError.forbidden());
    next();
  };
}
