import net from 'node:net';
import type { RequestHandler } from 'express';
import rateLimit from 'express-rate-limit';
import { AppError } from './errors';

/*
 * Login attempts are bounded three ways: per e-mail (the lockout, counted in the database before the
 * password is checked: token.service.ts admitAttempt), per address and per address range, here.
 * The range is what one party usually holds: an IPv4 /24, an IPv6 /64. Guesses spread over the
 * addresses of one range (the probe: 30 addresses of one /24) meet the range's limit.
 * The address is Express's req.ip: behind a load balancer, TRUST_PROXY must name it, or every client
 * is the proxy. Counts are kept per instance, for 15 minutes.
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** IPv4 (also IPv4-mapped IPv6) → its /24; IPv6 → its /64; anything else is its own range. */
export function rangeOf(address: string | undefined): string {
  const ip = (address ?? '').trim();
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4 && net.isIPv4(ip.replace(/^::ffff:/i, ''))) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (net.isIPv6(ip)) return `${expand(ip).slice(0, 4).join(':')}::/64`;
  return ip || 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros (a zone index dropped). */
function expand(ip: string): string[] {
  const [head, tail = ''] = ip.replace(/%.*$/, '').split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => (/\./.test(g) ? g : (Number.parseInt(g, 16) || 0).toString(16)));
}

export interface LoginLimits { perAddress: number; perRange: number }

/** The two limiters in front of POST /auth/login: per address, then per range (each answers 429). */
export function loginLimiters(limits: LoginLimits): RequestHandler[] {
  const common = { windowMs: LOGIN_WINDOW_MS, standardHeaders: 'draft-7' as const, legacyHeaders: false };
  return [
    rateLimit({
      ...common,
      limit: limits.perAddress,
      // the whole address, IPv6 too: its /64 is the range limiter's
      ipv6Subnet: false,
      handler: (_req, _res, next) => next(AppError.tooMany({ en: 'Too many login attempts from this address; try again later', vi: 'Có quá nhiều lần đăng nhập từ địa chỉ này; hãy thử lại sau' })),
    }),
    rateLimit({
      ...common,
      limit: limits.perRange,
      keyGenerator: (req) => `range:${rangeOf(req.ip)}`,
      validate: { keyGeneratorIpFallback: false },
      handler: (_req, _res, next) => next(AppError.tooMany({ en: 'Too many login attempts from this network; try again later', vi: 'Có quá nhiều lần đăng nhập từ mạng này; hãy thử lại sau' })),
    }),
  ];
}
