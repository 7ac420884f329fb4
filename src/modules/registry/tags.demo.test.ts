import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { modules } from '../index.js';
import { ageOnDate, refreshAllDerivedTags } from './tags.derived.js';
import { seedDemoTags } from './tags.demo.js';
import { chinaToday } from './tags.filter.js';

describe(`demo tags (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let people: { id: string; gender: string; birth_date: string | null; household_id: string | null }[];
  let tags: Map<string, Set<string>>;
  let today: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z'), demo: true });
    const db = platform.ctx.db.kysely;
    today = chinaToday(platform.ctx.now());
    people = await db.selectFrom('person').select(['id', 'gender', 'birth_date', 'household_id']).where('status', '=', 'active').execute();
    tags = new Map();
    for (const r of await db.selectFrom('person_tag').select(['tag', 'person_id']).where('ended_at', 'is', null).execute()) {
      tags.set(r.tag, (tags.get(r.tag) ?? new Set()).add(r.person_id));
    }
  }, 180_000);
  afterAll(async () => {
    await platform.close();
  });

  const share = (tag: string, among = people) => among.filter((p) => tags.get(tag)?.has(p.id)).length / among.length;
  const age = (p: { birth_date: string | null }) => ageOnDate(p.birth_date, today) ?? 0;

  it('gives the demo people typed and department tags in the proportions of a real community', () => {
    expect(share('低保')).toBeGreaterThan(0.01);
    expect(share('低保')).toBeLessThan(0.02);
    expect(share('残疾人')).toBeGreaterThan(0.04);
    expect(share('残疾人')).toBeLessThan(0.06);
    const menOver30 = people.filter((p) => p.gender === '男' && age(p) > 30);
    expect(share('退役军人', menOver30)).toBeGreaterThan(0.01);
    expect(share('退役军人', menOver30)).toBeLessThan(0.03);
    expect(tags.get('留守儿童')!.size).toBeGreaterThanOrEqual(3);
    expect(tags.get('留守儿童')!.size).toBeLessThanOrEqual(30);
    expect(tags.get('重点人员')!.size).toBeGreaterThanOrEqual(1);
    expect(tags.get('重点人员')!.size).toBeLessThanOrEqual(15);
  });

  it('grants 低保 to whole households, and 独居老人 to every elder living alone', () => {
    const members = new Map<string, string[]>();
    for (const p of people) if (p.household_id) members.set(p.household_id, [...(members.get(p.household_id) ?? []), p.id]);
    const dibao = tags.get('低保')!;
    for (const p of people.filter((x) => dibao.has(x.id) && x.household_id)) {
      expect(members.get(p.household_id!)!.every((id) => dibao.has(id))).toBe(true);
    }
    const alone = people.filter((p) => age(p) >= 60 && p.household_id && members.get(p.household_id)!.length === 1);
    expect(alone.length).toBeGreaterThan(50);
    expect(new Set(alone.map((p) => p.id))).toEqual(tags.get('独居老人'));
  });

  it('derives 高龄老人 and 育龄妇女 for exactly the people the rules name', () => {
    expect(tags.get('高龄老人')).toEqual(new Set(people.filter((p) => age(p) >= 80).map((p) => p.id)));
    expect(tags.get('育龄妇女')).toEqual(new Set(people.filter((p) => p.gender === '女' && age(p) >= 15 && age(p) <= 49).map((p) => p.id)));
  });

  it('seeds nothing twice', async () => {
    const count = async () => Number((await platform.ctx.db.kysely.selectFrom('person_tag').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect(await seedDemoTags(platform.ctx)).toBe(0);
    expect(await refreshAllDerivedTags(platform.ctx)).toMatchObject({ people: expect.any(Number), added: 0, ended: 0 });
    expect(await count()).toBe(before);
  });
});
