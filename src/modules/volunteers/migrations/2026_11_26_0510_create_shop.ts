import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 志愿服务网店: opportunities laid out as cards, and sign-ups with a waiting list.
 *
 * The last place cannot be taken twice: every change to an opportunity's sign-ups first updates
 * the opportunity's row (taking its row lock on PostgreSQL, the write lock on SQLite), a place is
 * taken by a conditional `taken = taken + 1 … where taken < quota`, and the CHECK below refuses
 * any row that would still pass the quota. The row's `signup_seq` numbers sign-ups in the order
 * they were made: the waiting list moves up in that order. One active sign-up per volunteer per
 * opportunity is a partial unique index.
 */
export const createShop: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('volunteer_opportunity')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // The organising team, whose leaders approve sign-ups and check people in (optional).
      .addColumn('team_id', 'text', (c) => c.references('volunteer_team.id'))
      // 组织方 as shown on the card (the team's or the community's name).
      .addColumn('organiser', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('signup_deadline', 'text', (c) => c.notNull())
      .addColumn('quota', 'integer', (c) => c.notNull().check(sql`quota between 1 and 10000`))
      // Places held (confirmed or awaiting the leader's approval).
      .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
      // Sign-ups made so far: each sign-up's `seq`, so the waiting list keeps its order.
      .addColumn('signup_seq', 'integer', (c) => c.notNull().defaultTo(0))
      // JSON string array: skills wanted.
      .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
      // The most service time credited per person (at most the time window).
      .addColumn('credit_minutes', 'integer', (c) => c.notNull())
      .addColumn('requires_approval', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cover_attachment_id', 'text', (c) => c.references('attachment.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'cancelled')`))
      .addColumn('cancel_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('published_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('volunteer_opportunity_places', sql`taken >= 0 and taken <= quota`)
      .addCheckConstraint('volunteer_opportunity_window', sql`ends_at > starts_at and credit_minutes > 0`)
      .execute();
    await db.schema.createIndex('volunteer_opportunity_status_start').on('volunteer_opportunity').columns(['status', 'starts_at']).execute();
    await db.schema.createIndex('volunteer_opportunity_path_start').on('volunteer_opportunity').columns(['org_path', 'starts_at']).execute();
    await db.schema.createIndex('volunteer_opportunity_team').on('volunteer_opportunity').columns(['team_id', 'starts_at']).execute();

    await db.schema
      .createTable('volunteer_signup')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('opportunity_id', 'text', (c) => c.notNull().references('volunteer_opportunity.id'))
      .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
      // pending: holds a place, awaits the leader; confirmed: holds a place; waiting: on the list.
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'confirmed', 'waiting', 'declined', 'cancelled')`))
      .addColumn('seq', 'integer', (c) => c.notNull())
      // When it got its place (at once, or when it moved up from the waiting list).
      .addColumn('placed_at', 'text')
      .addColumn('signed_up_by', 'text', (c) => c.notNull().references('app_user.id'))
      // Signed up by staff or a leader for someone (代报名).
      .addColumn('on_behalf', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('decided_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('decided_at', 'text')
      .addColumn('decline_reason', 'text')
      .addColumn('cancelled_at', 'text')
      .addColumn('cancel_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('volunteer_signup_one_active')
      .unique()
      .on('volunteer_signup')
      .columns(['opportunity_id', 'volunteer_id'])
      .where(sql<boolean>`status in ('pending', 'confirmed', 'waiting')`)
      .execute();
    await db.schema.createIndex('volunteer_signup_opportunity').on('volunteer_signup').columns(['opportunity_id', 'status', 'seq']).execute();
    await db.schema.createIndex('volunteer_signup_volunteer').on('volunteer_signup').columns(['volunteer_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('volunteer_signup').execute();
    await db.schema.dropTable('volunteer_opportunity').execute();
  },
};
