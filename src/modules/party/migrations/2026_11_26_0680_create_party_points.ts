import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 党员积分: the rules a member's yearly score is counted by, kept as data — per item (meetings
 * attended, study materials read, hours of volunteering, verified good deeds) the points per
 * unit and a yearly cap; `*` is the platform's default, a party committee may set its own (as
 * `party_meeting_rule` does) — and the secretary's adjustments with their reasons. The score
 * itself is counted from the facts each time it is asked for, so it never drifts from them.
 */

export const DEFAULT_POINTS_RULES = [
  // 2 points a meeting attended (三会一课, 主题党日), at most 40 a year.
  { item: 'attendance', points_per_unit: 2, yearly_cap: 40 },
  // 1 point a study material read, at most 30 a year.
  { item: 'study', points_per_unit: 1, yearly_cap: 30 },
  // 1 point an hour of volunteering, at most 20 a year.
  { item: 'volunteering', points_per_unit: 1, yearly_cap: 20 },
  // 3 points a verified good deed, at most 15 a year.
  { item: 'good_deed', points_per_unit: 3, yearly_cap: 15 },
] as const;

export const createPartyPoints: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('party_points_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // `*` for the default, or a party committee's id.
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull().check(sql`item in ('attendance', 'study', 'volunteering', 'good_deed')`))
      // 0 switches the item off.
      .addColumn('points_per_unit', 'integer', (c) => c.notNull().check(sql`points_per_unit between 0 and 100`))
      // null: no cap.
      .addColumn('yearly_cap', 'integer', (c) => c.check(sql`yearly_cap is null or yearly_cap between 1 and 10000`))
      .addColumn('updated_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('party_points_rule_scope_item', ['scope', 'item'])
      .execute();
    const at = '2026-11-26T00:00:00.000Z';
    await db
      .insertInto('party_points_rule')
      .values(DEFAULT_POINTS_RULES.map((r) => ({ id: `default-${r.item}`, scope: '*', ...r, updated_by: null, updated_at: at })))
      .execute();

    await db.schema
      .createTable('party_points_adjustment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull().check(sql`points <> 0 and points between -100 and 100`))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_points_adjustment_member').on('party_points_adjustment').columns(['member_id', 'year']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_points_adjustment', 'party_points_rule']) await db.schema.dropTable(t).execute();
  },
};
