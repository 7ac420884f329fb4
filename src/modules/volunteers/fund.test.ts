import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL } from '../../../test/helpers/platform.js';
import { loginAs, uploadFile } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { DEMO_PASSWORD } from '../../demo/accounts.js';
import { fundCashCode, fundDonationsCode, fundInKindCode } from './fund.accounts.js';
import * as fund from './fund.service.js';
import { volunteersKit, type Kit } from './volunteers.testkit.js';

type Fund = { id: string; orgNodeId: string; balances: { cash: number; inKind: number; balance: number; donations: number; aid: number } };
type Donation = { id: string; receiptNumber: string; journalId: string; status: string };
type Application = { id: string; number: string; status: string; version: number; approvedFen: number; disbursedFen: number };
type PublicFund = {
  balances: Fund['balances'];
  entries: { kind: string; label: string; detail: string | null; amountFen: number; balanceFen: number; inKind: boolean; at: string }[];
  months: { month: string; openingFen: number; inFen: number; outFen: number; closingFen: number }[];
};

describe(`mutual-aid fund 互助基金 (${DIALECT_LABEL})`, () => {
  let k: Kit;
  let f: Fund;
  const db = () => k.platform.ctx.db.kysely;
  const donate = async (body: Record<string, unknown>) => {
    const res = await k.call('xishan', 'POST', `/api/v1/funds/${f.id}/donations`, { kind: 'cash', amountFen: 100_000, donorType: 'person', donorName: '沈国良', receivedOn: '2026-11-20', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Donation;
  };
  const publicPage = async () => {
    const res = await k.call(null, 'GET', `/api/v1/public/funds/${k.fx.nodes.xishan.id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as PublicFund;
  };
  /** Raw sum of the fund's asset entries, straight from the ledger's rows. */
  const assetEntriesSum = async () => {
    const r = await db()
      .selectFrom('ledger_entry as e')
      .innerJoin('ledger_account as a', 'a.id', 'e.account_id')
      .select(sql<number>`coalesce(sum(e.amount), 0)`.as('s'))
      .where('a.code', 'in', [fundCashCode(k.fx.nodes.xishan.id), fundInKindCode(k.fx.nodes.xishan.id)])
      .executeTakeFirstOrThrow();
    return Number(r.s);
  };

  beforeAll(async () => {
    k = await volunteersKit();
    await k.login('party');
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('opens one fund per community, by its staff', async () => {
    let res = await k.call('xishan', 'POST', '/api/v1/funds', { orgNodeId: k.fx.nodes.xishan.id, name: '西山社区互助基金', description: '社区居民互助' });
    expect(res.statusCode, res.body).toBe(201);
    f = res.json() as Fund;
    expect(f.balances).toEqual({ cash: 0, inKind: 0, balance: 0, donations: 0, aid: 0 });
    res = await k.call('xishan', 'POST', '/api/v1/funds', { orgNodeId: k.fx.nodes.xishan.id, name: '西山社区第二基金' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe('该社区已设立互助基金');
    res = await k.call('xishan', 'POST', '/api/v1/funds', { orgNodeId: k.fx.nodes.grid01.id, name: '第一网格互助基金' }, 'en');
    expect(res.json().error).toMatchObject({ code: 'FUND_NODE_INVALID', message: 'Choose a community inside your area' });
    res = await k.call('xishan', 'POST', '/api/v1/funds', { orgNodeId: k.fx.nodes.xishan.id, name: '短' });
    expect(res.statusCode).toBe(400);
    for (const who of ['grid01', 'resident01', 'party']) expect((await k.call(who, 'POST', '/api/v1/funds', { orgNodeId: k.fx.nodes.dongshan.id, name: '东山社区互助基金' })).statusCode).toBe(403);
    // The committee (party secretary) reads the fund; residents and grid workers do not.
    expect(((await k.call('party', 'GET', '/api/v1/funds')).json() as { items: Fund[] }).items.map((x) => x.id)).toEqual([f.id]);
    for (const who of ['grid01', 'resident01']) expect((await k.call(who, 'GET', '/api/v1/funds')).statusCode).toBe(403);
  });

  it('keeps the balance equal to the sum of its entries after a mixed history, and shows it publicly without names or numbers of applicants', async () => {
    await donate({ kind: 'transfer', amountFen: 2_000_000, donorType: 'organisation', donorName: '海宁市西山物业服务有限公司', receivedOn: '2026-09-10' });
    await donate({ kind: 'cash', amountFen: 100_000, donorName: '陆建明', anonymous: true, receivedOn: '2026-10-03' });
    await donate({ kind: 'in_kind', amountFen: 480_000, goods: '东北大米 50 袋、菜籽油 30 桶', donorType: 'organisation', donorName: '海宁皮革城商户联合会', receivedOn: '2026-10-15' });
    // Keyed in as 5,000 元 instead of 500: reversed, then entered again.
    const wrong = await donate({ amountFen: 500_000, donorName: '钱文华 13900001234', receivedOn: '2026-11-02' });
    let res = await k.call('xishan', 'POST', `/api/v1/fund-donations/${wrong.id}/reverse`, { reason: '金额录入错误' });
    expect(res.json()).toMatchObject({ status: 'reversed', reversalJournalId: expect.any(String) });
    expect((await k.call('xishan', 'POST', `/api/v1/fund-donations/${wrong.id}/reverse`, { reason: '再冲一次' })).json().error.code).toBe('FUND_ALREADY_REVERSED');
    await donate({ amountFen: 50_000, donorName: '钱文华', receivedOn: '2026-11-02' });
    expect((await k.call('xishan', 'POST', `/api/v1/funds/${f.id}/donations`, { kind: 'in_kind', amountFen: 100, donorType: 'person', donorName: '某某', receivedOn: '2026-11-02' })).statusCode).toBe(400);
    expect((await k.call('xishan', 'POST', `/api/v1/funds/${f.id}/donations`, { kind: 'cash', amountFen: 12.5, donorType: 'person', donorName: '某某', receivedOn: '2026-11-02' })).statusCode).toBe(400);
    res = await k.call('xishan', 'POST', `/api/v1/funds/${f.id}/donations`, { kind: 'cash', amountFen: 100, donorType: 'person', donorName: '某某', receivedOn: '2026-12-02' });
    expect(res.json().error).toMatchObject({ code: 'FUND_DAY_INVALID', message: '日期不能晚于今天' });

    // 朱志强 applies, with a document; the committee approves twice, by two people, on one amount.
    const doc = await uploadFile(k.app, k.s.resident01!, fund.ATTACHMENT_PURPOSE, { name: '住院证明.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    res = await k.call('resident01', 'POST', '/api/v1/me/fund-applications', { category: '临时困难', reason: '父亲摔伤住院，本人暂停工作照顾，家庭临时困难。', amountFen: 300_000, attachmentIds: [doc] });
    expect(res.statusCode, res.body).toBe(201);
    let app = res.json() as Application;
    expect(app).toMatchObject({ status: 'submitted', number: expect.stringMatching(/^HZ2026-\d{4}$/) });
    expect((await k.call('resident01', 'POST', '/api/v1/me/fund-applications', { category: '其他', reason: '再申请一次看看会不会重复。', amountFen: 1000 })).json().error.code).toBe('FUND_APPLICATION_OPEN');
    const inbox = (await k.call('xishan', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(inbox.items[0]).toMatchObject({ title: `互助基金新申请 ${app.number}（临时困难）`, link: '/console/volunteers/points' });
    // The committee may open the document; another resident may not.
    expect((await k.call('party', 'GET', `/api/v1/files/${doc}`)).statusCode).toBe(200);
    expect((await k.call('volunteer01', 'GET', `/api/v1/files/${doc}`)).statusCode).toBe(404);

    const decide = (who: string, body: Record<string, unknown>, lang?: string) => k.call(who, 'POST', `/api/v1/fund-applications/${app.id}/decisions`, { decision: 'approve', comment: '情况属实', ...body }, lang);
    res = await decide('xishan', { amountFen: 400_000, expectedVersion: 1 });
    expect(res.json().error.code).toBe('FUND_AMOUNT_OVER_ASKED');
    res = await decide('xishan', { expectedVersion: 1 });
    expect(res.statusCode).toBe(400);
    res = await decide('xishan', { amountFen: 200_000, expectedVersion: 1 });
    expect(res.statusCode, res.body).toBe(200);
    app = res.json() as Application;
    expect(app).toMatchObject({ status: 'approving', approvedFen: 0 });
    res = await decide('xishan', { amountFen: 200_000, expectedVersion: app.version });
    expect(res.json().error).toMatchObject({ code: 'FUND_ALREADY_DECIDED', message: '您已审批过该申请，须由另一位委员审批' });
    res = await decide('party', { amountFen: 250_000, expectedVersion: app.version }, 'en');
    expect(res.json().error).toMatchObject({ code: 'FUND_AMOUNT_MISMATCH', message: 'The amount differs from the first approval (200000 fen); agree on it first' });
    expect((await decide('party', { amountFen: 200_000, expectedVersion: 1 })).json().error.code).toBe('FUND_APPLICATION_STALE');
    expect((await decide('resident01', { amountFen: 200_000, expectedVersion: app.version })).statusCode).toBe(403);
    expect((await decide('grid01', { amountFen: 200_000, expectedVersion: app.version })).statusCode).toBe(403);
    res = await decide('party', { amountFen: 200_000, expectedVersion: app.version });
    app = res.json() as Application;
    expect(app).toMatchObject({ status: 'approved', approvedFen: 200_000 });
    const told = (await k.call('resident01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(told.items[0]).toMatchObject({ title: `互助基金申请 ${app.number} 已批准`, link: '/m/fund/apply' });

    // Paid in two parts, money and goods; never more than approved.
    const pay = (body: Record<string, unknown>) => k.call('xishan', 'POST', `/api/v1/fund-applications/${app.id}/disbursements`, { method: 'transfer', paidOn: '2026-11-24', ...body });
    res = await pay({ amountFen: 150_000 });
    expect(res.statusCode, res.body).toBe(201);
    const first = res.json() as { id: string; voucherNumber: string };
    res = await pay({ amountFen: 60_000, method: 'in_kind' });
    expect(res.json().error).toMatchObject({ code: 'FUND_OVER_APPROVED', message: '该申请未获批准，或本次支出超过批准金额（尚可支出 50000 分）' });
    // The first was keyed to the wrong account: reversed, the amount is owed again.
    res = await k.call('xishan', 'POST', `/api/v1/fund-disbursements/${first.id}/reverse`, { reason: '转账未成功，银行退回' });
    expect(res.json()).toMatchObject({ status: 'reversed' });
    expect((await pay({ amountFen: 150_000 })).statusCode).toBe(201);
    expect((await pay({ amountFen: 50_000, method: 'in_kind', note: '大米 5 袋' })).statusCode).toBe(201);
    const done = (await k.call('resident01', 'GET', '/api/v1/me/fund')).json() as { applications: Application[] };
    expect(done.applications[0]).toMatchObject({ status: 'disbursed', disbursedFen: 200_000 });
    expect((await pay({ amountFen: 1 })).statusCode).toBe(409);

    // The books: balance = sum of entries = donations − aid = the public running balance.
    const donations = 2_000_000 + 100_000 + 480_000 + 50_000;
    const aid = 200_000;
    const b = (await k.call('xishan', 'GET', '/api/v1/funds')).json() as { items: Fund[] };
    expect(b.items[0]!.balances).toEqual({ cash: 2_000_000 + 100_000 + 50_000 - 150_000, inKind: 480_000 - 50_000, balance: donations - aid, donations, aid });
    expect(await assetEntriesSum()).toBe(donations - aid);
    const page = await publicPage();
    expect(page.balances.balance).toBe(donations - aid);
    expect(page.entries[0]!.balanceFen).toBe(donations - aid);
    expect(page.entries.reduce((s, e) => s + e.amountFen, 0)).toBe(donations - aid);
    // Oldest first, each running balance is the one before plus its amount.
    const chronological = [...page.entries].reverse();
    chronological.reduce((prev, e) => {
      expect(e.balanceFen).toBe(prev + e.amountFen);
      return e.balanceFen;
    }, 0);
    expect(page.entries).toHaveLength(10);
    expect(page.entries.filter((e) => e.kind === 'reversal')).toHaveLength(2);
    expect(page.months[0]).toMatchObject({ month: '2026-11', closingFen: donations - aid });
    expect(page.months.reduce((s, m) => s + m.inFen - m.outFen, 0)).toBe(donations - aid);
    for (let i = 0; i + 1 < page.months.length; i++) expect(page.months[i]!.openingFen).toBe(page.months[i + 1]!.closingFen);
    // Anonymous donors as 爱心人士; applicants masked with the category; no names, reasons or numbers.
    const labels = page.entries.map((e) => e.label);
    expect(labels).toEqual(expect.arrayContaining(['爱心人士', '海宁市西山物业服务有限公司', '朱**（临时困难）', '冲正：钱文华 139****1234']));
    const text = JSON.stringify(page);
    for (const secret of ['朱志强', '陆建明', '父亲摔伤', '13900001234', '33048119800101001X', '13812345678']) expect(text).not.toContain(secret);
    expect(page.entries.find((e) => e.inKind && e.kind === 'donation')!.detail).toBe('物资：东北大米 50 袋、菜籽油 30 桶');

    // The ledger refuses to be edited behind the fund's back: nothing changes.
    await expect(db().updateTable('ledger_entry').set({ amount: 1 }).where('journal_id', '=', wrong.journalId).execute()).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('ledger_entry').where('journal_id', '=', wrong.journalId).execute()).rejects.toThrow(/append-only/);
    await expect(db().updateTable('ledger_journal').set({ memo: '改过的' }).where('id', '=', wrong.journalId).execute()).rejects.toThrow(/append-only/);
    // And an unbalanced posting into the fund is refused whole.
    await expect(
      ledger.post(db(), { memo: '只记一边', lines: [{ accountCode: fundCashCode(k.fx.nodes.xishan.id), amount: 100 }, { accountCode: fundDonationsCode(k.fx.nodes.xishan.id), amount: -90 }] }),
    ).rejects.toMatchObject({ code: 'LEDGER_UNBALANCED' });
    expect(await assetEntriesSum()).toBe(donations - aid);
    expect((await publicPage()).balances.balance).toBe(donations - aid);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.fund.disburse')).toBe(3);
  });

  it('never pays out more than the fund holds, and never reverses a donation already spent', async () => {
    const db0 = (await publicPage()).balances;
    // 代申请 at the desk for 王秀英 (no account), approved at more than the fund's goods.
    let res = await k.call('xishan', 'POST', `/api/v1/funds/${f.id}/applications`, { personId: k.reg.people.wang, category: '大病救助', reason: '独居老人髋关节置换手术，自付费用较高。', amountFen: 5_000_000 });
    expect(res.statusCode, res.body).toBe(201);
    let app = res.json() as Application & { onBehalf: boolean };
    expect(app.onBehalf).toBe(true);
    app = (await k.call('xishan', 'POST', `/api/v1/fund-applications/${app.id}/decisions`, { decision: 'approve', amountFen: 5_000_000, comment: '同意', expectedVersion: 1 })).json();
    app = (await k.call('party', 'POST', `/api/v1/fund-applications/${app.id}/decisions`, { decision: 'approve', amountFen: 5_000_000, comment: '同意', expectedVersion: app.version })).json();
    expect(app.status).toBe('approved');
    res = await k.call('xishan', 'POST', `/api/v1/fund-applications/${app.id}/disbursements`, { amountFen: db0.inKind + 1, method: 'in_kind', paidOn: '2026-11-25' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`基金余额不足：物资可用 ${db0.inKind} 分，本次需要 ${db0.inKind + 1} 分`);
    // Nothing was written: the approved amount is still all owed.
    expect((await k.call('xishan', 'GET', `/api/v1/fund-applications/${app.id}`)).json()).toMatchObject({ disbursedFen: 0, status: 'approved' });
    // Pay out all the cash; then the big donation cannot be reversed any more.
    expect((await k.call('xishan', 'POST', `/api/v1/fund-applications/${app.id}/disbursements`, { amountFen: db0.cash, method: 'cash', paidOn: '2026-11-25' })).statusCode).toBe(201);
    const donations = (await k.call('xishan', 'GET', `/api/v1/funds/${f.id}/donations`)).json() as { items: (Donation & { amountFen: number; donorName: string })[] };
    const big = donations.items.find((d) => d.donorName === '海宁市西山物业服务有限公司')!;
    res = await k.call('xishan', 'POST', `/api/v1/fund-donations/${big.id}/reverse`, { reason: '测试冲正已支出的捐赠' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('FUND_INSUFFICIENT');
    expect((await db().selectFrom('fund_donation').select('status').where('id', '=', big.id).executeTakeFirstOrThrow()).status).toBe('recorded');
    expect(await assetEntriesSum()).toBe(db0.inKind);
  });

  it('lets residents apply only with a registry record, to their own community, and keeps the committee’s reads audited and in their subtree', async () => {
    let res = await k.call('resident01', 'POST', '/api/v1/me/fund-applications', { category: '临时困难', reason: '太短', amountFen: 100 }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('Invalid input; check the fields listed');
    res = await k.call('resident01', 'POST', '/api/v1/me/fund-applications', { category: '买彩票', reason: '想买彩票试试手气，请基金支持。', amountFen: 100 });
    expect(res.statusCode).toBe(400);
    // An account without a registry record.
    await createUser(k.platform.ctx, { username: 'newcomer', displayName: '新居民', password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'resident', orgNodeId: k.fx.nodes.grid01.id }] });
    k.s.newcomer = await loginAs(k.app, 'newcomer');
    res = await k.call('newcomer', 'POST', '/api/v1/me/fund-applications', { category: '临时困难', reason: '刚搬来，生活暂时困难。', amountFen: 100 });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('您的账号未关联社区居民信息，请到社区办理');
    expect(((await k.call('newcomer', 'GET', '/api/v1/me/fund')).json() as { canApply: boolean }).canApply).toBe(false);

    // Staff of another community see nothing of 西山's fund.
    await createUser(k.platform.ctx, { username: 'dongshan_staff', displayName: '东山 工作人员', password: DEMO_PASSWORD, mustChangePassword: false, isDemo: true, grants: [{ role: 'community_staff', orgNodeId: k.fx.nodes.dongshan.id }] });
    k.s.dongshan_staff = await loginAs(k.app, 'dongshan_staff');
    expect((await k.call('dongshan_staff', 'GET', `/api/v1/funds/${f.id}/applications`)).statusCode).toBe(404);
    expect(((await k.call('dongshan_staff', 'GET', '/api/v1/funds')).json() as { items: unknown[] }).items).toEqual([]);
    const apps = (await k.call('party', 'GET', `/api/v1/funds/${f.id}/applications`)).json() as { items: (Application & { applicantName: string })[] };
    expect(apps.items.map((a) => a.applicantName).sort()).toEqual(['朱志强', '王秀英'].sort());
    expect((await k.call('dongshan_staff', 'GET', `/api/v1/fund-applications/${apps.items[0]!.id}`)).statusCode).toBe(404);
    const detail = (await k.call('party', 'GET', `/api/v1/fund-applications/${apps.items.find((a) => a.applicantName === '朱志强')!.id}`)).json() as { reason: string; applicant: { phoneMasked: string; idMasked: string }; attachments: unknown[] };
    expect(detail.reason).toBe('父亲摔伤住院，本人暂停工作照顾，家庭临时困难。');
    expect(detail.applicant.phoneMasked).toBe('138****5678');
    expect(detail.attachments).toHaveLength(1);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.fund.applications.read')).toBeGreaterThanOrEqual(1);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.fund.application.read')).toBeGreaterThanOrEqual(1);
    // The reason is stored encrypted.
    const stored = await db().selectFrom('fund_application').select('reason_enc').where('person_id', '=', k.reg.people.zhu).executeTakeFirstOrThrow();
    expect(stored.reason_enc).not.toContain('父亲');
    // A fund that does not exist; a resident withdraws a pending application.
    expect((await k.call(null, 'GET', `/api/v1/public/funds/${k.fx.nodes.dongshan.id}`)).statusCode).toBe(404);
    res = await k.call('volunteer01', 'POST', '/api/v1/me/fund-applications', { category: '助学', reason: '孙女考上大学，学费暂时凑不齐。', amountFen: 500_000 });
    expect(res.statusCode, res.body).toBe(201);
    res = await k.call('volunteer01', 'POST', `/api/v1/me/fund-applications/${res.json().id}/withdraw`);
    expect(res.json()).toMatchObject({ status: 'withdrawn' });
  });
});
