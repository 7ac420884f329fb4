import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';
import type { LinliModule } from '../module.js';

/** Collects every migration of the platform and the modules, keyed by name. */
export function collectMigrations(modules: LinliModule[]): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations ?? {})) {
      if (all[name]) throw new Error(`duplicate migration name ${name} (module ${m.name})`);
      all[name] = migration;
    }
  }
  return all;
}

export async function migrateToLatest(db: Db, modules: LinliModule[]): Promise<string[]> {
  const migrations = collectMigrations(modules);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Without an explicit schema Kysely would take a kysely_migration table in any schema as ours.
  const schema = db.schema ?? (db.dialect === 'postgres' ? await currentSchema(db) : undefined);
  // Modules number their migrations in their own ranges (registry 01xx, events 02xx …): a module's
  // new migration may sort before another module's applied one, and must still run.
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableSchema: schema, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(db: Db): Promise<string> {
  const r = await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely);
  return r.rows[0]!.s;
}
