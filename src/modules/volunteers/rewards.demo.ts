import { Readable } from 'node:stream';
import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { storeAttachment } from '../../platform/files/files.service.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { pointsBalances } from './points.accounts.js';
import { holderOfActor } from './points.service.js';
import type { ItemInput } from './rewards.schema.js';
import * as rewards from './rewards.service.js';
import { bannerPng } from './shop.demo.js';

/**
 * The demo 爱心超市 of 西山社区 (after the hours and good deeds have earned points): seven rewards
 * with stock and pictures, and two orders — 朱志强's 洗衣液 handed over (已核销) and 徐美玲's 理发券
 * waiting to be collected (待核销).
 */

const DAY = 86_400_000;

const ITEMS: (Omit<ItemInput, 'orgNodeId' | 'pictureAttachmentId' | 'availableFrom' | 'availableTo' | 'sort' | 'holdDays' | 'limitPeriod' | 'limitPerPerson' | 'description'> & { description: string; limit?: number; colour: [number, number, number] })[] = [
  { name: '东北大米 5kg', description: '当季新米，真空包装。', category: '粮油', pricePoints: 200, stock: 20, limit: 1, colour: [214, 170, 80] },
  { name: '压榨菜籽油 1.8L', description: '非转基因压榨一级。', category: '粮油', pricePoints: 150, stock: 30, limit: 2, colour: [220, 180, 40] },
  { name: '洗衣液 2kg', description: '低泡易漂，瓶装。', category: '日用品', pricePoints: 80, stock: 40, colour: [60, 140, 210] },
  { name: '社区理发券', description: '社区银龄理发室使用，一次剪发（含洗头）。', category: '服务券', pricePoints: 50, stock: 100, limit: 2, colour: [150, 90, 170] },
  { name: '纯棉毛巾两条装', description: '', category: '日用品', pricePoints: 30, stock: 60, colour: [90, 170, 150] },
  { name: '环保购物袋', description: '可折叠，印有“垃圾分类 从我做起”。', category: '日用品', pricePoints: 20, stock: 80, colour: [90, 140, 50] },
  { name: '象棋一副', description: '实木大号，适合老年活动室。', category: '文体用品', pricePoints: 120, stock: 5, limit: 1, colour: [190, 50, 50] },
];

export async function seedRewardsDemo(seed: DemoSeedContext) {
  const { ctx } = seed;
  const refs = await loadDemoRefs(ctx);
  const db = ctx.db.kysely;
  const anchor = ctx.now().getTime();
  const meta: RequestMeta = { ip: '127.0.0.1', requestId: 'demo-seed' };
  const at = (daysAgo: number): PlatformContext => ({ ...ctx, now: () => new Date(anchor - daysAgo * DAY) });
  const staff = (await loadActor(db, refs.user('xishan').id))!;
  const xishan = refs.node('xishan');

  const made: Record<string, string> = {};
  for (const [k, item] of ITEMS.entries()) {
    const picture = await storeAttachment(at(60), staff, { stream: Readable.from([bannerPng(item.colour, k)]), originalName: `reward-${k + 1}.png`, purpose: rewards.PICTURE_PURPOSE }, meta);
    const { colour: _c, limit, ...fields } = item;
    const created = await rewards.createItem(at(60), staff, { ...fields, orgNodeId: xishan.id, limitPerPerson: limit ?? null, limitPeriod: 'month', holdDays: 7, pictureAttachmentId: picture.id, availableFrom: null, availableTo: null, sort: k * 10 }, meta);
    made[item.name] = created.id;
  }

  let orders = 0;
  const zhu = await loadActor(db, refs.user('resident01').id);
  if (zhu) {
    const order = await rewards.placeOrder(at(5), zhu, { itemId: made['洗衣液 2kg']!, quantity: 1 }, meta);
    await rewards.fulfil(at(4), staff, order.code, meta);
    orders++;
  }
  const xu = await loadActor(db, refs.user('volunteer01').id);
  const me = xu ? await holderOfActor(ctx, xu) : null;
  if (xu && me && ((await pointsBalances(db, [me.holder])).values().next().value ?? 0) >= 50) {
    await rewards.placeOrder(at(1), xu, { itemId: made['社区理发券']!, quantity: 1 }, meta);
    orders++;
  }
  seed.log(`volunteers: 爱心超市 with ${ITEMS.length} rewards, ${orders} orders`);
}
