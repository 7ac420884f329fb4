import type { Kysely, Migration } from 'kysely';

/**
 * Which record uses which attachment (a notice, a disclosure item …): asked on every download of
 * a shared file, so it is a keyed lookup, not a text search through each module's JSON lists.
 */
export const attachmentUse: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('attachment_use')
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachment.id'))
      .addColumn('owner_type', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_use_pk', ['attachment_id', 'owner_type', 'owner_id'])
      .execute();
    await db.schema.createIndex('attachment_use_owner').on('attachment_use').columns(['owner_type', 'owner_id']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('attachment_use').execute();
  },
};
