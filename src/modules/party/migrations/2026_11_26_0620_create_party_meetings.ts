import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 三会一课 and 主题党日: the required rhythm as data (`party_meeting_rule`: 支委会 and 党小组会
 * monthly, 党员大会 and 党课 quarterly; a committee may set its own), meetings planned by an
 * organisation with who is expected, attendance (QR or secretary), leave requests (请假) and the
 * minutes (photos through the platform's attachment_use).
 */

export const DEFAULT_MEETING_RULES = [
  { kind: 'committee_meeting', applies_to: 'branch', period: 'month', min_count: 1 },
  { kind: 'group_meeting', applies_to: 'group', period: 'month', min_count: 1 },
  { kind: 'branch_assembly', applies_to: 'branch', period: 'quarter', min_count: 1 },
  { kind: 'party_lecture', applies_to: 'branch', period: 'quarter', min_count: 1 },
] as const;

export const createPartyMeetings: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('party_meeting_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // `*` for the platform's default, or a party organisation (a committee) setting its own.
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('applies_to', 'text', (c) => c.notNull().check(sql`applies_to in ('branch', 'group')`))
      .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('month', 'quarter')`))
      // 0 switches the rule off for the scope.
      .addColumn('min_count', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('party_meeting_rule_scope_kind', ['scope', 'kind'])
      .execute();
    const at = '2026-11-26T00:00:00.000Z';
    await db
      .insertInto('party_meeting_rule')
      .values(DEFAULT_MEETING_RULES.map((r) => ({ id: `default-${r.kind}`, scope: '*', ...r, updated_by: null, updated_at: at })))
      .execute();

    await db.schema
      .createTable('party_meeting')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('party_org.id'))
      .addColumn('party_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('branch_assembly', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day')`),
      )
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('agenda', 'text', (c) => c.notNull())
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      // 党课: who gives it.
      .addColumn('lecturer', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned').check(sql`status in ('planned', 'cancelled')`))
      .addColumn('cancel_reason', 'text')
      .addColumn('minutes', 'text')
      .addColumn('minutes_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('minutes_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('party_meeting_org').on('party_meeting').columns(['org_id', 'starts_at']).execute();
    await db.schema.createIndex('party_meeting_party_path').on('party_meeting').columns(['party_path', 'starts_at']).execute();

    await db.schema
      .createTable('party_meeting_attendance')
      .addColumn('meeting_id', 'text', (c) => c.notNull().references('party_meeting.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      // expected: should attend, not (yet) seen; present; leave: excused by an approved request.
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('expected', 'present', 'leave')`))
      .addColumn('checked_in_at', 'text')
      .addColumn('method', 'text', (c) => c.check(sql`method in ('qr', 'secretary')`))
      .addColumn('checked_in_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('party_meeting_attendance_pk', ['meeting_id', 'member_id'])
      .execute();
    await db.schema.createIndex('party_meeting_attendance_member').on('party_meeting_attendance').columns(['member_id']).execute();

    await db.schema
      .createTable('party_leave_request')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('meeting_id', 'text', (c) => c.notNull().references('party_meeting.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('party_member.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'refused', 'withdrawn')`))
      .addColumn('decided_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('decided_by_name', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decision_note', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One request per member and meeting (a refusal is final: come to the meeting).
      .addUniqueConstraint('party_leave_request_once', ['meeting_id', 'member_id'])
      .execute();
    await db.schema.createIndex('party_leave_request_status').on('party_leave_request').columns(['status', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['party_leave_request', 'party_meeting_attendance', 'party_meeting', 'party_meeting_rule']) await db.schema.dropTable(t).execute();
  },
};
