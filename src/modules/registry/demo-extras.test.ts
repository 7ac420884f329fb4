import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { defineModule } from '../../platform/module.js';
import { CODE_LISTS, findCode } from '../../platform/cn/codes.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import { seedRegistryExtras } from '../../demo/registry-extras.js';
import { parseCreditCode } from './organisations.credit-code.js';

/** The registry's name, so the demo seeds its people, without running module seeds. */
const registryOnly = defineModule({ name: 'registry' });

async function seeded(): Promise<TestPlatform> {
  const p = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
  await seedDemoIfEmpty(p.ctx, [registryOnly], () => {});
  await seedRegistryExtras(p.ctx);
  return p;
}

async function digest(p: TestPlatform) {
  const db = p.ctx.db.kysely;
  const people = await db.selectFrom('person').select(['name', 'birth_date', 'id_number_tail', 'relation_to_head', 'education', 'political_status', 'marital_status', 'hukou_address', 'household_residence_status']).execute();
  const orgs = await db.selectFrom('organisation').select(['name', 'kind', 'credit_code', 'contact_name', 'contact_phone_enc', 'employees']).execute();
  const lines = [
    ...people.map((r) => Object.values(r).join('|')),
    ...orgs.map((o) => [o.name, o.kind, o.credit_code, o.contact_name, o.contact_phone_enc ? p.ctx.pii.decrypt(o.contact_phone_enc) : '', o.employees].join('|')),
  ].sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

describe(`demo registry extras (${DIALECT_LABEL})`, () => {
  let a: TestPlatform;
  let b: TestPlatform;

  beforeAll(async () => {
    a = await seeded();
    b = await seeded();
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('completes every active record with values of the national code lists', async () => {
    const people = await a.ctx.db.kysely.selectFrom('person').selectAll().where('status', '=', 'active').execute();
    expect(people.length).toBeGreaterThan(13_000);
    for (const p of people) {
      expect(findCode(CODE_LISTS.education, p.education)?.name, p.name).toBe(p.education);
      expect(findCode(CODE_LISTS.politicalStatus, p.political_status)?.name).toBe(p.political_status);
      expect(findCode(CODE_LISTS.maritalStatus, p.marital_status)?.name).toBe(p.marital_status);
      if (p.household_id) expect(CODE_LISTS.relationToHead.entries.some((e) => e.code === p.relation_to_head)).toBe(true);
    }
    const share = (f: (p: (typeof people)[number]) => boolean) => people.filter(f).length / people.length;
    expect(share((p) => p.political_status === '中共党员')).toBeGreaterThan(0.04);
    expect(share((p) => p.political_status === '中共党员')).toBeLessThan(0.12);
    expect(share((p) => p.hukou_address !== null)).toBeGreaterThan(0.95);
    const local = people.find((p) => p.residence_type === '户籍人口' && p.id_number_region === '330481');
    expect(local?.hukou_address).toMatch(/^浙江省海宁市硖石街道(西山|东山)社区$/);
    // Children are unmarried and in school.
    for (const p of people.filter((x) => x.birth_date && x.birth_date > '2012-01-01')) expect([p.marital_status, ['小学', '初中', '其他'].includes(p.education!)]).toEqual(['未婚', true]);
  });

  it('gives every household exactly its head as 户主 and at most one spouse', async () => {
    const db = a.ctx.db.kysely;
    const households = await db.selectFrom('household').select(['id', 'head_person_id']).execute();
    const members = await db.selectFrom('person').select(['id', 'household_id', 'relation_to_head', 'marital_status']).where('household_id', 'is not', null).execute();
    const byHousehold = new Map<string, typeof members>();
    for (const m of members) byHousehold.set(m.household_id!, [...(byHousehold.get(m.household_id!) ?? []), m]);
    let couples = 0;
    for (const h of households) {
      const ms = byHousehold.get(h.id) ?? [];
      if (ms.length === 0) continue;
      expect(ms.filter((m) => m.relation_to_head === '02').map((m) => m.id)).toEqual([h.head_person_id]);
      const spouses = ms.filter((m) => m.relation_to_head === '11' || m.relation_to_head === '12');
      expect(spouses.length).toBeLessThanOrEqual(1);
      if (spouses.length) {
        couples++;
        expect(['已婚', '再婚']).toContain(spouses[0]!.marital_status);
      }
    }
    expect(couples).toBeGreaterThan(households.length / 3);
  });

  it('adds about forty organisations in 西山社区 with valid credit codes and encrypted contact phones', async () => {
    const db = a.ctx.db.kysely;
    const xishan = await db.selectFrom('org_node').select('path').where('name', '=', '西山社区').executeTakeFirstOrThrow();
    const orgs = await db.selectFrom('organisation').selectAll().execute();
    expect(orgs.length).toBeGreaterThanOrEqual(38);
    expect(new Set(orgs.map((o) => o.kind))).toEqual(new Set(['shop', 'enterprise', 'social_org', 'public_institution', 'other']));
    for (const o of orgs) {
      expect(o.org_path.startsWith(xishan.path)).toBe(true);
      if (o.credit_code) expect(parseCreditCode(o.credit_code)).toEqual({ ok: true, code: o.credit_code });
      expect(o.contact_phone_enc).not.toBeNull();
      expect(o.contact_phone_enc).not.toContain(o.contact_phone_tail!);
    }
    expect(orgs.filter((o) => o.credit_code).length).toBeGreaterThan(30);
    // Spread over the grids, not piled in one.
    const grids = await db.selectFrom('org_node').select('path').where('kind', '=', 'grid').where('path', 'like', `${xishan.path}%`).execute();
    const used = grids.filter((g) => orgs.some((o) => o.org_path.startsWith(g.path)));
    expect(used.length).toBe(grids.length);
  });

  it('is deterministic: two seeds give the same content (ids aside)', async () => {
    expect(await digest(a)).toBe(await digest(b));
  });
});
