import * as z from 'zod';
import { sql } from 'kysely';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { appendAudit } from '../audit/audit.js';
import { forbidden, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { canAt, scopePaths } from '../policy/actor.js';
import { ROLES } from '../policy/roles.js';
import { prefixEnd } from '../db/dialect.js';
import { createUser } from './users.service.js';
import { getNode } from '../org/org.repository.js';

const ZUserId = z.object({ id: z.string().min(1).max(32) });

/**
 * Account administration, split as 等保 asks (三员分立): the system admin creates and disables
 * accounts, the security admin grants roles and unlocks accounts; neither reads the audit log.
 */
export function registerUserAdminRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/admin/users',
    {
      config: { policy: { permission: 'user.read' } },
      schema: {
        tags: ['admin'],
        summary: '账号列表 / Accounts',
        querystring: z.object({ q: z.string().max(64).optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
      },
    },
    async (request) => {
      const { q, page, pageSize } = request.query;
      let query = ctx.db.kysely.selectFrom('app_user');
      if (q) query = query.where((eb) => eb.or([eb('username', 'like', `%${q}%`), eb('display_name', 'like', `%${q}%`)]));
      const [rows, total] = await Promise.all([
        query
          .select(['id', 'username', 'display_name', 'disabled', 'locked_until', 'totp_enabled', 'must_change_password', 'created_at'])
          .orderBy('username')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
      ]);
      const grants = rows.length
        ? await ctx.db.kysely
            .selectFrom('role_grant')
            .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
            .select(['role_grant.id', 'role_grant.user_id', 'role_grant.role', 'role_grant.department_code', 'org_node.id as org_node_id', 'org_node.name as org_node_name'])
            .where('role_grant.user_id', 'in', rows.map((r) => r.id))
            .execute()
        : [];
      return {
        items: rows.map((r) => ({
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          disabled: r.disabled === 1,
          lockedUntil: r.locked_until,
          totpEnabled: r.totp_enabled === 1,
          mustChangePassword: r.must_change_password === 1,
          createdAt: r.created_at,
          grants: grants.filter((g) => g.user_id === r.id).map((g) => ({ id: g.id, role: g.role, orgNodeId: g.org_node_id, orgNodeName: g.org_node_name, departmentCode: g.department_code })),
        })),
        total: Number(total.n),
        page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/v1/admin/users',
    {
      config: { policy: { permission: 'user.manage' } },
      schema: {
        tags: ['admin'],
        summary: '新建账号 / Create an account (must change password at first login)',
        body: z.object({ username: z.string().trim().regex(/^[a-zA-Z0-9_.-]{3,32}$/), displayName: z.string().trim().min(1).max(64), initialPassword: z.string().min(8).max(128) }),
      },
    },
    async (request, reply) => {
      const { username, displayName, initialPassword } = request.body;
      const id = await ctx.db.kysely.transaction().execute(async (trx) => {
        const userId = await createUser(ctx, { username, displayName, password: initialPassword, mustChangePassword: true, grants: [] }, trx);
        await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: 'user.create', targetType: 'user', targetId: userId, ...requestMeta(request), details: { username } }, trx);
        return userId;
      });
      return reply.status(201).send({ id, username, mustChangePassword: true });
    },
  );

  app.post(
    '/api/v1/admin/users/:id/disable',
    { config: { policy: { permission: 'user.manage' } }, schema: { tags: ['admin'], summary: '停用账号 / Disable an account', params: ZUserId, body: z.object({ disabled: z.boolean() }) } },
    async (request) => {
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const res = await trx.updateTable('app_user').set({ disabled: request.body.disabled ? 1 : 0 }).where('id', '=', request.params.id).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw notFound();
        if (request.body.disabled) {
          await trx.updateTable('user_session').set({ revoked_at: ctx.now().toISOString() }).where('user_id', '=', request.params.id).where('revoked_at', 'is', null).execute();
        }
        await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: request.body.disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: request.params.id, ...requestMeta(request) }, trx);
      });
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/grants',
    {
      config: { policy: { permission: 'grant.manage' } },
      schema: {
        tags: ['admin'],
        summary: '授予角色 / Grant a role on a subtree',
        params: ZUserId,
        body: z.object({ role: z.enum(ROLES), orgNodeId: z.string().min(1).max(32), departmentCode: z.string().max(32).optional() }),
      },
    },
    async (request, reply) => {
      const node = await getNode(ctx.db.kysely, request.body.orgNodeId);
      if (!node) throw notFound();
      // A security admin can only grant inside their own subtree.
      if (!canAt(request.actor, 'grant.manage', node.path)) throw forbidden();
      if (request.body.role === 'department_officer' && !request.body.departmentCode) throw forbidden('FORBIDDEN');
      const id = newId();
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const user = await trx.selectFrom('app_user').select('id').where('id', '=', request.params.id).executeTakeFirst();
        if (!user) throw notFound();
        await trx
          .insertInto('role_grant')
          .values({ id, user_id: request.params.id, role: request.body.role, org_node_id: node.id, department_code: request.body.departmentCode ?? null, granted_by: request.actor!.userId, granted_at: ctx.now().toISOString() })
          .execute();
        await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: 'grant.create', targetType: 'user', targetId: request.params.id, orgNodeId: node.id, ...requestMeta(request), details: { role: request.body.role, department: request.body.departmentCode } }, trx);
      });
      return reply.status(201).send({ id });
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/grants/:grantId',
    { config: { policy: { permission: 'grant.manage' } }, schema: { tags: ['admin'], summary: '撤销角色 / Revoke a grant', params: z.object({ id: z.string().min(1).max(32), grantId: z.string().min(1).max(32) }) } },
    async (request) => {
      const scopes = scopePaths(request.actor, 'grant.manage');
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const grant = await trx
          .selectFrom('role_grant')
          .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
          .select(['role_grant.id', 'org_node.path', 'role_grant.role'])
          .where('role_grant.id', '=', request.params.grantId)
          .where('role_grant.user_id', '=', request.params.id)
          .executeTakeFirst();
        if (!grant) throw notFound();
        if (!scopes.some((p) => grant.path >= p && grant.path < prefixEnd(p))) throw forbidden();
        await trx.deleteFrom('role_grant').where('id', '=', grant.id).execute();
        await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: 'grant.revoke', targetType: 'user', targetId: request.params.id, ...requestMeta(request), details: { role: grant.role } }, trx);
      });
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/unlock',
    { config: { policy: { permission: 'account.unlock' } }, schema: { tags: ['admin'], summary: '解锁账号 / Unlock an account', params: ZUserId } },
    async (request) => {
      await ctx.db.kysely.transaction().execute(async (trx) => {
        const res = await trx.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', request.params.id).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw notFound();
        await appendAudit(ctx.db, { actorId: request.actor!.userId, actorName: request.actor!.username, action: 'user.unlock', targetType: 'user', targetId: request.params.id, ...requestMeta(request) }, trx);
      });
      return { ok: true };
    },
  );
}
