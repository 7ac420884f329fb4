import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { renderQrPng, renderQrSvg } from '../../platform/qr/qr.js';
import { CATALOGUE, CATALOGUE_GROUPS } from './matters.catalogue.js';
import { servicesTestModules, seedServicesFixture } from './services.fixture.js';

const bj = (local: string) => new Date(`${local}+08:00`);

describe(`service guide (办事指南) over HTTP (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};
  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(who ? s[who]!.headers : {}), ...headers } });
  const search = async (q: string, extra = '') => (await call(null, 'GET', `/api/v1/service-matters?q=${encodeURIComponent(q)}${extra}`)).json() as { items: { code: string; matched?: string[] }[]; total: number };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00'), modules: servicesTestModules() });
    fx = await seedFixture(platform.ctx);
    await seedServicesFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform, servicesTestModules());
    for (const u of ['admin', 'xishan', 'grid01', 'resident01', 'dongshan']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('is readable without login, and its edits need a login', async () => {
    for (const url of ['/api/v1/service-matters', '/api/v1/service-matters/groups', '/api/v1/service-matters/dibao', '/api/v1/service-matters/dibao/qr', '/api/v1/service-matters/dibao/poster']) {
      expect((await call(null, 'GET', url)).statusCode, url).toBe(200);
    }
    expect((await call(null, 'GET', '/api/v1/service-matters/staff')).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/service-matters/dibao/versions')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/service-matters/dibao/versions', {})).statusCode).toBe(401);
    // A resident reads the guide but does not edit it.
    expect((await call('resident01', 'GET', '/api/v1/service-matters/staff')).statusCode).toBe(403);
  });

  it('describes every route of the guide and applications in the OpenAPI document', async () => {
    const doc = (await call(null, 'GET', '/api/openapi.json')).json();
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/service-matters',
      '/api/v1/service-matters/groups',
      '/api/v1/service-matters/staff',
      '/api/v1/service-matters/{code}',
      '/api/v1/service-matters/{code}/qr',
      '/api/v1/service-matters/{code}/poster',
      '/api/v1/service-matters/{code}/versions',
      '/api/v1/service-matters/{code}/versions/{version}',
      '/api/v1/service-matters/{code}/versions/{version}/publish',
      '/api/v1/me/service-applications',
      '/api/v1/me/service-applications/prefill',
      '/api/v1/me/service-applications/{id}',
      '/api/v1/me/service-applications/{id}/receipt',
      '/api/v1/me/service-applications/{id}/steps/{transition}',
      '/api/v1/service-applications',
      '/api/v1/service-applications/statistics',
      '/api/v1/service-applications/handlers',
      '/api/v1/service-applications/prefill',
      '/api/v1/service-applications/on-behalf',
      '/api/v1/service-applications/batch',
      '/api/v1/service-applications/{id}',
      '/api/v1/service-applications/{id}/receipt',
      '/api/v1/service-applications/{id}/steps/{transition}',
      '/api/v1/service-applications/{id}/assign',
    ]) {
      expect(paths, p).toContain(p);
    }
    expect(doc.paths['/api/v1/me/service-applications'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('files');
  });

  it('seeds at least 30 realistic matters in the groups of the seed paper, each with a complete guide', async () => {
    const groups = (await call(null, 'GET', '/api/v1/service-matters/groups')).json();
    expect(groups.items.map((g: { name: string }) => g.name)).toEqual(['纳税缴费', '就医保健', '婚育收养', '教育与招考', '社保与住房', '民政救助', '户籍证照', '老年服务']);
    expect(groups.items.every((g: { matterCount: number }) => g.matterCount >= 4)).toBe(true);
    const list = (await call(null, 'GET', '/api/v1/service-matters?limit=200')).json();
    expect(list.total).toBe(CATALOGUE.length);
    expect(list.total).toBeGreaterThanOrEqual(30);
    expect(new Set(list.items.map((m: { groupCode: string }) => m.groupCode))).toEqual(new Set(CATALOGUE_GROUPS.map((g) => g.code)));
    expect(list.items.filter((m: { onlineApply: boolean }) => m.onlineApply).length).toBeGreaterThanOrEqual(25);

    const dibao = (await call(null, 'GET', '/api/v1/service-matters/dibao')).json();
    expect(dibao).toMatchObject({ code: 'dibao', name: '最低生活保障申请', groupName: '民政救助', mode: 'both', timeLimitDays: 30, version: 1, mobilePath: '/m/services/matters/dibao' });
    expect(dibao.content.conditions.length).toBeGreaterThanOrEqual(2);
    expect(dibao.content.materials.find((m: { code: string }) => m.code === 'authorization')).toMatchObject({
      name: '家庭经济状况核对授权书',
      form: 'original',
      formLabel: { 'zh-CN': '原件', en: 'Original' },
      copies: 1,
      required: true,
    });
    expect(dibao.content.materials.find((m: { code: string }) => m.code === 'authorization').example).toContain('签字');
    expect(dibao.content.steps.map((x: { title: string }) => x.title)).toEqual(['申请', '受理', '审核', '办结']);
    expect(dibao.content.legalBasis).toContain('《社会救助暂行办法》');
    expect(dibao.content.fee.free).toBe(true);
    expect(dibao.content.place.hours).toContain('8:30');
    expect(dibao.content.place.mapUrl).toMatch(/^https:\/\/uri\.amap\.com\//);
    expect(dibao.content.form.fields.filter((f: { prefill?: string }) => f.prefill).map((f: { prefill: string }) => f.prefill)).toEqual(['name', 'idNumber', 'phone', 'address']);
    expect(dibao.uploadMaterials).toEqual(['id-card', 'hukou', 'income', 'authorization', 'medical', 'bank']);

    // Offline-only matters have no form.
    const geshui = (await call(null, 'GET', '/api/v1/service-matters/geshui-fudao')).json();
    expect(geshui.onlineApply).toBe(false);
    expect(geshui.content.form).toBeNull();
    expect((await call(null, 'GET', '/api/v1/service-matters/no-such-matter')).statusCode).toBe(404);
  });

  it('finds matters by a Chinese fragment, full pinyin, initials and keywords', async () => {
    const codes = async (q: string) => (await search(q)).items.map((m) => m.code);
    // 汉字 fragments: a keyword (低保 is not in the name 最低生活保障申请), a name fragment, one character.
    expect((await codes('低保'))[0]).toBe('dibao');
    expect((await codes('生活保障'))[0]).toBe('dibao');
    expect(await codes('居住证')).toEqual(expect.arrayContaining(['juzhuzheng']));
    expect((await codes('居住证'))[0]).toBe('juzhuzheng');
    const can = await codes('残');
    expect(can).toEqual(expect.arrayContaining(['canjiren-zheng', 'canji-liangxiang-butie']));
    expect(await codes('高龄津贴')).toEqual(['gaoling-jintie']);
    // Two words: both must match.
    expect(await codes('老年 体检')).toEqual(['laonian-tijian']);
    // Pinyin from the name's start, from a syllable inside it, and initials.
    expect((await codes('dibao'))[0]).toBe('dibao');
    expect((await codes('zuidishenghuo'))[0]).toBe('dibao');
    expect(await codes('gaolingjintie')).toEqual(['gaoling-jintie']);
    expect((await codes('zdshbz'))[0]).toBe('dibao');
    expect(await codes('glj')).toEqual(['gaoling-jintie']);
    expect(await codes('jujia')).toContain('jujia-yanglao-butie');
    // Keyword pinyin initials: 公租房 → gzf.
    expect((await codes('gzf'))[0]).toBe('gongzufang');
    const matched = (await search('低保')).items[0]!.matched;
    expect(matched).toContain('keyword');
    // Nothing sensible: nothing found; only a group: filtered.
    expect((await search('xyzqq')).total).toBe(0);
    expect((await search('！！')).total).toBe(0);
    const inGroup = await search('补贴', '&group=elderly');
    expect(inGroup.items.map((m) => m.code)).toContain('jujia-yanglao-butie');
    expect(inGroup.items.every((m) => CATALOGUE.find((c) => c.code === m.code)!.group === 'elderly')).toBe(true);
  });

  it('gives every matter a QR code to its mobile page and a printable A4 poster', async () => {
    const svg = await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie/qr', undefined, { host: 'linli.example.cn' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    // The code holds the matter's mobile page on the origin the caller used.
    expect(svg.body).toBe(await renderQrSvg('http://linli.example.cn/m/services/matters/gaoling-jintie'));
    const png = await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie/qr?format=png&size=256', undefined, { host: 'linli.example.cn' });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.equals(await renderQrPng('http://linli.example.cn/m/services/matters/gaoling-jintie', { width: 256 }))).toBe(true);

    const poster = await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie/poster', undefined, { host: 'linli.example.cn' });
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toContain('text/html');
    expect(poster.body).toContain('@page { size: A4 portrait');
    expect(poster.body).toContain('<h1>高龄津贴申领</h1>');
    expect(poster.body).toContain('10个工作日');
    expect(poster.body).toContain('申请人居民身份证');
    expect(poster.body).toContain('<svg');
    expect(poster.body).toContain('http://linli.example.cn/m/services/matters/gaoling-jintie');
    expect(poster.body).not.toContain('<script');
    const en = await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie/poster?lang=en');
    expect(en.body).toContain('Allowance for people aged 80 and over');
    expect(en.body).toContain('10 working days');
    expect((await call(null, 'GET', '/api/v1/service-matters/nope/poster')).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/v1/service-matters/nope/qr')).statusCode).toBe(404);
  });

  it('keeps every edit as a new version, shows the published one, and re-indexes search on publishing', async () => {
    const current = (await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie')).json();
    const content = { ...current.content, summary: `${current.content.summary}（2027年起标准提高）`, keywords: [...current.content.keywords, '长寿补贴'] };
    for (const m of content.materials) {
      delete m.formLabel;
      if (m.example === null) delete m.example;
      if (m.note === null) delete m.note;
    }
    const before = await countAudit(platform.ctx.db, 'services.matter.version');
    // Community staff keep their own matters, not the deployment-wide catalogue.
    const denied = await call('xishan', 'POST', '/api/v1/service-matters/gaoling-jintie/versions', { content, note: '提高标准' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('SERVICE_MATTER_FORBIDDEN');

    const draft = await call('admin', 'POST', '/api/v1/service-matters/gaoling-jintie/versions', { content, note: '提高标准', baseVersion: 1 });
    expect(draft.statusCode).toBe(201);
    expect(draft.json()).toMatchObject({ version: 2, publishedVersion: 1, latestVersion: 2 });
    expect(await countAudit(platform.ctx.db, 'services.matter.version')).toBe(before + 1);
    // The guide still shows version 1; the new keyword is not searchable yet.
    expect((await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie')).json().version).toBe(1);
    expect((await search('长寿补贴')).total).toBe(0);
    // An editor who started from version 1 is told someone else changed it.
    const stale = await call('admin', 'POST', '/api/v1/service-matters/gaoling-jintie/versions', { content, baseVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('SERVICE_MATTER_VERSION_CONFLICT');

    const published = await call('admin', 'POST', '/api/v1/service-matters/gaoling-jintie/versions/2/publish');
    expect(published.statusCode).toBe(200);
    const shown = (await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie')).json();
    expect(shown.version).toBe(2);
    expect(shown.summary).toContain('2027年起标准提高');
    expect((await search('长寿补贴')).items.map((m) => m.code)).toEqual(['gaoling-jintie']);

    const history = (await call('grid01', 'GET', '/api/v1/service-matters/gaoling-jintie/versions')).json();
    expect(history).toMatchObject({ publishedVersion: 2, latestVersion: 2 });
    expect(history.items.map((v: { version: number; published: boolean }) => [v.version, v.published])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(history.items[0]).toMatchObject({ note: '提高标准', createdBy: '系统管理员', publishedBy: '系统管理员' });
    expect((await call('grid01', 'GET', '/api/v1/service-matters/gaoling-jintie/versions/1')).json().content.summary).toBe(CATALOGUE.find((c) => c.code === 'gaoling-jintie')!.content.summary);

    // Rolling back is publishing the old version again.
    expect((await call('admin', 'POST', '/api/v1/service-matters/gaoling-jintie/versions/1/publish')).statusCode).toBe(200);
    expect((await call(null, 'GET', '/api/v1/service-matters/gaoling-jintie')).json().version).toBe(1);
    expect((await search('长寿补贴')).total).toBe(0);
    expect(await countAudit(platform.ctx.db, 'services.matter.publish')).toBeGreaterThanOrEqual(2);
  });

  it("lets a community keep its own matters, shown to its residents and not to another community's", async () => {
    const base = (await call(null, 'GET', '/api/v1/service-matters/laonian-zhucan')).json().content;
    for (const m of base.materials) {
      delete m.formLabel;
      if (m.example === null) delete m.example;
      if (m.note === null) delete m.note;
    }
    const content = { ...base, name: '西山社区会议室借用', summary: '社区居民、社会组织开展公益活动可借用社区二楼会议室。', keywords: ['场地借用', '会议室'] };
    const created = await call('xishan', 'POST', '/api/v1/service-matters', { code: 'xs-changdi', groupCode: 'elderly', orgNodeId: fx.nodes.xishan.id, content, publish: true });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'xs-changdi', orgNodeName: '西山社区', status: 'published', version: 1 });
    // 东山社区's staff cannot edit it, nor create matters for 西山社区.
    expect((await call('dongshan', 'PATCH', '/api/v1/service-matters/xs-changdi', { sort: 1 })).statusCode).toBe(403);
    expect((await call('dongshan', 'POST', '/api/v1/service-matters', { code: 'xs-other', groupCode: 'elderly', orgNodeId: fx.nodes.xishan.id, content })).statusCode).toBe(403);
    const duplicate = await call('xishan', 'POST', '/api/v1/service-matters', { code: 'xs-changdi', groupCode: 'elderly', orgNodeId: fx.nodes.xishan.id, content });
    expect(duplicate.statusCode).toBe(409);

    const inXishan = (await call(null, 'GET', `/api/v1/service-matters?q=${encodeURIComponent('会议室')}&communityId=${fx.nodes.xishan.id}`)).json();
    expect(inXishan.items.map((m: { code: string }) => m.code)).toEqual(['xs-changdi']);
    const inDongshan = (await call(null, 'GET', `/api/v1/service-matters?q=${encodeURIComponent('会议室')}&communityId=${fx.nodes.dongshan.id}`)).json();
    expect(inDongshan.total).toBe(0);
    // The deployment-wide catalogue is there for both.
    expect((await call(null, 'GET', `/api/v1/service-matters?limit=200&communityId=${fx.nodes.dongshan.id}`)).json().total).toBe(CATALOGUE.length);

    // 停办: out of the guide and its search, back on restore.
    expect((await call('xishan', 'PATCH', '/api/v1/service-matters/xs-changdi', { status: 'withdrawn' })).statusCode).toBe(200);
    expect((await call(null, 'GET', '/api/v1/service-matters/xs-changdi')).statusCode).toBe(404);
    expect((await search('会议室')).total).toBe(0);
    const staff = (await call('xishan', 'GET', '/api/v1/service-matters/staff?status=withdrawn')).json();
    expect(staff.items.find((m: { code: string }) => m.code === 'xs-changdi')).toMatchObject({ status: 'withdrawn', mayEdit: true });
    expect((await call('xishan', 'PATCH', '/api/v1/service-matters/xs-changdi', { status: 'published' })).statusCode).toBe(200);
    expect((await search('会议室')).items.map((m) => m.code)).toEqual(['xs-changdi']);
    expect(await countAudit(platform.ctx.db, 'services.matter.create')).toBe(1);
  });

  it('refuses bad matters with messages in Chinese and English', async () => {
    const content = (await call(null, 'GET', '/api/v1/service-matters/laonian-zhucan')).json().content;
    const bad = { ...content, name: '', mode: 'online', form: null };
    const zh = await call('admin', 'POST', '/api/v1/service-matters', { code: 'bad matter!', groupCode: 'elderly', content: bad });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.code).toBe('VALIDATION_FAILED');
    expect(zh.json().error.message).toBe('输入有误，请检查标出的字段');
    const fields = zh.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.content.name']));
    const en = await call('admin', 'POST', '/api/v1/service-matters?lang=en', { code: 'bad matter!', groupCode: 'elderly', content: bad });
    expect(en.json().error.message).toBe('Invalid input; check the fields listed');

    const good = { ...content };
    for (const m of good.materials) {
      delete m.formLabel;
      if (m.example === null) delete m.example;
      if (m.note === null) delete m.note;
    }
    const noGroup = await call('admin', 'POST', '/api/v1/service-matters?lang=en', { code: 'x-new', groupCode: 'no-group', content: good });
    expect(noGroup.statusCode).toBe(400);
    expect(noGroup.json().error).toMatchObject({ code: 'SERVICE_GROUP_UNKNOWN', message: 'No matter group "no-group"' });
    const reserved = await call('admin', 'POST', '/api/v1/service-matters', { code: 'staff', groupCode: 'elderly', content: good });
    expect(reserved.statusCode).toBe(400);
    const noVersion = await call('admin', 'GET', '/api/v1/service-matters/dibao/versions/9');
    expect(noVersion.statusCode).toBe(404);
    expect(noVersion.json().error.message).toBe('事项“dibao”没有第 9 版');
  });
});
