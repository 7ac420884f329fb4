import type { PlatformContext } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { prefixEnd } from '../platform/db/dialect.js';
import { creditCodeCheckChar } from '../modules/registry/organisations.credit-code.js';
import { organisationRow, type OrganisationInput } from '../modules/registry/organisations.service.js';
import { insertOrganisations } from '../modules/registry/organisations.repository.js';
import type { OrganisationKind, PersonTable } from '../modules/registry/registry.table.js';
import { pickGivenName, pickSurname } from './names.js';
import { REFERENCE_DATE } from './people.js';
import { mulberry32, seedFrom, weighted, type Random } from './random.js';
import { loadDemoRefs } from './refs.js';

/**
 * The rest of a demo resident's record — 政治面貌, 学历, 婚姻状况, 与户主关系 (GB/T 4761), 户籍地,
 * 人户状态 — and about forty organisations (shops, enterprises, social organisations, public
 * institutions) in 西山社区's buildings.
 *
 * Deterministic although ids are not: each person's draws come from a hash of what the demo
 * generator fixes (name, birth date, ID number tail), and buildings are taken in name order.
 * Run it after the people are seeded and before the tags seed, so derived tags see the fields.
 */
export async function seedRegistryExtras(ctx: PlatformContext, log: (msg: string) => void = () => {}): Promise<{ people: number; organisations: number }> {
  const people = await fillPersonFields(ctx);
  const organisations = await seedOrganisations(ctx);
  log(`  registry extras: ${people} records completed, ${organisations} organisations`);
  return { people, organisations };
}

const REFERENCE_YEAR = Number(REFERENCE_DATE.slice(0, 4));

type Member = Pick<PersonTable, 'id' | 'name' | 'gender' | 'birth_date' | 'id_number_tail' | 'id_number_region' | 'residence_type' | 'household_id' | 'org_path'>;

function ageOf(p: Member): number {
  if (!p.birth_date) return 30;
  const years = REFERENCE_YEAR - Number(p.birth_date.slice(0, 4));
  return REFERENCE_DATE.slice(5) < p.birth_date.slice(5) ? years - 1 : years;
}

/** A PRNG of this person's own: same person, same draws, whatever order rows come back in. */
const personRandom = (p: Member): Random => mulberry32(seedFrom(`${p.name}|${p.birth_date}|${p.id_number_tail}|extras`));

/** GB/T 4761 relation of `m` to the household head `head`, from age, gender and surname. */
function relationTo(head: Member, m: Member, spouseTaken: boolean): string {
  const diff = ageOf(m) - ageOf(head);
  const sameSurname = head.name[0] === m.name[0];
  if (!spouseTaken && m.gender !== head.gender && Math.abs(diff) <= 12) return m.gender === '女' ? '12' : '11';
  if (diff <= -40) return m.gender === '男' ? '41' : '42';
  if (diff <= -15) return m.gender === '男' ? '20' : '30';
  if (diff >= 15) {
    if (m.gender === '男') return sameSurname ? '51' : '55';
    return '52';
  }
  return '99';
}

const EDUCATION_BY_COHORT: Record<'old' | 'middle' | 'young', (rnd: Random) => string> = {
  old: weighted([['其他', 22], ['小学', 38], ['初中', 26], ['普通高中', 8], ['中等职业教育', 3], ['大学专科', 2], ['大学本科', 1]]),
  middle: weighted([['小学', 12], ['初中', 38], ['普通高中', 18], ['中等职业教育', 12], ['大学专科', 11], ['大学本科', 8], ['研究生', 1]]),
  young: weighted([['初中', 14], ['普通高中', 13], ['中等职业教育', 12], ['大学专科', 25], ['大学本科', 30], ['研究生', 6]]),
};

function educationOf(p: Member, rnd: Random): string {
  const age = ageOf(p);
  if (age < 6) return '其他'; // 学龄前
  if (age < 12) return '小学';
  if (age < 15) return '初中';
  if (age < 18) return rnd() < 0.6 ? '普通高中' : '中等职业教育';
  const born = REFERENCE_YEAR - age;
  return EDUCATION_BY_COHORT[born < 1955 ? 'old' : born < 1978 ? 'middle' : 'young'](rnd);
}

