import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { storeAttachment } from '../../platform/files/files.service.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { DEFAULT_STOP_WORDS } from './migrations/2026_11_26_0460_create_opinion.js';
import { beijingWeekStart, excerptAround, matchWatchWords, segmentTerms, topTerms } from './opinion.segment.js';
import { ingestOpinion } from './opinion.service.js';
import { registerOpinionSource, unregisterOpinionSource, type OpinionItem, type OpinionSource } from './opinion.sources.js';

/** A dozen resident complaints as they are written: 5 about 电梯, 4 about 漏水, 3 about 停车, full of 我们/希望/已经. */
const SAMPLE = [
  '我们3幢的电梯又坏了，已经停了三天，希望物业尽快修好电梯。',
  '5幢2单元电梯经常停在半层，门打不开，我们老人上下楼很不方便，希望社区帮忙反映。',
  '电梯运行的时候异响抖动，孩子和老人都不敢坐，已经反映过好几次了。',
  '电梯年检标志过期了，我们很担心安全问题，希望有关部门检查一下。',
  '电梯按钮失灵，晚上有人被困在电梯里半个小时，值班电话一直打不通。',
  '楼上卫生间漏水，我家天花板已经发霉了，找了好几次也没有人来处理。',
  '地下车库顶板漏水，下雨天我们的车被泡了，希望尽快修补。',
  '厨房水管漏水，楼下邻居投诉了好几次，希望社区帮忙协调维修。',
  '外墙渗水漏水，卧室墙皮都掉了，我们反映了好几次也没人管。',
  '小区停车难，晚上停车位不够，很多车乱停在路边。',
  '外来车辆随意停车，把消防通道都堵住了，我们希望加强停车管理。',
  '停车收费不透明，希望物业公示停车收费标准，我们有权知道。',
];

describe('opinion segmentation 分词 (pure)', () => {
  const stop = new Set(DEFAULT_STOP_WORDS);

  it('finds the expected top terms of a Chinese sample: 电梯, 漏水, 停车', () => {
    expect(topTerms(SAMPLE, stop, 3)).toEqual([
      { term: '电梯', count: 5 },
      { term: '漏水', count: 4 },
      { term: '停车', count: 3 },
    ]);
    // Without the stop words the fillers win: the list is what keeps them out.
    const raw = topTerms(SAMPLE, new Set(), 2).map((t) => t.term);
    expect(raw.sort()).toEqual(['希望', '我们']);
  });

  it('keeps words, drops stop words, single characters, digits and numerals', () => {
    expect(segmentTerms('我们3幢的电梯又坏了，已经停了三天，希望物业尽快修好电梯。', stop)).toEqual(['电梯', '物业', '尽快', '修好', '电梯']);
    expect(segmentTerms('小区停车难，晚上停车位不够', stop)).toEqual(['停车', '停车位', '不够']);
    // With no stop words the function words are there.
    expect(segmentTerms('我们的电梯已经坏了', new Set())).toEqual(['我们', '电梯', '已经']);
    expect(segmentTerms('我们的电梯已经坏了', stop)).toEqual(['电梯']);
    expect(segmentTerms('ＷｉＦｉ信号差', stop)).toEqual(['wifi', '信号']);
  });

  it('never makes a term of an ID, phone or bank card number', () => {
    const terms = segmentTerms('我的电话13812345678，身份证33048119800101001X，卡号6222021234567890128，电梯困人', stop);
    expect(terms).toEqual(['电话', '身份', '电梯']);
    expect(terms.join('')).not.toMatch(/\d/);
  });

  it('matches watch words through spaces and punctuation, and masks numbers in the excerpt', () => {
    expect(matchWatchWords('他说不想 活了，要跳-楼；楼道有燃 气泄漏', ['跳楼', '燃气泄漏', '不想活', '自杀'])).toEqual(['跳楼', '燃气泄漏', '不想活']);
    expect(matchWatchWords('燃气灶不好用', ['燃气泄漏'])).toEqual([]);
    const ex = excerptAround('联系人电话13812345678，隔壁经常打骂孩子，怀疑有家暴，请尽快上门。', '家暴', 12);
    expect(ex).toContain('家暴');
    expect(ex).not.toContain('13812345678');
    expect(excerptAround('有人在楼顶喊着要跳 楼', '跳楼')).toContain('跳 楼');
  });

  it('puts a moment in its Beijing week (Monday)', () => {
    expect(beijingWeekStart('2026-11-01T15:59:59Z')).toBe('2026-10-26'); // Sunday 23:59 Beijing
    expect(beijingWeekStart('2026-11-01T16:00:00Z')).toBe('2026-11-02'); // Monday 00:00 Beijing
    expect(beijingWeekStart('2026-11-08T12:00:00Z')).toBe('2026-11-02');
  });
});

