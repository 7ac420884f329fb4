import type { PlatformContext } from '../../platform/context.js';
import type { DemoSeedContext } from '../../platform/module.js';
import { newId } from '../../platform/ids.js';
import { seedFrom } from '../../demo/random.js';
import { addDays, ageOnDate, refreshAllDerivedTags } from './tags.derived.js';
import { chinaToday } from './tags.filter.js';
import { insertPersonTags } from './tags.repository.js';
import type { PersonTagTable, TagSource } from './tags.table.js';

/**
 * A number in [0, 1) drawn from a person's own stable facts (name, birth date, the last four
 * of the ID number) rather than from row order or ids, which differ from seed to seed: the
 * same demo people get the same tags every time.
 */
function draw(salt: string, key: string): number {
  return seedFrom(`${salt}|${key}`) / 4_294_967_296;
}

const pick = <T>(items: readonly T[], u: number): T => items[Math.min(items.length - 1, Math.floor(u * items.length))];

/** A date between two years, drawn from `u`. */
function dateIn(fromYear: number, toYear: number, u: number): string {
  const start = `${fromYear}-01-01`;
  const days = Math.floor(u * (toYear - fromYear + 1) * 365);
  return addDays(start, days);
}

const DISABILITY = ['肢体残疾', '肢体残疾', '肢体残疾', '视力残疾', '听力残疾', '言语残疾', '智力残疾', '精神残疾', '多重残疾'] as const;
const GRADES = ['一级', '二级', '三级', '三级', '四级', '四级'] as const;
const ALONE_CONTACT = ['紧急联系人：儿子（外地）', '紧急联系人：女儿（同社区）', '紧急联系人：侄子', '紧急联系人：邻居', '紧急联系人：女儿（市区）'] as const;
const KEY_PERSON = ['社区矫正对象', '刑满释放人员', '严重精神障碍患者'] as const;

/**
 * Typed and department-granted tags for the demo people, deterministic: 低保 for about 1.5 %
 * (whole households, as 低保 is granted to a household), 特困 for a few elders living alone,
 * 残疾人 about 5 %, 独居老人 every elder living alone, 空巢老人 elders living only with elders,
 * 退役军人 about 2 % of men over 30, a few 留守儿童 and a handful of 重点人员. Skipped when any
 * such tag exists already. Derived tags (高龄老人, 育龄妇女, 党员) come from
 * `refreshAllDerivedTags`.
 */
export async function seedDemoTags(ctx: PlatformContext): Promise<number> {
  const db = ctx.db.kysely;
  const existing = await db.selectFrom('person_tag').select('id').where('source', '!=', 'derived').limit(1).executeTakeFirst();
  if (existing) return 0;
  const today = chinaToday(ctx.now());
  const at = ctx.now().toISOString();
  const people = await db
    .selectFrom('person')
    .select(['id', 'name', 'gender', 'birth_date', 'id_number_tail', 'household_id'])
    .where('status', '=', 'active')
    .execute();
  const households = new Map((await db.selectFrom('household').select(['id', 'number']).execute()).map((h) => [h.id, h.number]));
  const users = new Map((await db.selectFrom('app_user').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
  const staff = users.get('xishan') ?? null;
  const civil = users.get('civil') ?? null;

  const members = new Map<string, typeof people>();
  for (const p of people) {
    if (!p.household_id) continue;
    const list = members.get(p.household_id) ?? [];
    list.push(p);
    members.set(p.household_id, list);
  }
  const ageOf = (p: (typeof people)[number]) => ageOnDate(p.birth_date, today) ?? 0;

  const rows: PersonTagTable[] = [];
  const give = (personId: string, tag: string, source: TagSource, extra: { department?: string; from?: string | null; note?: string; by?: string | null } = {}) =>
    rows.push({
      id: newId(),
      person_id: personId,
      tag,
      source,
      department_code: extra.department ?? null,
      valid_from: extra.from ?? null,
      valid_to: null,
      note: extra.note ?? null,
      created_by: extra.by === undefined ? staff : extra.by,
      created_at: at,
      ended_at: null,
      ended_by: null,
      end_reason: null,
    });

  // 低保 is granted to a household: every member holds it.
  for (const [householdId, list] of members) {
    const number = households.get(householdId) ?? householdId;
    const u = draw('低保', number);
    if (u >= 0.015) continue;
    const from = dateIn(2019, 2025, u / 0.015);
    const full = list.length === 1 || u < 0.005;
    for (const p of list) {
      give(p.id, '低保', 'department', { department: 'civil', from, by: civil, note: `${full ? '全额' : '差额'}保障，保障人口${list.length}人` });
    }
  }

  for (const p of people) {
    const key = `${p.name}|${p.birth_date}|${p.id_number_tail}`;
    const age = ageOf(p);
    const household = p.household_id ? members.get(p.household_id) ?? [] : [];
    const alone = household.length === 1;
    if (age >= 60 && alone) {
      give(p.id, '独居老人', 'typed', { note: pick(ALONE_CONTACT, draw('联系人', key)) });
      if (age >= 70 && draw('特困', key) < 0.08) give(p.id, '特困', 'department', { department: 'civil', from: dateIn(2018, 2025, draw('特困日期', key)), by: civil, note: '分散供养' });
    }
    if (age >= 60 && household.length >= 2 && household.every((m) => ageOf(m) >= 60)) give(p.id, '空巢老人', 'typed');
    if (age >= 3 && draw('残疾人', key) < 0.05) {
      const u = draw('残疾类别', key);
      give(p.id, '残疾人', 'typed', { from: dateIn(2015, 2025, draw('发证', key)), note: `${pick(DISABILITY, u)}${pick(GRADES, draw('等级', key))}` });
    }
    if (p.gender === '男' && age > 30 && draw('退役军人', key) < 0.02) {
      const born = Number(p.birth_date!.slice(0, 4));
      const enlisted = born + 18 + Math.floor(draw('入伍', key) * 3);
      const left = enlisted + 2 + Math.floor(draw('退役', key) * 4);
      give(p.id, '退役军人', 'department', { department: 'veterans', from: `${left}-12-01`, by: null, note: `${enlisted}年入伍，${left}年退役` });
    }
    if (age >= 6 && age <= 15 && draw('留守儿童', key) < 0.008) give(p.id, '留守儿童', 'typed', { note: '父母在外务工，由祖父母照料' });
    if (age >= 18 && age <= 65 && draw('重点人员', key) < 0.0005) give(p.id, '重点人员', 'department', { department: 'public-security', by: null, note: pick(KEY_PERSON, draw('类别', key)) });
  }

  await db.transaction().execute((trx) => insertPersonTags(trx, rows));
  return rows.length;
}

/** The registry's demo seed hook: the demo people's tags, then every derived tag. */
export async function seedRegistryDemo({ ctx, log }: DemoSeedContext): Promise<void> {
  const typed = await seedDemoTags(ctx);
  const derived = await refreshAllDerivedTags(ctx);
  log(`  registry: ${typed} 条录入/部门标签, ${derived.added} 条自动标签 (${derived.ms} ms)`);
}
