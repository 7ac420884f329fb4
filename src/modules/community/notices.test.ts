import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';

describe(`notices 通知公告 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });

  async function tag(personId: string, code: string, opts: { ended?: boolean; validTo?: string } = {}) {
    await platform.ctx.db.kysely
      .insertInto('person_tag')
      .values({ id: newId(), person_id: personId, tag: code, source: 'typed', department_code: null, valid_from: null, valid_to: opts.validTo ?? null, note: null, created_by: null, created_at: '2026-01-01T00:00:00Z', ended_at: opts.ended ? '2026-06-01T00:00:00Z' : null, ended_by: null, end_reason: opts.ended ? '已退出' : null })
      .execute();
  }

  async function draft(who: string, body: Record<string, unknown>) {
    const res = await call(who, 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.xishan.id, category: 'notice', title: '测试通知', body: '正文', audience: { nodeIds: [fx.nodes.xishan.id] }, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number };
  }
  async function publish(who: string, n: { id: string; version: number }) {
    const res = await call(who, 'POST', `/api/v1/notices/${n.id}/publish`, { expectedVersion: n.version });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { id: string; version: number; recipientCount: number; status: string };
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const db = platform.ctx.db.kysely;
    // The residents' accounts are their registry records (resident01 = 朱志强, volunteer01 = 徐美玲).
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    await tag(reg.people.xu, '低保');
    await tag(reg.people.wang, '低保');
    await tag(reg.people.chen, '低保'); // 东山社区: outside every audience below
    await tag(reg.people.child, '低保', { ended: true }); // no longer
    await tag(reg.people.zhu, '低保', { validTo: '2026-10-31' }); // expired last month
    await tag(reg.people.zhu, '残疾人');
    app = await createTestApp(platform);
    for (const u of ['xishan', 'grid01', 'grid02', 'resident01', 'volunteer01', 'civil', 'street']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('reaches exactly the people of the subtree holding the tag, and counts who has not read', async () => {
    const preview = await call('xishan', 'POST', '/api/v1/notices/audience-preview', { orgNodeId: fx.nodes.xishan.id, audience: { nodeIds: [fx.nodes.xishan.id], tags: ['低保'] } });
    expect(preview.json()).toEqual({ people: 2, withAccount: 1, label: '西山社区 · 低保' });

    const n = await draft('xishan', { title: '低保家庭冬季慰问品领取通知', body: '请于12月5日前到社区领取。<script>alert(1)</script>', audience: { nodeIds: [fx.nodes.xishan.id], tags: ['低保'] } });
    const published = await publish('xishan', n);
    expect(published).toMatchObject({ status: 'published', recipientCount: 2 });
    const db = platform.ctx.db.kysely;
    const reached = await db.selectFrom('notice_recipient').select(['person_id', 'user_id']).where('notice_id', '=', n.id).orderBy('person_id').execute();
    expect(reached.map((r) => r.person_id).sort()).toEqual([reg.people.xu, reg.people.wang].sort());
    expect(reached.filter((r) => r.user_id).map((r) => r.user_id)).toEqual([fx.users.volunteer01]);

    // volunteer01 (徐美玲, 低保) has it in the inbox and in 我的通知; resident01 (expired tag) does not.
    const inbox = (await call('volunteer01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[]; unread: number };
    expect(inbox.items[0]).toMatchObject({ title: '【通知】低保家庭冬季慰问品领取通知', link: `/m/notices/${n.id}` });
    const mineV = (await call('volunteer01', 'GET', '/api/v1/me/notices')).json() as { items: { id: string; readAt: string | null; body: string }[]; unread: number };
    expect(mineV.unread).toBe(1);
    expect(mineV.items.map((i) => i.id)).toEqual([n.id]);
    // Stored and returned as text: the page renders it as text, never as markup.
    expect(mineV.items[0]!.body).toContain('<script>');
    const mineR = (await call('resident01', 'GET', '/api/v1/me/notices')).json() as { items: unknown[]; unread: number };
    expect(mineR).toMatchObject({ items: [], unread: 0 });
    expect((await call('resident01', 'GET', `/api/v1/me/notices/${n.id}`)).statusCode).toBe(404);

    // Staff see 2 reached, none read; opening it is the read receipt (once).
    let detail = (await call('xishan', 'GET', `/api/v1/notices/${n.id}`)).json() as { receipts: { total: number; read: number; unreached: number; withAccount: number; byNode: { name: string; total: number; read: number }[] } };
    expect(detail.receipts).toMatchObject({ total: 2, read: 0, unreached: 2, withAccount: 1 });
    const before = await countAudit(platform.ctx.db, 'community.notice.read');
    expect((await call('volunteer01', 'GET', `/api/v1/me/notices/${n.id}`)).json()).toMatchObject({ id: n.id, readAt: expect.any(String) });
    await call('volunteer01', 'GET', `/api/v1/me/notices/${n.id}`);
    expect(await countAudit(platform.ctx.db, 'community.notice.read')).toBe(before + 1);
    expect(((await call('volunteer01', 'GET', '/api/v1/me/notices')).json() as { unread: number }).unread).toBe(0);
    detail = (await call('xishan', 'GET', `/api/v1/notices/${n.id}`)).json();
    expect(detail.receipts).toMatchObject({ total: 2, read: 1, unreached: 1 });
    expect(detail.receipts.byNode).toEqual([
      { orgNodeId: fx.nodes.grid01.id, name: '西山社区第一网格', total: 1, read: 1, informed: 0, unreached: 0 },
      { orgNodeId: fx.nodes.grid02.id, name: '西山社区第二网格', total: 1, read: 0, informed: 0, unreached: 1 },
    ]);
  });

  it('lets each grid worker follow their own grid only, and record telling people (audited)', async () => {
    const n = await publish('xishan', await draft('xishan', { title: '全体居民：停水通知', body: '12月3日停水' }));
    expect(n.recipientCount).toBe(4); // 朱志强, 徐美玲, 朱浩然 (grid01), 王秀英 (grid02)

    const g1 = (await call('grid01', 'GET', `/api/v1/notices/${n.id}`)).json() as { receipts: { total: number } };
    expect(g1.receipts.total).toBe(3);
    const audits = await countAudit(platform.ctx.db, 'community.notice.unreached.read');
    const list = (await call('grid02', 'GET', `/api/v1/notices/${n.id}/unreached`)).json() as { items: { personId: string; name: string; phoneMasked: string; place: string; hasAccount: boolean }[]; total: number };
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ personId: reg.people.wang, name: '王秀英', hasAccount: false, place: '8幢2单元301室' });
    expect(list.items[0]!.phoneMasked).toMatch(/^159\*+1111$/);
    expect(await countAudit(platform.ctx.db, 'community.notice.unreached.read')).toBe(audits + 1);

    // grid02 cannot mark grid01's people, nor read grid01's list beyond their grid.
    const wrong = await call('grid02', 'POST', `/api/v1/notices/${n.id}/informed`, { personIds: [reg.people.child], how: 'visit' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('NOTICE_NOT_RECIPIENT');
    const told = await call('grid02', 'POST', `/api/v1/notices/${n.id}/informed`, { personIds: [reg.people.wang], how: 'phone' });
    expect(told.json()).toMatchObject({ updated: 1, receipts: { total: 1, read: 0, informed: 1, unreached: 0 } });
    const all = (await call('xishan', 'GET', `/api/v1/notices/${n.id}`)).json() as { receipts: { total: number; informed: number; unreached: number } };
    expect(all.receipts).toMatchObject({ total: 4, informed: 1, unreached: 3 });
    // A department officer has no business with notices.
    expect((await call('civil', 'GET', `/api/v1/notices/${n.id}`)).statusCode).toBe(403);
  });

  it('answers bad input with 4xx and a message in the caller language', async () => {
    const outside = await call('xishan', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.xishan.id, category: 'notice', title: '越界', body: '正文', audience: { nodeIds: [fx.nodes.dongshan.id] } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error).toMatchObject({ code: 'NOTICE_AUDIENCE_OUTSIDE', message: '发送范围须在发布单位（西山社区）之内' });
    const en = await call('xishan', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.xishan.id, category: 'notice', title: '标签', body: '正文', audience: { nodeIds: [fx.nodes.xishan.id], tags: ['不存在的标签'] } }, 'en');
    expect(en.json().error).toMatchObject({ code: 'NOTICE_UNKNOWN_TAG', message: 'Unknown tags: 不存在的标签' });
    const short = await call('xishan', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.xishan.id, category: 'notice', title: '', body: '', audience: { nodeIds: [] } });
    expect(short.statusCode).toBe(400);
    // Publishing where the caller holds no grant: the street's node from a community account.
    const above = await call('xishan', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.street.id, category: 'notice', title: '越权发布', body: '正文', audience: { nodeIds: [fx.nodes.street.id] } });
    expect(above.statusCode).toBe(403);
    // Nobody matches both tags: refused at publishing, nothing written.
    const none = await draft('xishan', { title: '双标签', audience: { nodeIds: [fx.nodes.xishan.id], tags: ['低保', '残疾人'], tagMode: 'all' } });
    const res = await call('xishan', 'POST', `/api/v1/notices/${none.id}/publish`, { expectedVersion: none.version });
    expect(res.json().error.code).toBe('NOTICE_AUDIENCE_EMPTY');
    const rows = await platform.ctx.db.kysely.selectFrom('notice_recipient').select('person_id').where('notice_id', '=', none.id).execute();
    expect(rows).toEqual([]);
  });

  it('edits a draft with its version, publishes once, and withdraws from residents', async () => {
    const n = await draft('xishan', { title: '草稿标题' });
    const edited = await call('xishan', 'PATCH', `/api/v1/notices/${n.id}`, { title: '改过的标题', expectedVersion: n.version });
    expect(edited.json()).toMatchObject({ title: '改过的标题', version: n.version + 1 });
    const stale = await call('xishan', 'PATCH', `/api/v1/notices/${n.id}`, { title: '旧版本上改', expectedVersion: n.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('NOTICE_STALE');
    const pub = await publish('xishan', { id: n.id, version: n.version + 1 });
    const again = await call('xishan', 'POST', `/api/v1/notices/${n.id}/publish`, { expectedVersion: pub.version });
    expect(again.json().error.code).toBe('NOTICE_NOT_DRAFT');
    expect(((await call('resident01', 'GET', '/api/v1/me/notices')).json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(n.id);
    const w = await call('xishan', 'POST', `/api/v1/notices/${n.id}/withdraw`, { reason: '内容有误，重新发布' });
    expect(w.json()).toMatchObject({ status: 'withdrawn', withdrawReason: '内容有误，重新发布' });
    expect(((await call('resident01', 'GET', '/api/v1/me/notices')).json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(n.id);
    expect(await countAudit(platform.ctx.db, 'community.notice.withdraw')).toBe(1);
  });

  it('lets the people it reached and its staff open its attachments, and nobody else', async () => {
    const pdf = await uploadFile(app, s.xishan!, 'community.notice', { name: '无障碍改造申请表.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    const n = await draft('xishan', { title: '残疾人家庭无障碍改造', audience: { nodeIds: [fx.nodes.xishan.id], tags: ['残疾人'] }, attachmentIds: [pdf] });
    // A draft's attachment is not the residents' yet.
    expect((await call('resident01', 'GET', `/api/v1/files/${pdf}`)).statusCode).toBe(404);
    await publish('xishan', n);
    expect((await call('resident01', 'GET', `/api/v1/files/${pdf}`)).statusCode).toBe(200); // 朱志强, 残疾人
    expect((await call('volunteer01', 'GET', `/api/v1/files/${pdf}`)).statusCode).toBe(404); // not in the audience
    expect((await call('grid01', 'GET', `/api/v1/files/${pdf}`)).statusCode).toBe(200); // follows the community's notices
    const uses = await platform.ctx.db.kysely.selectFrom('attachment_use').select(['owner_type', 'owner_id']).where('attachment_id', '=', pdf).execute();
    expect(uses).toEqual([{ owner_type: 'notice', owner_id: n.id }]);
  });

  it('pins a notice above the newer ones', async () => {
    const first = await publish('xishan', await draft('xishan', { title: '先发的通知' }));
    await publish('xishan', await draft('xishan', { title: '后发的通知' }));
    const pinned = await call('xishan', 'POST', `/api/v1/notices/${first.id}/pin`, { pinned: true });
    expect(pinned.json()).toMatchObject({ pinned: true });
    const mine = (await call('resident01', 'GET', '/api/v1/me/notices')).json() as { items: { title: string; pinned: boolean }[] };
    expect(mine.items[0]).toMatchObject({ title: '先发的通知', pinned: true });
  });

  it('shows a street notice to the grid worker below it, not its drafts', async () => {
    const n = await publish('street', await call('street', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.street.id, category: 'announcement', title: '街道公告', body: '全街道', audience: { nodeIds: [fx.nodes.street.id] } }).then((r) => r.json()));
    const hidden = (await call('street', 'POST', '/api/v1/notices', { orgNodeId: fx.nodes.street.id, category: 'notice', title: '街道草稿', body: '未发', audience: { nodeIds: [fx.nodes.street.id] } })).json() as { id: string };
    const list = (await call('grid01', 'GET', '/api/v1/notices')).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(n.id);
    expect(list.items.map((i) => i.id)).not.toContain(hidden.id);
    const detail = (await call('grid01', 'GET', `/api/v1/notices/${n.id}`)).json() as { receipts: { total: number } };
    expect(detail.receipts.total).toBe(3); // grid01's three people of the street's five
  });
});
