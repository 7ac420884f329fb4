import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { anniversary, ageOnDate, planRefresh, refreshAllDerivedTags, refreshDerivedTags, ruleWindow, yearsBefore, type DerivedRule } from './tags.derived.js';
import { whereHasActiveTag } from './tags.filter.js';

const OVER_80: DerivedRule = { kind: 'age', min: 80 };
const FERTILE: DerivedRule = { kind: 'age', min: 15, max: 49, gender: '女' };
const subject = (birth: string, gender = '女', status = 'active') => ({ id: 'p', gender, birth_date: birth, political_status: null, status });

describe('derived rules (pure)', () => {
  it('counts full years (周岁), a 29 February birthday falling on 1 March in common years', () => {
    expect(anniversary('1946-03-02', 80)).toBe('2026-03-02');
    expect(anniversary('2008-02-29', 15)).toBe('2023-03-01');
    expect(anniversary('2008-02-29', 16)).toBe('2024-02-29');
    expect(yearsBefore('2028-02-29', 81)).toBe('1947-02-28');
    expect(ageOnDate('2008-02-29', '2023-02-28')).toBe(14);
    expect(ageOnDate('2008-02-29', '2023-03-01')).toBe(15);
  });

  it('gives 高龄老人 from the 80th birthday on, open-ended', () => {
    expect(ruleWindow(OVER_80, subject('1946-11-27'), '2026-11-26')).toBeNull();
    expect(ruleWindow(OVER_80, subject('1946-11-26'), '2026-11-26')).toEqual({ from: '2026-11-26', to: null });
    expect(ruleWindow(OVER_80, subject('1930-01-01', '男'), '2026-11-26')).toEqual({ from: '2010-01-01', to: null });
    expect(ruleWindow(OVER_80, subject('1930-01-01', '男', 'deceased'), '2026-11-26')).toBeNull();
    expect(ruleWindow(OVER_80, { ...subject('1930-01-01'), birth_date: null }, '2026-11-26')).toBeNull();
  });

  it('gives 育龄妇女 to women from 15 until the day before 50 (国家统计口径)', () => {
    expect(ruleWindow(FERTILE, subject('1980-01-01'), '2026-11-26')).toEqual({ from: '1995-01-01', to: '2029-12-31' });
    expect(ruleWindow(FERTILE, subject('1980-01-01'), '2029-12-31')).not.toBeNull();
    expect(ruleWindow(FERTILE, subject('1980-01-01'), '2030-01-01')).toBeNull();
    expect(ruleWindow(FERTILE, subject('2011-11-27'), '2026-11-26')).toBeNull();
    expect(ruleWindow(FERTILE, subject('2011-11-26'), '2026-11-26')).toEqual({ from: '2026-11-26', to: '2061-11-25' });
    expect(ruleWindow(FERTILE, subject('1980-01-01', '男'), '2026-11-26')).toBeNull();
  });

  it('plans only the difference: nothing when rows match, an end and an add when the basis moved', () => {
    const rules = [{ code: '育龄妇女', rule: FERTILE }];
    const p = { ...subject('1980-01-01'), id: 'a' };
    const row = { id: 'r1', person_id: 'a', tag: '育龄妇女', valid_from: '1995-01-01', valid_to: '2029-12-31' };
    expect(planRefresh(rules, [p], [row], '2026-11-26')).toEqual({ add: [], end: [] });
    const moved = planRefresh(rules, [{ ...p, birth_date: '1981-01-01' }], [row], '2026-11-26');
    expect(moved.end).toEqual([{ id: 'r1', reason: '依据已变更，按新依据重新计算' }]);
    expect(moved.add).toEqual([{ personId: 'a', tag: '育龄妇女', window: { from: '1996-01-01', to: '2030-12-31' } }]);
    expect(planRefresh(rules, [p], [row, { ...row, id: 'r2' }], '2026-11-26').end).toEqual([{ id: 'r2', reason: '重复记录' }]);
  });
});

