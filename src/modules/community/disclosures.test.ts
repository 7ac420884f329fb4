import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, uploadFile, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { LinliApp } from '../../platform/http/app.js';
import { seedRegistryFixture } from '../registry/registry.fixture.js';
import { warnLateDisclosures } from './disclosures.service.js';

const ID = composeIdNumber('330481', '1956-03-08', 7);

describe(`public disclosure 居务公开 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: who ? (method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers) : {} });

  const upload = (name: string, mime: string, bytes: Buffer) => uploadFile(app, s.xishan!, 'community.disclosure', { name, mime, bytes });

  async function draft(body: Record<string, unknown>) {
    const res = await call('xishan', 'POST', '/api/v1/disclosures', { orgNodeId: fx.nodes.xishan.id, category: 'affairs', title: '低保对象公示', body: '公示内容', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number };
  }

  beforeAll(async () => {
    // Tuesday 2026-09-01, 10:00 Beijing.
    platform = await createTestPlatform({ start: new Date('2026-09-01T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    const reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await platform.ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    app = await createTestApp(platform);
    for (const u of ['xishan', 'resident01', 'grid01']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('refuses to publish text with a full ID number or mobile, says where, and publishes once masked', async () => {
    const d = await draft({ body: `拟新增低保对象：王秀英，身份证 ${ID}，联系电话 13812345678。` });
    const res = await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: d.version });
    expect(res.statusCode).toBe(422);
    const err = res.json().error as { code: string; message: string; details: { findings: { where: string; kind: string; masked: string }[] } };
    expect(err.code).toBe('DISCLOSURE_SENSITIVE_DATA');
    expect(err.message).toContain('发现 2 处个人敏感信息');
    expect(err.details.findings).toEqual([
      { where: 'body', kind: 'id_number', masked: `330481********${ID.slice(-4)}` },
      { where: 'body', kind: 'mobile', masked: '138****5678' },
    ]);
    // Nothing about the refused attempt carries the number.
    expect(JSON.stringify(err)).not.toContain(ID);
    expect(await countAudit(platform.ctx.db, 'community.disclosure.publish')).toBe(1); // the denied attempt
    expect((await call(null, 'GET', `/api/v1/public/disclosures?orgNodeId=${fx.nodes.xishan.id}`)).json().total).toBe(0);

    const masked = (await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/mask-text`, { expectedVersion: d.version })).json() as { body: string; version: number };
    expect(masked.body).toBe(`拟新增低保对象：王秀英，身份证 330481********${ID.slice(-4)}，联系电话 138****5678。`);
    const ok = await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: masked.version });
    expect(ok.statusCode, ok.body).toBe(200);
    const board = (await call(null, 'GET', `/api/v1/public/disclosures?orgNodeId=${fx.nodes.xishan.id}`)).json() as { items: { id: string; body: string }[] };
    expect(board.items.map((i) => i.id)).toEqual([d.id]);
  });

  it('finds numbers in every cell of an xlsx and a GBK CSV attachment, and asks to confirm a PDF checked by eye', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('低保名单');
    ws.addRow(['序号', '姓名', '身份证号', '银行账号']);
    ws.addRow([1, '陈东', ID, '6222 0212 3456 7890 128']);
    ws.addRow([2, '沈小梅', '330481********1226', '—']);
    const xlsx = await upload('低保名单.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.from(await wb.xlsx.writeBuffer()));
    const csv = await upload('慰问名单.csv', 'text/csv', iconv.encode('姓名,电话\r\n王秀英,15900001111\r\n', 'gbk'));
    const d = await draft({ title: '慰问金发放名单', attachmentIds: [xlsx, csv] });
    const res = await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: d.version });
    expect(res.statusCode).toBe(422);
    const findings = (res.json().error.details as { findings: { attachmentName?: string; row?: number; column?: string; kind: string }[] }).findings;
    expect(findings.map((f) => `${f.attachmentName}:${f.row}${f.column}:${f.kind}`)).toEqual(['低保名单.xlsx:2C:id_number', '低保名单.xlsx:2D:bank_card', '慰问名单.csv:2B:mobile']);

    // Replaced by masked files and a PDF: publishing asks for the PDF to be checked by eye.
    const maskedWb = new ExcelJS.Workbook();
    maskedWb.addWorksheet('低保名单').addRow(['陈*', `330481********${ID.slice(-4)}`]);
    const clean = await upload('低保名单（脱敏）.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', Buffer.from(await maskedWb.xlsx.writeBuffer()));
    const pdf = await upload('审批表.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
    const edited = (await call('xishan', 'PATCH', `/api/v1/disclosures/${d.id}`, { attachmentIds: [clean, pdf], expectedVersion: d.version })).json() as { version: number };
    const unscanned = await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: edited.version });
    expect(unscanned.statusCode).toBe(422);
    expect(unscanned.json().error).toMatchObject({ code: 'DISCLOSURE_UNSCANNED', message: expect.stringContaining('审批表.pdf') });
    const ok = await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: edited.version, confirmUnscanned: true });
    expect(ok.statusCode, ok.body).toBe(200);
    // Published attachments are public; a file of another item is not served through this one.
    expect((await call(null, 'GET', `/api/v1/public/disclosures/${d.id}/attachments/${clean}`)).statusCode).toBe(200);
    expect((await call(null, 'GET', `/api/v1/public/disclosures/${d.id}/attachments/${xlsx}`)).statusCode).toBe(404);
    // Through the files endpoint too, a published attachment is opened without an audit row (it is no one's papers).
    const reads = await countAudit(platform.ctx.db, 'files.attachment.read');
    expect((await call('resident01', 'GET', `/api/v1/files/${clean}`)).statusCode).toBe(200);
    expect(await countAudit(platform.ctx.db, 'files.attachment.read')).toBe(reads);
  });

  it('keeps a calendar and warns once when a quarter is not disclosed on time', async () => {
    const sched = await call('xishan', 'POST', '/api/v1/disclosures/schedules', { orgNodeId: fx.nodes.xishan.id, category: 'finance', title: '财务收支季度公开', frequency: 'quarterly', dueDays: 15 });
    expect(sched.statusCode, sched.body).toBe(201);
    const id = (sched.json() as { id: string; next: { period: string; dueAt: string } }).id;
    expect(sched.json().next).toEqual({ period: '2026-Q3', dueAt: '2026-10-15T16:00:00.000Z' });
    expect(await warnLateDisclosures(platform.ctx)).toBe(0);

    platform.setNow(new Date('2026-10-16T01:00:00Z')); // 09:00 on 16 October, Beijing
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    expect(await warnLateDisclosures(platform.ctx)).toBe(1);
    expect(await warnLateDisclosures(platform.ctx)).toBe(0); // once
    const inbox = (await call('xishan', 'GET', '/api/v1/inbox')).json() as { items: { title: string }[] };
    expect(inbox.items.map((i) => i.title)).toContain('公开逾期：财务收支季度公开（2026-Q3）');
    let cal = (await call('xishan', 'GET', '/api/v1/disclosures/calendar')).json() as { items: { id: string; late: { period: string }[]; next: { period: string } }[] };
    expect(cal.items.find((i) => i.id === id)).toMatchObject({ late: [{ period: '2026-Q3' }], next: { period: '2026-Q4' } });

    const bad = await call('xishan', 'POST', '/api/v1/disclosures', { orgNodeId: fx.nodes.xishan.id, category: 'finance', title: '三季度财务公开', body: '收支明细', scheduleId: id, period: '2026-09' });
    expect(bad.json().error).toMatchObject({ code: 'DISCLOSURE_PERIOD_INVALID', message: '期间格式不符：2026-Q3' });
    const d = await draft({ category: 'finance', title: '三季度财务公开', body: '收入 12,860.00 元，支出 10,415.00 元。', amountFen: 244_500, scheduleId: id, period: '2026-Q3' });
    await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: d.version });
    cal = (await call('xishan', 'GET', '/api/v1/disclosures/calendar')).json();
    expect(cal.items.find((i) => i.id === id)!.late).toEqual([]);
  });

  it('lets a resident ask under an item and shows the answer to everyone', async () => {
    const d = await draft({ category: 'party', title: '党费收缴使用情况', body: '1—10月收缴党费 38,640.00 元。' });
    await call('xishan', 'POST', `/api/v1/disclosures/${d.id}/publish`, { expectedVersion: d.version });
    const asked = await call('resident01', 'POST', `/api/v1/public/disclosures/${d.id}/questions`, { question: '慰问困难党员共多少人？' });
    expect(asked.statusCode, asked.body).toBe(200);
    const q = (asked.json() as { questions: { id: string; askerLabel: string }[] }).questions[0]!;
    expect(q.askerLabel).toBe('朱**');
    await call('xishan', 'POST', `/api/v1/disclosures/questions/${q.id}/answer`, { answer: '共慰问9人，每人500元。' });
    const pub = (await call(null, 'GET', `/api/v1/public/disclosures/${d.id}`)).json() as { questions: { answer: string }[] };
    expect(pub.questions[0]!.answer).toBe('共慰问9人，每人500元。');
    // Staff of another area cannot touch it; a grid worker holds no disclosure permission.
    expect((await call('grid01', 'POST', `/api/v1/disclosures/${d.id}/withdraw`, { reason: '测试越权' })).statusCode).toBe(403);
  });
});
