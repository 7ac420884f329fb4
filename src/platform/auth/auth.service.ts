import type { PlatformContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.js';
import { AppError, badRequest, unauthenticated } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor, Grant } from '../policy/actor.js';
import { ADMIN_ROLES, type Role } from '../policy/roles.js';
import { hashPassword, isStrongPassword, verifyPassword } from './passwords.js';
import { csrfTokenFor, randomToken, sha256 } from './tokens.js';
import { checkTotp, newTotpSecret, totpFor } from './totp.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
/** Touch a session's last-seen time at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 30_000;

export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface LoginResult {
  sessionToken: string;
  sessionId: string;
  csrfToken: string;
  me: MeView;
}

export interface MeView {
  id: string;
  username: string;
  displayName: string;
  roles: { role: Role; orgNodeId: string; departmentCode: string | null }[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** An admin account without a second factor outside demo mode may only enrol one. */
  mustEnrolTotp: boolean;
  personId: string | null;
}

async function loadGrants(ctx: PlatformContext, userId: string): Promise<Grant[]> {
  const rows = await ctx.db.kysely
    .selectFrom('role_grant')
    .innerJoin('org_node', 'org_node.id', 'role_grant.org_node_id')
    .select(['role_grant.role', 'role_grant.org_node_id', 'role_grant.department_code', 'org_node.path'])
    .where('role_grant.user_id', '=', userId)
    .execute();
  return rows.map((r) => ({ role: r.role as Role, orgNodeId: r.org_node_id, orgPath: r.path, departmentCode: r.department_code }));
}

function meView(
  ctx: PlatformContext,
  user: { id: string; username: string; display_name: string; must_change_password: number; totp_enabled: number; person_id: string | null },
  grants: Grant[],
): MeView {
  const isAdmin = grants.some((g) => ADMIN_ROLES.includes(g.role));
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    roles: grants.map((g) => ({ role: g.role, orgNodeId: g.orgNodeId, departmentCode: g.departmentCode })),
    mustChangePassword: user.must_change_password === 1,
    totpEnabled: user.totp_enabled === 1,
    mustEnrolTotp: isAdmin && user.totp_enabled !== 1 && !ctx.config.demo,
    personId: user.person_id,
  };
}

export async function login(
  ctx: PlatformContext,
  input: { username: string; password: string; totp?: string },
  meta: RequestMeta,
): Promise<LoginResult> {
  const now = ctx.now();
  const user = await ctx.db.kysely.selectFrom('app_user').selectAll().where('username', '=', input.username).executeTakeFirst();
  const audit = (outcome: 'success' | 'failure' | 'denied', reason?: string) =>
    appendAudit(ctx.db, {
      actorId: user?.id ?? null,
      actorName: input.username.slice(0, 64),
      action: 'auth.login',
      targetType: 'user',
      targetId: user?.id ?? null,
      outcome,
      ip: meta.ip,
      requestId: meta.requestId,
      details: reason ? { reason } : null,
    });

  if (!user) {
    // Spend the same time as a real check so usernames cannot be probed by timing.
    await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', input.password);
    await audit('failure', 'unknown user');
    throw new AppError(401, 'INVALID_CREDENTIALS');
  }
  if (user.disabled === 1) {
    await audit('denied', 'disabled');
    throw new AppError(403, 'ACCOUNT_DISABLED');
  }
  if (user.locked_until && new Date(user.locked_until) > now) {
    await audit('denied', 'locked');
    throw new AppError(423, 'ACCOUNT_LOCKED', { until: formatLocal(new Date(user.locked_until)) }, { lockedUntil: user.locked_until });
  }
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok) {
    // A lock that has run out starts a fresh count.
    const previous = user.locked_until ? 0 : user.failed_logins;
    const failed = previous + 1;
    const lockedUntil = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString() : null;
    await ctx.db.kysely
      .updateTable('app_user')
      .set({ failed_logins: lockedUntil ? 0 : failed, locked_until: lockedUntil })
      .where('id', '=', user.id)
      .execute();
    await audit('failure', lockedUntil ? 'wrong password; account locked' : 'wrong password');
    if (lockedUntil) {
      throw new AppError(423, 'ACCOUNT_LOCKED', { until: formatLocal(new Date(lockedUntil)) }, { lockedUntil });
    }
    throw new AppError(401, 'INVALID_CREDENTIALS', {}, { attemptsLeft: MAX_FAILED_LOGINS - failed });
  }
  if (user.totp_enabled === 1) {
    if (!input.totp) {
      await audit('denied', 'second factor missing');
      throw new AppError(401, 'TOTP_REQUIRED');
    }
    const secret = ctx.pii.decrypt(user.totp_secret_enc!);
    const step = checkTotp(secret, input.totp, now, user.totp_last_step);
    if (step === null) {
      await audit('failure', 'wrong second factor');
      throw new AppError(401, 'TOTP_INVALID');
    }
    await ctx.db.kysely.updateTable('app_user').set({ totp_last_step: step }).where('id', '=', user.id).execute();
  }

  const sessionToken = randomToken();
  const sessionId = sha256(sessionToken);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await trx
      .insertInto('user_session')
      .values({
        id: sessionId,
        user_id: user.id,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        ip: meta.ip ?? null,
        user_agent: meta.userAgent?.slice(0, 256) ?? null,
        revoked_at: null,
      })
      .execute();
    await appendAudit(ctx.db, { actorId: user.id, actorName: user.username, action: 'auth.login', targetType: 'user', targetId: user.id, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  const grants = await loadGrants(ctx, user.id);
  return { sessionToken, sessionId, csrfToken: csrfTokenFor(ctx.sessionKey, sessionId), me: meView(ctx, user, grants) };
}

function formatLocal(d: Date): string {
  // Shown to Chinese users in Beijing time, as they write it.
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

export type SessionLookup =
  | { status: 'ok'; actor: Actor; pendingReason: 'PASSWORD_CHANGE_REQUIRED' | 'TOTP_ENROLMENT_REQUIRED' | null }
  | { status: 'expired' }
  | { status: 'none' };

const ACTOR_COLUMNS = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.disabled',
  'u.must_change_password',
  'u.totp_enabled',
  'u.person_id',
  'g.role',
  'g.org_node_id',
  'g.department_code',
  'n.path',
] as const;

/** A user and its grants: the user row repeated once per grant (or once with null grant columns). */
function actorQuery(db: Executor) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('role_grant as g', 'g.user_id', 'u.id')
    .leftJoin('org_node as n', 'n.id', 'g.org_node_id');
}

