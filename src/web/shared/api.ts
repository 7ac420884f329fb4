/**
 * A small fetch wrapper for /api/v1: JSON in and out, the language of the page, the CSRF
 * token on every write, and one error type carrying the server's `{code, message, details}`.
 */
import { getLocale, t } from './i18n.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An endpoint that is not there (yet): another module that this server does not run. */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && (e.code === 'ROUTE_NOT_FOUND' || e.code === 'HTTP_404');
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return t('error.UNKNOWN', { status: '?' });
}

let csrfToken: string | null = null;
let onSessionLost: (() => void) | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

/** Called when the server says the session is gone, so the app can show its login page. */
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A multipart body (file uploads); the browser writes its content type and boundary. */
  form?: FormData;
  signal?: AbortSignal;
}

async function parseJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The server's `{error: {code, message, details}}` as an ApiError (and a lost session reported). */
function toApiError(res: Response, data: unknown): ApiError {
  const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const code = err?.code ?? `HTTP_${res.status}`;
  if (res.status === 401 && (code === 'UNAUTHENTICATED' || code === 'SESSION_EXPIRED')) onSessionLost?.();
  return new ApiError(res.status, code, err?.message ?? t('error.UNKNOWN', { status: res.status }), err?.details);
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': getLocale() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', t('error.NETWORK'));
  }
  const data = await parseJson(res);
  if (!res.ok) throw toApiError(res, data);
  return data as T;
}

/** `filename*=UTF-8''…` (RFC 6266) or a plain `filename="…"` from a Content-Disposition header. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall back to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : null;
}

/**
 * Downloads a file (an xlsx export) and hands it to the browser to save. Fetched rather than
 * linked so that a refusal (403, a missing purpose) shows as the server's message on the page
 * instead of a JSON page in a new tab. Returns the file name.
 */
async function download(path: string, query?: Query, fallbackName = 'download'): Promise<string> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), { headers: { 'accept-language': getLocale() }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', t('error.NETWORK'));
  }
  if (!res.ok) throw toApiError(res, await parseJson(res));
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/**
 * Field errors of a failed write, by field name (`idNumber`, `tags` …): the server names them
 * `body.idNumber` for schema errors and `idNumber` for business rules. A detail without a
 * message of its own gets the error's message (e.g. 身份证号校验位错误).
 */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return out;
  for (const d of e.details as { field?: unknown; message?: unknown }[]) {
    if (typeof d?.field !== 'string') continue;
    const field = d.field.replace(/^(body|querystring|params)\.?/, '').split('.')[0];
    if (!field || out[field]) continue;
    out[field] = typeof d.message === 'string' && d.message ? d.message : e.message;
  }
  return out;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  delete: <T>(path: string, query?: Query) => request<T>('DELETE', path, { query }),
  upload: <T>(path: string, form: FormData, query?: Query) => request<T>('POST', path, { form, query }),
  download,
};
