import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Executor } from '../db/database.js';
import { appendAudit } from '../audit/audit.js';
import type { RequestMeta } from '../auth/auth.service.js';
import { badRequest, notFound } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { isSameOriginPath } from '../qr/qr.js';
import type { NotificationTable } from './notify.table.js';
import { signalUsers } from './live.js';
import './notify.table.js';

addMessages({
  'error.NOTIFICATION_NOT_FOUND': { 'zh-CN': '消息不存在', en: 'No such notification' },
});

/** Channels outside the app; the in-app inbox always gets the notification. */
export type ChannelName = 'console' | 'file' | 'sms' | 'wechat' | (string & {});

export interface NotifyInput {
  /** app_user ids; duplicates are sent once. */
  recipients: string[];
  /** What happened, in the module's words: `events.dispatched`, `services.application.approved` … */
  kind: string;
  title: string;
  body: string;
  /** In-app path to open (`/m/services/applications/123`); foreign URLs are refused. */
  link?: string | null;
  channels?: ChannelName[];
  /** Pass `ctx.now()`; defaults to the wall clock. */
  at?: Date;
}

export const recipientRef = (userId: string) => `user:${userId}`;

/**
 * Writes, in the caller's transaction, one inbox row per recipient and one outbox row per
 * recipient and external channel. Nothing is sent here: the `OutboxDispatcher` delivers after
 * commit, so a rolled-back use case never sends a message about something that did not happen.
 */
export async function notify(db: Executor, input: NotifyInput): Promise<{ notificationIds: string[] }> {
  const recipients = [...new Set(input.recipients)];
  const channels = [...new Set(input.channels ?? [])];
  const title = input.title.trim();
  if (!title || title.length > 200) throw badRequest('VALIDATION_FAILED', {}, { title: 'required, at most 200 characters' });
  if (input.body.length > 4000) throw badRequest('VALIDATION_FAILED', {}, { body: 'at most 4000 characters' });
  if (!input.kind || input.kind.length > 100) throw badRequest('VALIDATION_FAILED', {}, { kind: 'required' });
  const link = input.link ?? null;
  if (link !== null && !isSameOriginPath(link)) throw badRequest('VALIDATION_FAILED', {}, { link: 'must be a path of this site' });
  if (channels.some((c) => !/^[a-z][a-z0-9_-]{0,31}$/.test(c))) throw badRequest('VALIDATION_FAILED', {}, { channels: 'unknown channel name' });
  if (recipients.length === 0) return { notificationIds: [] };

  const at = (input.at ?? new Date()).toISOString();
  const rows: NotificationTable[] = recipients.map((userId) => ({
    id: newId(),
    user_id: userId,
    kind: input.kind,
    title,
    body: input.body,
    link,
    created_at: at,
    read_at: null,
  }));
  const muted = await mutedChannels(db, recipients, topicOf(input.kind), channels);
  const outbox = rows.flatMap((n) =>
    channels.filter((channel) => !muted.has(`${n.user_id}|${channel}`)).map((channel) => ({
      id: newId(),
      notification_id: n.id,
      channel,
      recipient: recipientRef(n.user_id),
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: at,
      last_error: null,
      created_at: at,
      sent_at: null,
    })),
  );
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('notification').values(rows.slice(i, i + 500)).execute();
  for (let i = 0; i < outbox.length; i += 500) await db.insertInto('notification_outbox').values(outbox.slice(i, i + 500)).execute();
  await signalUsers(db, recipients);
  return { notificationIds: rows.map((r) => r.id) };
}

/** The topic a user chooses channels by: the module part of the kind (`events.dispatched` → `events`). */
export const topicOf = (kind: string) => kind.split('.')[0]!;

/** `user|channel` pairs a user has switched off for this topic. */
async function mutedChannels(db: Executor, userIds: string[], topic: string, channels: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (channels.length === 0 || userIds.length === 0) return out;
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db
      .selectFrom('notification_preference')
      .select(['user_id', 'channel'])
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .where('topic', '=', topic)
      .where('channel', 'in', channels)
      .where('enabled', '=', 0)
      .execute();
    for (const r of rows) out.add(`${r.user_id}|${r.channel}`);
  }
  return out;
}

