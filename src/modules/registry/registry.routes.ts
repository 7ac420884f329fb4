import fs from 'node:fs';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { contentDisposition } from '../../platform/files/content-type.js';
import * as registry from './registry.service.js';
import { exportPeople, XLSX_MIME } from './export.xlsx.js';
import { ZExportQuery, ZLookupQuery, ZLookupResult, ZPeoplePage, ZPeopleQuery, ZPersonDetail, ZPersonId, ZPersonQuery, ZReadScope } from './registry.schema.js';

/** The read path of the registry: lists, search, look-up, detail and export of people. */
export function registerRegistryRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/people',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '人口列表与查询 / People of your scope: search, filter, sort, page (masked)',
        description:
          '`q` finds by name (汉字), pinyin (full, partial, initials), full ID or mobile number (blind index), their last four digits (within a grid) or address (3幢2单元501室, 3-2-501). Department officers see only people holding a tag of their mandate, only mandate fields, and must give `purpose`.',
        querystring: ZPeopleQuery,
        response: { 200: ZPeoplePage },
      },
    },
    async (request) => registry.listPeople(ctx, request.actor!, request.query, requestMeta(request)),
  );

  // Static segments are declared before /people/:id (Fastify prefers them anyway).
  app.get(
    '/api/v1/people/lookup',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '按身份证号查找 / Look up people by ID number (exact match)',
        querystring: ZLookupQuery,
        response: { 200: ZLookupResult },
      },
    },
    async (request) => registry.lookupByIdNumber(ctx, request.actor!, request.query.idNumber, request.query.purpose, requestMeta(request)),
  );

  app.get(
    '/api/v1/people/scope',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '我的查阅范围 / What you may read: departments, their tags and fields, whether a purpose is needed',
        response: { 200: ZReadScope },
      },
    },
    async (request) => registry.describeScope(ctx, request.actor!),
  );

  app.get(
    '/api/v1/people/export.xlsx',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '导出人口列表 / Export the filtered list as xlsx (masked as your permission demands; audited)',
        querystring: ZExportQuery,
      },
    },
    async (request, reply) => {
      const file = await exportPeople(ctx, request.actor!, request.query, requestMeta(request));
      const stream = fs.createReadStream(file.path);
      stream.on('close', () => fs.rm(file.path, { force: true }, () => {}));
      return reply
        .type(XLSX_MIME)
        .header('content-length', file.size)
        .header('content-disposition', contentDisposition('attachment', file.fileName))
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  app.get(
    '/api/v1/people/:id',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '人员详情 / A person (masked; unmask=true with a purpose shows the full numbers)',
        params: ZPersonId,
        querystring: ZPersonQuery,
        response: { 200: ZPersonDetail },
      },
    },
    async (request) => registry.getPerson(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );
}
