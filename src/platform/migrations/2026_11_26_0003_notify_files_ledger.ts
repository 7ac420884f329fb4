import type { Kysely, Migration } from 'kysely';

/** Tables of the notification centre, file attachments and the ledger. */
export const notifyFilesLedger: Migration = {
  async up(_db: Kysely<any>) {
    // filled in by the notify/files/ledger work
  },
};
