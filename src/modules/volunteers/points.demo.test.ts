import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { modules } from '../index.js';
import { fundBalances, fundCashCode, fundInKindCode } from './fund.accounts.js';
import * as fund from './fund.service.js';
import { pointsAccountCode, pointsBalances } from './points.accounts.js';

/** The demo's points, 爱心超市 and 西山社区互助基金 (points.demo.ts, rewards.demo.ts, fund.demo.ts). */
describe(`demo points, rewards and fund (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  const db = () => platform.ctx.db.kysely;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('has rules as data, points earned from the hours seed and good deeds, every award in the ledger', async () => {
    const rules = await db().selectFrom('points_rule').select(['name', 'source_kind', 'points_per_unit']).orderBy('created_at').execute();
    expect(rules.map((r) => r.name)).toEqual(['街道志愿服务积分', '志愿服务时长积分', '好人好事积分']);
    const awards = await db().selectFrom('points_award').select(['source_type', 'holder_code', 'points', 'journal_id', 'memo']).execute();
    expect(awards.filter((a) => a.source_type === 'volunteer.service').length).toBeGreaterThan(10);
    // The seven of points.demo.ts (the party module's 好人好事银行 may add its own good deeds).
    const mine = ['呼叫 120', '楼道老人代购药品', '现金 860 元', '避免电动车浸水', '消除火灾隐患', '存折和现金', '协助家属联系社区'];
    const ours = awards.filter((a) => a.source_type === 'good_deed' && mine.some((m) => a.memo.includes(m)));
    expect(ours).toHaveLength(7);
    expect(awards.every((a) => a.points === 0 || a.journal_id)).toBe(true);
    // Every holder's balance is what they were awarded minus what they spent at the 爱心超市 (pending or fulfilled).
    const holders = [...new Set(awards.map((a) => a.holder_code))];
    const spent = await db().selectFrom('reward_order').select(['holder_code', sql<number>`sum(points)`.as('p')]).where('status', '!=', 'cancelled').groupBy('holder_code').execute();
    const balances = await pointsBalances(
      db(),
      holders.map((c) => (c.startsWith('points:person:') ? { personId: c.slice('points:person:'.length) } : { volunteerId: c.slice('points:volunteer:'.length) })),
    );
    for (const code of holders) {
      const earned = awards.filter((a) => a.holder_code === code).reduce((s, a) => s + a.points, 0);
      expect(balances.get(code)).toBe(earned - Number(spent.find((x) => x.holder_code === code)?.p ?? 0));
    }
    // 朱志强: 100 from his two deeds, 80 spent on 洗衣液 (plus whatever other modules awarded him).
    const zhu = await db().selectFrom('app_user').select('person_id').where('username', '=', 'resident01').executeTakeFirstOrThrow();
    const zhuCode = pointsAccountCode({ personId: zhu.person_id! });
    expect(ours.filter((a) => a.holder_code === zhuCode).reduce((s, a) => s + a.points, 0)).toBe(100);
    expect(Number(spent.find((x) => x.holder_code === zhuCode)?.p)).toBe(80);
  });

  it('has a catalogue with stock and pictures, one order fulfilled and one waiting', async () => {
    const items = await db().selectFrom('reward_item').select(['name', 'price_points', 'stock', 'picture_attachment_id']).orderBy('sort').execute();
    expect(items.map((i) => [i.name, i.price_points])).toEqual(expect.arrayContaining([['东北大米 5kg', 200], ['压榨菜籽油 1.8L', 150], ['洗衣液 2kg', 80], ['社区理发券', 50]]));
    expect(items.every((i) => i.picture_attachment_id && i.stock > 0)).toBe(true);
    const orders = await db().selectFrom('reward_order').select(['item_name', 'holder_name', 'status']).orderBy('created_at').execute();
    expect(orders).toEqual([
      { item_name: '洗衣液 2kg', holder_name: '朱志强', status: 'fulfilled' },
      { item_name: '社区理发券', holder_name: '徐美玲', status: 'pending' },
    ]);
  });

  it('has 西山社区互助基金 with donations of every kind, a reversal, two applications (one paid) and statements across months', async () => {
    const xishan = await db().selectFrom('org_node').select(['id']).where('name', '=', '西山社区').executeTakeFirstOrThrow();
    const page = await fund.publicFund(platform.ctx, xishan.id);
    expect(page.name).toBe('西山社区互助基金');
    expect(page.months.length).toBeGreaterThanOrEqual(6);
    const labels = page.entries.map((e) => e.label);
    expect(labels).toEqual(expect.arrayContaining(['爱心人士', '海宁市西山物业服务有限公司', '海宁皮革城商户联合会']));
    expect(labels.filter((l) => l.startsWith('冲正'))).toHaveLength(1);
    expect(page.entries.filter((e) => e.kind === 'disbursement')).toHaveLength(2);
    const b = await fundBalances(db(), xishan.id);
    expect(b.balance).toBe(b.donations - b.aid);
    expect(b.balance).toBe(page.entries[0]!.balanceFen);
    const raw = await db()
      .selectFrom('ledger_entry as e')
      .innerJoin('ledger_account as a', 'a.id', 'e.account_id')
      .select(sql<number>`sum(e.amount)`.as('s'))
      .where('a.code', 'in', [fundCashCode(xishan.id), fundInKindCode(xishan.id)])
      .executeTakeFirstOrThrow();
    expect(Number(raw.s)).toBe(b.balance);
    const apps = await db().selectFrom('fund_application').select(['status', 'category']).orderBy('created_at').execute();
    expect(apps).toEqual([
      { status: 'disbursed', category: '大病救助' },
      { status: 'approving', category: '临时困难' },
    ]);
    expect(JSON.stringify(page)).not.toContain('朱志强');
  });
});
