import type { Kysely, Migration } from 'kysely';
import { newId } from '../../../platform/ids.js';
import { DEFAULT_CATEGORIES, type DefaultCategory } from '../categories.defaults.js';

/**
 * Data migration: the default category tree (7 groups, their leaves), so every deployment can
 * take events from its first start. A department is linked only when the deployment already
 * has it (departments are deployment data); staff set the others in the console.
 */
export const defaultEventCategories: Migration = {
  async up(db: Kysely<any>) {
    const departments = new Set((await db.selectFrom('department').select('code').execute()).map((d: { code: string }) => d.code));
    const existing = new Set((await db.selectFrom('event_category').select('code').execute()).map((c: { code: string }) => c.code));
    const at = new Date().toISOString();
    const row = (c: DefaultCategory, id: string, parentId: string | null, sort: number) => ({
      id,
      parent_id: parentId,
      code: c.code,
      name: c.name,
      name_en: c.nameEn,
      description: c.description ?? null,
      keywords: c.keywords ?? null,
      default_unit: c.unit,
      default_department_code: c.department && departments.has(c.department) ? c.department : null,
      response_hours: c.responseHours,
      handling_hours: c.handlingHours,
      attributes: JSON.stringify(c.attributes ?? []),
      public: c.public === false ? 0 : 1,
      sort,
      active: 1,
      version: 1,
      created_at: at,
      updated_at: at,
    });
    let groupSort = 0;
    for (const group of DEFAULT_CATEGORIES) {
      groupSort += 10;
      let groupId: string;
      if (existing.has(group.code)) {
        groupId = ((await db.selectFrom('event_category').select('id').where('code', '=', group.code).executeTakeFirstOrThrow()) as { id: string }).id;
      } else {
        groupId = newId();
        await db.insertInto('event_category').values(row(group, groupId, null, groupSort)).execute();
      }
      const leaves = group.leaves.filter((l) => !existing.has(l.code)).map((l) => row(l, newId(), groupId, group.leaves.indexOf(l) + 1));
      if (leaves.length) await db.insertInto('event_category').values(leaves).execute();
    }
  },
  async down(db: Kysely<any>) {
    const codes = DEFAULT_CATEGORIES.flatMap((g) => g.leaves.map((l) => l.code));
    await db.deleteFrom('event_category').where('code', 'in', codes).execute();
    await db.deleteFrom('event_category').where('code', 'in', DEFAULT_CATEGORIES.map((g) => g.code)).execute();
  },
};