type ActorRow = {
  id: string;
  username: string;
  display_name: string;
  disabled: number;
  must_change_password: number;
  totp_enabled: number;
  person_id: string | null;
  role: string | null;
  org_node_id: string | null;
  department_code: string | null;
  path: string | null;
};

function actorOfRows(rows: ActorRow[], via: 'session' | 'token', sessionId?: string): Actor | null {
  const user = rows[0];
  if (!user || user.disabled === 1) return null;
  const grants: Grant[] = rows
    .filter((r) => r.role && r.org_node_id && r.path)
    .map((r) => ({ role: r.role as Role, orgNodeId: r.org_node_id!, orgPath: r.path!, departmentCode: r.department_code }));
  return { userId: user.id, username: user.username, displayName: user.display_name, grants, personId: user.person_id, via, sessionId };
}

/**
 * A user as they are now, for work done on their behalf outside a request (background jobs,
 * demo seeding): today's grants, not those of the day the work was queued. Null when disabled.
 */
export async function loadActor(db: Executor, userId: string): Promise<Actor | null> {
  return actorOfRows(await actorQuery(db).select(ACTOR_COLUMNS).where('u.id', '=', userId).execute(), 'token');
}

function actorFromRows(ctx: PlatformContext, rows: ActorRow[], via: 'session' | 'token', sessionId?: string) {
  const actor = actorOfRows(rows, via, sessionId);
  if (!actor) return null;
  const user = rows[0]!;
  const grants = actor.grants;
  const view = meView(ctx, user, grants);
  const pendingReason = view.mustChangePassword
    ? ('PASSWORD_CHANGE_REQUIRED' as const)
    : view.mustEnrolTotp
      ? ('TOTP_ENROLMENT_REQUIRED' as const)
      : null;
  return { actor, pendingReason };
}

async function actorFor(ctx: PlatformContext, userId: string, via: 'session' | 'token', sessionId?: string) {
  const rows = await actorQuery(ctx.db.kysely).select(ACTOR_COLUMNS).where('u.id', '=', userId).execute();
  return actorFromRows(ctx, rows, via, sessionId);
}

