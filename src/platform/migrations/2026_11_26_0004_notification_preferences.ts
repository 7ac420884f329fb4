import type { Kysely, Migration } from 'kysely';

/** 消息设置: a user's choice, per topic (module) and outside channel, of what reaches them there. */
export const notificationPreferences: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('notification_preference')
      .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
      // The first part of a notification kind: events, services, community …
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_preference_pk', ['user_id', 'topic', 'channel'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('notification_preference').execute();
  },
};
