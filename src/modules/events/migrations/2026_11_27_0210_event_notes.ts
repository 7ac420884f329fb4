import type { Kysely, Migration } from 'kysely';

/**
 * 事件关联记录: an entry on an event's timeline written by another module that took the event
 * up (a mediation case opened from it …): the linked record (kind, id, label), what staff read,
 * what the reporter reads (null: not shown to them), a console link, who and when. One entry
 * per event and record (the unique key), so writing the same link twice adds nothing.
 */
export const createEventNotes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('event_note')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('grid_event.id'))
      // `<module>.<thing>`: mediation.case
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      // The record's number or name as people say it: 西调〔2026〕第3号
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('title_zh', 'text', (c) => c.notNull())
      .addColumn('title_en', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('reporter_text', 'text')
      // A console page of the record (`/console/…`), or null.
      .addColumn('link', 'text')
      // The event's state when the entry was written (the timeline shows it as the entry's state).
      .addColumn('event_state', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.references('app_user.id'))
      .addColumn('actor_name', 'text')
      .addColumn('actor_role', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('event_note_record', ['event_id', 'kind', 'record_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('event_note').execute();
  },
};
