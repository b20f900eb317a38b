/*
 * The console's only way to the server: the JSON API with the session cookie. Every write carries
 * X-Requested-With (the server refuses a cookie-authenticated write without it, so another site
 * cannot forge one). Reads are retried on network failures; an expired session sends the user to
 * the login page with a message.
 */
import { lang } from './i18n';

export interface Bilingual { vi: string; en: string }
/** `label` and `message` name the field as people call it, in both languages (the API's `field` is its path) */
export interface Detail { field?: string; in?: string; reason: string; row?: number; label?: Bilingual; message?: Bilingual }

/** A detail's message in the console's language (the English reason when the API gave no message). */
export const messageOf = (d: Detail): string => d.message?.[lang()] ?? d.reason;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Detail[] = [], readonly raw?: unknown, readonly text?: Bilingual) { super(message); }
  /** the message given for one field, in the console's language, to show next to it */
  field(name: string): string | undefined {
    const d = this.details.find((x) => x.field === name || x.field?.startsWith(`${name}.`));
    return d && messageOf(d);
  }
  /** the API's own words about the error in the console's language, if it gave them in both */
  words(): string | undefined {
    return this.text?.[lang()];
  }
}

/** The API's reason for one field of a failed request (shown beside that field), if it gave one. */
export const fieldError = (err: unknown, name: string): string | undefined => (err instanceof ApiError ? err.field(name) : undefined);

type Listener = () => void;
const expiredListeners = new Set<Listener>();
export const onSessionExpired = (l: Listener) => { expiredListeners.add(l); return () => expiredListeners.delete(l); };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function request<T = any>(method: string, path: string, body?: unknown, opts: { raw?: BodyInit; type?: string; quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'attest' };
  let payload: BodyInit | undefined;
  if (opts.raw !== undefined) { payload = opts.raw; if (opts.type) headers['Content-Type'] = opts.type; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  const attempts = method === 'GET' ? 3 : 1;
  let res: Response | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      res = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
      break;
    } catch {
      if (i === attempts - 1) throw new ApiError(0, 'network', 'network');
      await sleep(500 * 2 ** i);
    }
  }
  if (!res) throw new ApiError(0, 'network', 'network');
  if (res.status === 204) return undefined as T;
  const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
  const data = isJson ? await res.json() : undefined;
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) expiredListeners.forEach((l) => l());
    const e = data?.error ?? {};
    const text = e.text && typeof e.text.vi === 'string' && typeof e.text.en === 'string' ? e.text as Bilingual : undefined;
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? res.statusText, Array.isArray(e.details) ? e.details : [], e.details, text);
  }
  return data as T;
}

export const api = {
  get: <T = any>(path: string, opts?: { quiet401?: boolean }) => request<T>('GET', path, undefined, opts),
  post: <T = any>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T = any>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T = any>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T = any>(path: string) => request<T>('DELETE', path),
  /** multipart upload (evidence files) */
  upload: <T = any>(path: string, form: FormData) => request<T>('POST', path, undefined, { raw: form }),
  /** a CSV body (inventory import) */
  csv: <T = any>(path: string, text: string) => request<T>('POST', path, undefined, { raw: text, type: 'text/csv' }),
};

/** query string from the set values of an object */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface Page<T> { items: T[]; total: number; page: number; limit: number }

/** Every page of a list (the API returns at most 100 items a page); stops after `maxPages`. */
export async function allPages<T>(path: string, params: Record<string, string | number | boolean | undefined> = {}, maxPages = 50): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const r = await api.get<Page<T>>(`${path}${qs({ ...params, page, limit: 100 })}`);
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0) break;
  }
  return out;
}