/** Every request runs this: the session, its user and the user's grants in one round trip. */
export async function lookupSession(ctx: PlatformContext, sessionToken: string): Promise<SessionLookup> {
  const id = sha256(sessionToken);
  const rows = await actorQuery(ctx.db.kysely)
    .innerJoin('user_session as s', 's.user_id', 'u.id')
    .select([...ACTOR_COLUMNS, 's.last_seen_at', 's.revoked_at'])
    .where('s.id', '=', id)
    .execute();
  const session = rows[0];
  if (!session || session.revoked_at) return { status: 'none' };
  const now = ctx.now();
  const idleMs = ctx.config.sessionIdleMinutes * 60_000;
  const lastSeen = new Date(session.last_seen_at).getTime();
  if (now.getTime() - lastSeen > idleMs) {
    await ctx.db.kysely.updateTable('user_session').set({ revoked_at: now.toISOString() }).where('id', '=', id).execute();
    return { status: 'expired' };
  }
  if (now.getTime() - lastSeen > TOUCH_EVERY_MS) {
    await ctx.db.kysely.updateTable('user_session').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  const found = actorFromRows(ctx, rows, 'session', id);
  if (!found) return { status: 'none' };
  return { status: 'ok', ...found };
}

export async function lookupApiToken(ctx: PlatformContext, token: string): Promise<SessionLookup> {
  const row = await ctx.db.kysely.selectFrom('api_token').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  const now = ctx.now();
  if (!row || row.revoked_at) return { status: 'none' };
  if (row.expires_at && new Date(row.expires_at) <= now) return { status: 'expired' };
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await ctx.db.kysely.updateTable('api_token').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  const found = await actorFor(ctx, row.user_id, 'token');
  if (!found) return { status: 'none' };
  found.actor.tokenId = row.id;
  return { status: 'ok', ...found };
}

export async function logout(ctx: PlatformContext, actor: Actor, meta: RequestMeta): Promise<void> {
  if (!actor.sessionId) return;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('user_session').set({ revoked_at: ctx.now().toISOString() }).where('id', '=', actor.sessionId!).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.logout', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId }, trx);
  });
}

export async function getMe(ctx: PlatformContext, actor: Actor): Promise<MeView> {
  const user = await ctx.db.kysely.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  return meView(ctx, user, actor.grants);
}

export async function changePassword(
  ctx: PlatformContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<void> {
  const user = await ctx.db.kysely.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) throw new AppError(400, 'INVALID_CREDENTIALS');
  if (!isStrongPassword(input.newPassword)) throw badRequest('WEAK_PASSWORD');
  if (input.currentPassword === input.newPassword) throw badRequest('PASSWORD_REUSED');
  const hash = await hashPassword(input.newPassword);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: hash, must_change_password: 0, password_changed_at: ctx.now().toISOString() })
      .where('id', '=', actor.userId)
      .execute();
    // Other sessions end with the old password.
    await trx
      .updateTable('user_session')
      .set({ revoked_at: ctx.now().toISOString() })
      .where('user_id', '=', actor.userId)
      .where('id', '!=', actor.sessionId ?? '')
      .where('revoked_at', 'is', null)
      .execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.password.change', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId }, trx);
  });
}

export async function startTotpEnrolment(ctx: PlatformContext, actor: Actor, meta: RequestMeta) {
  const secret = newTotpSecret();
  await ctx.db.kysely
    .updateTable('app_user')
    .set({ totp_secret_enc: ctx.pii.encrypt(secret), totp_enabled: 0 })
    .where('id', '=', actor.userId)
    .execute();
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.totp.setup', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId });
  return { secret, otpauthUrl: totpFor(secret, actor.username).toString() };
}

export async function confirmTotpEnrolment(ctx: PlatformContext, actor: Actor, code: string, meta: RequestMeta) {
  const user = await ctx.db.kysely.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!user.totp_secret_enc) throw badRequest('TOTP_INVALID');
  const step = checkTotp(ctx.pii.decrypt(user.totp_secret_enc), code, ctx.now(), null);
  if (step === null) throw badRequest('TOTP_INVALID');
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('app_user').set({ totp_enabled: 1, totp_last_step: step }).where('id', '=', actor.userId).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.totp.enable', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId }, trx);
  });
}

export async function createApiToken(ctx: PlatformContext, actor: Actor, input: { name: string; expiresInDays?: number }, meta: RequestMeta) {
  const token = `lt_${randomToken(24)}`;
  const id = newId();
  const now = ctx.now();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString() : null;
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_token')
      .values({ id, user_id: actor.userId, name: input.name, token_hash: sha256(token), prefix: token.slice(0, 7), created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null, last_used_at: null })
      .execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.token.create', targetType: 'api_token', targetId: id, ip: meta.ip, requestId: meta.requestId, details: { name: input.name } }, trx);
  });
  return { id, token, expiresAt };
}

export async function revokeApiToken(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const res = await ctx.db.kysely
    .updateTable('api_token')
    .set({ revoked_at: ctx.now().toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new AppError(404, 'NOT_FOUND');
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'auth.token.revoke', targetType: 'api_token', targetId: id, ip: meta.ip, requestId: meta.requestId });
}

export function requireActor(actor: Actor | null | undefined): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}