function politicalStatusOf(p: Member, rnd: Random): string {
  const age = ageOf(p);
  const r = rnd();
  if (age < 14) return '群众';
  if (age < 28 && r < 0.38) return '共青团员';
  if (age >= 18 && r > 1 - (age >= 60 ? 0.12 : 0.08)) return '中共党员';
  if (age >= 18 && age < 40 && r > 0.905 && r < 0.912) return '中共预备党员';
  if (age >= 30 && r > 0.5 && r < 0.505) return '九三学社社员';
  return '群众';
}

function maritalStatusOf(p: Member, relation: string, hasSpouse: boolean, rnd: Random): string {
  const age = ageOf(p);
  if (age < 20) return '未婚';
  if (hasSpouse && (relation === '02' || relation === '11' || relation === '12')) return rnd() < 0.06 ? '再婚' : '已婚';
  if (age >= 60) return rnd() < 0.8 ? '丧偶' : rnd() < 0.5 ? '离婚' : '已婚';
  if (age < 30) return rnd() < 0.8 ? '未婚' : '已婚';
  const r = rnd();
  return r < 0.45 ? '已婚' : r < 0.75 ? '未婚' : '离婚';
}

/** Home counties of the demo's numbers (see src/demo/people.ts), as 户籍地 text. */
const PLACES: Record<string, string> = {
  '330481': '浙江省海宁市',
  '330482': '浙江省平湖市',
  '330483': '浙江省桐乡市',
  '330424': '浙江省海盐县',
  '330421': '浙江省嘉善县',
  '330402': '浙江省嘉兴市南湖区',
  '330411': '浙江省嘉兴市秀洲区',
  '330106': '浙江省杭州市西湖区',
  '330110': '浙江省杭州市余杭区',
  '330521': '浙江省德清县',
  '330602': '浙江省绍兴市越城区',
  '330381': '浙江省瑞安市',
  '341221': '安徽省临泉县',
  '341222': '安徽省太和县',
  '341226': '安徽省颍上县',
  '341321': '安徽省砀山县',
  '341623': '安徽省利辛县',
  '411627': '河南省太康县',
  '411628': '河南省鹿邑县',
  '411421': '河南省民权县',
  '511321': '四川省南部县',
  '511725': '四川省渠县',
  '522425': '贵州省织金县',
  '522422': '贵州省大方县',
  '430523': '湖南省邵阳县',
  '433101': '湖南省吉首市',
  '362330': '江西省鄱阳县',
  '450922': '广西壮族自治区陆川县',
  '320721': '江苏省赣榆县',
  '372928': '山东省郓城县',
  '421127': '湖北省黄梅县',
  '360731': '江西省于都县',
  '810000': '香港特别行政区',
  '820000': '澳门特别行政区',
  '830000': '台湾地区',
};
const PROVINCES: Record<string, string> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区', '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省', '41': '河南省',
  '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省', '50': '重庆市', '51': '四川省', '52': '贵州省',
  '53': '云南省', '54': '西藏自治区', '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
};

function hukouOf(p: Member, communityName: string | undefined): string | null {
  const region = p.id_number_region;
  if (!region) return null;
  // Locals are registered at their community; everyone else at their home county.
  if (region === '330481' && p.residence_type === '户籍人口') return `浙江省海宁市硖石街道${communityName ?? ''}`;
  return PLACES[region] ?? PROVINCES[region.slice(0, 2)] ?? null;
}

