import * as z from 'zod';
import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import { CODE_LISTS } from '../../platform/cn/codes.js';
import * as people from './people.write.js';
import {
  DWELLING_RELATIONS,
  END_KINDS,
  HOUSEHOLD_RESIDENCE_STATUSES,
  ID_TYPES,
  RESIDENCE_TYPES,
  ZCodeLists,
  ZDwellingLink,
  ZDwellingLinkInput,
  ZEndPerson,
  ZPage,
  ZPersonHistory,
  ZPersonInput,
  ZPersonPatch,
  ZPersonRecord,
  ZPlacePerson,
  ZUnplacedPage,
  ZUnplacedQuery,
  zDate,
} from './people.schema.js';
import { registerHouseholdRoutes } from './households.routes.js';
import { registerDwellingRoutes } from './dwellings.routes.js';
import { registerOrganisationRoutes } from './organisations.routes.js';
import { registerCorrectionRoutes } from './corrections.routes.js';
import { registerMeRoutes } from './me.routes.js';
import { DWELLING_USES } from './dwellings.service.js';
import { ORGANISATION_KINDS } from './organisations.service.js';

const ZId = z.object({ id: z.string().min(1).max(32) });

/** The write side of the registry: people, households, dwellings, organisations, corrections, the resident's own view. */
export function registerRegistryWriteRoutes(app: LinliApp, ctx: PlatformContext) {
  registerPeopleWriteRoutes(app, ctx);
  registerHouseholdRoutes(app, ctx);
  registerDwellingRoutes(app, ctx);
  registerOrganisationRoutes(app, ctx);
  registerCorrectionRoutes(app, ctx);
  registerMeRoutes(app, ctx);
}

function registerPeopleWriteRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/registry/codes',
    {
      config: { policy: { authenticated: true } },
      schema: { tags: ['registry'], summary: '代码表（民族、与户主关系、政治面貌、学历、婚姻状况）/ Code lists for forms', response: { 200: ZCodeLists } },
    },
    async () => {
      const list = (name: keyof typeof CODE_LISTS) => CODE_LISTS[name].entries.map((e) => ({ code: e.code, name: e.name, aliases: [...(e.aliases ?? [])] }));
      return {
        ethnicity: list('ethnicity'),
        relationToHead: list('relationToHead'),
        politicalStatus: list('politicalStatus'),
        education: list('education'),
        maritalStatus: list('maritalStatus'),
        idTypes: [...ID_TYPES],
        residenceTypes: [...RESIDENCE_TYPES],
        householdResidenceStatuses: [...HOUSEHOLD_RESIDENCE_STATUSES],
        dwellingUses: [...DWELLING_USES],
        dwellingRelations: [...DWELLING_RELATIONS],
        endKinds: [...END_KINDS],
        organisationKinds: [...ORGANISATION_KINDS],
      };
    },
  );

  app.post(
    '/api/v1/people',
    {
      config: { policy: { permission: people.WRITE } },
      schema: { tags: ['registry'], summary: '登记人员 / Register a person', body: ZPersonInput, response: { 201: ZPersonRecord } },
    },
    async (request, reply) => reply.status(201).send(await people.createPerson(ctx, request.actor!, request.body, requestMeta(request))),
  );

  // Static segment before /people/:id routes (Fastify prefers it anyway).
  app.get(
    '/api/v1/people/unplaced',
    {
      config: { policy: { permission: people.READ } },
      schema: { tags: ['registry'], summary: '待安置人员（未关联房屋）/ People kept at community level, to be placed', querystring: ZUnplacedQuery, response: { 200: ZUnplacedPage } },
    },
    async (request) => people.listUnplaced(ctx, request.actor!, request.query, requestMeta(request)),
  );

  app.patch(
    '/api/v1/people/:id',
    {
      config: { policy: { permission: people.WRITE } },
      schema: { tags: ['registry'], summary: '修改人员信息 / Change a person (with an optional reason)', params: ZId, body: ZPersonPatch, response: { 200: ZPersonRecord } },
    },
    async (request) => people.updatePerson(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.post(
    '/api/v1/people/:id/end',
    {
      config: { policy: { permission: people.WRITE } },
      schema: { tags: ['registry'], summary: '注销档案（迁出、死亡、转移）/ End a record (never deleted)', params: ZId, body: ZEndPerson, response: { 200: ZPersonRecord } },
    },
    async (request) => people.endPerson(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/people/:id/history',
    {
      config: { policy: { permission: people.READ } },
      schema: { tags: ['registry'], summary: '变更记录 / Field changes of a person (numbers masked)', params: ZId, querystring: ZPage, response: { 200: ZPersonHistory } },
    },
    async (request) => people.personHistory(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );

  app.post(
    '/api/v1/people/:id/place',
    {
      config: { policy: { permission: people.WRITE } },
      schema: { tags: ['registry'], summary: '安置到房屋 / Place a person in a dwelling', params: ZId, body: ZPlacePerson, response: { 200: ZPersonRecord } },
    },
    async (request) => people.placePerson(ctx, request.actor!, request.params.id, request.body.dwellingId, request.body.reason, requestMeta(request)),
  );

  app.get(
    '/api/v1/people/:id/dwellings',
    {
      config: { policy: { permission: people.READ } },
      schema: { tags: ['registry'], summary: '人房关联 / Links to dwellings (owner, tenant, lives here)', params: ZId, response: { 200: z.object({ items: z.array(ZDwellingLink) }) } },
    },
    async (request) => people.listPersonLinks(ctx, request.actor!, request.params.id, requestMeta(request)),
  );

  app.post(
    '/api/v1/people/:id/dwellings',
    {
      config: { policy: { permission: people.WRITE } },
      schema: { tags: ['registry'], summary: '新增人房关联 / Link a person to a dwelling', params: ZId, body: ZDwellingLinkInput, response: { 201: ZDwellingLink } },
    },
    async (request, reply) => reply.status(201).send(await people.addPersonLink(ctx, request.actor!, request.params.id, request.body, requestMeta(request))),
  );

  app.delete(
    '/api/v1/people/:id/dwellings/:linkId',
    {
      config: { policy: { permission: people.WRITE } },
      schema: {
        tags: ['registry'],
        summary: '结束人房关联 / End a person–dwelling link (kept in history)',
        params: z.object({ id: z.string().min(1).max(32), linkId: z.string().min(1).max(32) }),
        querystring: z.object({ toDate: zDate().optional() }),
        response: { 200: ZDwellingLink },
      },
    },
    async (request) => people.endPersonLink(ctx, request.actor!, request.params.id, request.params.linkId, request.query.toDate, requestMeta(request)),
  );
}
