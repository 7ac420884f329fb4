import type { PlatformContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { insertHouseholds, insertPeople } from '../registry/registry.repository.js';
import { personRow, type NewPerson } from '../registry/registry.service.js';
import { eventRow } from '../events/indicators.fixture.js';
import type { Fixture } from '../../../test/helpers/fixture.js';

/**
 * Known counts for cockpit and open-data tests, on test/helpers/fixture.ts's tree, as of
 * 2026-11-26 (Beijing). Ages: born 1994 → 32 (30-34), 1954 → 72 (70-74), 1944 → 82 (80-84),
 * 1984 → 42 (40-44), 2024 → 2 (0-4).
 *
 *   grid01 (40 active): 男 30-34 ×7 · 男 70-74 ×5 · 男 80-84 ×20 · 女 70-74 ×3 · 女 80-84 ×5
 *                       residence 户籍 30 · 流动 7 (the 男 30-34) · 境外 3 (the 女 70-74);
 *                       one moved-out person (not counted); one household of 3; 退役军人 ×2
 *   grid02 (12 active): 男 40-44 ×6 · 女 40-44 ×6; 户籍 10 · 境外 2; six households of 2;
 *                       退役军人 ×6 · 低保 ×5 (sensitive) · one ended 低保 (not counted)
 *   东山社区 (no grid, 2): 男 0-4 ×2, 户籍
 *   events: grid01 3 reported 2026-11 (1 closed on time 满意, 1 closed late), one of 2025-11
 *           (outside the 12 months); grid02 1 reported 2026-10, closed on time, 不满意.
 */
export async function seedCockpitFixture(ctx: PlatformContext, fx: Fixture) {
  const db = ctx.db.kysely;
  const at = ctx.now().toISOString();
  const { grid01, grid02, dongshan, dwelling01, building02 } = fx.nodes;
  const people: NewPerson[] = [];
  let n = 0;
  const add = (count: number, p: Omit<NewPerson, 'name'>) => {
    for (let i = 0; i < count; i++) people.push({ name: `测试${++n}`, ...p });
  };
  const g1 = { dwellingId: dwelling01.id, orgPath: dwelling01.path };
  const hh1 = newId();
  add(3, { ...g1, gender: '男', birthDate: '1994-03-01', residenceType: '流动人口', householdId: hh1 });
  add(4, { ...g1, gender: '男', birthDate: '1994-03-01', residenceType: '流动人口' });
  add(5, { ...g1, gender: '男', birthDate: '1954-03-01', residenceType: '户籍人口' });
  add(20, { ...g1, gender: '男', birthDate: '1944-03-01', residenceType: '户籍人口' });
  add(3, { ...g1, gender: '女', birthDate: '1954-03-01', residenceType: '境外人员' });
  add(5, { ...g1, gender: '女', birthDate: '1944-03-01', residenceType: '户籍人口' });
  add(1, { ...g1, gender: '女', birthDate: '1990-01-01', residenceType: '户籍人口', status: 'moved_out' });
  const g2 = { orgPath: building02.path };
  const hh2 = Array.from({ length: 6 }, () => newId());
  for (let i = 0; i < 6; i++) {
    add(1, { ...g2, gender: '男', birthDate: '1984-05-05', residenceType: i < 4 ? '户籍人口' : '境外人员', householdId: hh2[i] });
    add(1, { ...g2, gender: '女', birthDate: '1984-05-05', residenceType: '户籍人口', householdId: hh2[i] });
  }
  add(2, { orgPath: dongshan.path, gender: '男', birthDate: '2024-01-01', residenceType: '户籍人口' });
  const rows = people.map((p) => personRow(ctx, p, at));
  await insertHouseholds(db, [
    { id: hh1, number: 'C0001', head_person_id: null, dwelling_id: dwelling01.id, org_path: dwelling01.path, created_at: at },
    ...hh2.map((id, i) => ({ id, number: `C010${i}`, head_person_id: null, dwelling_id: null, org_path: building02.path, created_at: at })),
  ]);
  await insertPeople(db, rows);
  const byPath = (path: string) => rows.filter((r) => r.org_path === path && r.status === 'active');
  const tag = (personId: string, code: string, ended = false) => ({
    id: newId(),
    person_id: personId,
    tag: code,
    source: 'typed' as const,
    department_code: null,
    valid_from: null,
    valid_to: null,
    note: null,
    created_by: null,
    created_at: at,
    ended_at: ended ? at : null,
    ended_by: null,
    end_reason: null,
  });
  const inG1 = byPath(dwelling01.path);
  const inG2 = byPath(building02.path);
  await db
    .insertInto('person_tag')
    .values([
      ...inG1.slice(0, 2).map((p) => tag(p.id, '退役军人')),
      ...inG2.slice(0, 6).map((p) => tag(p.id, '退役军人')),
      ...inG2.slice(6, 11).map((p) => tag(p.id, '低保')),
      tag(inG2[11]!.id, '低保', true),
    ])
    .execute();

  const cat = await db.selectFrom('event_category').select('id').where('code', '=', '0101').executeTakeFirstOrThrow();
  const ev = (node: { id: string; path: string }, facts: Parameters<typeof eventRow>[1]) => eventRow({ categoryId: cat.id, node }, facts);
  await db
    .insertInto('grid_event')
    .values([
      ev(grid01, { created_at: '2026-11-10T02:00:00.000Z', state: 'closed', closed_at: '2026-11-12T02:00:00.000Z', closed_on_time: 1, rating: '满意', rated_at: '2026-11-12T03:00:00.000Z' }),
      ev(grid01, { created_at: '2026-11-10T03:00:00.000Z', state: 'closed', closed_at: '2026-11-20T02:00:00.000Z', closed_on_time: 0 }),
      ev(grid01, { created_at: '2026-11-11T03:00:00.000Z', state: 'reported' }),
      ev(grid01, { created_at: '2025-11-11T03:00:00.000Z', state: 'reported' }),
      ev(grid02, { created_at: '2026-10-08T03:00:00.000Z', state: 'closed', closed_at: '2026-10-09T03:00:00.000Z', closed_on_time: 1, rating: '不满意', rated_at: '2026-10-10T03:00:00.000Z' }),
    ])
    .execute();
}
