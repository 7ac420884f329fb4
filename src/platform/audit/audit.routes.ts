import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { verifyAuditChain } from './audit.js';
import { appendAudit } from './audit.js';

export function registerAuditRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/audit',
    {
      config: { policy: { permission: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: '审计日志 / Audit log (auditor only)',
        querystring: z.object({
          action: z.string().max(64).optional(),
          actorId: z.string().max(32).optional(),
          targetId: z.string().max(32).optional(),
          from: z.string().datetime().optional(),
          to: z.string().datetime().optional(),
          beforeSeq: z.coerce.number().int().positive().optional(),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      let query = ctx.db.kysely.selectFrom('audit_log').selectAll();
      if (q.action) query = query.where('action', '=', q.action);
      if (q.actorId) query = query.where('actor_id', '=', q.actorId);
      if (q.targetId) query = query.where('target_id', '=', q.targetId);
      if (q.from) query = query.where('at', '>=', q.from);
      if (q.to) query = query.where('at', '<', q.to);
      if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
      const rows = await query.orderBy('seq', 'desc').limit(q.pageSize).execute();
      // Reading the trail is itself on the trail.
      await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: 'audit.read', ip: request.ip, requestId: request.id, details: { filter: q, rows: rows.length } });
      return { items: rows.map((r) => ({ ...r, seq: Number(r.seq), details: r.details ? JSON.parse(r.details) : null })), nextBeforeSeq: rows.length ? Number(rows[rows.length - 1]!.seq) : null };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    { config: { policy: { permission: 'audit.read' } }, schema: { tags: ['audit'], summary: '校验审计链 / Verify the audit hash chain' } },
    async () => verifyAuditChain(ctx.db),
  );
}
