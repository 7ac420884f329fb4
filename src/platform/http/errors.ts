import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { AppError } from '../errors.js';
import { hasMessage, t, type Locale } from '../i18n/i18n.js';

const zodLocales = { 'zh-CN': z.locales.zhCN(), en: z.locales.en() };

export interface FieldError {
  /** `body.idNumber`, `querystring.page` … */
  field: string;
  code: string;
  message: string;
}

function localiseIssue(locale: Locale, issue: Record<string, unknown>): string {
  try {
    const text = zodLocales[locale].localeError(issue as never);
    if (typeof text === 'string') return text;
    if (text && typeof text === 'object' && 'message' in text) return String((text as { message: string }).message);
  } catch {
    // fall through to the message zod gave
  }
  return String(issue.message ?? '');
}

/**
 * Messages a schema states as its own for one field: every failure of that field (wrong type,
 * bad format, too long …) answers with the message as written, not zod's localised text. Opt-in
 * per field, so schemas that do not register their message keep zod's wording.
 */
const ownMessages = new Set<string>();
export function ownFieldMessage(message: string): string {
  ownMessages.add(message);
  return message;
}

export function errorBody(locale: Locale, code: string, params: Record<string, string | number> = {}, details?: unknown) {
  return { error: { code, message: t(locale, `error.${code}`, params), ...(details === undefined ? {} : { details }) } };
}

/** One error shape for every failure: `{"error":{"code","message","details"}}`. */
export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  const locale = request.locale ?? 'zh-CN';
  if (error instanceof AppError) {
    return reply.status(error.status).send(errorBody(locale, error.code, error.params, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const details: FieldError[] = error.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const issue = { ...(v.params as Record<string, unknown>), code: v.keyword, path: path ? path.split('.') : [], message: v.message };
      // A custom issue may name its own message (e.g. ID_NUMBER_INVALID from src/platform/cn/zod.ts).
      const own = ((issue as Record<string, unknown>).params as { code?: string } | undefined)?.code;
      if (v.keyword === 'custom' && own && hasMessage(`error.${own}`)) {
        return { field: path ? `${where}.${path}` : where, code: own, message: t(locale, `error.${own}`) };
      }
      if (typeof v.message === 'string' && ownMessages.has(v.message)) return { field: path ? `${where}.${path}` : where, code: v.keyword, message: v.message };
      return { field: path ? `${where}.${path}` : where, code: v.keyword, message: localiseIssue(locale, issue) };
    });
    return reply.status(400).send(errorBody(locale, 'VALIDATION_FAILED', {}, details));
  }
  const fe = error as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status === 413) return reply.status(413).send(errorBody(locale, 'PAYLOAD_TOO_LARGE'));
  if (status === 415) return reply.status(415).send(errorBody(locale, 'UNSUPPORTED_MEDIA_TYPE'));
  if (status === 429) return reply.status(429).send(errorBody(locale, 'RATE_LIMITED'));
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (bad JSON, empty body …): keep its code, localise the frame.
    return reply.status(status).send(errorBody(locale, 'BAD_REQUEST', {}, { reason: fe.code ?? fe.message }));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(errorBody(locale, 'INTERNAL'));
}
