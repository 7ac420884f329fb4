import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as registry from './registry.service.js';
import { ZLookupQuery, ZLookupResult, ZPeoplePage, ZPeopleQuery, ZPersonDetail, ZPersonId, ZPersonQuery } from './registry.schema.js';

export function registerRegistryRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/registry/people',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '人口列表 / People of your subtree (masked)',
        querystring: ZPeopleQuery,
        response: { 200: ZPeoplePage },
      },
    },
    async (request) => registry.listPeople(ctx, request.actor!, request.query, requestMeta(request)),
  );

  // Declared before /people/:id; Fastify prefers the static segment anyway.
  app.get(
    '/api/v1/registry/people/lookup',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '按身份证号查找 / Look up people by ID number (exact match)',
        querystring: ZLookupQuery,
        response: { 200: ZLookupResult },
      },
    },
    async (request) => registry.lookupByIdNumber(ctx, request.actor!, request.query.idNumber, requestMeta(request)),
  );

  app.get(
    '/api/v1/registry/people/:id',
    {
      config: { policy: { permission: registry.READ } },
      schema: {
        tags: ['registry'],
        summary: '人员详情 / A person (masked; give a purpose to unmask)',
        params: ZPersonId,
        querystring: ZPersonQuery,
        response: { 200: ZPersonDetail },
      },
    },
    async (request) => registry.getPerson(ctx, request.actor!, request.params.id, request.query.purpose, requestMeta(request)),
  );
}
