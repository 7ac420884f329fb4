import { sql, type Kysely, type Migration } from 'kysely';
import { binaryCollation, dialectOf } from '../../../platform/db/dialect.js';

/**
 * 微课 (micro-lectures): a lecture page (title, speaker, text, a video link shown as a link, time,
 * place, capacity) and its sign-ups with attendance (marked by staff, or by scanning the rotating
 * signed QR shown in the room).
 *
 * Capacity holds under concurrent sign-ups: a seat is one conditional
 * `taken = taken + 1 … where taken < capacity` on the lecture's row (PostgreSQL re-checks the
 * condition on the locked row), and the CHECK below refuses anything past it. One live sign-up
 * per account and lecture is a partial unique index.
 */
export const createLectures: Migration = {
  async up(db: Kysely<any>) {
    const pathCol = binaryCollation(dialectOf(db));

    await db.schema
      .createTable('lecture')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_node_id', 'text', (c) => c.notNull().references('org_node.id'))
      .addColumn('org_path', 'text', (c) => pathCol(c.notNull()))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('speaker', 'text', (c) => c.notNull())
      // Plain text, rendered as text (line breaks kept).
      .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
      // http(s) only; the pages show it as a link, never embed it.
      .addColumn('video_url', 'text')
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 2000`))
      .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'cancelled')`))
      .addColumn('cancel_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('app_user.id'))
      .addColumn('published_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('lecture_seats', sql`taken >= 0 and taken <= capacity`)
      .addCheckConstraint('lecture_window', sql`ends_at > starts_at`)
      .execute();
    await db.schema.createIndex('lecture_path_start').on('lecture').columns(['org_path', 'starts_at']).execute();
    await db.schema.createIndex('lecture_status_start').on('lecture').columns(['status', 'starts_at']).execute();

    await db.schema
      .createTable('lecture_signup')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lecture_id', 'text', (c) => c.notNull().references('lecture.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      // The registry person behind the account, when there is one (names on the staff list).
      .addColumn('person_id', 'text', (c) => c.references('person.id'))
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('signed', 'cancelled')`))
      .addColumn('attended_at', 'text')
      .addColumn('attended_method', 'text', (c) => c.check(sql`attended_method in ('staff', 'qr')`))
      .addColumn('attended_by', 'text', (c) => c.references('app_user.id'))
      .addColumn('cancelled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('lecture_signup_attended', sql`attended_at is null or status = 'signed'`)
      .execute();
    await db.schema
      .createIndex('lecture_signup_one_live')
      .unique()
      .on('lecture_signup')
      .columns(['lecture_id', 'user_id'])
      .where(sql<boolean>`status = 'signed'`)
      .execute();
    await db.schema.createIndex('lecture_signup_lecture').on('lecture_signup').columns(['lecture_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('lecture_signup_user').on('lecture_signup').columns(['user_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('lecture_signup').execute();
    await db.schema.dropTable('lecture').execute();
  },
};
