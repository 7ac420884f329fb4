import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as tags from './tags.service.js';
import { TAG_DEFINE, TAG_MANAGE, TAG_READ } from './tags.policy.js';
import {
  ZAddPersonTag,
  ZDefineTag,
  ZEndPersonTag,
  ZPersonTag,
  ZPersonTagParams,
  ZPersonTagRowParams,
  ZPersonTags,
  ZPersonTagsQuery,
  ZTagDefinition,
  ZTagList,
  ZTagsQuery,
} from './tags.schema.js';

export function registerTagRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/tags',
    {
      config: { policy: { permission: TAG_READ } },
      schema: {
        tags: ['registry'],
        summary: '标签定义及人数 / Tag definitions with holders in your subtree',
        querystring: ZTagsQuery,
        response: { 200: ZTagList },
      },
    },
    async (request) => tags.listTags(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/tags',
    {
      config: { policy: { permission: TAG_DEFINE } },
      schema: {
        tags: ['registry'],
        summary: '定义新标签 / Define a new tag',
        body: ZDefineTag,
        response: { 201: ZTagDefinition },
      },
    },
    async (request, reply) => reply.status(201).send(await tags.defineTag(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.get(
    '/api/v1/people/:id/tags',
    {
      // Reading a person's tags follows reading the person; the service checks the subtree and mandate.
      config: { policy: { permission: 'registry.person.read' } },
      schema: {
        tags: ['registry'],
        summary: '人员标签（history=1 含已结束）/ A person\'s tags (history=1: ended ones too)',
        params: ZPersonTagParams,
        querystring: ZPersonTagsQuery,
        response: { 200: ZPersonTags },
      },
    },
    async (request) => tags.listPersonTags(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/people/:id/tags',
    {
      config: { policy: { permission: TAG_MANAGE } },
      schema: {
        tags: ['registry'],
        summary: '添加人员标签 / Give a person a tag',
        params: ZPersonTagParams,
        body: ZAddPersonTag,
        response: { 201: ZPersonTag },
      },
    },
    async (request, reply) => reply.status(201).send(await tags.addPersonTag(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.post(
    '/api/v1/people/:id/tags/:tagId/end',
    {
      config: { policy: { permission: TAG_MANAGE } },
      schema: {
        tags: ['registry'],
        summary: '结束人员标签（不删除）/ End a person\'s tag (kept as history)',
        params: ZPersonTagRowParams,
        body: ZEndPersonTag,
        response: { 200: ZPersonTag },
      },
    },
    async (request) => tags.endPersonTag(ctx, request.actor!, request.params.id, request.params.tagId, request.body.reason, requestMeta(request)),
  );
}
