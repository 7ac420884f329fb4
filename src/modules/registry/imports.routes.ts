import { PassThrough } from 'node:stream';
import multipart from '@fastify/multipart';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import { IMPORT_PERMISSION } from './imports.job.js';
import { getImport, listImports, listRejections, rejectionsReport, resolveTarget, startImport, templateTags, XLSX_MIME } from './imports.service.js';
import { ZImportDetail, ZImportId, ZImportJob, ZImportPage, ZPageQuery, ZRejectionPage, ZStartImportQuery } from './imports.schema.js';
import { buildTemplate, writeRejectionsXlsx } from './imports.template.js';

export function registerImportRoutes(app: LinliApp, ctx: PlatformContext) {
  // Multipart parsing in this scope only, as the files service does for its own upload route.
  void app.register(async (instance) => {
    const scope = instance as LinliApp;
    await scope.register(multipart, {
      limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 4, fieldSize: 256, parts: 5, headerPairs: 50 },
    });

    scope.post(
      '/api/v1/imports/people',
      {
        config: { policy: { permission: IMPORT_PERMISSION } },
        schema: {
          tags: ['imports'],
          summary: '导入人口 / Import people from an .xlsx or .csv roster (multipart field `file`; `dryRun`, `communityId` as query or fields before the file); runs in the background',
          querystring: ZStartImportQuery,
          response: { 202: ZImportJob },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', {}, { expected: 'multipart/form-data' });
        const part = await request.file({ limits: { fileSize: ctx.config.maxUploadBytes } });
        if (!part) throw badRequest('FILE_MISSING');
        const fields: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(part.fields)) {
          if (value && !Array.isArray(value) && value.type === 'field') fields[name] = value.value;
        }
        const meta = requestMeta(request);
        let opts;
        let where;
        try {
          // Form fields are read here; the query string was already validated by the route schema and wins.
          const parsed = ZStartImportQuery.safeParse(fields);
          if (!parsed.success) throw badRequest('VALIDATION_FAILED', {}, parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message })));
          opts = { ...parsed.data, ...Object.fromEntries(Object.entries(request.query).filter(([, v]) => v !== undefined)) };
          where = await resolveTarget(ctx, request.actor!, opts.communityId, meta);
        } catch (e) {
          part.file.resume(); // drain, so the client reads our answer rather than a reset
          throw e;
        }
        const view = await startImport(ctx, request.actor!, { stream: part.file, originalName: part.filename, truncated: () => part.file.truncated }, where, { dryRun: opts.dryRun ?? false }, meta);
        return reply.status(202).send(view);
      },
    );
  });

  app.get(
    '/api/v1/imports',
    {
      config: { policy: { permission: IMPORT_PERMISSION } },
      schema: { tags: ['imports'], summary: '我的导入 / Your imports, newest first', querystring: ZPageQuery, response: { 200: ZImportPage } },
    },
    async (request) => listImports(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/imports/template.xlsx',
    {
      config: { policy: { permission: IMPORT_PERMISSION } },
      schema: { tags: ['imports'], summary: '人口导入模板 / The import template (.xlsx, Chinese headers, ID column as text, code lists on a second sheet)' },
    },
    async (_request, reply) => {
      const body = await buildTemplate(await templateTags(ctx));
      return reply
        .type(XLSX_MIME)
        .header('content-disposition', contentDisposition('attachment', '人口信息导入模板.xlsx'))
        .header('cache-control', 'private, no-cache')
        .send(body);
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { policy: { permission: IMPORT_PERMISSION } },
      schema: {
        tags: ['imports'],
        summary: '导入进度 / An import: status, progress, counts (created, updated, unchanged, rejected) and the first page of rejected rows',
        params: ZImportId,
        response: { 200: ZImportDetail },
      },
    },
    async (request) => getImport(ctx, request.actor!, request.params.id),
  );

  app.get(
    '/api/v1/imports/:id/rejections',
    {
      config: { policy: { permission: IMPORT_PERMISSION } },
      schema: { tags: ['imports'], summary: '未通过的行 / Rejected rows of an import, by row number', params: ZImportId, querystring: ZPageQuery, response: { 200: ZRejectionPage } },
    },
    async (request) => listRejections(ctx, request.actor!, request.params.id, request.query),
  );

  app.get(
    '/api/v1/imports/:id/rejections.xlsx',
    {
      config: { policy: { permission: IMPORT_PERMISSION } },
      schema: { tags: ['imports'], summary: '下载未通过的行 / Every rejected row with 行号 and 原因, as .xlsx (numbers masked; audited)', params: ZImportId },
    },
    async (request, reply) => {
      const report = await rejectionsReport(ctx, request.actor!, request.params.id, requestMeta(request));
      const out = new PassThrough();
      writeRejectionsXlsx(out, { title: report.title, columns: report.columns }, report.rows).catch((err) => out.destroy(err as Error));
      return reply
        .type(XLSX_MIME)
        .header('content-disposition', contentDisposition('attachment', report.fileName))
        .header('cache-control', 'private, no-store')
        .send(out);
    },
  );
}
