import type { Kysely, Migration } from 'kysely';

/**
 * Open311 clients may send a `media_url` (a photo they host). It is kept as a link for the staff
 * who handle the event, never fetched by the server (no requests to addresses a client chose).
 */
export const open311MediaUrl: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('grid_event').addColumn('media_url', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('grid_event').dropColumn('media_url').execute();
  },
};
