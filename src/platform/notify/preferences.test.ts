import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../audit/audit.js';
import type { LinliApp } from '../http/app.js';
import { notify } from './notify.service.js';

describe(`notification preferences 消息设置 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;
  let resident: Session;

  beforeAll(async () => {
    platform = await createTestPlatform();
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    resident = await loginAs(app, 'resident01');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('starts with every channel on, and keeps what the user switches off per topic', async () => {
    const initial = (await app.inject({ method: 'GET', url: '/api/v1/me/notification-preferences', headers: { cookie: resident.cookie } })).json() as { settings: { topic: string; channel: string; enabled: boolean }[] };
    expect(initial.settings.length).toBeGreaterThan(0);
    expect(initial.settings.every((s) => s.enabled)).toBe(true);
    const res = await app.inject({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: resident.headers, payload: { settings: [{ topic: 'community', channel: 'sms', enabled: false }] } });
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json() as typeof initial;
    expect(after.settings.filter((s) => !s.enabled)).toEqual([{ topic: 'community', channel: 'sms', enabled: false }]);
    expect(await countAudit(platform.ctx.db, 'notify.preferences.update')).toBe(1);
  });

  it('sends outside channels only where the recipient has not switched them off; the inbox always gets it', async () => {
    const r = fixture.users.resident01!;
    const v = fixture.users.volunteer01!;
    const { notificationIds } = await notify(platform.ctx.db.kysely, { recipients: [r, v], kind: 'community.notice', title: '停水通知', body: '明日停水', channels: ['sms', 'wechat'] });
    expect(notificationIds).toHaveLength(2);
    const rows = await platform.ctx.db.kysely
      .selectFrom('notification_outbox as o')
      .innerJoin('notification as n', 'n.id', 'o.notification_id')
      .select(['n.user_id', 'o.channel'])
      .where('o.notification_id', 'in', notificationIds)
      .execute();
    const sent = rows.map((x) => `${x.user_id === r ? 'resident01' : 'volunteer01'}:${x.channel}`).sort();
    expect(sent).toEqual(['resident01:wechat', 'volunteer01:sms', 'volunteer01:wechat']);
    // Another topic still goes by SMS.
    const other = await notify(platform.ctx.db.kysely, { recipients: [r], kind: 'events.closed', title: '事件已办结', body: '', channels: ['sms'] });
    const o2 = await platform.ctx.db.kysely.selectFrom('notification_outbox').select('channel').where('notification_id', 'in', other.notificationIds).execute();
    expect(o2.map((x) => x.channel)).toEqual(['sms']);
  });

  it('refuses an unknown topic or channel with a message', async () => {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: { ...resident.headers, 'accept-language': 'en' }, payload: { settings: [{ topic: 'nonsense', channel: 'fax', enabled: false }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
