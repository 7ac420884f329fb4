import { loadConfig } from '../../platform/config.js';
import { openDatabase } from '../../platform/db/database.js';
import { migrateToLatest } from '../../platform/db/migrate.js';
import { modules } from '../../modules/index.js';
import { say } from '../output.js';

/**
 * `linli migrate`. Opens the database only (no keys): migrating needs none, and a read of the
 * schema should not mint key files as a side effect.
 */
export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    say(`数据库 ${db.location}`, `database ${db.location}`);
    const applied = await migrateToLatest(db, modules);
    if (applied.length === 0) {
      say('数据库已是最新，无需迁移', 'the database is up to date; nothing to apply');
    } else {
      say(`已应用 ${applied.length} 个迁移：`, `applied ${applied.length} migrations:`);
      for (const name of applied) console.log(`  ${name}`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
