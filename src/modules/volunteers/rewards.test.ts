import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_LABEL, IS_PG } from '../../../test/helpers/platform.js';
import { uploadFile } from '../../../test/helpers/http.js';
import { countAudit } from '../../platform/audit/audit.js';
import type { PlatformContext } from '../../platform/context.js';
import { openDatabase } from '../../platform/db/database.js';
import * as ledger from '../../platform/ledger/ledger.service.js';
import { earnPoints, pointsAccountCode, pointsBalances, pointsRedeemedAccountCode } from './points.accounts.js';
import * as rewards from './rewards.service.js';
import { bannerPng } from './shop.demo.js';
import { DAY, meta, volunteersKit, type Kit } from './volunteers.testkit.js';

type Item = { id: string; stock: number; version: number; pricePoints: number; pictureUrl: string | null };
type Order = { id: string; code: string; status: string; points: number; quantity: number; journalId: string; reversalJournalId: string | null; expiresAt: string; cancelKind: string | null };

describe(`rewards 爱心超市 (${DIALECT_LABEL})`, () => {
  let k: Kit;
  let gifts = 0;
  const db = () => k.platform.ctx.db.kysely;
  const zhu = () => ({ personId: k.reg.people.zhu });
  const give = (holder: { personId: string } | { volunteerId: string }, amount: number) =>
    earnPoints(db(), { holder, amount, orgNodeId: k.fx.nodes.xishan.id, source: { type: 'test.gift', id: `gift-${++gifts}` }, memo: '测试发放', createdBy: null, at: k.platform.ctx.now() });
  const balanceOf = async (holder: { personId: string } | { volunteerId: string }) => (await pointsBalances(db(), [holder])).get(pointsAccountCode(holder))!;
  const item = async (body: Record<string, unknown>) => {
    const res = await k.call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.xishan.id, name: '洗衣液 2kg', category: '日用品', pricePoints: 80, stock: 10, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Item;
  };
  const stockOf = async (id: string) => (await db().selectFrom('reward_item').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock;
  const order = (who: string, itemId: string, quantity = 1, lang?: string) => k.call(who, 'POST', '/api/v1/me/reward-orders', { itemId, quantity }, lang);

  beforeAll(async () => {
    k = await volunteersKit();
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('keeps a catalogue per community: staff only, validated, pictures they uploaded', async () => {
    const pic = await uploadFile(k.app, k.s.xishan!, rewards.PICTURE_PURPOSE, { name: 'rice.png', mime: 'image/png', bytes: bannerPng([200, 160, 60], 1) });
    const rice = await item({ name: '东北大米 5kg', category: '粮油', pricePoints: 200, stock: 20, pictureAttachmentId: pic, limitPerPerson: 1 });
    expect(rice.pictureUrl).toMatch(new RegExp(`^/api/v1/public/reward-items/${rice.id}/picture`));
    const picture = await k.call(null, 'GET', rice.pictureUrl!);
    expect(picture.statusCode).toBe(200);
    expect(picture.headers['content-type']).toBe('image/png');

    let res = await k.call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.xishan.id, name: '负数积分', category: '日用品', pricePoints: -5, stock: 1 }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid input; check the fields listed' });
    res = await k.call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.xishan.id, name: '没有分类', category: '古董', pricePoints: 5, stock: 1 });
    expect(res.statusCode).toBe(400);
    // Someone else's upload is not a picture one may use.
    const theirs = await uploadFile(k.app, k.s.resident01!, rewards.PICTURE_PURPOSE, { name: 'x.png', mime: 'image/png', bytes: bannerPng([1, 2, 3], 2) });
    res = await k.call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.xishan.id, name: '别人的图', category: '其他', pricePoints: 5, stock: 1, pictureAttachmentId: theirs });
    expect(res.json().error).toMatchObject({ code: 'REWARD_PICTURE_INVALID', message: '图片须为您上传的图片文件' });
    res = await k.call('xishan', 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.dongshan.id, name: '东山的米', category: '粮油', pricePoints: 5, stock: 1 });
    expect(res.json().error.code).toBe('REWARD_NODE_INVALID');
    for (const who of ['grid01', 'resident01']) expect((await k.call(who, 'POST', '/api/v1/reward-items', { orgNodeId: k.fx.nodes.xishan.id, name: '越权上架', category: '其他', pricePoints: 5, stock: 1 })).statusCode).toBe(403);
    expect((await k.call('resident01', 'GET', '/api/v1/reward-orders')).statusCode).toBe(403);

    // Stock in and out: never below zero; a stale version refused.
    res = await k.call('xishan', 'PATCH', `/api/v1/reward-items/${rice.id}`, { stockDelta: -21, expectedVersion: rice.version });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'REWARD_STOCK_NEGATIVE', message: '库存不能少于 0（当前 20）' });
    res = await k.call('xishan', 'PATCH', `/api/v1/reward-items/${rice.id}`, { stockDelta: 5, pricePoints: 180, expectedVersion: rice.version });
    expect(res.json()).toMatchObject({ stock: 25, pricePoints: 180, version: 2 });
    expect((await k.call('xishan', 'PATCH', `/api/v1/reward-items/${rice.id}`, { stockDelta: 1, expectedVersion: 1 })).json().error.code).toBe('REWARD_ITEM_STALE');
    expect(await countAudit(k.platform.ctx.db, 'volunteers.rewards.item.update')).toBe(1);
  });

  it('orders with points: stock and points taken at once, fulfilled by code once, the holder told', async () => {
    const soap = await item({ name: '洗衣液 2kg', pricePoints: 80, stock: 10, holdDays: 3 });
    await give(zhu(), 200);
    const cat = (await k.call('resident01', 'GET', '/api/v1/me/rewards')).json() as { balance: number; items: { id: string; myRemaining: number | null }[] };
    expect(cat.balance).toBe(200);
    expect(cat.items.map((i) => i.id)).toContain(soap.id);
    let res = await order('resident01', soap.id);
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json() as Order;
    expect(o).toMatchObject({ status: 'pending', points: 80, quantity: 1 });
    expect(o.code).toMatch(/^\d{8}$/);
    expect(Date.parse(o.expiresAt) - k.platform.ctx.now().getTime()).toBe(3 * DAY);
    expect(await balanceOf(zhu())).toBe(120);
    expect(await stockOf(soap.id)).toBe(9);
    const journal = await ledger.getJournal(db(), o.journalId);
    expect(journal).toMatchObject({ sourceType: 'reward_order', sourceId: o.id });
    expect(journal.entries.map((e) => [e.accountCode, e.amount]).sort()).toEqual([
      [pointsAccountCode(zhu()), 80],
      [pointsRedeemedAccountCode(k.fx.nodes.xishan.id), -80],
    ]);
    const mine = (await k.call('resident01', 'GET', '/api/v1/me/reward-orders')).json() as { items: Order[] };
    expect(mine.items[0]).toMatchObject({ id: o.id, code: o.code });

    // Staff look the code up and hand the goods over; once.
    expect((await k.call('xishan', 'GET', `/api/v1/reward-orders/by-code/${o.code}`)).json()).toMatchObject({ id: o.id, holderName: '朱志强' });
    expect((await k.call('xishan', 'GET', '/api/v1/reward-orders/by-code/12ab')).statusCode).toBe(400);
    res = await k.call('xishan', 'POST', '/api/v1/reward-orders/fulfil', { code: o.code });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'fulfilled', fulfilledByName: expect.any(String) });
    res = await k.call('xishan', 'POST', '/api/v1/reward-orders/fulfil', { code: o.code });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/^该兑换单已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 核销$/);
    expect((await k.call('resident01', 'POST', `/api/v1/me/reward-orders/${o.id}/cancel`)).json().error.code).toBe('REWARD_ORDER_FULFILLED');
    // grid01 has no 爱心超市 permission; another community's staff would not find it either.
    expect((await k.call('grid01', 'POST', '/api/v1/reward-orders/fulfil', { code: o.code })).statusCode).toBe(403);
    const inbox = (await k.call('resident01', 'GET', '/api/v1/inbox')).json() as { items: { title: string; link: string }[] };
    expect(inbox.items[0]).toMatchObject({ title: '已领取：洗衣液 2kg × 1', link: '/m/volunteer/rewards' });
    const list = (await k.call('xishan', 'GET', '/api/v1/reward-orders?status=fulfilled')).json() as { items: Order[]; total: number };
    expect(list.items.map((i) => i.id)).toContain(o.id);
    expect(await countAudit(k.platform.ctx.db, 'volunteers.rewards.orders.read')).toBe(1);
  });

  it('returns stock and points by a reversing journal when an order is cancelled, by the holder or by staff', async () => {
    const oil = await item({ name: '菜籽油 1.8L', category: '粮油', pricePoints: 150, stock: 3 });
    await give(zhu(), 300);
    const before = await balanceOf(zhu());
    const a = (await order('resident01', oil.id)).json() as Order;
    const b = (await order('resident01', oil.id)).json() as Order;
    expect(await balanceOf(zhu())).toBe(before - 300);
    let res = await k.call('resident01', 'POST', `/api/v1/me/reward-orders/${a.id}/cancel`);
    expect(res.json()).toMatchObject({ status: 'cancelled', cancelKind: 'holder' });
    const reversal = await ledger.getJournal(db(), res.json().reversalJournalId);
    expect(reversal.reversesId).toBe(a.journalId);
    res = await k.call('xishan', 'POST', `/api/v1/reward-orders/${b.id}/cancel`, { reason: '该批次食用油临期，暂停兑换' });
    expect(res.json()).toMatchObject({ status: 'cancelled', cancelKind: 'staff' });
    expect((await k.call('xishan', 'POST', `/api/v1/reward-orders/${b.id}/cancel`, { reason: '再取消一次' })).json().error.code).toBe('REWARD_ORDER_CANCELLED');
    expect((await k.call('xishan', 'POST', `/api/v1/reward-orders/${b.id}/cancel`, { reason: '' })).statusCode).toBe(400);
    expect(await balanceOf(zhu())).toBe(before);
    expect(await stockOf(oil.id)).toBe(3);
    // Someone else's order is not found.
    expect((await k.call('volunteer01', 'POST', `/api/v1/me/reward-orders/${a.id}/cancel`)).statusCode).toBe(404);
  });

  it('refuses what cannot be ordered with a clear message: the limit, too few points, no stock, off sale, another community', async () => {
    const haircut = await item({ name: '社区理发券', category: '服务券', pricePoints: 50, stock: 100, limitPerPerson: 2 });
    const chess = await item({ name: '象棋一副', category: '文体用品', pricePoints: 120, stock: 1 });
    const big = await item({ name: '电饭煲', category: '其他', pricePoints: 100_000, stock: 2 });
    await give(zhu(), 300);
    expect((await order('resident01', haircut.id, 2)).statusCode).toBe(201);
    let res = await order('resident01', haircut.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'REWARD_LIMIT_REACHED', message: '超过每人限兑数量（每月限 2 件，已兑 2 件）' });
    const left = await balanceOf(zhu());
    res = await order('resident01', big.id, 1, 'en');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`Not enough points: 100000 needed, you have ${left}`);
    expect(await stockOf(big.id)).toBe(2);
    expect((await order('resident01', chess.id)).statusCode).toBe(201);
    res = await order('resident01', chess.id);
    expect(res.json().error).toMatchObject({ code: 'REWARD_OUT_OF_STOCK', message: '库存不足，已兑完' });
    await k.call('xishan', 'PATCH', `/api/v1/reward-items/${big.id}`, { onSale: false, expectedVersion: big.version });
    expect((await order('resident01', big.id)).json().error.code).toBe('REWARD_NOT_AVAILABLE');
    expect((await order('resident01', haircut.id, 0)).statusCode).toBe(400);
    // The catalogue shows what the limit still allows.
    const cat = (await k.call('resident01', 'GET', '/api/v1/me/rewards')).json() as { items: { id: string; myRemaining: number | null }[] };
    expect(cat.items.find((i) => i.id === haircut.id)!.myRemaining).toBe(0);
    expect(cat.items.find((i) => i.id === big.id)).toBeUndefined();
    // A resident of 东山 does not see 西山's items.
    const stranger = { ...(await k.actor('resident01')), personId: k.reg.people.chen };
    await expect(rewards.placeOrder(k.platform.ctx, stranger, { itemId: haircut.id, quantity: 1 }, meta)).rejects.toMatchObject({ status: 404, code: 'REWARD_ITEM_NOT_FOUND' });
    // An account with neither a registry record nor a volunteer record holds no points.
    const street = await k.actor('street');
    await expect(rewards.placeOrder(k.platform.ctx, street, { itemId: haircut.id, quantity: 1 }, meta)).rejects.toMatchObject({ status: 403, code: 'REWARD_NO_HOLDER' });
  });

  it('cancels orders not collected in time, once even when two processes run the job at once', async () => {
    const towel = await item({ name: '毛巾两条装', category: '日用品', pricePoints: 30, stock: 5, holdDays: 2 });
    await give(zhu(), 60);
    const before = await balanceOf(zhu());
    const o = (await order('resident01', towel.id)).json() as Order;
    expect(await rewards.cancelExpiredOrders(k.platform.ctx)).toBe(0);
    await k.advance(2 * DAY + 60_000);
    const other = IS_PG ? openDatabase(k.platform.config.databaseUrl, { schema: k.platform.schema, poolSize: 4 }) : k.platform.ctx.db;
    try {
      const ctx2: PlatformContext = { ...k.platform.ctx, db: other };
      const [n1, n2] = await Promise.all([rewards.cancelExpiredOrders(k.platform.ctx), rewards.cancelExpiredOrders(ctx2)]);
      expect(n1 + n2).toBe(1);
    } finally {
      if (other !== k.platform.ctx.db) await other.destroy();
    }
    const row = await db().selectFrom('reward_order').selectAll().where('id', '=', o.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', cancel_kind: 'expired' });
    const reversals = await db().selectFrom('ledger_journal').select('id').where('reverses_id', '=', o.journalId).execute();
    expect(reversals).toHaveLength(1);
    expect(await balanceOf(zhu())).toBe(before);
    expect(await stockOf(towel.id)).toBe(5);
    const inbox = (await k.call('resident01', 'GET', '/api/v1/inbox')).json() as { items: { title: string }[] };
    expect(inbox.items[0]!.title).toBe('兑换单已取消，积分已退回：毛巾两条装');
  });

  it('lets exactly 5 of 20 concurrent redemptions through for 5 items in stock; one holder’s balance is never overdrawn either', async () => {
    const rice = await item({ name: '东北大米 5kg', category: '粮油', pricePoints: 50, stock: 5 });
    const people = await k.makeVolunteers('race', 20);
    for (const p of people) await give({ volunteerId: p.volunteerId }, 100);
    const redeemedBefore = (await ledger.balanceOf(db(), pointsRedeemedAccountCode(k.fx.nodes.xishan.id))).balance;
    // PostgreSQL: a pool of its own so the 20 transactions really run side by side.
    const concurrent = IS_PG ? openDatabase(k.platform.config.databaseUrl, { schema: k.platform.schema, poolSize: 20 }) : k.platform.ctx.db;
    const ctx: PlatformContext = { ...k.platform.ctx, db: concurrent };
    try {
      const results = await Promise.allSettled(people.map((p) => rewards.placeOrder(ctx, p.actor, { itemId: rice.id, quantity: 1 }, meta)));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(5);
      for (const r of refused) expect(r.reason).toMatchObject({ status: 409, code: 'REWARD_OUT_OF_STOCK' });
      expect(await stockOf(rice.id)).toBe(0);
      const orders = await db().selectFrom('reward_order').select(['holder_code', 'status']).where('item_id', '=', rice.id).execute();
      expect(orders).toHaveLength(5);
      const winners = new Set(orders.map((o) => o.holder_code));
      const bal = await pointsBalances(db(), people.map((p) => ({ volunteerId: p.volunteerId })));
      for (const p of people) expect(bal.get(pointsAccountCode({ volunteerId: p.volunteerId }))).toBe(winners.has(pointsAccountCode({ volunteerId: p.volunteerId })) ? 50 : 100);
      expect((await ledger.balanceOf(db(), pointsRedeemedAccountCode(k.fx.nodes.xishan.id))).balance - redeemedBefore).toBe(250);

      // One holder with 120 points orders a 50-point item 20 times at once: exactly 2 get through.
      const bags = await item({ name: '环保购物袋', category: '日用品', pricePoints: 50, stock: 100 });
      const [solo] = await k.makeVolunteers('solo', 1);
      await give({ volunteerId: solo!.volunteerId }, 120);
      const again = await Promise.allSettled(Array.from({ length: 20 }, () => rewards.placeOrder(ctx, solo!.actor, { itemId: bags.id, quantity: 1 }, meta)));
      expect(again.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      for (const r of again.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'REWARD_POINTS_INSUFFICIENT' });
      expect(await balanceOf({ volunteerId: solo!.volunteerId })).toBe(20);
      expect(await stockOf(bags.id)).toBe(98);
    } finally {
      if (concurrent !== k.platform.ctx.db) await concurrent.destroy();
    }
  });
});
