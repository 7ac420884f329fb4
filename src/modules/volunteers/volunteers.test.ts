import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL, IS_PG } from '../../../test/helpers/platform.js';
import { uploadFile } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { PlatformContext } from '../../platform/context.js';
import { openDatabase } from '../../platform/db/database.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import * as volunteers from './volunteers.service.js';
import { insertPeople } from '../registry/registry.repository.js';
import { personRow } from '../registry/registry.service.js';
import { meta, volunteersKit, type Kit } from './volunteers.testkit.js';

describe(`volunteers and teams 志愿者与队伍 (${DIALECT_LABEL})`, () => {
  let k: Kit;

  beforeAll(async () => {
    k = await volunteersKit();
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('registers a resident online with the consent text kept, numbers from the registry, and a volunteer number', async () => {
    let res = await k.call('resident01', 'GET', '/api/v1/me/volunteer');
    const before = res.json() as { volunteer: null; consent: { version: string; text: string }; hasRegistryRecord: boolean };
    expect(before.volunteer).toBeNull();
    expect(before.hasRegistryRecord).toBe(true);
    expect(before.consent.text).toContain('志愿服务记录与证明出具办法');
    // Without agreeing: refused in the caller's language, nothing stored.
    res = await k.call('resident01', 'POST', '/api/v1/me/volunteer', { skills: ['急救'], availability: ['周末'], consent: false, consentVersion: before.consent.version });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.consent');
    res = await k.call('resident01', 'POST', '/api/v1/me/volunteer', { skills: [], availability: ['每天'], consent: true, consentVersion: before.consent.version }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.availability.0');
    res = await k.call('resident01', 'POST', '/api/v1/me/volunteer', { skills: [], availability: [], consent: true, consentVersion: '2020-01' });
    expect(res.json().error.message).toBe('知情同意书已更新，请阅读最新版本后再确认');
    res = await k.call('resident01', 'POST', '/api/v1/me/volunteer', { skills: ['急救', '驾驶'], availability: ['周末'], consent: true, consentVersion: before.consent.version });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json() as { id: string; number: string; name: string; idType: string; idMasked: string; phoneMasked: string; orgNodeId: string; consent: { how: string; version: string } };
    expect(v).toMatchObject({ name: '朱志强', idType: '居民身份证', idMasked: '330481********001X', phoneMasked: '138****5678', orgNodeId: k.fx.nodes.grid01.id, consent: { how: 'online', version: '2026-11' } });
    expect(v.number).toBe('ZY2026-000001');
    const row = await k.platform.ctx.db.kysely.selectFrom('volunteer').select(['consent_text', 'consent_at', 'id_number_enc', 'phone_enc']).where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(row.consent_text).toBe(before.consent.text);
    expect(row.consent_at).toBe(k.platform.ctx.now().toISOString());
    // The registry keeps the numbers: none copied here.
    expect(row.id_number_enc).toBeNull();
    expect(row.phone_enc).toBeNull();
    res = await k.call('resident01', 'POST', '/api/v1/me/volunteer', { skills: [], availability: [], consent: true, consentVersion: before.consent.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('已登记为志愿者（编号 ZY2026-000001）');
    expect(await countAudit(k.platform.ctx.db, 'volunteers.volunteer.register')).toBe(1);
  });

  it('registers people at the desk (registry or not), links a desk record to the person’s account, and audits the register reads', async () => {
    // 徐美玲 (registry, has an account) is registered at the desk: her account is linked at once.
    let res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, personId: k.reg.people.xu, skills: ['心理疏导'], availability: ['工作日白天'], consentOnPaper: true });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: '徐美玲', hasAccount: true, consent: { how: 'paper' } });
    expect((await k.call('volunteer01', 'GET', '/api/v1/me/volunteer')).json().volunteer.number).toBe(res.json().number);
    // Someone not in the registry: their numbers encrypted here, masked in every answer. A wrong check digit is refused.
    const id = composeIdNumber('330481', '2001-05-12', 24);
    const wrong = id.slice(0, -1) + (id.endsWith('1') ? '2' : '1');
    res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, identity: { name: '沈佳怡', idType: '居民身份证', idNumber: wrong, phone: '13857321406' }, skills: ['摄影'], availability: ['周末'], consentOnPaper: true });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('证件号码无效（居民身份证）');
    res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, identity: { name: '沈佳怡', idType: '居民身份证', idNumber: id, phone: '13857321406' }, skills: ['摄影'], availability: ['周末'], consentOnPaper: true });
    expect(res.statusCode, res.body).toBe(201);
    const shen = res.json() as { id: string; idMasked: string; phoneMasked: string; hasAccount: boolean };
    expect(shen).toMatchObject({ idMasked: `330481********${id.slice(-4)}`, phoneMasked: '138****1406', hasAccount: false });
    const stored = await k.platform.ctx.db.kysely.selectFrom('volunteer').select(['id_number_enc', 'phone_enc']).where('id', '=', shen.id).executeTakeFirstOrThrow();
    expect(stored.id_number_enc).not.toContain(id);
    expect(k.platform.ctx.pii.decrypt(stored.id_number_enc!)).toBe(id);
    // The same number twice: refused.
    res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, identity: { name: '沈佳怡', idType: '居民身份证', idNumber: id, phone: '13857321406' }, consentOnPaper: true });
    expect(res.json().error.code).toBe('VOLUNTEER_ID_NUMBER_TAKEN');
    // Another community's resident is not this staff's to register.
    res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, personId: k.reg.people.chen, consentOnPaper: true });
    expect(res.statusCode).toBe(404);

    const before = await countAudit(k.platform.ctx.db, 'volunteers.volunteer.list');
    const list = (await k.call('xishan', 'GET', '/api/v1/volunteers?q=%E6%B2%88')).json() as { items: { name: string; idMasked: string }[]; total: number };
    expect(list.items.map((i) => i.name)).toEqual(['沈佳怡']);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.volunteer.list')).toBe(before + 1);
    const bySkill = (await k.call('xishan', 'GET', `/api/v1/volunteers?skill=${encodeURIComponent('心理疏导')}`)).json() as { items: { name: string }[] };
    expect(bySkill.items.map((i) => i.name)).toEqual(['徐美玲']);
    // A grid worker does not keep the register; a resident neither.
    expect((await k.call('grid01', 'GET', '/api/v1/volunteers')).statusCode).toBe(403);
    expect((await k.call('resident01', 'GET', '/api/v1/volunteers')).statusCode).toBe(403);
  });

  it('takes the ID type of a registry person from the registry (a passport holder is not written down as holding a 居民身份证)', async () => {
    const at = k.platform.ctx.now().toISOString();
    const row = personRow(k.platform.ctx, { name: '安娜', idType: '护照', idNumber: 'E12345678', gender: '女', birthDate: '1990-03-08', residenceType: '境外人员', orgPath: k.fx.nodes.grid01.path }, at);
    await insertPeople(k.platform.ctx.db.kysely, [row]);
    const res = await k.call('xishan', 'POST', '/api/v1/volunteers', { orgNodeId: k.fx.nodes.xishan.id, personId: row.id, skills: ['外语'], availability: ['周末'], consentOnPaper: true });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: '安娜', idType: '护照' });
    expect((await k.platform.ctx.db.kysely.selectFrom('volunteer').select('id_type').where('person_id', '=', row.id).executeTakeFirstOrThrow()).id_type).toBe('护照');
  });

  it('keeps teams with leaders; supervision-team members file observations that staff turn into one grid event', async () => {
    const me = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer')).json().volunteer as { id: string };
    let res = await k.call('xishan', 'POST', '/api/v1/volunteer-teams', { orgNodeId: k.fx.nodes.xishan.id, name: '食品安全义务网络监督团', kind: 'supervision', description: '餐饮食品安全义务监督' });
    expect(res.statusCode, res.body).toBe(201);
    const team = res.json() as { id: string };
    expect((await k.call('xishan', 'POST', '/api/v1/volunteer-teams', { orgNodeId: k.fx.nodes.xishan.id, name: '食品安全义务网络监督团', kind: 'service' })).json().error.code).toBe('VOLUNTEER_TEAM_NAME_TAKEN');
    // Not a member yet: refused.
    const photo = await uploadFile(k.app, k.s.volunteer01!, volunteers.OBSERVATION_PURPOSE, { name: 'stall.png', mime: 'image/png', bytes: await renderQrPng('stall') });
    const body = { teamId: team.id, title: '学校门口流动摊贩无证售卖', description: '硖石小学东门放学时段有三处流动摊贩售卖炸串，无健康证。', address: '硖石小学东门', attachmentIds: [photo] };
    res = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer/observations', body);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('您不是该监督团的成员');
    res = await k.call('xishan', 'PUT', `/api/v1/volunteer-teams/${team.id}/members`, { volunteerId: me.id, role: 'member' });
    expect(res.json().members).toEqual([expect.objectContaining({ volunteerId: me.id, role: 'member', name: '徐美玲' })]);
    res = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer/observations', body);
    expect(res.statusCode, res.body).toBe(201);
    const obs = res.json() as { id: string; status: string };
    expect(obs.status).toBe('filed');
    const told = await k.platform.ctx.db.kysely.selectFrom('notification').select('title').where('user_id', '=', k.fx.users.xishan!).execute();
    expect(told.map((t) => t.title)).toContain('新的监督记录：学校门口流动摊贩无证售卖');
    // Staff of the area may open the photo; another volunteer may not.
    expect((await k.call('xishan', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(200);
    expect((await k.call('resident01', 'GET', `/api/v1/files/${photo}`)).statusCode).toBe(404);

    res = await k.call('xishan', 'POST', `/api/v1/volunteer-observations/${obs.id}/event`, { categoryCode: '0103', orgNodeId: k.fx.nodes.grid01.id });
    expect(res.statusCode, res.body).toBe(200);
    const forwarded = res.json() as { eventId: string; eventCode: string; status: string };
    expect(forwarded.status).toBe('forwarded');
    const event = await k.platform.ctx.db.kysely.selectFrom('grid_event').select(['channel', 'promoted_from', 'org_node_id', 'title', 'code']).where('id', '=', forwarded.eventId).executeTakeFirstOrThrow();
    expect(event).toEqual({ channel: 'volunteer', promoted_from: `volunteer-observation:${obs.id}`, org_node_id: k.fx.nodes.grid01.id, title: '【食品安全义务网络监督团】学校门口流动摊贩无证售卖', code: forwarded.eventCode });
    res = await k.call('xishan', 'POST', `/api/v1/volunteer-observations/${obs.id}/event`, { categoryCode: '0103', orgNodeId: k.fx.nodes.grid01.id });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`该监督记录已转为事件 ${forwarded.eventCode}`);
    const mine = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer/observations')).json() as { items: { eventCode: string | null }[] };
    expect(mine.items[0]!.eventCode).toBe(forwarded.eventCode);
    const news = await k.platform.ctx.db.kysely.selectFrom('notification').select('title').where('user_id', '=', k.fx.users.volunteer01!).execute();
    expect(news.map((n) => n.title)).toContain(`您的监督记录已转为事件 ${forwarded.eventCode}`);
  });

  it('makes exactly one event when two server processes forward the same observation at once', async () => {
    const other = IS_PG ? openDatabase(k.platform.config.databaseUrl, { schema: k.platform.schema, poolSize: 4 }) : k.platform.ctx.db;
    try {
      const second: PlatformContext = { ...k.platform.ctx, db: other };
      const team = (await k.call('xishan', 'GET', '/api/v1/volunteer-teams')).json().items.find((t: { name: string }) => t.name === '食品安全义务网络监督团') as { id: string };
      const obs = await volunteers.fileObservation(k.platform.ctx, await k.actor('volunteer01'), { teamId: team.id, title: '农贸市场冷柜温度偏高', description: '西山农贸市场北区冷柜温度计显示零下8度左右。', attachmentIds: [] }, meta);
      const staff = await k.actor('xishan');
      const worker = await k.actor('street');
      const input = { categoryCode: '0103', orgNodeId: k.fx.nodes.grid02.id };
      const results = await Promise.allSettled([volunteers.forwardObservation(k.platform.ctx, staff, obs.id, input, meta), volunteers.forwardObservation(second, worker, obs.id, input, meta)]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toMatchObject({ status: 409, code: 'VOLUNTEER_OBSERVATION_FORWARDED' });
      const events = await k.platform.ctx.db.kysely.selectFrom('grid_event').select('id').where('promoted_from', '=', `volunteer-observation:${obs.id}`).execute();
      expect(events).toHaveLength(1);
      // Dismissing what is already forwarded is refused too.
      const res = await k.call('xishan', 'POST', `/api/v1/volunteer-observations/${obs.id}/dismiss`, { reason: '重复' });
      expect(res.json().error.code).toBe('VOLUNTEER_OBSERVATION_HANDLED');
    } finally {
      if (other !== k.platform.ctx.db) await other.destroy();
    }
  });

  it('lets a volunteer update their skills; staff deactivate with the version they read', async () => {
    const mine = (await k.call('volunteer01', 'GET', '/api/v1/me/volunteer')).json().volunteer as { id: string; version: number };
    let res = await k.call('volunteer01', 'PATCH', '/api/v1/me/volunteer', { skills: ['心理疏导', '书法'], expectedVersion: mine.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().skills).toEqual(['心理疏导', '书法']);
    res = await k.call('xishan', 'PATCH', `/api/v1/volunteers/${mine.id}`, { status: 'inactive', expectedVersion: mine.version });
    expect(res.statusCode).toBe(409);
    res = await k.call('xishan', 'PATCH', `/api/v1/volunteers/${mine.id}`, { status: 'inactive', expectedVersion: mine.version + 1 });
    expect(res.json().status).toBe('inactive');
    const team = (await k.call('xishan', 'GET', '/api/v1/volunteer-teams')).json().items[0] as { id: string };
    res = await k.call('volunteer01', 'POST', '/api/v1/me/volunteer/observations', { teamId: team.id, title: '停用后提交的记录', description: '停用的志愿者不能再提交监督记录。', attachmentIds: [] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('VOLUNTEER_INACTIVE');
  });
});
