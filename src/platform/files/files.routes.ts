import multipart from '@fastify/multipart';
import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import { contentDisposition, downloadName, ALLOWED_BINARY } from './content-type.js';
import { getAttachmentFor, openAttachment, presentAttachment, storeAttachment } from './files.service.js';

const ZUploadMeta = z.object({
  /** What the file is for, in the module's words: `service.application`, `event.photo` … */
  purpose: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/).default('general'),
  /** The node whose staff may open the file; without it only the uploader can. */
  orgNodeId: z.string().min(1).max(32).optional(),
});

const ZAttachment = z.object({
  id: z.string(),
  name: z.string(),
  originalName: z.string(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  purpose: z.string(),
  orgNodeId: z.string().nullable(),
  createdAt: z.string(),
});

export function registerFileRoutes(app: LinliApp, ctx: PlatformContext) {
  // Multipart parsing lives in this scope only: no other route accepts form uploads.
  void app.register(async (instance) => {
    const scope = instance as LinliApp;
    await scope.register(multipart, {
      limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 4, fieldSize: 256, parts: 5, headerPairs: 50 },
    });

    scope.post(
      '/api/v1/files',
      {
        config: { policy: { authenticated: true } },
        schema: {
          tags: ['files'],
          summary: '上传附件 / Upload one file (multipart/form-data; purpose and orgNodeId as query or fields before the file)',
          querystring: z.object({ purpose: z.string().max(64).optional(), orgNodeId: z.string().max(32).optional() }),
          response: { 201: ZAttachment },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', {}, { expected: 'multipart/form-data' });
        // Read per request, so a changed limit applies without a restart.
        const part = await request.file({ limits: { fileSize: ctx.config.maxUploadBytes } });
        if (!part) throw badRequest('FILE_MISSING');
        const fields: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(part.fields)) {
          if (value && !Array.isArray(value) && value.type === 'field') fields[name] = value.value;
        }
        const parsed = ZUploadMeta.safeParse({ ...fields, ...stripUndefined(request.query) });
        if (!parsed.success) {
          part.file.resume(); // drain, so the client gets our answer rather than a reset
          throw badRequest('VALIDATION_FAILED', {}, parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message })));
        }
        const view = await storeAttachment(
          ctx,
          request.actor!,
          { stream: part.file, originalName: part.filename, purpose: parsed.data.purpose, orgNodeId: parsed.data.orgNodeId, truncated: () => part.file.truncated },
          requestMeta(request),
        );
        return reply.status(201).send(view);
      },
    );

    scope.get(
      '/api/v1/files/:id',
      {
        config: { policy: { authenticated: true } },
        schema: {
          tags: ['files'],
          summary: '下载附件 / Open a file (its owner, or staff of its organisation node)',
          params: z.object({ id: z.string().min(1).max(32) }),
          querystring: z.object({ download: z.enum(['1', '0', 'true', 'false']).optional() }),
        },
      },
      async (request, reply) => {
        const row = await getAttachmentFor(ctx, request.actor!, request.params.id, requestMeta(request));
        const view = presentAttachment(row);
        const forceDownload = request.query.download === '1' || request.query.download === 'true';
        const inline = !forceDownload && (ALLOWED_BINARY[row.mime]?.inline ?? false);
        reply
          .type(row.mime)
          .header('content-length', view.size)
          .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', downloadName(row.original_name, row.mime)))
          .header('x-content-type-options', 'nosniff')
          // Private papers: never in a shared cache; the content never changes, so the browser may keep it.
          .header('cache-control', 'private, max-age=3600');
        return reply.send(openAttachment(ctx, row));
      },
    );
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
