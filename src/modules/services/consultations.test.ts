import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { LinliApp } from '../../platform/http/app.js';
import { bj, createAccounts } from './s2.testkit.js';

const LEGAL = { kind: 'legal', subject: '租房押金不退怎么办', question: '我在紫微苑租房两年，退租时房东以墙面有钉孔为由扣了全部押金3000元，合同里没写这一条，我该怎么维权？' };
const MEDICAL = { kind: 'medical', subject: '血压偏高要不要吃药', question: '今年体检血压148/95，平时没有不舒服，需要马上吃降压药吗？家里老人也有高血压。' };

describe(`consultations: private to the asker and the assigned professional (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let pros: Record<string, string>;
  const s: Record<string, Session> = {};
  let legalId = '';
  let medicalId = '';

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? s[who]!.headers : {} });
  const denied = async (action: string) =>
    (await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_name', 'target_id']).where('action', '=', action).where('outcome', '=', 'denied').execute()).map((r) => `${r.actor_name}:${r.target_id}`);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00') });
    fx = await seedFixture(platform.ctx);
    pros = await createAccounts(platform.ctx, [
      { username: 'lawyer01', displayName: '律师 沈立新', role: 'provider', nodeId: fx.nodes.xishan.id },
      { username: 'doctor01', displayName: '医生 钱慧芳', role: 'provider', nodeId: fx.nodes.xishan.id },
      { username: 'doctor02', displayName: '医生 周建明', role: 'provider', nodeId: fx.nodes.street.id },
      { username: 'dongstaff', displayName: '东山社区 陆敏', role: 'community_staff', nodeId: fx.nodes.dongshan.id },
    ]);
    app = await createTestApp(platform);
    for (const u of ['resident01', 'volunteer01', 'xishan', 'provider01', 'lawyer01', 'doctor01', 'doctor02', 'dongstaff']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('should require authentication and the right role', async () => {
    expect((await call(null, 'GET', '/api/v1/me/consultations')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/v1/me/consultations', LEGAL)).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/v1/consultations')).statusCode).toBe(401);
    // Residents do not work the professional side; professionals do not ask as residents.
    expect((await call('resident01', 'GET', '/api/v1/consultations')).statusCode).toBe(403);
    expect((await call('lawyer01', 'POST', '/api/v1/me/consultations', LEGAL)).statusCode).toBe(403);
    expect((await call('lawyer01', 'POST', '/api/v1/consultations/professionals', {})).statusCode).toBe(403);
  });

  it('staff register the professionals of the area; only answering accounts qualify', async () => {
    const reg = (body: Record<string, unknown>) => call('xishan', 'POST', '/api/v1/consultations/professionals', { orgNodeId: fx.nodes.xishan.id, ...body });
    const lawyer = await reg({ userId: pros.lawyer01, kind: 'legal', title: '执业律师', organisation: '浙江海宁某律师事务所', intro: '西山社区法律顾问，每周三下午驻点' });
    expect(lawyer.statusCode).toBe(201);
    expect(lawyer.json()).toMatchObject({ name: '律师 沈立新', kindLabel: '法律咨询', orgNodeName: '西山社区', active: true });
    expect((await reg({ userId: pros.doctor01, kind: 'medical', title: '全科医生', organisation: '西山社区卫生服务站' })).statusCode).toBe(201);
    const street = await call('xishan', 'POST', '/api/v1/consultations/professionals', { userId: pros.doctor02, kind: 'medical', title: '主治医师', organisation: '硖石街道社区卫生服务中心', orgNodeId: fx.nodes.street.id });
    // 西山社区's staff cannot register someone for the whole street.
    expect(street.statusCode).toBe(403);
    expect((await reg({ userId: pros.doctor02, kind: 'medical', title: '主治医师', organisation: '硖石街道社区卫生服务中心' })).statusCode).toBe(201);
    const twice = await reg({ userId: pros.lawyer01, kind: 'legal', title: '执业律师', organisation: '浙江海宁某律师事务所' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toBe('该账号已登记为法律咨询专业人员');
    const resident = await reg({ userId: fx.users.volunteer01, kind: 'legal', title: '热心居民', organisation: '西山社区居民' });
    expect(resident.statusCode).toBe(400);
    expect(resident.json().error.code).toBe('CONSULTATION_PROFESSIONAL_ACCOUNT');
    const seen = await call('resident01', 'GET', '/api/v1/consultations/professionals');
    expect(seen.json().items.map((p: { name: string }) => p.name).sort()).toEqual(['医生 周建明', '医生 钱慧芳', '律师 沈立新']);
  });

  it('a legal question, stored encrypted, waits for staff to assign the lawyer', async () => {
    const res = await call('resident01', 'POST', '/api/v1/me/consultations', LEGAL);
    expect(res.statusCode).toBe(201);
    const c = res.json();
    legalId = c.id;
    expect(c).toMatchObject({ kind: 'legal', status: 'submitted', statusLabel: '待指派', subject: LEGAL.subject, professional: null, messageCount: 1, canReply: true, canClose: true });
    expect(c.code).toMatch(/^ZX20261130-\d{4}$/);
    expect(c.messages).toEqual([expect.objectContaining({ seq: 1, role: 'asker', body: LEGAL.question, mine: true })]);
    const db = platform.ctx.db.kysely;
    const row = await db.selectFrom('consultation').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.subject_enc).not.toContain('押金');
    const msg = await db.selectFrom('consultation_message').selectAll().where('consultation_id', '=', c.id).executeTakeFirstOrThrow();
    expect(msg.body_enc).not.toContain('押金');
    const audit = await db.selectFrom('audit_log').select('details').where('action', '=', 'services.consultation.ask').executeTakeFirstOrThrow();
    expect(audit.details).not.toContain('押金');
    // Staff are told a question waits, never what it says.
    const staffInbox = JSON.stringify((await call('xishan', 'GET', '/api/v1/inbox')).json());
    expect(staffInbox).toContain(c.code);
    expect(staffInbox).not.toContain('押金');
    expect((await call('lawyer01', 'GET', `/api/v1/consultations/${c.id}`)).statusCode).toBe(403);

    const assigned = await call('xishan', 'POST', `/api/v1/consultations/${c.id}/assign`, { professionalUserId: pros.lawyer01 });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ status: 'assigned', statusLabel: '待答复', subject: null, professional: { name: '律师 沈立新', title: '执业律师', organisation: '浙江海宁某律师事务所' } });
    const inbox = JSON.stringify((await call('lawyer01', 'GET', '/api/v1/inbox')).json());
    expect(inbox).toContain(c.code);
    expect(inbox).not.toContain('押金');
    expect(JSON.stringify((await call('resident01', 'GET', '/api/v1/inbox')).json())).toContain('已受理');
  });

  it('another resident, an unassigned professional and the assigning staff are all refused; the refusals are audited', async () => {
    const other = await call('volunteer01', 'GET', `/api/v1/me/consultations/${legalId}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toBe('咨询不存在');
    expect((await call('volunteer01', 'POST', `/api/v1/me/consultations/${legalId}/messages`, { body: '我也想问' })).statusCode).toBe(404);
    expect((await call('volunteer01', 'POST', `/api/v1/me/consultations/${legalId}/close`, {})).statusCode).toBe(404);
    expect((await call('volunteer01', 'GET', '/api/v1/me/consultations')).json().items).toEqual([]);

    const doctor = await call('doctor01', 'GET', `/api/v1/consultations/${legalId}`);
    expect(doctor.statusCode).toBe(403);
    expect(doctor.json().error).toMatchObject({ code: 'CONSULTATION_PRIVATE', message: '咨询内容仅提问人和指派的专业人员可见' });
    const doctorEn = await call('doctor01', 'GET', `/api/v1/consultations/${legalId}?lang=en`);
    expect(doctorEn.json().error.message).toBe('A consultation is visible only to the person who asked and the professional assigned to it');
    expect((await call('doctor01', 'POST', `/api/v1/consultations/${legalId}/messages`, { body: '建议……' })).statusCode).toBe(403);
    expect((await call('doctor01', 'GET', '/api/v1/consultations')).json().items).toEqual([]);
    // The staff member who assigns holds the answer permission too, but is not the assignee.
    expect((await call('xishan', 'GET', `/api/v1/consultations/${legalId}`)).statusCode).toBe(403);
    expect((await call('provider01', 'GET', `/api/v1/consultations/${legalId}`)).statusCode).toBe(403);
    // Not even the existence of the consultation leaks to a resident through the professional side.
    expect((await call('volunteer01', 'GET', `/api/v1/consultations/${legalId}`)).statusCode).toBe(403);

    // The assigning queue shows when and what kind, never the content.
    const queue = await call('xishan', 'GET', '/api/v1/consultations?assigned=any');
    expect(queue.statusCode).toBe(200);
    const item = queue.json().items.find((x: { id: string }) => x.id === legalId);
    expect(item).toMatchObject({ subject: null, kind: 'legal', status: 'assigned', professional: { name: '律师 沈立新' } });
    expect(queue.body).not.toContain('押金');
    // A professional without the assigning right cannot see the queue.
    expect((await call('doctor01', 'GET', '/api/v1/consultations?assigned=any')).statusCode).toBe(403);
    // Staff of another community cannot touch it.
    expect((await call('dongstaff', 'POST', `/api/v1/consultations/${legalId}/assign`, { professionalUserId: pros.doctor01 })).statusCode).toBe(404);
    expect((await call('dongstaff', 'GET', '/api/v1/consultations?assigned=any')).json().items).toEqual([]);

    const refusals = await denied('services.consultation.read');
    expect(refusals).toEqual(expect.arrayContaining([`volunteer01:${legalId}`, `doctor01:${legalId}`, `xishan:${legalId}`, `provider01:${legalId}`]));
  });

  it('the lawyer reads (audited) and answers; the asker follows up, closes and rates', async () => {
    const reads = await countAudit(platform.ctx.db, 'services.consultation.read');
    const mine = await call('lawyer01', 'GET', '/api/v1/consultations');
    expect(mine.json().items.map((x: { subject: string }) => x.subject)).toEqual([LEGAL.subject]);
    const detail = await call('lawyer01', 'GET', `/api/v1/consultations/${legalId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ askerName: '朱志强', canReply: true, canClose: false, messages: [{ body: LEGAL.question, mine: false, authorName: '朱志强' }] });
    expect(await countAudit(platform.ctx.db, 'services.consultation.read')).toBe(reads + 1);
    expect(await countAudit(platform.ctx.db, 'services.consultation.list')).toBeGreaterThanOrEqual(1);

    const answer = '根据《民法典》第七百零三条等规定，押金用于担保租金和损失；正常使用造成的钉孔一般不属于损坏。建议先与房东协商并保留交房照片，协商不成可申请社区人民调解或向法院起诉。';
    const answered = await call('lawyer01', 'POST', `/api/v1/consultations/${legalId}/messages`, { body: answer });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'answered', messageCount: 2 });
    expect(answered.json().firstAnsweredAt).toBe(bj('2026-11-30T09:00:00').toISOString());

    const seen = await call('resident01', 'GET', `/api/v1/me/consultations/${legalId}`);
    expect(seen.json()).toMatchObject({ status: 'answered', statusLabel: '已答复', askerName: null, messages: [{ role: 'asker', mine: true }, { role: 'professional', body: answer, authorName: '律师 沈立新', mine: false }] });
    expect(JSON.stringify((await call('resident01', 'GET', '/api/v1/inbox')).json())).toContain('已答复');

    const more = await call('resident01', 'POST', `/api/v1/me/consultations/${legalId}/messages`, { body: '房东不接电话，调解要去哪里申请？' });
    expect(more.json()).toMatchObject({ status: 'assigned', messageCount: 3 });
    await call('lawyer01', 'POST', `/api/v1/consultations/${legalId}/messages`, { body: '可到西山社区党群服务中心一楼人民调解室申请，工作日均可。' });
    const closed = await call('resident01', 'POST', `/api/v1/me/consultations/${legalId}/close`, { rating: '满意' });
    expect(closed.json()).toMatchObject({ status: 'closed', rating: '满意', canReply: false, canClose: false, messageCount: 4 });
    const late = await call('lawyer01', 'POST', `/api/v1/consultations/${legalId}/messages?lang=en`, { body: '补充一句' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe('This consultation is closed; ask a new question instead');
  });

  it('with several doctors staff assign; a reassigned doctor loses access at once', async () => {
    const asked = await call('volunteer01', 'POST', '/api/v1/me/consultations', MEDICAL);
    expect(asked.json()).toMatchObject({ status: 'submitted', statusLabel: '待指派', professional: null });
    medicalId = asked.json().id;
    expect(JSON.stringify((await call('xishan', 'GET', '/api/v1/inbox')).json())).toContain('待指派');

    const wrongKind = await call('xishan', 'POST', `/api/v1/consultations/${medicalId}/assign`, { professionalUserId: pros.lawyer01 });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().error.message).toBe('只能指派给服务本辖区、已登记且在岗的医疗健康咨询专业人员');
    const first = await call('xishan', 'POST', `/api/v1/consultations/${medicalId}/assign`, { professionalUserId: pros.doctor01 });
    expect(first.json()).toMatchObject({ status: 'assigned', subject: null, professional: { name: '医生 钱慧芳' } });
    expect((await call('doctor01', 'GET', `/api/v1/consultations/${medicalId}`)).statusCode).toBe(200);
    expect((await call('doctor02', 'GET', `/api/v1/consultations/${medicalId}`)).statusCode).toBe(403);
    expect((await call('lawyer01', 'GET', `/api/v1/consultations/${medicalId}`)).statusCode).toBe(403);

    await call('xishan', 'POST', `/api/v1/consultations/${medicalId}/assign`, { professionalUserId: pros.doctor02 });
    expect((await call('doctor01', 'GET', `/api/v1/consultations/${medicalId}`)).statusCode).toBe(403);
    expect((await call('doctor01', 'POST', `/api/v1/consultations/${medicalId}/messages`, { body: '建议复查' })).statusCode).toBe(403);
    const now = await call('doctor02', 'GET', `/api/v1/consultations/${medicalId}`);
    expect(now.json().messages[0].body).toBe(MEDICAL.question);

    // A deactivated professional can no longer be chosen.
    const list = (await call('xishan', 'GET', '/api/v1/consultations/professionals?kind=medical')).json().items as { id: string; userId: string }[];
    const d1 = list.find((p) => p.userId === pros.doctor01)!;
    expect((await call('xishan', 'PATCH', `/api/v1/consultations/professionals/${d1.id}`, { active: false })).json().active).toBe(false);
    expect((await call('xishan', 'POST', `/api/v1/consultations/${medicalId}/assign`, { professionalUserId: pros.doctor01 })).statusCode).toBe(400);
  });

  it('bad input is a 400 with Chinese and English messages', async () => {
    const bad = await call('resident01', 'POST', '/api/v1/me/consultations', { kind: 'tax', subject: '税', question: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('输入有误，请检查标出的字段');
    expect(bad.json().error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.kind', 'body.question', 'body.subject']);
    const en = await call('resident01', 'POST', '/api/v1/me/consultations?lang=en', { kind: 'legal', subject: '押金', question: '短' });
    expect(en.json().error.message).toBe('Invalid input; check the fields listed');
    expect(en.json().error.details[0].field).toBe('body.question');
    const rating = await call('resident01', 'POST', `/api/v1/me/consultations/${legalId}/close`, { rating: '很好' });
    expect(rating.statusCode).toBe(400);
    expect((await call('resident01', 'GET', '/api/v1/me/consultations/nope')).statusCode).toBe(404);
  });

  it('documents every endpoint in the OpenAPI description', async () => {
    const paths = Object.keys((await call(null, 'GET', '/api/openapi.json')).json().paths);
    for (const p of [
      '/api/v1/me/consultations',
      '/api/v1/me/consultations/{id}',
      '/api/v1/me/consultations/{id}/messages',
      '/api/v1/me/consultations/{id}/close',
      '/api/v1/consultations',
      '/api/v1/consultations/{id}',
      '/api/v1/consultations/{id}/messages',
      '/api/v1/consultations/{id}/assign',
      '/api/v1/consultations/professionals',
      '/api/v1/consultations/professionals/{id}',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
