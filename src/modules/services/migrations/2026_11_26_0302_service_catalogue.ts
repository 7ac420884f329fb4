import type { Kysely, Migration } from 'kysely';
import { newId } from '../../../platform/ids.js';
import { CATALOGUE, CATALOGUE_GROUPS } from '../matters.catalogue.js';
import { ZMatterContent } from '../matters.schema.js';
import { matterTerms } from '../matters.search.js';

/**
 * Data migration: the 办事指南 groups and the seeded catalogue (version 1 of each matter,
 * published, with its search terms), so every deployment has a guide from its first start.
 * Codes already present are left alone (a deployment may have edited them).
 */
const AT = '2026-11-26T00:00:00.000Z';

export const serviceCatalogue: Migration = {
  async up(db: Kysely<any>) {
    const groups = new Set((await db.selectFrom('service_matter_group').select('code').execute()).map((g: { code: string }) => g.code));
    const fresh = CATALOGUE_GROUPS.filter((g) => !groups.has(g.code));
    if (fresh.length) {
      await db
        .insertInto('service_matter_group')
        .values(fresh.map((g) => ({ code: g.code, name: g.name, name_en: g.nameEn, icon: g.icon, sort: g.sort })))
        .execute();
    }
    const groupName = new Map(CATALOGUE_GROUPS.map((g) => [g.code, g.name]));
    const existing = new Set((await db.selectFrom('service_matter').select('code').execute()).map((m: { code: string }) => m.code));
    let sort = 0;
    for (const item of CATALOGUE) {
      sort += 10;
      if (existing.has(item.code)) continue;
      const content = ZMatterContent.parse(item.content);
      const id = newId(Date.parse(AT) + sort);
      await db
        .insertInto('service_matter')
        .values({
          id,
          code: item.code,
          group_code: item.group,
          org_node_id: null,
          org_path: '',
          status: 'published',
          published_version: 1,
          latest_version: 1,
          name: content.name,
          name_en: content.nameEn ?? null,
          summary: content.summary,
          department: content.department,
          mode: content.mode,
          time_limit_days: content.timeLimitDays,
          free: content.fee.free ? 1 : 0,
          sort,
          published_at: AT,
          created_at: AT,
          updated_at: AT,
        })
        .execute();
      await db
        .insertInto('service_matter_version')
        .values({ matter_id: id, version: 1, content: JSON.stringify(content), note: '初始办事指南', created_by: null, created_by_name: '系统', created_at: AT, published_at: AT, published_by_name: '系统' })
        .execute();
      const terms = matterTerms(content, groupName.get(item.group) ?? '');
      for (let i = 0; i < terms.length; i += 200) {
        await db
          .insertInto('service_matter_term')
          .values(terms.slice(i, i + 200).map((t) => ({ term: t.term, matter_id: id, field: t.field, weight: t.weight })))
          .execute();
      }
    }
  },
  async down(db: Kysely<any>) {
    const ids = (await db.selectFrom('service_matter').select('id').where('code', 'in', CATALOGUE.map((c) => c.code)).execute()).map((r: { id: string }) => r.id);
    if (ids.length) {
      await db.deleteFrom('service_matter_term').where('matter_id', 'in', ids).execute();
      await db.deleteFrom('service_matter_version').where('matter_id', 'in', ids).execute();
      await db.deleteFrom('service_matter').where('id', 'in', ids).execute();
    }
    await db.deleteFrom('service_matter_group').where('code', 'in', CATALOGUE_GROUPS.map((g) => g.code)).execute();
  },
};
