import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 积分与爱心超市: points rules kept as data (what earns how many points where), the awards made
 * under them (one row per source and revision, so an award is made once), the monthly counters
 * that enforce a rule's cap, the rewards catalogue and the redemption orders.
 *
 * Points themselves live only in the platform ledger (`points:…` accounts, see
 * points.accounts.ts); these tables say why. Stock never goes below zero: an order takes it by
 * a conditional `stock = stock - qty … where stock >= qty`, and the CHECK refuses anything else.
 */
export const createPoints: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('points_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The rule applies to sources inside this node's subtree; the deepest matching rule wins.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      // `volunteer.hours` (per hour of service), `good_deed` (per verified good deed), `lecture.attendance` …
      .addColumn('source_kind', 'text', (c) => c.notNull())
      // Points per hour (`hour`) or per item (`item`).
      .addColumn('per_unit', 'text', (c) => c.notNull().check(sql`per_unit in ('hour', 'item')`))
      .addColumn('points_per_unit', 'integer', (c) => c.notNull().check(sql`points_per_unit between 1 and 100000`))
      // Caps: at most this many points for one source, and per holder per Beijing month (null: none).
      .addColumn('max_per_award', 'integer', (c) => c.check(sql`max_per_award is null or max_per_award > 0`))
      .addColumn('max_per_month', 'integer', (c) => c.check(sql`max_per_month is null or max_per_month > 0`))
      // Validity as Beijing days (inclusive; null: open).
      .addColumn('valid_from', 'text')
      .addColumn('valid_to', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('points_rule_kind_path').on('points_rule').columns(['source_kind', 'org_path']).execute();

    await db.schema
      .createTable('points_award')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rule_id', 'text', (c) => c.notNull().references('points_rule.id'))
      // What earned the points (`volunteer.service` + record id, `good_deed` + award id, …).
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      // 1 for the award, 2, 3 … for adjustments after a correction of the source (e.g. hours corrected).
      .addColumn('revision', 'integer', (c) => c.notNull())
      // The holder's ledger account code (`points:person:<id>` / `points:volunteer:<id>`).
      .addColumn('holder_code', 'text', (c) => c.notNull())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // Minutes for `hour` rules, items for `item` rules: what this revision counts in total.
      .addColumn('quantity', 'integer', (c) => c.notNull())
      // Points this row posted: positive (earned) or negative (taken back after a correction); 0 when capped to nothing.
      .addColumn('points', 'integer', (c) => c.notNull())
      // Points the rule would have given without its caps (shown so a capped award is explained).
      .addColumn('uncapped_points', 'integer', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('memo', 'text', (c) => c.notNull())
      .addColumn('journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('created_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Once per source and revision: a second award of the same source inserts nothing.
    await db.schema.createIndex('points_award_source').unique().on('points_award').columns(['source_type', 'source_id', 'revision']).execute();
    await db.schema.createIndex('points_award_holder').on('points_award').columns(['holder_code', 'created_at']).execute();
    await db.schema.createIndex('points_award_path').on('points_award').columns(['org_path', 'created_at']).execute();

    await db.schema
      .createTable('points_award_month')
      .addColumn('rule_id', 'text', (c) => c.notNull().references('points_rule.id'))
      .addColumn('holder_code', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('points_award_month_pk', ['rule_id', 'holder_code', 'month'])
      .execute();

    await db.schema
      .createTable('reward_item')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The community (or street) whose 爱心超市 hands it out; residents below it see it.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('price_points', 'integer', (c) => c.notNull().check(sql`price_points between 1 and 1000000`))
      .addColumn('stock', 'integer', (c) => c.notNull().check(sql`stock >= 0`))
      // Per person: at most this many (null: no limit) per `limit_period`.
      .addColumn('limit_per_person', 'integer', (c) => c.check(sql`limit_per_person is null or limit_per_person > 0`))
      .addColumn('limit_period', 'text', (c) => c.notNull().defaultTo('month').check(sql`limit_period in ('month', 'total')`))
      // Days an order waits at the 爱心超市 before it is cancelled and the points returned.
      .addColumn('hold_days', 'integer', (c) => c.notNull().defaultTo(7).check(sql`hold_days between 1 and 90`))
      .addColumn('picture_attachment_id', 'text', (c) => c.references('attachment.id'))
      .addColumn('available_from', 'text')
      .addColumn('available_to', 'text')
      .addColumn('on_sale', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reward_item_path').on('reward_item').columns(['org_path', 'sort']).execute();

    await db.schema
      .createTable('reward_order')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 核销码: eight digits, shown to the resident, entered or scanned by staff.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('item_id', 'text', (c) => c.notNull().references('reward_item.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('holder_code', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      .addColumn('volunteer_id', 'text', (c) => c.references('volunteer.id'))
      // Shown to the staff handing the goods over.
      .addColumn('holder_name', 'text', (c) => c.notNull())
      .addColumn('item_name', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity between 1 and 99`))
      .addColumn('points', 'integer', (c) => c.notNull().check(sql`points > 0`))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'fulfilled', 'cancelled')`))
      .addColumn('journal_id', 'text', (c) => c.notNull().references('ledger_journal.id'))
      .addColumn('reversal_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('fulfilled_at', 'text')
      .addColumn('fulfilled_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('fulfilled_by_name', 'text')
      .addColumn('cancelled_at', 'text')
      .addColumn('cancelled_by', 'text', (c) => c.references('app_user.id'))
      // holder: by the resident; staff: by staff with a reason; expired: by the job.
      .addColumn('cancel_kind', 'text', (c) => c.check(sql`cancel_kind in ('holder', 'staff', 'expired')`))
      .addColumn('cancel_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reward_order_path').on('reward_order').columns(['org_path', 'status', 'created_at']).execute();
    await db.schema.createIndex('reward_order_holder').on('reward_order').columns(['holder_code', 'item_id', 'created_at']).execute();
    await db.schema.createIndex('reward_order_expiry').on('reward_order').columns(['status', 'expires_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['reward_order', 'reward_item', 'points_award_month', 'points_award', 'points_rule']) await db.schema.dropTable(t).execute();
  },
};
