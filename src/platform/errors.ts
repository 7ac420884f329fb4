/**
 * The one error every layer throws. Routes never build error bodies themselves: the HTTP
 * layer turns an AppError into `{"error":{"code","message","details"}}` in the caller's language.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const badRequest = (code = 'BAD_REQUEST', params?: Record<string, string | number>, details?: unknown) =>
  new AppError(400, code, params, details);
export const unauthenticated = (code = 'UNAUTHENTICATED') => new AppError(401, code);
export const forbidden = (code = 'FORBIDDEN', params?: Record<string, string | number>) => new AppError(403, code, params);
export const notFound = (code = 'NOT_FOUND', params?: Record<string, string | number>) => new AppError(404, code, params);
export const conflict = (code = 'CONFLICT', params?: Record<string, string | number>, details?: unknown) =>
  new AppError(409, code, params, details);
