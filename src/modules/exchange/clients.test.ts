import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import { openPlatform, type Platform } from '../../platform/bootstrap.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import { buildApp } from '../../platform/http/app.js';
import { modules } from '../index.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { tagPeople } from '../registry/scope.fixture.js';
import { renderQrPng } from '../../platform/qr/qr.js';

const HOUR = 3600_000;

describe(`exchange clients 部门接入与密钥 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  const s: Record<string, Session> = {};
  let clientId: string;

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });
  const withKey = (key: string, url: string, lang?: string, on: LinliApp = app) => on.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, ...(lang ? { 'accept-language': lang } : {}) } });
  const issue = async (body: Record<string, unknown>) => {
    const res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '人社系统密钥', tags: ['低保'], fields: ['name', 'idNumber', 'tags', 'phone'], orgNodeId: fx.nodes.xishan.id, purpose: '低保对象就业援助核查', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string; prefix: string; consentFields: string[] };
  };
  const audits = (action: string, outcome?: 'success' | 'denied' | 'failure') => {
    let q = platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (outcome) q = q.where('outcome', '=', outcome);
    return q.orderBy('seq').execute();
  };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    // 低保: 朱志强 (grid01) and 王秀英 (grid02) in 西山, 陈东 in 东山; 徐美玲 is 退役军人 only.
    await tagPeople(platform.ctx, [
      { personId: reg.people.zhu, tag: '低保' },
      { personId: reg.people.wang, tag: '低保' },
      { personId: reg.people.chen, tag: '低保' },
      { personId: reg.people.xu, tag: '退役军人' },
    ]);
    app = await createTestApp(platform);
    for (const u of ['admin', 'xishan', 'civil', 'grid01', 'grid02']) s[u] = await loginAs(app, u);
    // 人社 (social-security): mandate tags 低保, 退役军人; fields without phone or address.
    const res = await call('admin', 'POST', '/api/v1/exchange/clients', { departmentCode: 'social-security', name: '海宁市人社局就业援助系统', contact: '就业科 张工 13800001111', orgNodeId: fx.nodes.street.id, legalBasis: '《就业促进法》第五十二条：就业困难人员援助' });
    expect(res.statusCode, res.body).toBe(201);
    clientId = (res.json() as { id: string }).id;
    expect((res.json() as { contact: string }).contact).not.toContain('13800001111');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('issues a scoped key once, stores only its hash, and checks the scope against the mandate', async () => {
    const k = await issue({});
    expect(k.key).toMatch(/^lx_/);
    expect(k.consentFields).toEqual(['phone']);
    const stored = await platform.ctx.db.kysely.selectFrom('exchange_key').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(k.key);
    const detail = await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}`);
    expect(detail.body).not.toContain(k.key);
    expect(detail.json()).toMatchObject({ mandate: { tags: ['低保', '退役军人'] }, canManage: true });
    // A tag outside the mandate, a node outside the client's area, a bad body: 400 in both languages.
    let res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '越权密钥', tags: ['特困'], fields: ['name'], orgNodeId: fx.nodes.xishan.id, purpose: '测试' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_TAG_OUTSIDE_MANDATE', message: '标签 特困 不在该部门的法定授权范围内' });
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '越界密钥', tags: ['低保'], fields: ['name'], orgNodeId: fx.nodes.city.id, purpose: '测试' }, 'en');
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_NODE_OUTSIDE_CLIENT', message: 'The chosen area lies outside the client’s area' });
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: 'x', tags: [], fields: ['salary'], orgNodeId: fx.nodes.xishan.id, purpose: '' });
    expect(res.statusCode).toBe(400);
    // Only the system admin issues keys.
    expect((await call('xishan', 'POST', `/api/v1/exchange/clients/${clientId}/keys`, { name: '社区密钥', tags: ['低保'], fields: ['name'], orgNodeId: fx.nodes.xishan.id, purpose: '测试用途' })).statusCode).toBe(403);
    expect((await audits('exchange.key.issue')).length).toBe(1);
  });

  it('reads people through the key: its subtree, its tags, its fields, audited with its purpose', async () => {
    const k = await issue({ name: '列表密钥' });
    const res = await withKey(k.key, '/api/v1/exchange/data/people');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Record<string, unknown>[]; total: number };
    expect(body.items.map((p) => p.id).sort()).toEqual([reg.people.zhu, reg.people.wang].sort());
    const zhu = body.items.find((p) => p.id === reg.people.zhu)!;
    expect(zhu).toMatchObject({ name: '朱志强', idNumber: '330481********001X', tags: ['低保'] });
    // Not in the key (gender) nor the mandate (phone, address) without consent.
    expect(Object.keys(zhu).sort()).toEqual(['id', 'idNumber', 'idType', 'name', 'tags']);
    const [audit] = (await audits('exchange.person.list', 'success')).slice(-1);
    expect(audit).toMatchObject({ purpose: '低保对象就业援助核查', actor_id: k.id });
    const access = await platform.ctx.db.kysely.selectFrom('person_access').selectAll().where('person_id', '=', reg.people.zhu).where('department_code', '=', 'social-security').execute();
    expect(access.length).toBeGreaterThan(0);
    expect(access[0]!.purpose).toBe('低保对象就业援助核查');
    const scope = (await withKey(k.key, '/api/v1/exchange/data/scope')).json();
    expect(scope.key).toMatchObject({ tags: ['低保'], fields: ['name', 'idNumber', 'tags'], consentFields: ['phone'] });
  });

  it('refuses a key outside its scope and audits the refusal', async () => {
    const k = await issue({ name: '越权测试密钥' });
    const before = (await audits('exchange.person.list', 'denied')).length;
    // Another community (the key is for 西山).
    let res = await withKey(k.key, `/api/v1/exchange/data/people?orgNodeId=${fx.nodes.dongshan.id}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_SCOPE_EXCEEDED', message: '超出该密钥的授权范围' });
    // A tag of the mandate but not of the key.
    res = await withKey(k.key, '/api/v1/exchange/data/people?tag=退役军人', 'en');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('Outside this key’s scope');
    const denied = await audits('exchange.person.list', 'denied');
    expect(denied.length).toBe(before + 2);
    expect(JSON.parse(denied.at(-2)!.details!)).toMatchObject({ reason: 'subtree', keyId: k.id, departmentCode: 'social-security' });
    expect(denied.at(-1)!.purpose).toBe('低保对象就业援助核查');
    // A person outside: 陈东 in 东山, 徐美玲 without a key tag. Refused, audited, never "exists elsewhere".
    for (const id of [reg.people.chen, reg.people.xu]) {
      res = await withKey(k.key, `/api/v1/exchange/data/people/${id}`);
      expect(res.statusCode).toBe(403);
    }
    const refusedPeople = await audits('exchange.person.read', 'denied');
    expect(refusedPeople.map((a) => a.target_id)).toEqual(expect.arrayContaining([reg.people.chen, reg.people.xu]));
    // The department's page lists the refusals beside the reads.
    const reads = (await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}/reads?pageSize=100`)).json() as { items: { outcome: string; keyId: string }[] };
    expect(reads.items.filter((r) => r.keyId === k.id && r.outcome === 'denied').length).toBe(4);
  });

  it('shares a field beyond the mandate only for people with a valid consent', async () => {
    const k = await issue({ name: '同意测试密钥' });
    const consent = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', validTo: '2027-10-31', evidence: '书面授权书 XS-2026-118' });
    expect(consent.statusCode, consent.body).toBe(201);
    let people = (await withKey(k.key, '/api/v1/exchange/data/people')).json().items as Record<string, unknown>[];
    expect(people.find((p) => p.id === reg.people.zhu)).toMatchObject({ phone: '138****5678', consentedFields: ['phone'] });
    expect(people.find((p) => p.id === reg.people.wang)!.phone).toBeUndefined();
    // A mandate field needs no consent; a consent ending before it starts is refused.
    let res = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'name', validFrom: '2026-11-01', evidence: '书面授权书' });
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_CONSENT_IN_MANDATE', message: '该字段已在部门法定授权范围内，无需居民同意' });
    res = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'address', validFrom: '2026-11-01', validTo: '2026-10-01', evidence: '书面授权书' });
    expect(res.json().error.code).toBe('EXCHANGE_CONSENT_DATES');
    // Staff of another grid cannot record consents for this person.
    expect((await call('grid02', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', evidence: '书面授权书' })).statusCode).toBe(404);
    // Withdrawn: the phone is gone again.
    res = await call('xishan', 'POST', `/api/v1/exchange/consents/${consent.json().id}/withdraw`, { reason: '居民本人要求停止共享' });
    expect(res.json()).toMatchObject({ withdrawnReason: '居民本人要求停止共享' });
    expect(res.json().withdrawnAt).not.toBeNull();
    people = (await withKey(k.key, '/api/v1/exchange/data/people')).json().items;
    expect(people.find((p) => p.id === reg.people.zhu)!.phone).toBeUndefined();
    expect((await audits('exchange.consent.record')).length).toBe(1);
    expect((await audits('exchange.consent.withdraw')).length).toBe(1);
  });

  it('withdraws a consent only with a reason, stored and audited with personal numbers masked', async () => {
    const consent = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.wang, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', evidence: '书面授权书 XS-2026-131' });
    expect(consent.statusCode, consent.body).toBe(201);
    expect(consent.json()).toMatchObject({ withdrawnAt: null, withdrawnReason: null, evidenceAttachment: null });
    const url = `/api/v1/exchange/consents/${consent.json().id}/withdraw`;
    // No reason, a blank or one-character reason, one over 200 characters: 400 in both languages, nothing withdrawn.
    let res = await call('xishan', 'POST', url, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '输入有误，请检查标出的字段' });
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.reason']);
    res = await call('xishan', 'POST', url, { reason: '  撤 ' }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid input; check the fields listed' });
    expect(res.json().error.details[0]).toMatchObject({ field: 'body.reason', code: 'too_small' });
    expect((await call('xishan', 'POST', url, { reason: '长'.repeat(201) })).statusCode).toBe(400);
    expect((await call('xishan', 'POST', url)).statusCode).toBe(400);
    const row = () => platform.ctx.db.kysely.selectFrom('exchange_consent').selectAll().where('id', '=', consent.json().id).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ withdrawn_at: null, withdraw_reason: null });
    // Staff of another grid cannot withdraw it.
    expect((await call('grid02', 'POST', `/api/v1/exchange/consents/${(await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'address', validFrom: '2026-11-01', evidence: '书面授权书 XS-2026-132' })).json().id}/withdraw`, { reason: '居民要求撤回' })).statusCode).toBe(404);

    const before = (await audits('exchange.consent.withdraw')).length;
    res = await call('xishan', 'POST', url, { reason: '  居民来电（13800001111，身份证 33048119800101001X）要求停止共享手机号 ' });
    expect(res.statusCode, res.body).toBe(200);
    const masked = '居民来电（138****1111，身份证 330481********001X）要求停止共享手机号';
    expect(res.json()).toMatchObject({ withdrawnReason: masked });
    expect(await row()).toMatchObject({ withdraw_reason: masked, withdrawn_by: expect.any(String) });
    const listed = (await call('xishan', 'GET', `/api/v1/exchange/consents?personId=${reg.people.wang}`)).json().items as { id: string; withdrawnReason: string | null }[];
    expect(listed.find((c) => c.id === consent.json().id)!.withdrawnReason).toBe(masked);
    const entries = await audits('exchange.consent.withdraw');
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({ target_type: 'person', target_id: reg.people.wang });
    expect(JSON.parse(entries.at(-1)!.details!)).toMatchObject({ consentId: consent.json().id, field: 'phone', reason: masked });
    expect(entries.at(-1)!.details).not.toContain('13800001111');
    // Withdrawn once: a second withdrawal is refused and the first reason stays.
    res = await call('xishan', 'POST', url, { reason: '重复撤回' }, 'en');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_CONSENT_WITHDRAWN', message: 'This consent has already been withdrawn' });
    expect((await row()).withdraw_reason).toBe(masked);
  });

  it('takes the signed consent form as the caller’s own PDF or picture, and lets only staff entitled to the consent download it', async () => {
    const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
    const upload = (who: string, name: string, mime: string, bytes: Buffer, purpose = 'exchange.consent') => uploadFile(app, s[who]!, purpose, { name, mime, bytes });
    const consent = (who: string, body: Record<string, unknown>, lang?: string) =>
      call(who, 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026-11-01', evidence: '书面授权书 XS-2026-140', ...body }, lang);
    const count = async () => (await platform.ctx.db.kysely.selectFrom('exchange_consent').select(platform.ctx.db.kysely.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const form = await upload('xishan', '授权同意书.pdf', 'application/pdf', PDF);
    const before = Number(await count());

    // Someone else's upload (grid01's), the wrong purpose, a file opened up to a node, and a text file: refused, nothing recorded.
    const others = await upload('grid01', '网格员上传.pdf', 'application/pdf', PDF);
    let res = await consent('xishan', { evidenceAttachmentId: others });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_EVIDENCE_INVALID', message: '同意书附件无效：请上传您本人为此居民授权登记的文件' });
    res = await consent('xishan', { evidenceAttachmentId: 'no-such-file' }, 'en');
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_EVIDENCE_INVALID', message: 'The consent form attachment is not valid: upload the file yourself for this resident’s consent' });
    res = await consent('xishan', { evidenceAttachmentId: await upload('xishan', '同意书.pdf', 'application/pdf', PDF, 'general') });
    expect(res.json().error.code).toBe('EXCHANGE_EVIDENCE_INVALID');
    // Uploaded for the whole 西山 node: every org.read there could open it, not only those who may see the consent.
    const boundary = '----linliconsenttest';
    const nodeWide = await app.inject({
      method: 'POST',
      url: `/api/v1/files?purpose=exchange.consent&orgNodeId=${fx.nodes.xishan.id}`,
      payload: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="form.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), PDF, Buffer.from(`\r\n--${boundary}--\r\n`)]),
      headers: { ...s.xishan!.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(nodeWide.statusCode, nodeWide.body).toBe(201);
    expect((await consent('xishan', { evidenceAttachmentId: nodeWide.json().id })).json().error.code).toBe('EXCHANGE_EVIDENCE_INVALID');
    const text = await upload('xishan', '同意书.txt', 'text/plain', Buffer.from('居民朱志强同意共享手机号\n'));
    res = await consent('xishan', { evidenceAttachmentId: text });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_EVIDENCE_TYPE', message: '签字同意书须为 PDF 文件或图片' });
    res = await consent('xishan', { evidenceAttachmentId: text }, 'en');
    expect(res.json().error.message).toBe('The signed consent form must be a PDF or a picture');
    expect(Number(await count())).toBe(before);

    // The caller's own PDF: recorded, linked, shown and audited.
    res = await consent('xishan', { evidenceAttachmentId: form });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect(res.json().evidenceAttachment).toMatchObject({ id: form, mime: 'application/pdf', name: '授权同意书.pdf', size: PDF.length });
    expect(await platform.ctx.db.kysely.selectFrom('attachment_use').selectAll().where('attachment_id', '=', form).execute()).toEqual([{ attachment_id: form, owner_type: 'exchange_consent', owner_id: id }]);
    expect(JSON.parse((await audits('exchange.consent.record')).at(-1)!.details!)).toMatchObject({ consentId: id, evidenceAttachmentId: form });
    const listed = (await call('xishan', 'GET', `/api/v1/exchange/consents?personId=${reg.people.zhu}`)).json().items as { id: string; evidenceAttachment: { id: string } | null }[];
    expect(listed.find((c) => c.id === id)!.evidenceAttachment!.id).toBe(form);
    // The same signed form may cover another field of the same resident, never another resident.
    expect((await consent('xishan', { field: 'address', evidenceAttachmentId: form })).statusCode).toBe(201);
    expect((await consent('xishan', { personId: reg.people.wang, evidenceAttachmentId: form })).json().error.code).toBe('EXCHANGE_EVIDENCE_INVALID');
    // A picture is a signed form too.
    const png = await upload('xishan', '同意书照片.png', 'image/png', await renderQrPng('https://linli.example/consent'));
    res = await consent('xishan', { field: 'address', evidenceAttachmentId: png });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().evidenceAttachment).toMatchObject({ mime: 'image/png' });

    // Download: grid01 (the resident's grid) may, and the read is audited; grid02, the 民政 officer and the admin may not.
    const reads = async () => (await audits('files.attachment.read')).filter((a) => a.target_id === form);
    const open = (who: string) => app.inject({ method: 'GET', url: `/api/v1/files/${form}`, headers: { cookie: s[who]!.cookie } });
    const got = await open('grid01');
    expect(got.statusCode, got.body).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.rawPayload.equals(PDF)).toBe(true);
    expect((await reads()).map((a) => a.actor_name)).toEqual(['grid01']);
    for (const who of ['grid02', 'civil', 'admin']) {
      const refused = await open(who);
      expect(refused.statusCode, who).toBe(404);
      expect(refused.json().error.code).toBe('ATTACHMENT_NOT_FOUND');
    }
    expect((await reads()).length).toBe(1);
    // The uploader's own reads are audited too: the form is the resident's, not theirs.
    expect((await open('xishan')).statusCode).toBe(200);
    expect((await reads()).map((a) => a.actor_name)).toEqual(['grid01', 'xishan']);
    // grid01's own upload that no consent uses stays grid01's alone.
    expect((await app.inject({ method: 'GET', url: `/api/v1/files/${others}`, headers: { cookie: s.xishan!.cookie } })).statusCode).toBe(404);
  });

  it('limits requests per key and minute across processes, with a 429 in Chinese and English', async () => {
    const k = await issue({ name: '限流密钥', ratePerMinute: 3 });
    // A second server process on the same database counts into the same minute.
    const db2 = openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 2 });
    const other: Platform = await openPlatform(platform.config, modules, { db: db2, migrate: false, now: platform.ctx.now });
    const app2 = await buildApp(other.ctx, modules, { logger: false });
    await app2.ready();
    try {
      // Start at the top of a minute so the three calls share it.
      platform.setNow(new Date('2026-11-26T05:00:05Z'));
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope', undefined, app2)).statusCode).toBe(200);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
      let res = await withKey(k.key, '/api/v1/exchange/data/scope', undefined, app2);
      expect(res.statusCode).toBe(429);
      expect(res.json().error.message).toBe('请求过于频繁：每分钟最多 3 次，请稍后再试');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      res = await withKey(k.key, '/api/v1/exchange/data/scope', 'en');
      expect(res.json().error.message).toBe('Too many requests: at most 3 a minute, try again shortly');
      expect((await audits('exchange.key.refused', 'denied')).filter((a) => a.target_id === k.id).length).toBe(1);
      platform.advance(60_000);
      expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
    } finally {
      await app2.close();
      await other.close();
      // The clock moved by hours: everyone logs in again.
      for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    }
  });

  it('rotates a key (the old one works until the cut-over) and revokes keys', async () => {
    const old = await issue({ name: '轮换密钥' });
    const now = platform.ctx.now();
    const res = await call('admin', 'POST', `/api/v1/exchange/keys/${old.id}/rotate`, { cutoverAt: new Date(now.getTime() + HOUR).toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json() as { id: string; key: string; previous: { state: string; replacedBy: string } };
    expect(next.previous).toMatchObject({ state: 'expiring', replacedBy: next.id });
    expect((await withKey(old.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
    expect((await withKey(next.key, '/api/v1/exchange/data/scope')).json().key.tags).toEqual(['低保']);
    platform.advance(2 * HOUR);
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    let r = await withKey(old.key, '/api/v1/exchange/data/people');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('EXCHANGE_KEY_EXPIRED');
    expect((await withKey(next.key, '/api/v1/exchange/data/people')).statusCode).toBe(200);
    // A cut-over in the past is refused; so is rotating an expired key.
    expect((await call('admin', 'POST', `/api/v1/exchange/keys/${next.id}/rotate`, { cutoverAt: '2020-01-01T00:00:00Z' })).json().error.code).toBe('EXCHANGE_CUTOVER_PAST');
    expect((await call('admin', 'POST', `/api/v1/exchange/keys/${old.id}/rotate`, {})).json().error.code).toBe('EXCHANGE_KEY_NOT_ACTIVE');
    r = await call('admin', 'POST', `/api/v1/exchange/keys/${next.id}/revoke`, { reason: '系统下线' });
    expect(r.json()).toMatchObject({ state: 'revoked', revokeReason: '系统下线' });
    r = await withKey(next.key, '/api/v1/exchange/data/people', 'en');
    expect(r.statusCode).toBe(401);
    expect(r.json().error).toMatchObject({ code: 'EXCHANGE_KEY_REVOKED', message: 'The exchange key has been revoked' });
    expect((await withKey('lx_not-a-real-key', '/api/v1/exchange/data/people')).json().error.code).toBe('EXCHANGE_KEY_INVALID');
    expect((await app.inject({ method: 'GET', url: '/api/v1/exchange/data/people' })).json().error.code).toBe('EXCHANGE_KEY_MISSING');
    const refused = await audits('exchange.key.refused', 'denied');
    expect(refused.map((a) => JSON.parse(a.details!).code)).toEqual(expect.arrayContaining(['EXCHANGE_KEY_EXPIRED', 'EXCHANGE_KEY_REVOKED']));
    // A suspended client's keys stop too.
    const k = await issue({ name: '暂停测试密钥' });
    await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/status`, { status: 'suspended' });
    expect((await withKey(k.key, '/api/v1/exchange/data/scope')).json().error.code).toBe('EXCHANGE_CLIENT_SUSPENDED');
    await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/status`, { status: 'active' });
    expect((await withKey(k.key, '/api/v1/exchange/data/scope')).statusCode).toBe(200);
  });

  it('shows each department only its own clients', async () => {
    const civil = await call('admin', 'POST', '/api/v1/exchange/clients', { departmentCode: 'civil', name: '民政社会救助系统', contact: '救助科', orgNodeId: fx.nodes.city.id, lifeEvents: ['person.died'], legalBasis: '《社会救助暂行办法》' });
    expect(civil.statusCode).toBe(201);
    const listRes = await call('civil', 'GET', '/api/v1/exchange/clients');
    expect(listRes.statusCode, listRes.body).toBe(200);
    const list = listRes.json() as { items: { departmentCode: string }[]; canManage: boolean };
    expect(list.items.map((c) => c.departmentCode)).toEqual(['civil']);
    expect(list.canManage).toBe(false);
    expect((await call('civil', 'GET', `/api/v1/exchange/clients/${clientId}`)).statusCode).toBe(404);
    expect((await call('civil', 'GET', `/api/v1/exchange/clients/${civil.json().id}`)).json()).toMatchObject({ mandate: { tags: expect.arrayContaining(['低保']) }, canManage: false });
  });
});