async function fillPersonFields(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const communities = await db.selectFrom('org_node').select(['path', 'name']).where('kind', '=', 'community').execute();
  const communityOf = (path: string) => communities.find((c) => path.startsWith(c.path))?.name;
  const heads = new Map((await db.selectFrom('household').select(['id', 'head_person_id']).execute()).map((h) => [h.id, h.head_person_id]));
  const people = await db
    .selectFrom('person')
    .select(['id', 'name', 'gender', 'birth_date', 'id_number_tail', 'id_number_region', 'residence_type', 'household_id', 'org_path'])
    .where('status', '=', 'active')
    .execute();
  const byHousehold = new Map<string, Member[]>();
  for (const p of people) if (p.household_id) byHousehold.set(p.household_id, [...(byHousehold.get(p.household_id) ?? []), p]);

  // Same values → one UPDATE for all the people who share them.
  const groups = new Map<string, string[]>();
  const assign = (p: Member, relation: string | null, hasSpouse: boolean) => {
    const rnd = personRandom(p);
    const values = {
      relation_to_head: relation,
      education: educationOf(p, rnd),
      political_status: politicalStatusOf(p, rnd),
      marital_status: maritalStatusOf(p, relation ?? '', hasSpouse, rnd),
      hukou_address: hukouOf(p, communityOf(p.org_path)),
      household_residence_status: p.residence_type === '户籍人口' && p.id_number_region === '330481' ? '人户同在' : '人在户不在',
    };
    const key = JSON.stringify(values);
    groups.set(key, [...(groups.get(key) ?? []), p.id]);
  };
  for (const [householdId, members] of byHousehold) {
    const head = members.find((m) => m.id === heads.get(householdId)) ?? members[0]!;
    let spouse: Member | undefined;
    const relations = new Map<string, string>([[head.id, '02']]);
    // Oldest first, so a couple's child is not mistaken for the head's spouse.
    for (const m of [...members].sort((a, b) => ageOf(b) - ageOf(a) || a.name.localeCompare(b.name))) {
      if (m.id === head.id) continue;
      const r = relationTo(head, m, !!spouse);
      if (r === '11' || r === '12') spouse = m;
      relations.set(m.id, r);
    }
    // The spouse's parents living with them are 岳父/岳母 (or 公公/婆婆).
    if (spouse) {
      for (const m of members) {
        const r = relations.get(m.id);
        if ((r === '52' || r === '55') && m.name[0] === spouse.name[0] && m.name[0] !== head.name[0]) relations.set(m.id, head.gender === '男' ? (m.gender === '男' ? '55' : '56') : m.gender === '男' ? '53' : '54');
      }
    }
    for (const m of members) assign(m, relations.get(m.id) ?? null, !!spouse);
  }
  for (const p of people) if (!p.household_id) assign(p, null, false);

  await db.transaction().execute(async (trx) => {
    for (const [key, ids] of groups) {
      const values = JSON.parse(key) as Partial<PersonTable>;
      for (let i = 0; i < ids.length; i += 500) await trx.updateTable('person').set(values).where('id', 'in', ids.slice(i, i + 500)).execute();
    }
  });
  return people.length;
}

interface OrgSpec {
  name: string;
  kind: OrganisationKind;
  /** Registration authority and category of GB 32100: 92 个体工商户, 91 企业, 51 社会团体, 52 民办非企业, 12 事业单位, 11 机关. */
  code: '92' | '91' | '51' | '52' | '12' | '11' | null;
  employees: [number, number];
  /** Street-front blocks (「{路}{n}号」) have shops below. */
  streetFront?: boolean;
  landline?: boolean;
}

