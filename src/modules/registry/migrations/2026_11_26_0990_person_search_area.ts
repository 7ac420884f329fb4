import { CompiledQuery, sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';
import { areaPathOf } from '../search.index.js';

/**
 * Pinyin and initials search by area first (PostgreSQL's initials search was 44–67 ms p95 at a
 * million residents). The initials index began with the initials: `zj` inside one community
 * walked the city's 25,000 `zj…` entries to keep 300. person_search gets `area_path`, the
 * person's community (or, registered above any community, the street, district or city node
 * they are at), and the two indexes begin with it: a search names the areas of its scope
 * (one community, or a street's ten) and reads only their entries of the prefix.
 *
 * Existing rows get their area from the org tree in batches (the areas are few: every
 * city, district, street and community node, held in memory).
 */
export const personSearchArea: Migration = {
  async up(db: Kysely<any>) {
    const dialect = dialectOf(db);
    const binary = binaryCollation(dialect);
    await db.schema.alterTable('person_search').addColumn('area_path', 'text', (c) => binary(c)).execute();

    const nodes = await db.selectFrom('org_node').select(['id', 'kind']).where('kind', 'in', ['city', 'district', 'street', 'community']).execute();
    const kinds = new Map<string, string>(nodes.map((n: { id: string; kind: string }) => [n.id, n.kind]));
    let after = '';
    for (;;) {
      const rows: { person_id: string; org_path: string }[] = await db
        .selectFrom('person_search')
        .select(['person_id', 'org_path'])
        .where('person_id', '>', after)
        .orderBy('person_id')
        .limit(1000)
        .execute();
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.person_id;
      const params: string[] = [];
      const values = rows.map((r, i) => {
        params.push(r.person_id, areaPathOf(r.org_path, (id) => kinds.get(id)));
        return dialect === 'postgres' ? `($${2 * i + 1}, $${2 * i + 2})` : '(?, ?)';
      });
      await db.executeQuery(
        CompiledQuery.raw(`update person_search set area_path = v.column2 from (values ${values.join(', ')}) as v where person_search.person_id = v.column1`, params),
      );
    }

    // Every search index still ends with the path (checked on the entry) and the person id.
    await db.schema.dropIndex('person_search_initials').execute();
    await db.schema.dropIndex('person_search_pinyin').execute();
    await db.schema.createIndex('person_search_initials').on('person_search').columns(['area_path', 'name_initials', 'org_path', 'person_id']).execute();
    await db.schema.createIndex('person_search_pinyin').on('person_search').columns(['area_path', 'name_pinyin', 'org_path', 'person_id']).execute();
    if (dialect === 'postgres') await sql`analyze person_search`.execute(db);
  },
  async down() {
    throw new Error('irreversible');
  },
};
