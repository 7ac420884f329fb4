import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { StatMonth } from '../../platform/stats/months.js';
import { serveStream } from '../../platform/workers/worker-stream.js';
import { FACT_PARTS, gatherFacts, type Facts } from './cockpit.facts.js';

/**
 * Worker thread (started by cockpit.refresh.ts through the platform's streamFromWorker): reads the
 * facts of a refresh from a SQLite file on its own connection, in one read transaction (WAL: a
 * snapshot; writers go on), and sends them part by part in slices of SLICE rows; the main thread
 * takes one slice per turn of its event loop.
 */
const SLICE = 5_000;

export interface FactsInput {
  file: string;
  day: string;
  months: StatMonth[];
}

export interface FactSlice {
  part: (typeof FACT_PARTS)[number];
  rows: unknown[];
}

serveStream<FactsInput, FactSlice>(async function* ({ file, day, months }) {
  const database = new SQLite(file, { fileMustExist: true });
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    const facts: Facts = await db.transaction().execute((trx) => gatherFacts(trx, day, months));
    for (const part of FACT_PARTS) {
      const rows = facts[part] as unknown[];
      for (let i = 0; i < rows.length; i += SLICE) yield { part, rows: rows.slice(i, i + SLICE) };
    }
  } finally {
    await db.destroy();
  }
});