const ORGANISATIONS: OrgSpec[] = [
  ...[
    '西山便利店', '老街面馆', '阿芳理发店', '康宁大药房西山店', '小林水果店', '金鑫五金店', '红梅裁缝铺', '吉祥馄饨店', '诚信家电维修部', '鑫源烟酒店',
    '西山早餐店', '丽人美容美发', '悦来快餐店', '顺达快递驿站', '德顺粮油店', '平安眼镜店', '西山书报亭', '美味鲜生鲜超市', '好运来彩票店', '阿强修车铺',
  ].map((name): OrgSpec => ({ name, kind: 'shop', code: '92', employees: [1, 6], streetFront: true })),
  ...[
    '海宁市西山皮革制品有限公司', '海宁市硖石经编织造有限公司', '海宁市鑫达物业管理有限公司', '浙江西山家纺有限公司',
    '海宁市嘉禾餐饮管理有限公司', '海宁市安居房产经纪有限公司', '海宁市快捷搬家服务有限公司', '海宁市晨光印务有限公司',
  ].map((name): OrgSpec => ({ name, kind: 'enterprise', code: '91', employees: [8, 120], landline: true })),
  { name: '海宁市硖石街道西山社区老年协会', kind: 'social_org', code: '51', employees: [2, 5] },
  { name: '海宁市西山社区志愿者协会', kind: 'social_org', code: '51', employees: [1, 3] },
  { name: '海宁市乐龄居家养老服务中心', kind: 'social_org', code: '52', employees: [12, 30], landline: true },
  { name: '海宁市西山社区居家养老服务站', kind: 'social_org', code: '52', employees: [4, 10], landline: true },
  { name: '海宁市西山青少年活动中心', kind: 'social_org', code: '52', employees: [3, 8], landline: true },
  { name: '海宁市西山幼儿园', kind: 'public_institution', code: '12', employees: [20, 40], landline: true },
  { name: '海宁市西山小学', kind: 'public_institution', code: '12', employees: [60, 90], landline: true },
  { name: '硖石街道社区卫生服务中心西山站', kind: 'public_institution', code: '12', employees: [8, 15], landline: true },
  { name: '海宁市公安局硖石派出所西山警务室', kind: 'public_institution', code: '11', employees: [3, 6], landline: true },
  { name: '西山社区党群服务中心', kind: 'public_institution', code: null, employees: [6, 12], landline: true },
  { name: '西山邮政所', kind: 'other', code: null, employees: [3, 6], streetFront: true, landline: true },
  { name: '西山社区业主委员会（西山花园）', kind: 'other', code: null, employees: [5, 9] },
];

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function creditCode(rnd: Random, prefix: string): string {
  // 个体工商户 and new registrations carry an 'MA'-style organisation code; institutions a numeric one.
  const body =
    prefix === '12' || prefix === '11'
      ? Array.from({ length: 9 }, () => String(Math.floor(rnd() * 10))).join('')
      : 'MA' + Array.from({ length: 7 }, () => CODE_CHARS[Math.floor(rnd() * CODE_CHARS.length)]).join('');
  const first17 = prefix + '330481' + body;
  return first17 + creditCodeCheckChar(first17);
}

async function buildingsOf(db: Executor, path: string) {
  return db.selectFrom('org_node').select(['id', 'path', 'name']).where('kind', '=', 'building').where('path', '>=', path).where('path', '<', prefixEnd(path)).orderBy('name').execute();
}

async function seedOrganisations(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const refs = await loadDemoRefs(ctx);
  const rnd = mulberry32(seedFrom('registry-extras/organisations'));
  const grids = await Promise.all(refs.grids.map(async (g) => ({ grid: g, buildings: await buildingsOf(db, g.path) })));
  const at = ctx.now().toISOString();
  const rows = ORGANISATIONS.map((spec, i) => {
    const { grid, buildings } = grids[i % grids.length]!;
    const fronts = buildings.filter((b) => b.name.endsWith('号'));
    const pool = spec.streetFront && fronts.length ? fronts : buildings;
    const node = pool.length ? pool[Math.floor(rnd() * pool.length)]! : grid;
    const owner = pickSurname(rnd) + pickGivenName(rnd, rnd() < 0.5 ? '男' : '女', 1960 + Math.floor(rnd() * 35));
    const contact = spec.kind === 'shop' ? owner : pickSurname(rnd) + pickGivenName(rnd, rnd() < 0.6 ? '女' : '男', 1970 + Math.floor(rnd() * 30));
    const phone = spec.landline ? `0573-87${String(Math.floor(rnd() * 1_000_000)).padStart(6, '0')}` : `1${['35', '38', '39', '58', '59', '37'][Math.floor(rnd() * 6)]}${String(Math.floor(rnd() * 100_000_000)).padStart(8, '0')}`;
    const input: OrganisationInput = {
      name: spec.name,
      kind: spec.kind,
      creditCode: spec.code ? creditCode(rnd, spec.code) : null,
      orgNodeId: node.id,
      address: node.name.endsWith('号') ? `海宁市硖石街道${node.name}` : `海宁市硖石街道西山社区${node.name}`,
      legalRepresentative: spec.code === '92' || spec.code === '91' ? owner : null,
      contactName: contact,
      contactPhone: phone,
      employees: spec.employees[0] + Math.floor(rnd() * (spec.employees[1] - spec.employees[0] + 1)),
      note: null,
    };
    return organisationRow(ctx, input, node, at);
  });
  await db.transaction().execute((trx) => insertOrganisations(trx, rows));
  return rows.length;
}
