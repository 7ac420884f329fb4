import type { LinliApp } from '../../platform/http/app.js';
import { requestMeta } from '../../platform/http/app.js';
import type { PlatformContext } from '../../platform/context.js';
import * as ledgers from './ledgers.service.js';
import { LEDGER_MANAGE, LEDGER_READ } from './ledgers.policy.js';
import {
  ZLedger,
  ZLedgerExportQuery,
  ZLedgerFields,
  ZLedgerId,
  ZLedgerInput,
  ZLedgerList,
  ZLedgerListQuery,
  ZLedgerPatch,
  ZLedgerRows,
  ZLedgerRowsQuery,
} from './ledgers.schema.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerLedgerRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/ledgers',
    {
      config: { policy: { permission: LEDGER_READ } },
      schema: {
        tags: ['registry'],
        summary: '台账列表 / Ledgers you may generate (department officers: their department\'s)',
        querystring: ZLedgerListQuery,
        response: { 200: ZLedgerList },
      },
    },
    async (request) => ledgers.listLedgers(ctx, request.actor!, request.query),
  );

  app.get(
    '/api/v1/ledgers/fields',
    {
      config: { policy: { permission: LEDGER_READ } },
      schema: {
        tags: ['registry'],
        summary: '台账可选列 / Columns, sort orders and unit placeholders a ledger may use',
        response: { 200: ZLedgerFields },
      },
    },
    async () => ledgers.ledgerFields(),
  );

  app.get(
    '/api/v1/ledgers/:id',
    {
      config: { policy: { permission: LEDGER_READ } },
      schema: { tags: ['registry'], summary: '台账定义 / A ledger definition', params: ZLedgerId, response: { 200: ZLedger } },
    },
    async (request) => ledgers.getLedger(ctx, request.actor!, request.params.id),
  );

  app.post(
    '/api/v1/ledgers',
    {
      config: { policy: { permission: LEDGER_MANAGE } },
      schema: { tags: ['registry'], summary: '定义新台账 / Define a ledger', body: ZLedgerInput, response: { 201: ZLedger } },
    },
    async (request, reply) => reply.status(201).send(await ledgers.createLedger(ctx, request.actor!, request.body, requestMeta(request))),
  );

  app.patch(
    '/api/v1/ledgers/:id',
    {
      config: { policy: { permission: LEDGER_MANAGE } },
      schema: { tags: ['registry'], summary: '修改台账定义 / Change a ledger definition', params: ZLedgerId, body: ZLedgerPatch, response: { 200: ZLedger } },
    },
    async (request) => ledgers.updateLedger(ctx, request.actor!, request.params.id, request.body, requestMeta(request)),
  );

  app.get(
    '/api/v1/ledgers/:id/rows',
    {
      config: { policy: { permission: LEDGER_READ } },
      schema: {
        tags: ['registry'],
        summary: '生成台账（分页）/ Generate a ledger, one page (audited; purpose required of department officers)',
        params: ZLedgerId,
        querystring: ZLedgerRowsQuery,
        response: { 200: ZLedgerRows },
      },
    },
    async (request) => ledgers.ledgerRows(ctx, request.actor!, request.params.id, request.query, requestMeta(request)),
  );

  app.get(
    '/api/v1/ledgers/:id/export.xlsx',
    {
      config: { policy: { permission: LEDGER_READ } },
      schema: {
        tags: ['registry'],
        summary: '导出台账 xlsx / Download a ledger as xlsx (audited; purpose required of department officers)',
        params: ZLedgerId,
        querystring: ZLedgerExportQuery,
        produces: [XLSX],
      },
    },
    async (request, reply) => {
      const { buffer, filename } = await ledgers.exportLedger(ctx, request.actor!, request.params.id, request.query, requestMeta(request));
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'no-store')
        .send(buffer);
    },
  );
}
