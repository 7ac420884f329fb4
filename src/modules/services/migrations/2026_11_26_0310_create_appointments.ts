import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 预约: service windows (办事窗口), their time slots with a capacity, and bookings.
 *
 * Overbooking is impossible by construction: a booking takes a seat with one conditional
 * UPDATE (`booked = booked + 1 … where booked < capacity`) in its transaction, and the CHECK
 * below refuses any row that would still go over. One active booking per person per slot and
 * per matter is a partial unique index, so two racing requests cannot both win either.
 */
export const createAppointments: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('service_window')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The community (or street) whose hall the window is in.
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // Short, read out at the hall: SB (社保), MZ (民政) …
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      // JSON [{code, name}]: the matters (办事指南 codes) handled here; empty = any.
      .addColumn('matters', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('office_hours', 'text', (c) => c.notNull())
      .addColumn('slot_minutes', 'integer', (c) => c.notNull().check(sql`slot_minutes between 5 and 240`))
      .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 100`))
      .addColumn('book_ahead_days', 'integer', (c) => c.notNull().check(sql`book_ahead_days between 1 and 90`))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('service_window_node_code').unique().on('service_window').columns(['org_node_id', 'code']).execute();
    await db.schema.createIndex('service_window_path').on('service_window').columns(['org_path']).execute();

    await db.schema
      .createTable('appointment_slot')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('window_id', 'text', (c) => c.notNull().references('service_window.id'))
      // Local (Beijing) date, and the instants as UTC ISO text.
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
      // Closed by staff (or because the day stopped being a working day): no new bookings.
      .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('closed_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('appointment_slot_seats', sql`booked >= 0 and booked <= capacity`)
      .execute();
    await db.schema.createIndex('appointment_slot_window_start').unique().on('appointment_slot').columns(['window_id', 'starts_at']).execute();
    await db.schema.createIndex('appointment_slot_window_date').on('appointment_slot').columns(['window_id', 'date']).execute();

    await db.schema
      .createTable('appointment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 预约号 YY20261201-0007, numbered per Beijing day of booking.
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('window_id', 'text', (c) => c.notNull().references('service_window.id'))
      .addColumn('slot_id', 'text', (c) => c.notNull().references('appointment_slot.id'))
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      // The slot's times, kept on the row for lists and the no-show job.
      .addColumn('slot_starts_at', 'text', (c) => c.notNull())
      .addColumn('slot_ends_at', 'text', (c) => c.notNull())
      // Who comes: the registry person when known, else the account (`u:<user id>`).
      .addColumn('holder_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('person_id', 'text')
      .addColumn('holder_name', 'text', (c) => c.notNull())
      .addColumn('booked_by_user_id', 'text', (c) => c.notNull().references('app_user.id'))
      // 代预约: staff booked for the person (a phone call, a home visit), with why.
      .addColumn('on_behalf', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('on_behalf_reason', 'text')
      .addColumn('matter_code', 'text')
      .addColumn('matter_name', 'text')
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('booked', 'checked_in', 'cancelled', 'no_show')`))
      // The secret the QR code carries; staff scan it to check the person in.
      .addColumn('check_in_token', 'text', (c) => c.notNull().unique())
      .addColumn('checked_in_at', 'text')
      .addColumn('checked_in_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('cancelled_at', 'text')
      .addColumn('cancelled_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('cancel_reason', 'text')
      .addColumn('no_show_at', 'text')
      .addColumn('change_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // The race-proof "one active booking per person per slot / per matter".
    await db.schema
      .createIndex('appointment_one_per_slot')
      .unique()
      .on('appointment')
      .columns(['holder_key', 'slot_id'])
      .where(sql.ref('status'), '=', 'booked')
      .execute();
    await db.schema
      .createIndex('appointment_one_per_matter')
      .unique()
      .on('appointment')
      .columns(['holder_key', 'matter_code'])
      .where(sql<boolean>`status = 'booked' and matter_code is not null`)
      .execute();
    await db.schema.createIndex('appointment_status_end').on('appointment').columns(['status', 'slot_ends_at']).execute();
    await db.schema.createIndex('appointment_window_start').on('appointment').columns(['window_id', 'slot_starts_at']).execute();
    await db.schema.createIndex('appointment_path_start').on('appointment').columns(['org_path', 'slot_starts_at']).execute();
    await db.schema.createIndex('appointment_holder').on('appointment').columns(['holder_key', 'slot_starts_at']).execute();
    await db.schema.createIndex('appointment_user').on('appointment').columns(['user_id', 'slot_starts_at']).execute();
    await db.schema.createIndex('appointment_by_slot').on('appointment').columns(['slot_id']).execute();

    await db.schema
      .createTable('appointment_code_seq')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('appointment_code_seq').execute();
    await db.schema.dropTable('appointment').execute();
    await db.schema.dropTable('appointment_slot').execute();
    await db.schema.dropTable('service_window').execute();
  },
};