describe(`opinion trends 舆情 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  const W0 = '2026-10-26';
  const W1 = '2026-11-02';
  const call = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const relogin = async () => {
    for (const u of ['xishan', 'grid01', 'grid02', 'street', 'resident01', 'volunteer01']) s[u] = await loginAs(app, u);
  };
  const ok = async (res: Awaited<ReturnType<typeof call>>, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const suggest = (who: string, title: string, content: string) => call(who, 'POST', '/api/v1/me/suggestions', { category: '公共设施', title, content, public: true, anonymous: false }).then((r) => ok(r, 201));
  const report = (orgNodeId: string, categoryCode: string, description: string, attributes?: Record<string, string>) =>
    call('xishan', 'POST', '/api/v1/events', { categoryCode, description, channel: 'phone', orgNodeId, attributes }).then((r) => ok(r, 201));
  const lift = { building: '3幢', trapped: 'no' };
  const db = () => platform.ctx.db.kysely;
  const rows = async (source?: string) => {
    let q = db().selectFrom('opinion_term_week').select(['term', 'week_start', 'org_node_id', 'source', 'count']);
    if (source) q = q.where('source', '=', source);
    const all = await q.execute();
    return all.map((r) => ({ ...r, count: Number(r.count) })).sort((a, b) => `${a.source}|${a.week_start}|${a.org_node_id}|${a.term}`.localeCompare(`${b.source}|${b.week_start}|${b.org_node_id}|${b.term}`));
  };
  const count = async (term: string, week: string, node: string, source: string) =>
    Number((await db().selectFrom('opinion_term_week').select('count').where('term', '=', term).where('week_start', '=', week).where('org_node_id', '=', node).where('source', '=', source).executeTakeFirst())?.count ?? 0);
  const later = () => new Date(platform.ctx.now().getTime() + 61_000);
  const testSources: string[] = [];
  const addSource = (src: OpinionSource) => {
    registerOpinionSource(src);
    testSources.push(src.name);
  };
  const fixedSource = (name: string, items: OpinionItem[], label?: string): OpinionSource => ({
    name,
    label,
    async since(_db, w, limit) {
      return items
        .filter((i) => !w || i.at > w.at || (i.at === w.at && i.id > w.id))
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1))
        .slice(0, limit);
    },
  });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-10-28T02:00:00Z') }); // Wednesday 10:00 Beijing, week of 10-26
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await db().updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db().updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    app = await createTestApp(platform);
    await relogin();
  });
  afterAll(async () => {
    for (const name of testSources) unregisterOpinionSource(name);
    await app.close();
    await platform.close();
  });

  it('ingests suggestions, events and visits (with an uploaded note) into counts per week and grid, after they settle', async () => {
    // Week W0 (2026-10-26): one suggestion and one event about the lift in grid01.
    await suggest('resident01', '电梯经常故障', '3幢电梯这个月已经坏了好几次，老人上下楼很困难。');
    await report(fx.nodes.grid01.id, '0204', '3幢电梯异响，运行时抖动厉害', lift);
    // Week W1 (2026-11-02), six days on.
    platform.advance(6 * 86_400_000);
    await relogin();
    await suggest('resident01', '电梯困人', '昨晚电梯突然停在半层，困了半个小时才出来。');
    await suggest('volunteer01', '停车位不够', '小区晚上停车难，车辆乱停，堵住消防通道。');
    await report(fx.nodes.grid02.id, '0205', '8幢楼上卫生间漏水，天花板发霉');
    await report(fx.nodes.grid01.id, '0204', '1幢电梯按钮失灵，电梯门关不上', lift);
    // The grid worker's note typed up at home and uploaded as a GB18030 text file (what Windows Notepad in China saves).
    const grid01 = (await loadActor(db(), fx.users.grid01!))!;
    const gbNote = Buffer.from('c2a5b5c0c2a9cbaed1cfd6d8a3accdedc9cfcda3b3b5cebbb2bbb9bba3accfa3cdfbc9e7c7f8d0adb5f7a1a3', 'hex'); // 楼道漏水严重，晚上停车位不够，希望社区协调。
    const note = await storeAttachment(platform.ctx, grid01, { stream: Readable.from([gbNote]), originalName: '走访记录.txt', purpose: 'community.visit', orgNodeId: fx.nodes.grid01.id }, { ip: null, requestId: 't' } as never);
    expect(note.mime).toBe('text/plain; charset=gb18030');
    await ok(await call('grid01', 'POST', '/api/v1/visits', { personId: reg.people.zhu, kind: 'home', findings: '老人说电梯坏了，上下楼困难。', attachmentIds: [note.id] }), 201);

    // Just written: not settled yet, so only last week's texts are read.
    const first = await ingestOpinion(platform.ctx);
    expect(first.items).toBe(2);
    expect(await count('电梯', W0, fx.nodes.grid01.id, 'suggestions')).toBe(1);
    expect(await count('电梯', W0, fx.nodes.grid01.id, 'events')).toBe(1);
    expect(await count('电梯', W1, fx.nodes.grid01.id, 'suggestions')).toBe(0);

    const second = await ingestOpinion(platform.ctx, later());
    expect(second.sources).toEqual(expect.arrayContaining([{ source: 'suggestions', items: 2, alerts: 0 }, { source: 'events', items: 2, alerts: 0 }, { source: 'visits', items: 1, alerts: 0 }]));
    expect(await count('电梯', W1, fx.nodes.grid01.id, 'suggestions')).toBe(1);
    expect(await count('电梯', W1, fx.nodes.grid01.id, 'events')).toBe(1);
    expect(await count('电梯', W1, fx.nodes.grid01.id, 'visits')).toBe(1);
    expect(await count('漏水', W1, fx.nodes.grid02.id, 'events')).toBe(1);
    // 漏水 and 停车位 of grid01's visit come from the uploaded note only.
    expect(await count('漏水', W1, fx.nodes.grid01.id, 'visits')).toBe(1);
    expect(await count('停车位', W1, fx.nodes.grid01.id, 'visits')).toBe(1);
    // A stop word and a single character are never counted; the store holds words, not texts.
    expect(await count('已经', W0, fx.nodes.grid01.id, 'suggestions')).toBe(0);
    const all = await rows();
    expect(all.every((r) => [...r.term].length >= 2 && [...r.term].length <= 16 && !/\d/.test(r.term))).toBe(true);
    expect(all.every((r) => r.org_node_id === fx.nodes.grid01.id || r.org_node_id === fx.nodes.grid02.id)).toBe(true);
    expect(await countAudit(platform.ctx.db, 'community.opinion.ingest')).toBeGreaterThanOrEqual(4);
  });

  it('counts nothing twice: a second run reads nothing, a new text adds only its own terms', async () => {
    const before = await rows();
    expect((await ingestOpinion(platform.ctx, later())).items).toBe(0);
    expect(await rows()).toEqual(before);
    await suggest('volunteer01', '电梯加装扶手', '建议在电梯轿厢里加装扶手，方便老人。');
    platform.advance(2 * 60_000);
    expect((await ingestOpinion(platform.ctx)).items).toBe(1);
    const after = await rows();
    const changed = after.filter((r) => JSON.stringify(r) !== JSON.stringify(before.find((b) => b.term === r.term && b.week_start === r.week_start && b.org_node_id === r.org_node_id && b.source === r.source)));
    expect(changed.find((r) => r.term === '电梯')).toMatchObject({ source: 'suggestions', week_start: W1, org_node_id: fx.nodes.grid01.id, count: 2 });
    expect(changed.every((r) => r.source === 'suggestions' && r.week_start === W1)).toBe(true);
  });

  it('shows the trends of a subtree: top terms with the week before, per grid, a term by week', async () => {
    const t = await ok(await call('xishan', 'GET', `/api/v1/opinion/trends?week=${W1}&weeks=2&term=电梯`));
    expect(t).toMatchObject({ orgNode: { id: fx.nodes.xishan.id, name: '西山社区' }, week: W1, previousWeek: W0 });
    expect(t.terms[0]).toEqual({ term: '电梯', count: 4, previous: 2, rise: 1 });
    expect(t.terms.find((x: { term: string }) => x.term === '漏水')).toEqual({ term: '漏水', count: 2, previous: 0, rise: null });
    expect(t.rising.map((x: { term: string }) => x.term)).toContain('漏水');
    expect(t.series).toEqual({ term: '电梯', points: [{ week: W0, count: 2 }, { week: W1, count: 4 }] });
    const byGrid = Object.fromEntries(t.grids.map((g: { name: string; terms: { term: string; count: number }[] }) => [g.name, g.terms]));
    expect(Object.keys(byGrid).sort()).toEqual(['西山社区第一网格', '西山社区第二网格']);
    expect(byGrid['西山社区第一网格'][0]).toEqual({ term: '电梯', count: 4 });
    expect(byGrid['西山社区第二网格']).toContainEqual({ term: '漏水', count: 1 });
    expect(t.sources.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['events', 'suggestions', 'visits']));
    // One source only.
    const visits = await ok(await call('xishan', 'GET', `/api/v1/opinion/trends?week=${W1}&source=visits`));
    expect(visits.terms.map((x: { term: string }) => x.term)).toEqual(expect.arrayContaining(['电梯', '漏水', '停车位']));
    expect(visits.terms.find((x: { term: string }) => x.term === '电梯').count).toBe(1);
    // The default week is this week, the default area the caller's.
    const mine = await ok(await call('grid02', 'GET', '/api/v1/opinion/trends'));
    expect(mine).toMatchObject({ orgNode: { id: fx.nodes.grid02.id }, week: W1 });
    expect(mine.terms.map((x: { term: string }) => x.term)).toContain('漏水');
    expect(mine.terms.map((x: { term: string }) => x.term)).not.toContain('电梯');
    expect(mine.grids.map((g: { orgNodeId: string }) => g.orgNodeId)).toEqual([fx.nodes.grid02.id]);
  });

  it('refuses another grid, another community and bad input, with messages in both languages', async () => {
    expect((await call('grid02', 'GET', `/api/v1/opinion/trends?orgNodeId=${fx.nodes.grid01.id}`)).statusCode).toBe(403);
    expect((await call('grid01', 'GET', `/api/v1/opinion/trends?orgNodeId=${fx.nodes.xishan.id}`)).statusCode).toBe(403);
    expect((await call('xishan', 'GET', `/api/v1/opinion/trends?orgNodeId=${fx.nodes.dongshan.id}`)).statusCode).toBe(403);
    expect((await call('resident01', 'GET', '/api/v1/opinion/trends')).statusCode).toBe(403);
    const tuesday = await call('xishan', 'GET', '/api/v1/opinion/trends?week=2026-11-03');
    expect(tuesday.statusCode).toBe(400);
    expect(tuesday.json().error).toMatchObject({ code: 'OPINION_WEEK_NOT_MONDAY', message: '周起始日须为星期一：2026-11-03' });
    const unknown = await call('xishan', 'GET', '/api/v1/opinion/trends?source=weibo', undefined, 'en');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'OPINION_UNKNOWN_SOURCE', message: 'Unknown opinion source: weibo' });
    const weeks = await call('xishan', 'GET', '/api/v1/opinion/trends?weeks=100');
    expect(weeks.statusCode).toBe(400);
    expect(weeks.json().error.details[0].field).toBe('querystring.weeks');
    expect((await call('xishan', 'GET', '/api/v1/opinion/trends?week=not-a-day')).statusCode).toBe(400);
  });

  it('raises one alert per text and watch word, tells the grid and community staff only, and lets them acknowledge it', async () => {
    await suggest('resident01', '天台门没锁', '楼顶天台门一直开着，前几天有人在上面喊着要跳 楼，太危险了。');
    await ok(await call('grid02', 'POST', '/api/v1/visits', { personId: reg.people.wang, kind: 'home', findings: '邻居说隔壁经常打骂孩子，怀疑有家暴，联系电话13900001111。' }), 201);
    platform.advance(2 * 60_000);
    await relogin();
    const run = await ingestOpinion(platform.ctx);
    expect(run.alerts).toBe(2);
    const g1 = await ok(await call('grid01', 'GET', '/api/v1/opinion/alerts'));
    expect(g1).toMatchObject({ total: 1, open: 1 });
    expect(g1.items[0]).toMatchObject({ word: '跳楼', level: 'urgent', source: 'suggestions', sourceLabel: '意见建议', orgNodeId: fx.nodes.grid01.id, orgNodeName: '西山社区第一网格', status: 'open' });
    expect(g1.items[0].excerpt).toContain('跳 楼');
    expect(g1.items[0].link).toBe(`/console/community/suggestions/${g1.items[0].sourceId}`);
    const g2 = await ok(await call('grid02', 'GET', '/api/v1/opinion/alerts'));
    expect(g2.items.map((a: { word: string }) => a.word)).toEqual(['家暴']);
    expect(g2.items[0].excerpt).not.toContain('13900001111');
    expect((await ok(await call('xishan', 'GET', '/api/v1/opinion/alerts'))).total).toBe(2);
    expect(await countAudit(platform.ctx.db, 'community.opinion.alerts.read')).toBe(3);

    const inbox = async (who: string) => ((await ok(await call(who, 'GET', '/api/v1/inbox'))) as { items: { title: string; link: string; body: string }[] }).items.filter((i) => i.title.startsWith('舆情预警'));
    expect(await inbox('grid01')).toEqual([expect.objectContaining({ title: '舆情预警（紧急）：“跳楼”', link: '/console/community/opinion' })]);
    expect((await inbox('grid01'))[0]!.body).not.toContain('天台');
    expect((await inbox('grid02')).map((i) => i.title)).toEqual(['舆情预警（紧急）：“家暴”']);
    expect((await inbox('xishan')).length).toBe(2);
    expect(await inbox('street')).toEqual([]);

    // Acknowledge: not from the other grid, once.
    expect((await call('grid02', 'POST', `/api/v1/opinion/alerts/${g1.items[0].id}/acknowledge`, {})).statusCode).toBe(404);
    const acked = await ok(await call('grid01', 'POST', `/api/v1/opinion/alerts/${g1.items[0].id}/acknowledge`, { note: '已上门查看，天台门已上锁' }));
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedByName: expect.any(String), note: '已上门查看，天台门已上锁' });
    expect((await call('grid01', 'POST', `/api/v1/opinion/alerts/${g1.items[0].id}/acknowledge`, {})).json().error.code).toBe('OPINION_ALERT_ACKNOWLEDGED');
    expect(await ok(await call('grid01', 'GET', '/api/v1/opinion/alerts'))).toMatchObject({ total: 0, open: 0 });
    expect((await ok(await call('grid01', 'GET', '/api/v1/opinion/alerts?status=all'))).total).toBe(1);
    expect(await countAudit(platform.ctx.db, 'community.opinion.alert.acknowledge')).toBe(1);
  });

  it('keeps counts and watermark together when a batch fails half-way, and never alerts twice for one text and word', async () => {
    const at = new Date(platform.ctx.now().getTime() - 10 * 60_000).toISOString();
    const items = [
      { id: 'crash00000000001', orgNodeId: fx.nodes.grid02.id, at, text: '楼下两户为了车位打架，物业不管' },
      { id: 'crash00000000002', orgNodeId: fx.nodes.building02.id, at, text: '车位被占，物业不管' },
    ];
    // A label too long for a notification: the batch fails after its counts and alert were written.
    const broken = fixedSource('crash', items, '很'.repeat(5000));
    addSource(broken);
    await expect(ingestOpinion(platform.ctx)).rejects.toThrow();
    expect(await rows('crash')).toEqual([]);
    expect(await db().selectFrom('opinion_alert').select('id').where('source', '=', 'crash').execute()).toEqual([]);
    expect(await db().selectFrom('opinion_watermark').select(['at', 'last_id']).where('source', '=', 'crash').executeTakeFirst()).toEqual({ at: '', last_id: '' });

    addSource(fixedSource('crash', items, '测试来源'));
    const run = await ingestOpinion(platform.ctx);
    expect(run.sources.find((x) => x.source === 'crash')).toEqual({ source: 'crash', items: 2, alerts: 1 });
    // building02 lies in grid02: both texts count there.
    expect(await count('车位', W1, fx.nodes.grid02.id, 'crash')).toBe(2);
    expect(await db().selectFrom('opinion_watermark').select(['at', 'last_id']).where('source', '=', 'crash').executeTakeFirst()).toEqual({ at, last_id: 'crash00000000002' });

    // Read again from the start (a watermark reset by hand): the counts double, the alert does not.
    await db().updateTable('opinion_watermark').set({ at: '', last_id: '' }).where('source', '=', 'crash').execute();
    expect((await ingestOpinion(platform.ctx)).alerts).toBe(0);
    expect(await count('车位', W1, fx.nodes.grid02.id, 'crash')).toBe(4);
    expect(await db().selectFrom('opinion_alert').select('word').where('source', '=', 'crash').execute()).toEqual([{ word: '打架' }]);
  });

  it('finds 电梯, 漏水, 停车 as the top terms of the sample after ingesting it', async () => {
    const at = new Date(platform.ctx.now().getTime() - 10 * 60_000).toISOString();
    addSource(fixedSource('sample', SAMPLE.map((text, i) => ({ id: `sample${String(i).padStart(10, '0')}`, orgNodeId: reg.nodes.dongshanGrid.id, at, text })), '样本'));
    await ingestOpinion(platform.ctx);
    const t = await ok(await call('street', 'GET', `/api/v1/opinion/trends?orgNodeId=${fx.nodes.dongshan.id}&source=sample&limit=5`));
    expect(t.terms.slice(0, 3)).toEqual([
      { term: '电梯', count: 5, previous: 0, rise: null },
      { term: '漏水', count: 4, previous: 0, rise: null },
      { term: '停车', count: 3, previous: 0, rise: null },
    ]);
    expect(t.grids.map((g: { name: string }) => g.name)).toEqual(['东山社区第一网格']);
  });

  it('keeps the watch-word list by subtree and the stop-word list at the street', async () => {
    // Community staff add a word for grid01 only; grid workers may not; the platform's words stay.
    const added = await ok(await call('xishan', 'POST', '/api/v1/opinion/watch-words', { word: '漏水', level: 'attention', orgNodeId: fx.nodes.grid01.id }), 201);
    expect(added).toMatchObject({ word: '漏水', level: 'attention', orgNodeId: fx.nodes.grid01.id, orgNodeName: '西山社区第一网格', editable: true });
    expect((await call('grid01', 'POST', '/api/v1/opinion/watch-words', { word: '噪音', level: 'attention', orgNodeId: fx.nodes.grid01.id })).statusCode).toBe(403);
    expect((await call('xishan', 'POST', '/api/v1/opinion/watch-words', { word: '跳楼', level: 'urgent', orgNodeId: fx.nodes.grid01.id })).json().error.code).toBe('OPINION_WATCH_WORD_EXISTS');
    const spaced = await call('xishan', 'POST', '/api/v1/opinion/watch-words', { word: '跳 楼', level: 'urgent', orgNodeId: fx.nodes.grid01.id });
    expect(spaced.statusCode).toBe(400);
    expect(spaced.json().error.details[0]).toMatchObject({ code: 'OPINION_WORD_INVALID', message: '词语只能包含文字，不含空格、标点和符号' });
    expect((await call('xishan', 'POST', '/api/v1/opinion/watch-words', { word: '漏水', level: 'attention', orgNodeId: fx.nodes.dongshan.id })).statusCode).toBe(403);
    const list = (await ok(await call('grid02', 'GET', '/api/v1/opinion/watch-words'))) as { items: { id: string; word: string; orgNodeId: string | null; editable: boolean }[] };
    expect(list.items.map((w) => w.word)).toContain('家暴');
    expect(list.items.map((w) => w.word)).not.toContain('漏水'); // grid01's, not grid02's
    const global = list.items.find((w) => w.word === '家暴')!;
    expect(global).toMatchObject({ orgNodeId: null, editable: false });
    expect((await call('xishan', 'DELETE', `/api/v1/opinion/watch-words/${global.id}`)).json().error.code).toBe('OPINION_WATCH_WORD_GLOBAL');

    await suggest('resident01', '楼道漏水', '二楼楼道水管漏水，地面湿滑。');
    await ok(await call('grid02', 'POST', '/api/v1/visits', { personId: reg.people.wang, kind: 'phone', findings: '老人说厨房水管漏水，已联系物业。' }), 201);
    platform.advance(2 * 60_000);
    await relogin();
    await ingestOpinion(platform.ctx);
    const a1 = await ok(await call('grid01', 'GET', '/api/v1/opinion/alerts'));
    expect(a1.items.map((a: { word: string; level: string }) => [a.word, a.level])).toEqual([['漏水', 'attention']]);
    // grid02's 漏水 raised nothing (the word is grid01's); its open alerts are the earlier ones, urgent first.
    expect((await ok(await call('grid02', 'GET', '/api/v1/opinion/alerts'))).items.map((a: { word: string }) => a.word)).toEqual(['家暴', '打架']);
    expect((await ok(await call('xishan', 'DELETE', `/api/v1/opinion/watch-words/${added.id}`))).ok).toBe(true);

    // Stop words: the street's dispatcher adds one and it leaves the trends at once; community staff may not.
    expect((await call('xishan', 'POST', '/api/v1/opinion/stop-words', { word: '电梯' })).statusCode).toBe(403);
    expect(await ok(await call('street', 'POST', '/api/v1/opinion/stop-words', { word: '电梯' }), 201)).toEqual({ word: '电梯' });
    expect((await call('street', 'POST', '/api/v1/opinion/stop-words', { word: '电梯' })).json().error.code).toBe('OPINION_STOP_WORD_EXISTS');
    let t = await ok(await call('xishan', 'GET', `/api/v1/opinion/trends?week=${W1}`));
    expect(t.terms.map((x: { term: string }) => x.term)).not.toContain('电梯');
    expect((await ok(await call('xishan', 'GET', '/api/v1/opinion/stop-words'))).items).toContain('电梯');
    expect((await ok(await call('street', 'DELETE', `/api/v1/opinion/stop-words/${encodeURIComponent('电梯')}`))).ok).toBe(true);
    t = await ok(await call('xishan', 'GET', `/api/v1/opinion/trends?week=${W1}`));
    expect(t.terms.find((x: { term: string }) => x.term === '电梯')).toMatchObject({ count: 4, previous: 2 });
    expect(await countAudit(platform.ctx.db, 'community.opinion.stop-word.add')).toBe(1);
    expect(await countAudit(platform.ctx.db, 'community.opinion.watch-word.add')).toBe(1);
  });
});
