import type { DemoSeedContext } from '../../platform/module.js';
import { loadDemoRefs } from '../../demo/refs.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { addDays, bjDate } from './appointments.slots.js';
import type { MerchantCategory } from './merchants.schema.js';
import { addOffer, createMerchant } from './merchants.service.js';
import type { OpeningPeriod } from './merchants.table.js';

/**
 * The demo's 周边商圈: twenty-odd shops on the streets around 西山社区 (西山路, 水月亭西路,
 * 文苑路, 工人路, 海昌南路, 新民路), with their hours as the shop door says and a few running
 * offers. Names are made up; places sit inside the demo community's box.
 */

const ALL = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];
const WEEKEND = [6, 7];
const P = (days: number[], open: string, close: string): OpeningPeriod => ({ days, open, close });

interface Shop {
  name: string;
  category: MerchantCategory;
  address: string;
  phone?: string;
  hours: OpeningPeriod[];
  note?: string;
  description: string;
  /** Offers: days from today to start (negative: already running) and to end. */
  offers?: { title: string; description: string; from: number; to: number }[];
}

export const DEMO_SHOPS: Shop[] = [
  {
    name: '西山农贸市场',
    category: 'market',
    address: '西山路88号',
    phone: '0573-87021166',
    hours: [P(ALL, '05:30', '18:00')],
    note: '春节期间初一至初三休市',
    description: '蔬菜、水产、肉禽、南北干货，早市最新鲜；市场内设公平秤。',
    offers: [{ title: '周三会员日', description: '凭市场会员卡买蔬菜满30元减3元', from: -20, to: 40 }],
  },
  { name: '张记馄饨', category: 'food', address: '西山路118号', phone: '13705738126', hours: [P(ALL, '06:00', '13:00')], description: '鲜肉小馄饨、葱油拌面、生煎，老街坊的早饭。' },
  {
    name: '老周缸肉面馆',
    category: 'food',
    address: '海昌南路72号',
    phone: '0573-87035518',
    hours: [P(ALL, '06:30', '13:30')],
    description: '海宁缸肉面、片儿川，缸肉每天现烧。',
    offers: [{ title: '70岁以上老人面条减2元', description: '凭老年人优待证或身份证，堂食每碗减2元', from: -60, to: 120 }],
  },
  {
    name: '硖石老街酱鸭馆',
    category: 'food',
    address: '新民路45号',
    phone: '0573-87028890',
    hours: [P(ALL, '10:30', '14:00'), P(ALL, '16:30', '20:30')],
    description: '酱鸭、酱肉、熏鱼，可提前电话预订。',
    offers: [{ title: '冬至酱鸭预订', description: '提前三天预订整只酱鸭九折，冬至当天到店自提', from: -5, to: 25 }],
  },
  { name: '老街夜宵烧烤', category: 'food', address: '水月亭西路36号', phone: '13857331234', hours: [P(ALL, '17:00', '02:00')], description: '烧烤、炒粉干、砂锅；承诺23点后降低音量，不占道经营。' },
  {
    name: '紫微苑邻家便利店',
    category: 'grocery',
    address: '紫微苑小区南门东侧',
    phone: '0573-87040021',
    hours: [P(ALL, '00:00', '24:00')],
    description: '24小时便利店，代收水电燃气费，可打印复印。',
    offers: [{ title: '社区居民办卡享95折', description: '凭居住地址免费办理会员卡，日用品95折', from: -30, to: 60 }],
  },
  {
    name: '惠民生活超市（西山店）',
    category: 'grocery',
    address: '文苑路20号',
    phone: '0573-87026655',
    hours: [P(ALL, '07:30', '21:30')],
    description: '粮油副食、日用百货、生鲜，满58元3公里内免费送货上门。',
    offers: [
      { title: '周末鸡蛋特价', description: '每周六周日上午，土鸡蛋每斤特价，每人限购两斤', from: -14, to: 30 },
      { title: '国庆中秋礼盒', description: '月饼、坚果礼盒八折', from: -70, to: -50 },
    ],
  },
  {
    name: '康宁大药房西山店',
    category: 'pharmacy',
    address: '文苑路52号',
    phone: '0573-87031120',
    hours: [P(WEEKDAYS, '08:00', '21:00'), P(WEEKEND, '08:30', '20:00')],
    note: '医保定点药店，可刷医保卡',
    description: '医保定点，常用药、慢病用药，执业药师在岗。',
    offers: [{ title: '老年人免费测血压血糖', description: '每天上午9点至11点，60岁以上老人免费测量', from: -90, to: 90 }],
  },
  {
    name: '仁和堂中医诊所',
    category: 'pharmacy',
    address: '工人路16号',
    phone: '0573-87019968',
    hours: [P([1, 2, 3, 4, 5, 6], '08:00', '11:30'), P([1, 2, 3, 4, 5, 6], '13:30', '17:00')],
    note: '周日休息',
    description: '中医内科、针灸推拿，冬令膏方。',
  },
  {
    name: '阿强家电维修',
    category: 'repair',
    address: '工人路23号',
    phone: '13967316628',
    hours: [P(ALL, '08:00', '18:00')],
    description: '空调、洗衣机、热水器维修清洗，上门服务，修不好不收费。',
    offers: [{ title: '冬季空调清洗68元/台', description: '挂机深度清洗，社区老人再减10元', from: -10, to: 45 }],
  },
  { name: '小蜜蜂家政服务', category: 'repair', address: '海昌南路128号', phone: '0573-87052233', hours: [P([1, 2, 3, 4, 5, 6], '08:00', '18:00')], description: '日常保洁、开荒保洁、钟点工、月嫂育婴师介绍。' },
  { name: '西山开锁修锁', category: 'repair', address: '新民路3号', phone: '13306738899', hours: [P(ALL, '08:00', '22:00')], note: '已在公安机关备案；夜间急开锁请拨打电话', description: '开锁、换锁芯、配钥匙、安装智能门锁，开锁须出示身份证件。' },
  {
    name: '美佳理发店',
    category: 'beauty',
    address: '西山路160号',
    phone: '15157312345',
    hours: [P(ALL, '08:30', '20:30')],
    description: '理发、烫染；每月第一个周二为行动不便的老人上门理发。',
    offers: [{ title: '60岁以上老人理发10元', description: '凭身份证，洗剪吹一律10元', from: -120, to: 240 }],
  },
  { name: '丽人美容美甲', category: 'beauty', address: '水月亭西路58号', phone: '0573-87036677', hours: [P(ALL, '10:00', '21:00')], description: '美容护理、美甲美睫。' },
  {
    name: '启明星课外辅导',
    category: 'education',
    address: '文苑路66号二楼',
    phone: '0573-87043388',
    hours: [P(WEEKDAYS, '16:00', '20:30'), P(WEEKEND, '08:30', '17:00')],
    description: '小学作业辅导、书法、围棋；已办理校外培训机构许可。',
  },
  {
    name: '雅音琴行',
    category: 'education',
    address: '海昌南路96号',
    phone: '13616736521',
    hours: [P(ALL, '09:00', '20:00')],
    description: '钢琴、古筝、二胡教学，老年二胡班周二、周四上午开课。',
    offers: [{ title: '老年二胡班免费试听', description: '每位老人可免费试听两节课', from: 0, to: 30 }],
  },
  { name: '邻里快递驿站（紫微苑店）', category: 'express', address: '紫微苑小区北门', phone: '0573-87047712', hours: [P(ALL, '08:00', '20:30')], description: '各家快递代收代寄，老人包裹可预约送货上楼。' },
  { name: '顺心快递代收点', category: 'express', address: '西山路90号（农贸市场东门）', phone: '15857385566', hours: [P(ALL, '07:30', '19:30')], description: '快递代收、代寄，可寄冷链生鲜。' },
  {
    name: '洁净干洗店',
    category: 'laundry',
    address: '新民路27号',
    phone: '0573-87022419',
    hours: [P(ALL, '08:00', '20:00')],
    description: '干洗、水洗、皮衣护理、改衣服。',
    offers: [{ title: '羽绒服干洗八折', description: '冬季羽绒服、大衣干洗八折', from: -15, to: 45 }],
  },
  { name: '西山修鞋配钥匙', category: 'life', address: '西山农贸市场门口', phone: '13757362201', hours: [P(ALL, '07:00', '17:30')], note: '雨天休息', description: '修鞋、配钥匙、修伞、换拉链。' },
  { name: '福寿照相馆', category: 'life', address: '工人路31号', phone: '0573-87016630', hours: [P(ALL, '09:00', '18:00')], description: '证件照（身份证、社保卡回执）、全家福、老人寿照。' },
];

