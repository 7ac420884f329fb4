import path from 'node:path';
import { loadConfig } from '../../platform/config.js';
import { openDatabase } from '../../platform/db/database.js';
import { createBackup } from '../../platform/backup/backup.js';
import { say } from '../output.js';

const log = (msg: string) => console.log(msg);

/** `linli backup FILE`: a consistent snapshot while the server keeps running. */
export async function backupCommand(file: string): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    const target = path.resolve(file);
    const s = await createBackup(db, target, { log });
    say(`备份完成：${target}`, `backup written: ${target}`);
    say(
      `${s.tables.length} 张表，${s.rows} 行，${s.bytes} 字节，来源 ${s.dialect}`,
      `${s.tables.length} tables, ${s.rows} rows, ${s.bytes} bytes, from ${s.dialect}`,
    );
    console.log(`  sha256: ${s.sha256}`);
    // Personal data stays encrypted in the file; without the key a restore is useless.
    say('备份不含加密密钥：恢复时须使用同一个 ENCRYPTION_KEY', 'the backup does not hold the encryption key: restore with the same ENCRYPTION_KEY');
    return 0;
  } finally {
    await db.destroy();
  }
}