describe(`derived tags in the database (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fx: Fixture;
  let reg: RegistryFixture;
  const db = () => platform.ctx.db.kysely;
  const rowsOf = (personId: string, tag: string) =>
    db().selectFrom('person_tag').selectAll().where('person_id', '=', personId).where('tag', '=', tag).orderBy('created_at').orderBy('id').execute();
  const everyone = () => Object.values(reg.people);
  /** Midnight in China (UTC+8) of a date. */
  const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
  });
  afterAll(async () => {
    await platform.close();
  });

  it('has the standard tag definitions, 高龄老人 / 育龄妇女 / 党员 with rules', async () => {
    const defs = await db().selectFrom('tag_definition').selectAll().orderBy('sort').execute();
    expect(defs.map((d) => d.code)).toEqual(['低保', '特困', '残疾人', '独居老人', '高龄老人', '空巢老人', '退役军人', '育龄妇女', '留守儿童', '党员', '重点人员']);
    expect(JSON.parse(defs.find((d) => d.code === '高龄老人')!.derived_rule!)).toEqual({ kind: 'age', min: 80 });
    expect(JSON.parse(defs.find((d) => d.code === '育龄妇女')!.derived_rule!)).toEqual({ kind: 'age', min: 15, max: 49, gender: '女' });
    expect(defs.filter((d) => d.derived_rule).map((d) => d.code)).toEqual(['高龄老人', '育龄妇女', '党员']);
  });

  it('derives 育龄妇女 for the woman of 46 and nothing for the others, and is idempotent', async () => {
    const first = await refreshDerivedTags(platform.ctx, db(), everyone());
    expect(first).toEqual({ people: 5, added: 1, ended: 0 });
    const rows = await rowsOf(reg.people.xu, '育龄妇女');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'derived', valid_from: '1995-01-01', valid_to: '2029-12-31', ended_at: null, created_by: null });
    expect(await refreshDerivedTags(platform.ctx, db(), everyone())).toEqual({ people: 5, added: 0, ended: 0 });
    expect(await refreshAllDerivedTags(platform.ctx, { batchSize: 2 })).toMatchObject({ people: 5, added: 0, ended: 0 });
    const n = await db().selectFrom('person_tag').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('corrects a derived row when the birth date is corrected', async () => {
    await db().updateTable('person').set({ birth_date: '1985-05-05' }).where('id', '=', reg.people.xu).execute();
    expect(await refreshDerivedTags(platform.ctx, db(), [reg.people.xu])).toEqual({ people: 1, added: 1, ended: 1 });
    const active = (await rowsOf(reg.people.xu, '育龄妇女')).filter((r) => !r.ended_at);
    expect(active).toMatchObject([{ valid_from: '2000-05-05', valid_to: '2035-05-04' }]);
    expect((await rowsOf(reg.people.xu, '育龄妇女'))[0].end_reason).toBe('依据已变更，按新依据重新计算');
    await db().updateTable('person').set({ birth_date: '1980-01-01' }).where('id', '=', reg.people.xu).execute();
    expect(await refreshDerivedTags(platform.ctx, db(), [reg.people.xu])).toEqual({ people: 1, added: 1, ended: 1 });
  });

  it('gives 高龄老人 only once the clock passes the 80th birthday (in China time)', async () => {
    // 王秀英 was born 1949-12-31: 80 on 2029-12-31.
    platform.setNow(new Date(chinaMidnight('2029-12-31').getTime() - 60_000));
    await refreshAllDerivedTags(platform.ctx, { batchSize: 2 });
    expect(await rowsOf(reg.people.wang, '高龄老人')).toHaveLength(0);
    platform.setNow(chinaMidnight('2029-12-31'));
    const r = await refreshAllDerivedTags(platform.ctx, { batchSize: 2 });
    expect(r).toMatchObject({ people: 5, added: 1, ended: 0 });
    expect(await rowsOf(reg.people.wang, '高龄老人')).toMatchObject([{ source: 'derived', valid_from: '2029-12-31', valid_to: null, ended_at: null }]);
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'registry.tag.derive').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details!)).toMatchObject({ today: '2029-12-31', added: 1, ended: 0 });
  });

  it('ends 育龄妇女 at 50 (readers stop counting her at midnight, the job ends the row), never 高龄老人', async () => {
    platform.setNow(chinaMidnight('2030-01-01'));
    const holders = () =>
      db()
        .selectFrom('person')
        .select('name')
        .where(whereHasActiveTag(['育龄妇女'], '2030-01-01'))
        .execute();
    // Before any refresh, the row's validity already says she no longer holds it.
    expect(await holders()).toEqual([]);
    const r = await refreshAllDerivedTags(platform.ctx);
    expect(r).toMatchObject({ added: 0, ended: 1 });
    const xu = await rowsOf(reg.people.xu, '育龄妇女');
    expect(xu.filter((r) => !r.ended_at)).toEqual([]);
    expect(xu.at(-1)).toMatchObject({ valid_from: '1995-01-01', valid_to: '2029-12-31', end_reason: '规则不再满足', ended_by: null, ended_at: chinaMidnight('2030-01-01').toISOString() });
    platform.setNow(chinaMidnight('2045-06-01'));
    await refreshAllDerivedTags(platform.ctx);
    expect(await rowsOf(reg.people.wang, '高龄老人')).toMatchObject([{ ended_at: null }]);
    expect(await refreshAllDerivedTags(platform.ctx)).toMatchObject({ added: 0, ended: 0 });
  });

  it('follows the record: 党员 from the political status, everything ended when the record ends', async () => {
    await db().updateTable('person').set({ political_status: '中共预备党员' }).where('id', '=', reg.people.zhu).execute();
    expect(await refreshDerivedTags(platform.ctx, db(), [reg.people.zhu])).toEqual({ people: 1, added: 1, ended: 0 });
    expect(await rowsOf(reg.people.zhu, '党员')).toMatchObject([{ source: 'derived', valid_from: null, valid_to: null, ended_at: null }]);
    await db().updateTable('person').set({ political_status: '群众' }).where('id', '=', reg.people.zhu).execute();
    expect(await refreshDerivedTags(platform.ctx, db(), [reg.people.zhu])).toEqual({ people: 1, added: 0, ended: 1 });
    // A recorded death ends the derived tags too, inside the writer's transaction.
    await db().transaction().execute(async (trx) => {
      await trx.updateTable('person').set({ status: 'deceased' }).where('id', '=', reg.people.wang).execute();
      expect(await refreshDerivedTags(platform.ctx, trx, [reg.people.wang])).toEqual({ people: 1, added: 0, ended: 1 });
    });
    const wang = await db().selectFrom('person_tag').selectAll().where('person_id', '=', reg.people.wang).where('ended_at', 'is', null).execute();
    expect(wang).toEqual([]);
    // History is kept: nothing was deleted.
    expect((await rowsOf(reg.people.wang, '高龄老人')).length).toBeGreaterThan(0);
  });

});
