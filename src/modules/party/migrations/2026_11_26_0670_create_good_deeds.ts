import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 好人好事银行: good deeds recorded by anyone logged in (who did it — a registry person or just
 * a name —, what, when, where, witnesses, photos through attachment_use), verified or rejected by
 * community staff. A verified deed of a registry person is deposited as points in the platform
 * ledger through the volunteers' points rules (`points_rule` source kind `good_deed`, one
 * `points_award` per deed: source `good_deed:<id>`); `award_id` and `points` repeat what was
 * deposited. How names appear on the public honour roll is each community's choice
 * (`good_deed_setting`).
 */
export const createGoodDeeds: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('good_deed')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The community (or a node below it) the deed belongs to: its staff verify it.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // Who did it: a registry person (points can be deposited), or only a name as told.
      .addColumn('doer_person_id', 'text', (c) => c.references('person.id'))
      .addColumn('doer_name', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('happened_on', 'text', (c) => c.notNull())
      .addColumn('place', 'text')
      // JSON [{name, phoneEnc?, phoneMasked?}]: phones only encrypted, shown masked to staff.
      .addColumn('witnesses', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('photo_count', 'integer', (c) => c.notNull().defaultTo(0))
      // The doer agreed that their full name may appear on the honour roll.
      .addColumn('name_consent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'verified', 'rejected')`))
      .addColumn('reporter_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('reporter_person_id', 'text', (c) => c.references('person.id'))
      .addColumn('decided_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('decided_by_name', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('reject_reason', 'text')
      // What was deposited (null: nothing — a name only, or not verified).
      .addColumn('award_id', 'text')
      .addColumn('points', 'integer')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('good_deed_path_status').on('good_deed').columns(['org_path', 'status', 'happened_on']).execute();
    await db.schema.createIndex('good_deed_doer').on('good_deed').columns(['doer_person_id', 'status']).execute();
    await db.schema.createIndex('good_deed_reporter').on('good_deed').columns(['reporter_user_id', 'created_at']).execute();

    await db.schema
      .createTable('good_deed_setting')
      // A community (or street): the deepest setting above a deed applies.
      .addColumn('org_node_id', 'text', (c) => c.primaryKey().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // masked: always 朱**; consent: the full name when the doer agreed, else 朱**.
      .addColumn('name_display', 'text', (c) => c.notNull().check(sql`name_display in ('masked', 'consent')`))
      .addColumn('updated_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['good_deed_setting', 'good_deed']) await db.schema.dropTable(t).execute();
  },
};
