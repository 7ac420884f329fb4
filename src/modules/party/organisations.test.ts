import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { LinliApp } from '../../platform/http/app.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { importSettings, runImport } from './organisations.import.js';
import { PARTY_PEOPLE, seedPartyFixture, type PartyFixture } from './party.fixture.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Org {
  id: string;
  name: string;
  kind: string;
  memberCount: number;
  leaders: { name: string; post: string }[];
  abilities: { keep: boolean; run: boolean; decide: boolean };
}
interface Member {
  id: string;
  name: string;
  orgName: string;
  groupName: string | null;
  category: string;
  joinedOn: string;
  confirmedOn: string | null;
  isMobile: boolean;
  mobileLocation: string | null;
  posts: { orgName: string; post: string }[];
  version: number;
  idMasked?: string | null;
}

describe(`party organisations and members 党组织与党员 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let pf: PartyFixture;
  const s: Record<string, Session> = {};

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const audits = async (action: string) => (await platform.ctx.db.kysely.selectFrom('audit_log').select(['seq', 'actor_name', 'details', 'outcome']).where('action', '=', action).orderBy('seq').execute());

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-16T01:00:00Z') }); // Monday 09:00 Beijing
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    pf = await seedPartyFixture(platform.ctx, fx, reg);
    app = await createTestApp(platform);
    for (const u of ['party', 'xishan', 'street', 'resident01', 'grid01', 'sec1', 'sec2', 'dsparty', 'auditor']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('shows each the organisations of their own area, or those they lead by post', async () => {
    const names = async (who: string) => ((await call(who, 'GET', '/api/v1/party/orgs')).json() as { items: Org[] }).items.map((o) => o.name);
    expect(await names('party')).toEqual(['西山社区党委', '第一党支部', '第一党小组', '第二党支部']);
    expect(await names('xishan')).toEqual(['西山社区党委', '第一党支部', '第一党小组', '第二党支部']);
    expect(await names('dsparty')).toEqual(['东山社区党委', '东山社区第一党支部']);
    // The street reads both communities.
    expect((await names('street')).sort()).toEqual(['东山社区党委', '东山社区第一党支部', '第一党支部', '第一党小组', '第二党支部', '西山社区党委'].sort());
    // A branch secretary (a resident account) sees the branch they lead and its group, nothing else.
    expect(await names('sec1')).toEqual(['第一党支部', '第一党小组']);
    // A member without a leading post, and a grid worker: nothing.
    expect(await names('resident01')).toEqual([]);
    expect(await names('grid01')).toEqual([]);
    // Counts, leaders and what each may do.
    const tree = ((await call('party', 'GET', '/api/v1/party/orgs')).json() as { items: Org[] }).items;
    expect(tree.find((o) => o.name === '西山社区党委')).toMatchObject({ memberCount: 5, abilities: { keep: true, run: true, decide: true } });
    expect(tree.find((o) => o.name === '第一党支部')).toMatchObject({ memberCount: 3, leaders: [{ name: '沈建华', post: '书记' }] });
    expect(tree.find((o) => o.name === '第一党小组')).toMatchObject({ memberCount: 2 });
    const sec1 = ((await call('sec1', 'GET', '/api/v1/party/orgs')).json() as { items: Org[] }).items;
    expect(sec1[0]!.abilities).toEqual({ keep: false, run: true, decide: true });
    const staff = ((await call('xishan', 'GET', '/api/v1/party/orgs')).json() as { items: Org[] }).items;
    // Community staff keep the rolls but do not decide for the committee.
    expect(staff[0]!.abilities).toEqual({ keep: true, run: true, decide: false });
  });

  it('builds the tree 党委 → 党总支 → 党支部 → 党小组 in the right order only, within the caller’s area', async () => {
    const general = await call('xishan', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.committee, kind: 'general_branch', name: '西山社区机关党总支' });
    expect(general.statusCode, general.body).toBe(201);
    const under = await call('xishan', 'POST', '/api/v1/party/orgs', { parentId: general.json().id, kind: 'branch', name: '社区机关党支部' });
    expect(under.statusCode).toBe(201);
    expect(under.json().path).toBe(`/${pf.orgs.committee}/${general.json().id}/${under.json().id}/`);
    const wrong = await call('xishan', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.group1, kind: 'branch', name: '错误支部' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'PARTY_ORG_PARENT_KIND', message: '党支部不能设在党小组之下' });
    const wrongEn = await call('xishan', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.group1, kind: 'branch', name: '错误支部' }, 'en');
    expect(wrongEn.json().error.message).toBe('A 党支部 cannot sit under a 党小组');
    // Another community's secretary cannot add to 西山's tree (it does not exist for them).
    const foreign = await call('dsparty', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.committee, kind: 'branch', name: '越界支部' });
    expect(foreign.statusCode).toBe(404);
    // Nor attach a tree of their own to 西山's node.
    expect((await call('dsparty', 'POST', '/api/v1/party/orgs', { kind: 'committee', name: '越界党委', orgNodeId: fx.nodes.xishan.id })).statusCode).toBe(403);
    // A branch secretary leads, but does not keep the tree (route-level: no party.manage).
    expect((await call('sec1', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.branch1, kind: 'group', name: '第二党小组' })).statusCode).toBe(403);
    // A bad kind: 400 with the field, in both languages.
    const bad = await call('xishan', 'POST', '/api/v1/party/orgs', { parentId: pf.orgs.committee, kind: 'cell', name: '小组' }, 'en');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid input; check the fields listed' });
    expect(bad.json().error.details[0].field).toBe('body.kind');
    expect((await audits('party.org.create')).length).toBeGreaterThanOrEqual(8);
  });

  it('puts registry people on the rolls by ID number, refusing the unknown, the outsider and a second entry', async () => {
    const ok = await call('xishan', 'POST', '/api/v1/party/members', { idNumber: PARTY_PEOPLE.qian.idNumber, orgId: pf.orgs.branch2, category: 'probationary', joinedOn: '2026-06-30', mobile: { location: '杭州市滨江区 某网络公司' } });
    expect(ok.statusCode, ok.body).toBe(201);
    const m = ok.json() as Member;
    expect(m).toMatchObject({ name: '钱国平', orgName: '第二党支部', category: 'probationary', joinedOn: '2026-06-30', confirmedOn: null, isMobile: true, mobileLocation: '杭州市滨江区 某网络公司' });
    expect(m.idMasked).toMatch(/^330481\*+\d{3}[\dX]$/);
    // No ID number or phone is stored on the rolls: the registry keeps them.
    const row = await platform.ctx.db.kysely.selectFrom('party_member').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(PARTY_PEOPLE.qian.idNumber);
    expect(row.person_id).toBe(pf.people.qian);

    const again = await call('xishan', 'POST', '/api/v1/party/members', { personId: pf.people.qian, orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'PARTY_MEMBER_EXISTS', message: '此人已在党员名册中（第二党支部）' });
    const unknown = await call('xishan', 'POST', '/api/v1/party/members', { idNumber: composeIdNumber('330481', '19800101', 991), orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PARTY_PERSON_NOT_IN_REGISTRY');
    // 陈东 lives in 东山社区: not on 西山's rolls (that is a transfer).
    const outside = await call('xishan', 'POST', '/api/v1/party/members', { personId: reg.people.chen, orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' });
    expect(outside.json().error.code).toBe('PARTY_PERSON_OUTSIDE');
    // A group of another branch, a committee instead of a branch.
    expect((await call('xishan', 'POST', '/api/v1/party/members', { idNumber: PARTY_PEOPLE.wu.idNumber, orgId: pf.orgs.branch2, groupId: pf.orgs.group1, category: 'full', joinedOn: '2000-01-01' })).json().error.code).toBe('PARTY_GROUP_INVALID');
    expect((await call('xishan', 'POST', '/api/v1/party/members', { idNumber: PARTY_PEOPLE.wu.idNumber, orgId: pf.orgs.committee, category: 'full', joinedOn: '2000-01-01' })).json().error.code).toBe('PARTY_BRANCH_REQUIRED');
  });

  it('refuses bad input with a message in Chinese and English', async () => {
    const badId = await call('xishan', 'POST', '/api/v1/party/members', { idNumber: '330481198001010011', orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details).toContainEqual(expect.objectContaining({ field: 'body.idNumber', code: 'ID_NUMBER_INVALID', message: '身份证号码无效' }));
    const both = (lang: string) => call('xishan', 'POST', '/api/v1/party/members', { idNumber: PARTY_PEOPLE.wu.idNumber, orgId: pf.orgs.branch2, category: 'probationary', joinedOn: '2026-01-01', confirmedOn: '2026-10-01' }, lang);
    expect((await both('zh-CN')).json().error).toMatchObject({ code: 'PARTY_DATES_INVALID', message: '入党时间、转正时间有误：预备党员没有转正时间' });
    // (Wu lives in 第二网格 but the English message is the point here.)
    const en = (await both('en')).json().error;
    expect(en.code).toBe('PARTY_DATES_INVALID');
    expect(en.message).toMatch(/^Joining and confirmation dates are wrong/);
    const future = await call('xishan', 'POST', '/api/v1/party/members', { idNumber: PARTY_PEOPLE.wu.idNumber, orgId: pf.orgs.branch2, category: 'full', joinedOn: '2027-01-01' });
    expect(future.json().error.message).toBe('入党时间、转正时间有误：不能晚于今天');
    const who = await call('xishan', 'POST', '/api/v1/party/members', { orgId: pf.orgs.branch2, category: 'full', joinedOn: '2000-01-01' }, 'en');
    expect(who.statusCode).toBe(400);
    expect(who.json().error.details[0].field).toBe('body.personId');
    const badDate = await call('xishan', 'POST', '/api/v1/party/members', { personId: pf.people.wu, orgId: pf.orgs.branch2, category: 'full', joinedOn: '2000-13-01' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '输入有误，请检查标出的字段' });
  });

  it('keeps posts (one 书记 per organisation), 转正 with a date, and refuses a stale edit', async () => {
    const list = (await call('party', 'GET', `/api/v1/party/members?orgId=${pf.orgs.branch1}`)).json() as { items: Member[]; total: number };
    expect(list.items.map((m) => m.name).sort()).toEqual(['徐美玲', '朱志强', '沈建华'].sort());
    const xu = list.items.find((m) => m.name === '徐美玲')!;
    const taken = await call('party', 'PUT', `/api/v1/party/members/${xu.id}/posts`, { posts: [{ orgId: pf.orgs.branch1, post: '书记' }], expectedVersion: xu.version });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toBe('第一党支部的书记已由沈建华担任，请先免去其职务');
    const groupPost = await call('party', 'PUT', `/api/v1/party/members/${xu.id}/posts`, { posts: [{ orgId: pf.orgs.group1, post: '组织委员' }], expectedVersion: xu.version });
    expect(groupPost.json().error.code).toBe('PARTY_POST_GROUP_ONLY');
    const deputy = await call('party', 'PUT', `/api/v1/party/members/${xu.id}/posts`, { posts: [{ orgId: pf.orgs.branch1, post: '副书记' }], expectedVersion: xu.version });
    expect(deputy.statusCode, deputy.body).toBe(200);
    expect((deputy.json() as Member).posts).toEqual([expect.objectContaining({ orgName: '第一党支部', post: '副书记' })]);
    // The old post is kept with its end date.
    const detail = (await call('party', 'GET', `/api/v1/party/members/${xu.id}`)).json() as Member & { pastPosts: { post: string; toOn: string }[] };
    expect(detail.pastPosts).toEqual([expect.objectContaining({ post: '组织委员', toOn: '2026-11-16' })]);
    // The same version again: someone moved first.
    expect((await call('party', 'PUT', `/api/v1/party/members/${xu.id}/posts`, { posts: [], expectedVersion: xu.version })).statusCode).toBe(409);
    // A 副书记 leads too: she now sees her branch.
    const s2 = await loginAs(app, 'volunteer01');
    const led = (await app.inject({ method: 'GET', url: '/api/v1/party/orgs', headers: { cookie: s2.cookie } })).json() as { items: Org[] };
    expect(led.items.map((o) => o.name)).toEqual(['第一党支部', '第一党小组']);

    const qian = ((await call('party', 'GET', `/api/v1/party/members?orgId=${pf.orgs.branch2}&category=probationary`)).json() as { items: Member[] }).items[0]!;
    expect(qian.name).toBe('钱国平');
    const noDate = await call('party', 'PATCH', `/api/v1/party/members/${qian.id}`, { category: 'full', expectedVersion: qian.version });
    expect(noDate.json().error.message).toBe('入党时间、转正时间有误：转为正式党员须填写转正时间');
    const early = await call('party', 'PATCH', `/api/v1/party/members/${qian.id}`, { category: 'full', confirmedOn: '2026-01-01', expectedVersion: qian.version });
    expect(early.json().error.message).toBe('入党时间、转正时间有误：转正时间不能早于入党时间');
    const confirmed = await call('party', 'PATCH', `/api/v1/party/members/${qian.id}`, { category: 'full', confirmedOn: '2026-11-16', mobile: null, expectedVersion: qian.version });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ category: 'full', confirmedOn: '2026-11-16', isMobile: false, mobileLocation: null });
    expect((await audits('party.member.confirm')).length).toBe(1);
    expect((await call('party', 'PATCH', `/api/v1/party/members/${qian.id}`, { category: 'full', confirmedOn: '2026-11-16', expectedVersion: qian.version })).json().error.code).toBe('PARTY_MEMBER_STALE');
  });

  it('reads the rolls within the area only, and audits every read', async () => {
    const before = (await audits('party.member.list')).length;
    const ds = await call('dsparty', 'GET', `/api/v1/party/members?orgId=${pf.orgs.branch1}`);
    expect(ds.statusCode).toBe(404);
    const dsOwn = (await call('dsparty', 'GET', '/api/v1/party/members')).json() as { items: Member[] };
    expect(dsOwn.items.map((m) => m.name)).toEqual(['陈东']);
    // A branch secretary reads their own branch's rolls; not the other branch.
    const sec1 = (await call('sec1', 'GET', '/api/v1/party/members')).json() as { items: Member[] };
    expect(sec1.items.map((m) => m.orgName)).toEqual(['第一党支部', '第一党支部', '第一党支部']);
    expect((await call('sec1', 'GET', `/api/v1/party/members?orgId=${pf.orgs.branch2}`)).statusCode).toBe(404);
    expect((await call('sec1', 'GET', `/api/v1/party/members/${pf.members.wang}`)).statusCode).toBe(404);
    // A member reads their own record only.
    expect((await call('resident01', 'GET', `/api/v1/party/members/${pf.members.zhu}`)).statusCode).toBe(200);
    expect((await call('resident01', 'GET', `/api/v1/party/members/${pf.members.xu}`)).statusCode).toBe(404);
    expect((await call('resident01', 'GET', '/api/v1/party/members')).statusCode).toBe(403);
    // The auditor holds no party permission.
    expect((await call('auditor', 'GET', '/api/v1/party/members')).statusCode).toBe(403);
    expect((await audits('party.member.list')).length).toBe(before + 2);
    const reads = await audits('party.member.read');
    expect(reads.some((r) => r.actor_name === 'resident01' && JSON.parse(r.details!).own === true)).toBe(true);
    // Writes need party.manage: a branch secretary and a resident cannot put people on the rolls.
    expect((await call('sec1', 'POST', '/api/v1/party/members', { personId: pf.people.wu, orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' })).statusCode).toBe(403);
    expect((await call('street', 'POST', '/api/v1/party/members', { personId: pf.people.wu, orgId: pf.orgs.branch1, category: 'full', joinedOn: '2000-01-01' })).statusCode).toBe(403);
  });

  it('imports a roster from xlsx in the background, with a report of every rejected row and why', async () => {
    importSettings.chunkRows = 3;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('党员名册');
    ws.addRow(['西山社区党委党员花名册（2026年11月）']);
    ws.addRow(['序号', '姓名', '身份证号', '所在支部', '党小组', '党员类型', '入党时间', '转正时间', '党内职务', '是否流动党员', '流动去向', '联系电话']);
    ws.getColumn(3).numFmt = '@';
    const R = REGISTRY_PEOPLE;
    const P = PARTY_PEOPLE;
    const rows: unknown[][] = [
      [1, P.wu.name, P.wu.idNumber, '第二党支部', '', '正式党员', '2012年7月1日', '2013/7/1', '宣传委员', '是', '上海市浦东新区', P.wu.phone], // new
      [2, P.shen.name, P.shen.idNumber, '第一党支部', '', '正式党员', '1998-07-01', '1999-07-01', '书记', '否', '', P.shen.phone], // unchanged
      [3, R.wang.name, R.wang.idNumber, '第二党支部', '', '正式党员', '1975-07-01', '1976-07', '组织委员', '', '', R.wang.phone], // updated
      [4, '李某', '330481198001010011', '第一党支部', '', '正式党员', '2000-07-01', '2001-07-01', '', '', '', ''], // check digit
      [5, '周某', composeIdNumber('330481', '19850505', 771), '第一党支部', '', '正式党员', '2005-07-01', '2006-07-01', '', '', '', ''], // not in registry
      [6, '错名字', R.zhu.idNumber, '第一党支部', '第一党小组', '正式党员', '2000-07-01', '2001-07-01', '', '', '', ''], // name mismatch
      [7, P.yao.name, P.yao.idNumber, '第一党支部', '', '正式党员', '2000-07-01', '2001-07-01', '', '', '', ''], // lives in 东山
      [8, R.xu.name, R.xu.idNumber, '第九党支部', '', '正式党员', '2000-07-01', '2001-07-01', '', '', '', ''], // no such branch
      [9, P.wu.name, P.wu.idNumber, '第二党支部', '', '正式党员', '2012-07-01', '2013-07-01', '', '', '', ''], // duplicate of row 3
      [10, '甲', composeIdNumber('330481', '19910101', 101), '第一党支部', '', '预备党员', '2025-07-01', '2026-07-01', '', '', '', ''], // probationary with a date
      [11, R.zhu.name, 33048119800101, '第一党支部', '', '正式党员', '2000-07-01', '2001-07-01', '', '', '', ''], // Excel number
      [12, '乙', composeIdNumber('330481', '19910101', 103), '第一党支部', '', '正式', '20000701', '2001.7.1', '组织员', '', '', ''], // unknown post
      [13, '丙', composeIdNumber('330481', '19910101', 105), '第一党支部', '', '正式党员', '2000-07-01', '1999-07-01', '', '', '', ''], // confirmed before joining
      [14, '丁', composeIdNumber('330481', '19910101', 107), '第一党支部', '', '正式党员', '2000-07-01', '2001-07-01', '', '是', '', ''], // mobile without place
    ];
    for (const r of rows) ws.addRow(r);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const fileId = await uploadFile(app, s.xishan!, 'party.import', { name: '西山党员名册.xlsx', mime: XLSX, bytes });
    const start = await call('xishan', 'POST', '/api/v1/party/imports', { attachmentId: fileId, orgId: pf.orgs.committee });
    expect(start.statusCode, start.body).toBe(202);
    expect(start.json()).toMatchObject({ status: 'queued', totalRows: 14, processedRows: 0 });
    // Someone else's upload cannot be imported.
    expect((await call('party', 'POST', '/api/v1/party/imports', { attachmentId: fileId, orgId: pf.orgs.committee })).json().error.code).toBe('PARTY_IMPORT_FILE');
    await runImport(platform.ctx, start.json().id);
    const done = (await call('xishan', 'GET', `/api/v1/party/imports/${start.json().id}`)).json();
    expect(done).toMatchObject({ status: 'done', processedRows: 14, counts: { created: 1, updated: 1, unchanged: 1, rejected: 11 } });
    const reasons = Object.fromEntries((done.rejections.items as { rowNumber: number; reason: string }[]).map((r) => [r.rowNumber, r.reason]));
    expect(reasons).toEqual({
      6: '身份证号校验位错误，请核对',
      7: '人口信息中没有此身份证号的人员，请先登记人口信息',
      8: '姓名与人口信息中登记的不一致，请核对',
      9: '此人不住在本党组织所在区域，请办理组织关系转接',
      10: expect.stringMatching(/^所在支部“第九党支部”不存在（可填：第一党支部、第二党支部/),
      11: '与第 3 行身份证号重复',
      12: '预备党员不应填写转正时间',
      13: expect.stringMatching(/^身份证号被 Excel 存成了数字/),
      14: expect.stringMatching(/^党内职务“组织员”无法识别/),
      15: '转正时间早于入党时间',
      16: '流动党员须填写流动去向',
    });
    // The rejected rows carry no full ID number.
    expect(JSON.stringify(done.rejections.items)).not.toContain(R.zhu.idNumber);
    const wu = ((await call('xishan', 'GET', `/api/v1/party/members?q=${encodeURIComponent('吴晓东')}`)).json() as { items: Member[] }).items[0]!;
    expect(wu).toMatchObject({ orgName: '第二党支部', joinedOn: '2012-07-01', confirmedOn: '2013-07-01', isMobile: true, mobileLocation: '上海市浦东新区', posts: [expect.objectContaining({ post: '宣传委员' })] });
    // The import is the party's word on 政治面貌: the registry follows, with the source in the history.
    expect((await platform.ctx.db.kysely.selectFrom('person').select('political_status').where('id', '=', pf.people.wu).executeTakeFirstOrThrow()).political_status).toBe('中共党员');
    expect(await platform.ctx.db.kysely.selectFrom('person_change').select(['new_value', 'source', 'reason']).where('person_id', '=', pf.people.wu).where('field', '=', 'politicalStatus').execute()).toEqual([
      { new_value: '中共党员', source: 'party', reason: '党员名册导入：第二党支部' },
    ]);
    const wang = ((await call('xishan', 'GET', `/api/v1/party/members?q=${encodeURIComponent('王秀英')}`)).json() as { items: Member[] }).items[0]!;
    expect(wang).toMatchObject({ joinedOn: '1975-07-01', confirmedOn: '1976-07-01', posts: [expect.objectContaining({ post: '组织委员' })] });
    // The report: 行号, 原因, then the row as read (numbers masked).
    const report = await app.inject({ method: 'GET', url: `/api/v1/party/imports/${start.json().id}/rejections.xlsx`, headers: { cookie: s.xishan!.cookie } });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('spreadsheetml');
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = back.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('共 11 行');
    expect(sheet.getRow(2).values).toEqual([undefined, '行号', '原因', '序号', '姓名', '身份证号', '所在支部', '党小组', '党员类型', '入党时间', '转正时间', '党内职务', '是否流动党员', '流动去向', '联系电话']);
    expect(sheet.getRow(3).getCell(1).value).toBe(6);
    expect(sheet.getRow(3).getCell(2).value).toBe('身份证号校验位错误，请核对');
    expect(String(sheet.getRow(5).getCell(5).value)).toMatch(/^330481\*+/);
    expect((await audits('party.import.rejections.export')).length).toBe(1);
    // Importing the same file again changes nothing and creates no one twice.
    const again = await call('xishan', 'POST', '/api/v1/party/imports', { attachmentId: fileId, orgId: pf.orgs.committee });
    await runImport(platform.ctx, again.json().id);
    expect((await call('xishan', 'GET', `/api/v1/party/imports/${again.json().id}`)).json().counts).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 11 });
    // A file without the required columns is refused at once.
    const bad = new ExcelJS.Workbook();
    bad.addWorksheet('x').addRow(['姓名', '身份证号', '备注']);
    bad.worksheets[0]!.addRow(['张三', '1', '']);
    const badId = await uploadFile(app, s.xishan!, 'party.import', { name: '缺列.xlsx', mime: XLSX, bytes: Buffer.from(await bad.xlsx.writeBuffer()) });
    const refused = await call('xishan', 'POST', '/api/v1/party/imports', { attachmentId: badId, orgId: pf.orgs.committee });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'PARTY_IMPORT_MISSING_COLUMNS', message: '缺少必需的列：所在支部、党员类型、入党时间' });
    importSettings.chunkRows = 200;
  });
});
