import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 时间银行 (the time bank between neighbours, TimeOverflow style): members (a registry person with
 * an account, one membership each), their posts — offers (我能帮) and needs (我需要, with the hours
 * promised) — and exchanges, one per need taken or offer booked. The hours themselves live in the
 * platform ledger (`timebank:…` accounts, unit minutes); an exchange row names the journals that
 * held and settled them.
 *
 * Concurrency: a member's row is updated first by anything that spends or promises their hours
 * (the row lock serialises them on PostgreSQL; SQLite has one writer); a need is taken by one
 * conditional UPDATE `open → taken`, and the partial unique index below is the last word: one live
 * exchange per need.
 */
export const createTimebank: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('timebank_member')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().unique().references('person.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().unique().references('app_user.id'))
      // The community the member trades in; staff of its subtree handle its disputes.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // The member's grid (or the community while the dwelling is unknown), shown to neighbours.
      .addColumn('home_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      // How counterparts of an exchange may reach the member, in their own words (optional).
      .addColumn('contact_note', 'text')
      .addColumn('grant_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      // Bumped by every promise or hold of the member's hours: the lock that serialises them.
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('timebank_member_path').on('timebank_member').columns(['org_path']).execute();

    await db.schema
      .createTable('timebank_post')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('offer', 'need')`))
      .addColumn('member_id', 'text', (c) => c.notNull().references('timebank_member.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      // A need: the minutes promised; an offer: the usual length of the help.
      .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 15 and 480`))
      .addColumn('place', 'text')
      // A need: the help is wanted by then; untaken by then it expires.
      .addColumn('needed_by', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'taken', 'closed', 'expired')`))
      .addColumn('closed_reason', 'text')
      .addColumn('closed_by', 'text', (c) => c.references('app_user.id'))
      // Bookings of an offer so far.
      .addColumn('exchange_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('timebank_post_need_by', sql`kind = 'offer' or needed_by is not null`)
      .execute();
    await db.schema.createIndex('timebank_post_path').on('timebank_post').columns(['org_path', 'status', 'created_at']).execute();
    await db.schema.createIndex('timebank_post_member').on('timebank_post').columns(['member_id', 'status']).execute();
    await db.schema.createIndex('timebank_post_due').on('timebank_post').columns(['status', 'needed_by']).execute();

    await db.schema
      .createTable('timebank_exchange')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('post_id', 'text', (c) => c.notNull().references('timebank_post.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('offer', 'need')`))
      // Who pays (the need's author, or who booked the offer) and who helps.
      .addColumn('requester_member_id', 'text', (c) => c.notNull().references('timebank_member.id'))
      .addColumn('helper_member_id', 'text', (c) => c.notNull().references('timebank_member.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 15 and 480`))
      // held: the hours sit in escrow; done: the helper says it is done (the requester confirms,
      // or it is confirmed automatically); completed / resolved / released / cancelled: settled.
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('held', 'done', 'completed', 'disputed', 'resolved', 'released', 'cancelled')`))
      .addColumn('needed_by', 'text', (c) => c.notNull())
      // Not reported done by then: the hours go back to the requester.
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('done_at', 'text')
      .addColumn('done_note', 'text')
      .addColumn('accepted_at', 'text')
      .addColumn('accepted_how', 'text', (c) => c.check(sql`accepted_how in ('requester', 'auto')`))
      .addColumn('disputed_at', 'text')
      .addColumn('disputed_by', 'text', (c) => c.references('timebank_member.id'))
      .addColumn('dispute_reason', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('resolution', 'text', (c) => c.check(sql`resolution in ('helper', 'requester')`))
      .addColumn('resolution_reason', 'text')
      .addColumn('released_at', 'text')
      .addColumn('cancelled_at', 'text')
      .addColumn('cancel_reason', 'text')
      .addColumn('hold_journal_id', 'text', (c) => c.notNull().references('ledger_journal.id'))
      .addColumn('settle_journal_id', 'text', (c) => c.references('ledger_journal.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('timebank_exchange_parties', sql`requester_member_id <> helper_member_id`)
      .execute();
    await db.schema
      .createIndex('timebank_exchange_one_live_per_need')
      .unique()
      .on('timebank_exchange')
      .column('post_id')
      .where(sql<boolean>`kind = 'need' and status in ('held', 'done', 'disputed')`)
      .execute();
    await db.schema.createIndex('timebank_exchange_post').on('timebank_exchange').columns(['post_id', 'created_at']).execute();
    await db.schema.createIndex('timebank_exchange_requester').on('timebank_exchange').columns(['requester_member_id', 'created_at']).execute();
    await db.schema.createIndex('timebank_exchange_helper').on('timebank_exchange').columns(['helper_member_id', 'created_at']).execute();
    await db.schema.createIndex('timebank_exchange_path').on('timebank_exchange').columns(['org_path', 'status']).execute();
    await db.schema.createIndex('timebank_exchange_due').on('timebank_exchange').columns(['status', 'due_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('timebank_exchange').execute();
    await db.schema.dropTable('timebank_post').execute();
    await db.schema.dropTable('timebank_member').execute();
  },
};