export async function seedMerchantsDemo({ ctx, random: r, log }: DemoSeedContext): Promise<void> {
  const refs = await loadDemoRefs(ctx);
  const xishan = refs.node('xishan');
  const staff = (await loadActor(ctx.db.kysely, refs.user('xishan').id))!;
  const today = bjDate(ctx.now());
  // Around the demo community (its 2 km × 2 km box centred near 120.688, 30.512).
  const centre = { lat: 30.512, lng: 120.688 };
  let offers = 0;
  for (const [i, shop] of DEMO_SHOPS.entries()) {
    const m = await createMerchant(
      ctx,
      staff,
      {
        orgNodeId: xishan.id,
        name: shop.name,
        category: shop.category,
        address: `海宁市硖石街道${shop.address}`,
        phone: shop.phone,
        lat: Math.round((centre.lat + (r() - 0.5) * 0.016) * 1e6) / 1e6,
        lng: Math.round((centre.lng + (r() - 0.5) * 0.018) * 1e6) / 1e6,
        openingHours: { periods: shop.hours, ...(shop.note ? { note: shop.note } : {}) },
        description: shop.description,
        sort: i,
      },
      {},
    );
    for (const o of shop.offers ?? []) {
      await addOffer(ctx, staff, m.id, { title: o.title, description: o.description, startsOn: addDays(today, o.from), endsOn: addDays(today, o.to) }, {});
      offers++;
    }
  }
  log(`  merchants: ${DEMO_SHOPS.length} shops, ${offers} offers`);
}
