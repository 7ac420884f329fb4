import { createHash } from 'node:crypto';
import type { Config } from './config.js';
import type { PlatformContext } from './context.js';
import { openDatabase, type Db } from './db/database.js';
import { createPiiCipher, loadOrCreateKey } from './crypto/pii.js';
import { migrateToLatest } from './db/migrate.js';
import type { LinliModule } from './module.js';

export interface Platform {
  ctx: PlatformContext;
  close(): Promise<void>;
}

/** Opens the database, loads keys and applies migrations: everything `start` and the CLI share. */
export async function openPlatform(config: Config, modules: LinliModule[], opts: { db?: Db; migrate?: boolean; now?: () => Date } = {}): Promise<Platform> {
  const db = opts.db ?? openDatabase(config.databaseUrl);
  const encKey = loadOrCreateKey(config.encryptionKey, config.dataDir, 'encryption');
  const sessionKey = config.sessionSecret
    ? createHash('sha256').update(config.sessionSecret).digest()
    : loadOrCreateKey(undefined, config.dataDir, 'session');
  const ctx: PlatformContext = {
    config,
    db,
    pii: createPiiCipher(encKey),
    sessionKey,
    now: opts.now ?? (() => new Date()),
  };
  if (opts.migrate !== false) await migrateToLatest(db, modules);
  return { ctx, close: () => db.destroy() };
}
