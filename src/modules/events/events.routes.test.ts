import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng } from '../../platform/qr/qr.js';
import { giveFixturePolygons, POINTS } from './events.fixture.js';

const bj = (local: string) => new Date(`${local}+08:00`);

/** A phone photo, as the mobile page uploads it (multipart, purpose event.photo). */
async function photo(): Promise<{ payload: Buffer; contentType: string }> {
  const png = await renderQrPng(`linli-test-${randomBytes(4).toString('hex')}`);
  const boundary = `----linli${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="IMG_0001.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe(`grid events over HTTP (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? s[who]!.headers : {}), ...headers } });
  const upload = async (who: string) => {
    const body = await photo();
    const res = await app.inject({ method: 'POST', url: '/api/v1/files?purpose=event.photo', payload: body.payload, headers: { ...s[who]!.headers, 'content-type': body.contentType } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const stepCall = (who: string, id: string, transition: string, body: Record<string, unknown> = {}, url = '') =>
    call(who, 'POST', `/api/v1/events/${id}/steps/${transition}${url}`, body);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
    for (const u of ['resident01', 'xishan', 'street', 'grid01', 'grid02', 'admin']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication, except for the public map and the public categories', async () => {
    expect((await call(null, 'POST', '/api/v1/events', { categoryCode: '0102', description: 'x', ...POINTS.grid01 })).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/events')).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/me/events')).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/event-categories')).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/public/events')).statusCode).toBe(200);
    expect((await call(null, 'GET', '/api/v1/public/event-categories')).statusCode).toBe(200);
  });

  it('a resident reports with a photo from the phone, follows it, and staff handle it to a rating', async () => {
    const cats = (await call(null, 'GET', '/api/v1/public/event-categories')).json();
    const leaf = cats.items.flatMap((g: { children: { code: string }[] }) => g.children).find((c: { code: string }) => c.code === '0101');
    expect(leaf.attributes[0]).toMatchObject({ code: 'amount', required: true, datatype: 'singlevaluelist' });
    expect(cats.items.flatMap((g: { children: { code: string }[] }) => g.children).some((c: { code: string }) => c.code === '0303')).toBe(false);

    const photoId = await upload('resident01');
    // A resident's channel is always the resident app, and urgency is staff's call.
    const created = await call('resident01', 'POST', '/api/v1/events', {
      categoryCode: '0101',
      description: '1幢门口垃圾桶满了两天没人清运',
      channel: 'phone',
      urgency: '特急',
      ...POINTS.grid01,
      attributes: { amount: 'cart' },
      attachmentIds: [photoId],
    });
    expect(created.statusCode).toBe(201);
    const ev = created.json();
    expect(ev).toMatchObject({ state: 'reported', orgNodeId: fx.nodes.grid01.id, dueAt: bj('2026-11-30T11:00:00').toISOString() });

    const mine = (await call('resident01', 'GET', '/api/v1/me/events')).json();
    expect(mine.items[0]).toMatchObject({ id: ev.id, channel: 'resident_app', urgency: '一般', stateLabel: { 'zh-CN': '待受理' } });
    let own = (await call('resident01', 'GET', `/api/v1/me/events/${ev.id}`)).json();
    expect(own.transitions.map((t: { name: string }) => t.name)).toEqual(['withdraw']);
    expect(own.photos).toMatchObject([{ id: photoId, step: 'report', url: `/api/v1/files/${photoId}`, mime: 'image/png' }]);
    expect(own.timeline).toMatchObject([{ transition: 'start', label: { 'zh-CN': '上报' }, attachmentIds: [photoId] }]);
    expect((await call('resident01', 'GET', `/api/v1/events/${ev.id}`)).statusCode).toBe(403);

    // The dispatcher's queue: new reports of the area, by deadline.
    const queue = (await call('xishan', 'GET', '/api/v1/events?state=reported&deadline=normal&sort=due_at')).json();
    expect(queue.items.some((e: { id: string }) => e.id === ev.id)).toBe(true);
    const detail = (await call('xishan', 'GET', `/api/v1/events/${ev.id}`)).json();
    expect(detail).toMatchObject({ categoryCode: '0101', orgNodeName: '西山社区第一网格', reporter: { kind: 'resident', name: '朱**' }, attributes: { amount: 'cart' } });
    // Not 撤回: only the reporter withdraws.
    expect(detail.transitions.map((t: { name: string }) => t.name).sort()).toEqual(['accept', 'merge', 'reject']);
    // Staff of the area open the photo; another grid's worker does not.
    expect((await call('xishan', 'GET', `/api/v1/files/${photoId}`)).statusCode).toBe(200);
    expect((await call('grid02', 'GET', `/api/v1/files/${photoId}`)).statusCode).toBe(404);

    expect((await stepCall('xishan', ev.id, 'accept', { expectedVersion: 9 })).json().error).toMatchObject({ code: 'WORKFLOW_CONFLICT', message: '该事项刚被他人处理，请刷新后重试' });
    const accepted = await stepCall('xishan', ev.id, 'accept', { expectedVersion: 1 });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ state: 'accepted', version: 2 });
    expect((await stepCall('grid01', ev.id, 'take', {}, '?lang=en')).json().error).toMatchObject({ code: 'WORKFLOW_INVALID_TRANSITION', message: expect.stringContaining('cannot be taken') });

    const dispatched = await stepCall('xishan', ev.id, 'dispatch', { assignee: { orgNodeId: fx.nodes.grid01.id, userId: fx.users.grid01 }, comment: '请今天处理' });
    expect(dispatched.json()).toMatchObject({ state: 'dispatched', assigneeUserId: fx.users.grid01 });
    const handlerList = (await call('grid01', 'GET', '/api/v1/events?assignee=me&state=dispatched,handling')).json();
    expect(handlerList.items.map((e: { id: string }) => e.id)).toContain(ev.id);
    expect((await stepCall('grid01', ev.id, 'take')).json().state).toBe('handling');
    const after = await upload('grid01');
    expect((await stepCall('grid01', ev.id, 'finish', { comment: '已清运', attachmentIds: [after] })).json().state).toBe('checking');

    own = (await call('resident01', 'GET', `/api/v1/me/events/${ev.id}`)).json();
    expect(own.transitions.map((t: { name: string }) => t.name).sort()).toEqual(['rework', 'verify']);
    expect(own.photos.map((p: { step: string }) => p.step)).toEqual(['report', 'finish']);
    // The reporter may open the handler's photo of their own event.
    expect((await call('resident01', 'GET', `/api/v1/files/${after}`)).statusCode).toBe(200);
    expect((await stepCall('resident01', ev.id, 'verify', { comment: '已经清理干净了' })).json().state).toBe('closed');
    const bad = await stepCall('resident01', ev.id, 'rate', { rating: '很好' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await stepCall('resident01', ev.id, 'rate', { rating: '满意', comment: '谢谢' })).json()).toMatchObject({ state: 'rated', rating: '满意' });
    own = (await call('resident01', 'GET', `/api/v1/me/events/${ev.id}`)).json();
    expect(own.timeline.map((t: { transition: string }) => t.transition)).toEqual(['start', 'accept', 'dispatch', 'take', 'finish', 'verify', 'rate']);
    expect(own.timeline.every((t: { actorName: string | null }) => t.actorName === null)).toBe(true);
    // Notified at each step, in the resident's inbox.
    const inbox = (await call('resident01', 'GET', '/api/v1/inbox?limit=50')).json();
    expect(JSON.stringify(inbox)).toContain(ev.code);
  });

  it('staff enter a hotline work order: channel required, caller masked, order number searchable', async () => {
    const missing = await call('street', 'POST', '/api/v1/events', { categoryCode: '0201', description: '文苑路路灯不亮', ...POINTS.grid02 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0]).toMatchObject({ field: 'body.channel', message: expect.stringContaining('渠道') });
    const created = await call('street', 'POST', '/api/v1/events', {
      categoryCode: '0201',
      description: '文苑路路灯不亮，已经一周了',
      channel: 'hotline',
      source: '12345',
      sourceOrderNo: 'HN2026113000321',
      urgency: '紧急',
      ...POINTS.grid02,
      reporterName: '沈志刚',
      reporterPhone: '13957312345',
    });
    expect(created.statusCode).toBe(201);
    const ev = created.json();
    const found = (await call('street', 'GET', '/api/v1/events?q=HN2026113000321&channel=hotline')).json();
    expect(found.items.map((e: { id: string }) => e.id)).toEqual([ev.id]);
    const detail = (await call('xishan', 'GET', `/api/v1/events/${ev.id}`)).json();
    expect(detail).toMatchObject({ source: '12345', sourceOrderNo: 'HN2026113000321', urgency: '紧急', reporter: { kind: 'caller', name: '沈**', phone: '139****2345', isMe: false } });
    expect(JSON.stringify(detail)).not.toContain('13957312345');
    expect(JSON.stringify(detail)).not.toContain('沈志刚');
    const dup = await call('street', 'POST', '/api/v1/events', { categoryCode: '0201', description: '重复工单', channel: 'hotline', source: '12345', sourceOrderNo: 'HN2026113000321', ...POINTS.grid02 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toContain(ev.code);
  });

  it('reports: validation and refusals come back in Chinese and English', async () => {
    const noAttr = await call('resident01', 'POST', '/api/v1/events', { categoryCode: '0101', description: '垃圾', ...POINTS.grid01 });
    expect(noAttr.statusCode).toBe(400);
    expect(noAttr.json().error).toMatchObject({ code: 'EVENT_ATTRIBUTE_REQUIRED', message: '请填写“垃圾量”', details: { attribute: 'amount' } });
    const outside = await call('resident01', 'POST', '/api/v1/events?lang=en', { categoryCode: '0102', description: 'x', ...POINTS.outside });
    expect(outside.json().error).toMatchObject({ code: 'EVENT_LOCATION_OUTSIDE', message: expect.stringContaining('No grid or community') });
    const half = await call('resident01', 'POST', '/api/v1/events', { categoryCode: '0102', description: 'x', lat: 30.5 });
    expect(half.statusCode).toBe(400);
    expect(half.json().error.code).toBe('VALIDATION_FAILED');
    const unknown = await call('resident01', 'POST', '/api/v1/events', { categoryCode: 'ZZZ', description: 'x', ...POINTS.grid01 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('事件类别“ZZZ”不存在或已停用');
    expect((await call('admin', 'POST', '/api/v1/events', { categoryCode: '0102', description: 'x', ...POINTS.grid01 })).statusCode).toBe(403);
    expect((await stepCall('xishan', 'nope', 'accept')).statusCode).toBe(404);
    expect((await call('xishan', 'POST', '/api/v1/events/x/steps/fly', {})).statusCode).toBe(400);
  });

  it('batch dispatch answers per event', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('xishan', 'POST', '/api/v1/events', { categoryCode: '0104', description: `${i + 1}幢楼道堆物`, channel: 'visit', ...POINTS.grid01, attributes: { place: 'stairwell' } });
      ids.push(r.json().id);
    }
    await stepCall('xishan', ids[0]!, 'accept');
    await stepCall('xishan', ids[1]!, 'accept');
    const res = await call('xishan', 'POST', '/api/v1/events/batch-dispatch', { ids: [...ids, 'no-such-event'], assignee: { orgNodeId: fx.nodes.grid01.id }, comment: '集中整治' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false, false]);
    expect(results[0].event).toMatchObject({ state: 'dispatched', assigneeNodeId: fx.nodes.grid01.id });
    expect(results[2].error).toMatchObject({ code: 'WORKFLOW_INVALID_TRANSITION' });
    expect(results[3].error).toMatchObject({ code: 'EVENT_NOT_FOUND' });
    const unit = (await call('grid01', 'GET', '/api/v1/events?assignee=myUnit&state=dispatched')).json();
    expect(unit.items.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    const targets = (await call('xishan', 'GET', '/api/v1/events/dispatch-targets')).json();
    expect(targets.units.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['西山社区', '西山社区第一网格', '西山社区第二网格']));
    expect(targets.units.map((u: { name: string }) => u.name)).not.toContain('东山社区');
    expect(targets.handlers.map((h: { userId: string }) => h.userId)).toContain(fx.users.grid01);
  });

  it('a resident sees only their own events; the public map shows no personal data', async () => {
    const staffEntered = (await call('xishan', 'POST', '/api/v1/events', { categoryCode: '0102', description: '周丽萍来电：楼道小广告', channel: 'phone', ...POINTS.grid01, reporterName: '周丽萍', reporterPhone: '13812345678' })).json();
    const mine = (await call('resident01', 'GET', '/api/v1/me/events?pageSize=100')).json();
    expect(mine.items.every((e: { id: string }) => e.id !== staffEntered.id)).toBe(true);
    expect((await call('resident01', 'GET', `/api/v1/me/events/${staffEntered.id}`)).statusCode).toBe(404);
    const pub = await call(null, 'GET', `/api/v1/public/events?orgNodeId=${fx.nodes.xishan.id}&days=7`);
    expect(pub.statusCode).toBe(200);
    const items = pub.json().items;
    const one = items.find((e: { code: string }) => e.code === staffEntered.code);
    expect(one).toMatchObject({ categoryName: '乱张贴乱涂写', gridName: '西山社区第一网格', lat: 30.531, lng: 120.685, reportedOn: '2026-11-30', closed: false });
    const text = pub.body;
    for (const bad of ['周丽萍', '13812345678', '楼道小广告', '朱志强', 'reporter', 'description']) expect(text).not.toContain(bad);
  });

  it('categories: the default tree, versioned edits by staff, the public form list', async () => {
    const tree = (await call('xishan', 'GET', '/api/v1/event-categories')).json();
    expect(tree.items.map((g: { name: string }) => g.name)).toEqual(['市容环境', '设施设备', '治安隐患', '矛盾纠纷', '民生诉求', '安全生产', '消防隐患']);
    for (const g of tree.items) {
      expect(g.children.length).toBeGreaterThanOrEqual(2);
      expect(g.children.length).toBeLessThanOrEqual(5);
    }
    const civil = tree.items.flatMap((g: { children: unknown[] }) => g.children).find((c: { code: string }) => c.code === '0501');
    expect(civil).toMatchObject({ defaultUnit: 'department', defaultDepartmentCode: 'civil', responseHours: 4, handlingHours: 40 });
    const group = tree.items.find((g: { code: string }) => g.code === '01');

    expect((await call('resident01', 'POST', '/api/v1/event-categories', { parentId: group.id, code: '0105', name: '毁绿占绿', defaultUnit: 'community', responseHours: 2, handlingHours: 24 })).statusCode).toBe(403);
    const created = await call('xishan', 'POST', '/api/v1/event-categories', {
      parentId: group.id,
      code: '0105',
      name: '毁绿占绿',
      nameEn: 'Damaged public green',
      defaultUnit: 'community',
      responseHours: 2,
      handlingHours: 24,
      attributes: [{ code: 'area', label: '面积（平方米）', datatype: 'number', required: true, order: 1 }],
    });
    expect(created.statusCode).toBe(201);
    const cat = created.json();
    expect(cat).toMatchObject({ code: '0105', version: 1, active: true, public: true });
    expect((await call('xishan', 'POST', '/api/v1/event-categories', { parentId: group.id, code: '0105', name: '重复', defaultUnit: 'community', responseHours: 2, handlingHours: 24 })).statusCode).toBe(409);
    expect((await call('xishan', 'POST', '/api/v1/event-categories', { parentId: cat.id, code: '010501', name: '三级', defaultUnit: 'community', responseHours: 2, handlingHours: 24 })).json().error.code).toBe('EVENT_CATEGORY_PARENT_INVALID');
    const listBad = await call('xishan', 'POST', '/api/v1/event-categories', { parentId: group.id, code: '0106', name: '无选项', defaultUnit: 'community', responseHours: 2, handlingHours: 24, attributes: [{ code: 'kind', label: '类型', datatype: 'singlevaluelist', required: true, order: 1 }] });
    expect(listBad.statusCode).toBe(400);

    const before = await countAudit(platform.ctx.db, 'events.category.update');
    const edited = await call('xishan', 'PATCH', `/api/v1/event-categories/${cat.id}`, { expectedVersion: 1, handlingHours: 16, defaultUnit: 'department', defaultDepartmentCode: 'health' });
    expect(edited.json()).toMatchObject({ version: 2, handlingHours: 16, defaultDepartmentCode: 'health' });
    expect(await countAudit(platform.ctx.db, 'events.category.update')).toBe(before + 1);
    expect((await call('xishan', 'PATCH', `/api/v1/event-categories/${cat.id}`, { expectedVersion: 1, name: '旧版本' })).statusCode).toBe(409);
    expect((await call('xishan', 'PATCH', `/api/v1/event-categories/${cat.id}`, { expectedVersion: 2, defaultDepartmentCode: 'nope' })).json().error.code).toBe('EVENT_DEPARTMENT_UNKNOWN');

    // In use at once with its attributes; the new handling limit applies from dispatch.
    const ev = await call('resident01', 'POST', '/api/v1/events', { categoryCode: '0105', description: '有人把绿化带铲了种菜', ...POINTS.grid01, attributes: { area: '12.5' } });
    expect(ev.statusCode).toBe(201);
    // 停用: gone from the public list and no longer reportable.
    await call('xishan', 'PATCH', `/api/v1/event-categories/${cat.id}`, { expectedVersion: 2, active: false });
    const pub = (await call(null, 'GET', '/api/v1/public/event-categories')).json();
    expect(pub.items.flatMap((g: { children: { code: string }[] }) => g.children).some((c: { code: string }) => c.code === '0105')).toBe(false);
    expect((await call('resident01', 'POST', '/api/v1/events', { categoryCode: '0105', description: 'x', ...POINTS.grid01, attributes: { area: '1' } })).statusCode).toBe(404);
    const all = (await call('xishan', 'GET', '/api/v1/event-categories?includeInactive=1')).json();
    expect(all.items.find((g: { code: string }) => g.code === '01').children.find((c: { code: string }) => c.code === '0105')).toMatchObject({ active: false, version: 3 });
  });

  it('writes audit rows for reports and steps, and lists its endpoints in OpenAPI', async () => {
    // One report row and one case start per event; one transition row per step taken.
    const db = platform.ctx.db.kysely;
    const events = (await db.selectFrom('grid_event').select('id').execute()).length;
    const steps = (await db.selectFrom('workflow_transition').select('id').where('transition', '!=', 'start').execute()).length;
    expect(events).toBeGreaterThanOrEqual(7);
    expect(await countAudit(platform.ctx.db, 'events.event.report')).toBe(events);
    expect(await countAudit(platform.ctx.db, 'workflow.start')).toBe(events);
    expect(await countAudit(platform.ctx.db, 'workflow.transition')).toBe(steps);
    const rows = await db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'events.event.report').execute();
    // Never the caller's phone or name in the audit details.
    expect(rows.map((r) => r.details ?? '').join()).not.toMatch(/13957312345|13812345678|沈志刚|周丽萍/);
    const doc = (await call(null, 'GET', '/api/openapi.json')).json();
    for (const p of ['/api/v1/events', '/api/v1/events/{id}', '/api/v1/events/{id}/steps/{transition}', '/api/v1/events/batch-dispatch', '/api/v1/me/events', '/api/v1/me/events/{id}', '/api/v1/public/events', '/api/v1/event-categories', '/api/v1/event-categories/{id}', '/api/v1/public/event-categories']) {
      expect(doc.paths[p], p).toBeTruthy();
    }
  });
});