/** Topics and outside channels a user can choose; the in-app inbox always receives everything. */
export const NOTIFICATION_TOPICS = [
  { topic: 'events', name: '事件办理', nameEn: 'Grid events' },
  { topic: 'services', name: '办事服务', nameEn: 'Service hall' },
  { topic: 'community', name: '通知公告与社区', nameEn: 'Notices and community' },
  { topic: 'volunteers', name: '志愿服务', nameEn: 'Volunteering' },
  { topic: 'party', name: '党建', nameEn: 'Party building' },
] as const;
export const NOTIFICATION_CHANNELS = [
  { channel: 'sms', name: '短信', nameEn: 'SMS' },
  { channel: 'wechat', name: '微信', nameEn: 'WeChat' },
] as const;

export async function getPreferences(ctx: PlatformContext, actor: Actor) {
  const rows = await ctx.db.kysely.selectFrom('notification_preference').selectAll().where('user_id', '=', actor.userId).execute();
  const off = new Set(rows.filter((r) => r.enabled === 0).map((r) => `${r.topic}|${r.channel}`));
  return {
    topics: NOTIFICATION_TOPICS.map((t) => ({ ...t })),
    channels: NOTIFICATION_CHANNELS.map((c) => ({ ...c })),
    settings: NOTIFICATION_TOPICS.flatMap((t) => NOTIFICATION_CHANNELS.map((c) => ({ topic: t.topic, channel: c.channel, enabled: !off.has(`${t.topic}|${c.channel}`) }))),
  };
}

export async function setPreferences(ctx: PlatformContext, actor: Actor, settings: { topic: string; channel: string; enabled: boolean }[], meta: RequestMeta) {
  const at = ctx.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const s of settings) {
      await trx
        .insertInto('notification_preference')
        .values({ user_id: actor.userId, topic: s.topic, channel: s.channel, enabled: s.enabled ? 1 : 0, updated_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'topic', 'channel']).doUpdateSet({ enabled: s.enabled ? 1 : 0, updated_at: at }))
        .execute();
    }
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'notify.preferences.update', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId, details: { off: settings.filter((s) => !s.enabled).map((s) => `${s.topic}.${s.channel}`) } }, trx);
  });
  return getPreferences(ctx, actor);
}

export function presentNotification(n: NotificationTable) {
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, createdAt: n.created_at, readAt: n.read_at };
}

export async function countUnread(db: Executor, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notification')
    .select(sql<number>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The actor's own inbox, newest first, with the unread count for the badge. */
export async function listInbox(ctx: PlatformContext, actor: Actor, page: { limit: number; offset: number; unreadOnly?: boolean }) {
  const db = ctx.db.kysely;
  let q = db.selectFrom('notification').where('user_id', '=', actor.userId);
  if (page.unreadOnly) q = q.where('read_at', 'is', null);
  const [items, total, unread] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
    countUnread(db, actor.userId),
  ]);
  return { items: items.map(presentNotification), total, unread };
}

/** Marks one of the actor's own notifications read (idempotent: the first read time stays). */
export async function markRead(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    // Someone else's notification answers exactly like a missing one.
    const row = await trx.selectFrom('notification').selectAll().where('id', '=', id).where('user_id', '=', actor.userId).executeTakeFirst();
    if (!row) throw notFound('NOTIFICATION_NOT_FOUND');
    if (row.read_at) return { ...presentNotification(row), unread: await countUnread(trx, actor.userId) };
    const readAt = ctx.now().toISOString();
    await trx.updateTable('notification').set({ read_at: readAt }).where('id', '=', id).where('read_at', 'is', null).execute();
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'notify.inbox.read', targetType: 'notification', targetId: id, ip: meta.ip, requestId: meta.requestId }, trx);
    return { ...presentNotification({ ...row, read_at: readAt }), unread: await countUnread(trx, actor.userId) };
  });
}

export async function markAllRead(ctx: PlatformContext, actor: Actor, meta: RequestMeta) {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('notification')
      .set({ read_at: ctx.now().toISOString() })
      .where('user_id', '=', actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    const updated = Number(res.numUpdatedRows);
    if (updated > 0) {
      await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'notify.inbox.read-all', targetType: 'user', targetId: actor.userId, ip: meta.ip, requestId: meta.requestId, details: { updated } }, trx);
    }
    return { updated, unread: 0 };
  });
}
