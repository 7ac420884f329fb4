import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { composeIdNumber } from '../../platform/cn/id-number.js';
import type { Actor } from '../../platform/policy/actor.js';
import { loadActor } from '../../platform/auth/auth.service.js';
import { upsertPeopleByIdNumber, type UpsertInput } from './people.write.js';
import { REGISTRY_PEOPLE, seedRegistryFixture, type RegistryFixture } from './registry.fixture.js';
import { findPeopleByIdNumberIdx, insertPeople } from './registry.repository.js';
import { BLIND_ID_NUMBER, personRow } from './registry.service.js';
import { addressNumberPrefix, addressPattern, reindexAll } from './search.index.js';

/**
 * The bulk write path an import chunk takes (multi-row inserts, grouped updates, search rows
 * and derived tags built in memory) must leave exactly what one write at a time leaves; and
 * the indexes of migration 0105: one active person per ID number, address numbers.
 */
describe(`registry bulk writes and indexes (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fx: Fixture;
  let reg: RegistryFixture;
  let actor: Actor;
  const db = () => platform.ctx.db.kysely;
  const upsert = (inputs: UpsertInput[]) =>
    db()
      .transaction()
      .execute((trx) => upsertPeopleByIdNumber(platform.ctx, trx, actor, inputs, { source: 'import', defaultResidenceType: () => '户籍人口' }));
  const outcomes = (rs: Awaited<ReturnType<typeof upsert>>) => rs.map((r) => (r.ok ? r.outcome : r.error.code));
  const personOf = (idNumber: string) =>
    db().selectFrom('person').selectAll().where('id_number_idx', '=', platform.ctx.pii.blindIndex(BLIND_ID_NUMBER, idNumber)).where('status', '=', 'active').executeTakeFirstOrThrow();
  const count = async (table: 'person_tag' | 'person_change' | 'person_dwelling_link' | 'person_search') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  // 85 on the test date (born 1941-02-03), a man (odd sequence).
  const elder = composeIdNumber('330481', '1941-02-03', 11);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    await reindexAll(platform.ctx);
    actor = (await loadActor(db(), fx.users.xishan!))!;
  });
  afterAll(async () => {
    await platform.close();
  });

  it('creates, moves, tags and leaves alone in one run, as single writes would', async () => {
    const zhu = REGISTRY_PEOPLE.zhu;
    const xu = REGISTRY_PEOPLE.xu;
    const results = await upsert([
      { name: '沈福根', idType: '居民身份证', idNumber: elder, dwellingId: fx.nodes.dwelling02.id },
      { name: zhu.name, idType: '居民身份证', idNumber: zhu.idNumber, dwellingId: fx.nodes.dwelling02.id, tags: ['低保'] },
      { name: xu.name, idType: '居民身份证', idNumber: xu.idNumber, phone: xu.phone, ethnicity: '汉族', residenceType: '户籍人口', dwellingId: fx.nodes.dwelling01.id },
    ]);
    expect(outcomes(results)).toEqual(['created', 'updated', 'unchanged']);

    const shen = await personOf(elder);
    expect(shen).toMatchObject({ residence_type: '户籍人口', gender: '男', birth_date: '1941-02-03', org_path: fx.nodes.dwelling02.path });
    const search = await db().selectFrom('person_search').selectAll().where('person_id', '=', shen.id).executeTakeFirstOrThrow();
    expect(search).toMatchObject({ name: '沈福根', name_pinyin: 'shenfugen', name_initials: 'sfg', address: '#1-1-102#', org_path: fx.nodes.dwelling02.path });
    const shenTags = await db().selectFrom('person_tag').select(['tag', 'source', 'valid_from']).where('person_id', '=', shen.id).execute();
    expect(shenTags).toEqual([{ tag: '高龄老人', source: 'derived', valid_from: '2021-02-03' }]);
    const shenLinks = await db().selectFrom('person_dwelling_link').select(['dwelling_id', 'relation', 'ended_at']).where('person_id', '=', shen.id).execute();
    expect(shenLinks).toEqual([{ dwelling_id: fx.nodes.dwelling02.id, relation: 'resident', ended_at: null }]);
    const shenHistory = await db().selectFrom('person_change').select(['field', 'new_value', 'source']).where('person_id', '=', shen.id).execute();
    expect(shenHistory).toEqual([{ field: 'record', new_value: 'created', source: 'import' }]);

    const moved = await personOf(zhu.idNumber);
    expect(moved).toMatchObject({ org_path: fx.nodes.dwelling02.path, dwelling_id: fx.nodes.dwelling02.id, residence_type: '户籍人口' });
    const zhuTags = await db().selectFrom('person_tag').select(['tag', 'source']).where('person_id', '=', reg.people.zhu).execute();
    expect(zhuTags).toEqual([{ tag: '低保', source: 'imported' }]);
    const zhuHistory = await db().selectFrom('person_change').select(['field', 'old_value', 'new_value']).where('person_id', '=', reg.people.zhu).orderBy('field').execute();
    expect(zhuHistory).toEqual([
      { field: 'address', old_value: '1幢1单元101室', new_value: '1幢1单元102室' },
      { field: 'tags', old_value: null, new_value: '低保' },
    ]);
    const zhuSearch = await db().selectFrom('person_search').select(['address', 'org_path']).where('person_id', '=', reg.people.zhu).executeTakeFirstOrThrow();
    expect(zhuSearch).toEqual({ address: '#1-1-102#', org_path: fx.nodes.dwelling02.path });
    const audit = await db().selectFrom('audit_log').select(['details']).where('action', '=', 'registry.person.upsert').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ source: 'import', created: [shen.id], updated: [{ personId: reg.people.zhu, fields: ['address', 'tags'] }] });
  });

  it('moving back ends the link of the dwelling left; the same rows again change nothing', async () => {
    const zhu = REGISTRY_PEOPLE.zhu;
    const back = await upsert([{ name: zhu.name, idType: '居民身份证', idNumber: zhu.idNumber, dwellingId: fx.nodes.dwelling01.id, tags: ['低保'] }]);
    expect(outcomes(back)).toEqual(['updated']);
    const links = await db().selectFrom('person_dwelling_link').select(['dwelling_id', 'ended_at', 'to_date']).where('person_id', '=', reg.people.zhu).execute();
    const state = Object.fromEntries(links.map((l) => [l.dwelling_id, l.ended_at === null ? 'active' : `ended ${l.to_date}`]));
    expect(state).toEqual({ [fx.nodes.dwelling02.id]: 'ended 2026-11-26', [fx.nodes.dwelling01.id]: 'active' });

    const before = { tags: await count('person_tag'), changes: await count('person_change'), links: await count('person_dwelling_link'), search: await count('person_search') };
    const again = await upsert([
      { name: '沈福根', idType: '居民身份证', idNumber: elder, dwellingId: fx.nodes.dwelling02.id },
      { name: zhu.name, idType: '居民身份证', idNumber: zhu.idNumber, dwellingId: fx.nodes.dwelling01.id, tags: ['低保'] },
    ]);
    expect(outcomes(again)).toEqual(['unchanged', 'unchanged']);
    expect({ tags: await count('person_tag'), changes: await count('person_change'), links: await count('person_dwelling_link'), search: await count('person_search') }).toEqual(before);
  });

  it('writes a number that comes twice in one run as two writes in order', async () => {
    const twice = composeIdNumber('330481', '1990-06-01', 22);
    const results = await upsert([
      { name: '钟小燕', idType: '居民身份证', idNumber: twice, phone: '13700001111', dwellingId: fx.nodes.dwelling02.id },
      { name: '钟小燕', idType: '居民身份证', idNumber: twice, phone: '13700002222', residenceType: '流动人口', dwellingId: fx.nodes.dwelling02.id },
    ]);
    expect(outcomes(results)).toEqual(['created', 'updated']);
    expect(await personOf(twice)).toMatchObject({ phone_tail: '2222', residence_type: '流动人口' });
    // 育龄妇女 (15–49, women) is derived once, for the person created.
    const tags = await db().selectFrom('person_tag').select('tag').where('person_id', '=', (await personOf(twice)).id).where('ended_at', 'is', null).execute();
    expect(tags).toEqual([{ tag: '育龄妇女' }]);
  });

  it('refuses a second active person with the same ID number; ended records may share it', async () => {
    const at = platform.ctx.now().toISOString();
    const P = REGISTRY_PEOPLE.wang;
    const input = { name: P.name, idNumber: P.idNumber, residenceType: '流动人口' as const, dwellingId: reg.nodes.dwelling03.id, orgPath: reg.nodes.dwelling03.path };
    await expect(insertPeople(db(), [personRow(platform.ctx, input, at)])).rejects.toThrow();
    await insertPeople(db(), [personRow(platform.ctx, { ...input, status: 'moved_out' }, at), personRow(platform.ctx, { ...input, status: 'deceased' }, at)]);
    const all = await findPeopleByIdNumberIdx(db(), platform.ctx.pii.blindIndex(BLIND_ID_NUMBER, P.idNumber));
    expect(all.map((p) => p.status).sort()).toEqual(['active', 'deceased', 'moved_out']);
  });

  it('ranges address searches over the numbers the pattern starts with', () => {
    const prefix = (typed: string) => addressNumberPrefix(addressPattern(typed)!);
    expect(prefix('3幢2单元501室')).toBe('#3-2-501#');
    expect(prefix('文昌花园3幢2单元501室')).toBe('#3-2-501#');
    expect(prefix('3-2')).toBe('#3-2-');
    expect(prefix('3幢501')).toBe('#3-');
    expect(prefix('东山路2号')).toBe('#2-');
    // No building number: nothing to range over (the scope's rows are scanned instead).
    expect(prefix('2单元501室')).toBeNull();
    expect(prefix('501室')).toBeNull();
    expect(prefix('锦绣苑')).toBeNull();
    expect(addressNumberPrefix('%#1\\_2-%')).toBe('#1_2-');
  });
});
