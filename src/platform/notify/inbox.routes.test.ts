import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../audit/audit.js';
import type { LinliApp } from '../http/app.js';
import { notify } from './notify.service.js';

describe(`inbox API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;
  let resident: Session;
  let volunteer: Session;
  const ids: Record<string, string> = {};

  const inbox = (s: Session, query = '') => app.inject({ method: 'GET', url: `/api/v1/inbox${query}`, headers: { cookie: s.cookie } });
  const markRead = (s: Session, id: string) => app.inject({ method: 'POST', url: `/api/v1/inbox/${id}/read`, headers: s.headers });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    resident = await loginAs(app, 'resident01');
    volunteer = await loginAs(app, 'volunteer01');
    const db = platform.ctx.db.kysely;
    const r = fixture.users.resident01!;
    const v = fixture.users.volunteer01!;
    // Written inside a business transaction, as a module would.
    await db.transaction().execute(async (trx) => {
      ids.first = (await notify(trx, { recipients: [r, v], kind: 'events.accepted', title: '您反映的问题已受理', body: '路灯维修已派单', link: '/m/events/1', at: platform.ctx.now() })).notificationIds[0]!;
    });
    platform.advance(60_000);
    ids.second = (await notify(db, { recipients: [r, r], kind: 'services.progress', title: '办理进度更新', body: '材料已收齐', at: platform.ctx.now() })).notificationIds[0]!;
    platform.advance(60_000);
    ids.third = (await notify(db, { recipients: [r], kind: 'notices.new', title: '停水通知', body: '明日 9:00-12:00 停水', link: '/m/notices/7', at: platform.ctx.now() })).notificationIds[0]!;
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/inbox' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/inbox/read-all' })).statusCode).toBe(401);
  });

  it('shows each user only their own notifications, newest first, with an unread count', async () => {
    const mine = (await inbox(resident)).json();
    expect(mine.total).toBe(3); // the duplicate recipient got one notification, not two
    expect(mine.unread).toBe(3);
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([ids.third, ids.second, ids.first]);
    expect(mine.items[0]).toMatchObject({ kind: 'notices.new', title: '停水通知', link: '/m/notices/7', readAt: null });
    const theirs = (await inbox(volunteer)).json();
    expect(theirs.total).toBe(1);
    expect(theirs.items[0]).toMatchObject({ kind: 'events.accepted', title: '您反映的问题已受理' });
    const paged = (await inbox(resident, '?page=2&pageSize=2')).json();
    expect(paged.items.map((i: { id: string }) => i.id)).toEqual([ids.first]);
  });

  it('records a read receipt once, and keeps the first read time', async () => {
    const before = await countAudit(platform.ctx.db, 'notify.inbox.read');
    const res = await markRead(resident, ids.second!);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: ids.second, readAt: platform.ctx.now().toISOString(), unread: 2 });
    platform.advance(5_000);
    const again = await markRead(resident, ids.second!);
    expect(again.json().readAt).toBe(res.json().readAt);
    expect(await countAudit(platform.ctx.db, 'notify.inbox.read')).toBe(before + 1);
    const unreadOnly = (await inbox(resident, '?unread=1')).json();
    expect(unreadOnly.items.map((i: { id: string }) => i.id)).toEqual([ids.third, ids.first]);
    expect(unreadOnly.unread).toBe(2);
  });

  it('does not let a user read or even see another user’s notification', async () => {
    const res = await markRead(volunteer, ids.third!);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOTIFICATION_NOT_FOUND');
    const still = (await inbox(resident)).json().items.find((i: { id: string }) => i.id === ids.third);
    expect(still.readAt).toBeNull();
  });

  it('refuses a cookie write without the CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/inbox/${ids.third}/read`, headers: { cookie: resident.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_FAILED');
  });

  it('marks everything read at once, for the caller only', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/inbox/read-all', headers: resident.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ updated: 2, unread: 0 });
    expect((await inbox(resident)).json().unread).toBe(0);
    expect((await inbox(volunteer)).json().unread).toBe(1);
  });

  it('refuses links that leave the site, and writes nothing when the business transaction rolls back', async () => {
    const r = fixture.users.resident01!;
    for (const link of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      await expect(notify(platform.ctx.db.kysely, { recipients: [r], kind: 'x', title: 't', body: 'b', link })).rejects.toMatchObject({ status: 400 });
    }
    await expect(
      platform.ctx.db.kysely.transaction().execute(async (trx) => {
        await notify(trx, { recipients: [r], kind: 'events.rolled-back', title: '不该出现', body: '', channels: ['file'] });
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    const kinds = (await inbox(resident)).json().items.map((i: { kind: string }) => i.kind);
    expect(kinds).not.toContain('events.rolled-back');
    const outbox = await platform.ctx.db.kysely.selectFrom('notification_outbox').select('id').execute();
    expect(outbox).toHaveLength(0);
  });
});
