import path from 'node:path';
import { loadConfig } from '../../platform/config.js';
import { collectMigrations } from '../../platform/db/migrate.js';
import { restoreBackup } from '../../platform/backup/restore.js';
import { modules } from '../../modules/index.js';
import { say, warn } from '../output.js';

const log = (msg: string) => console.log(msg);

/** `linli restore FILE [--force]`: the server must be stopped; see restoreBackup for the steps. */
export async function restoreCommand(file: string, opts: { force?: boolean }): Promise<number> {
  const config = loadConfig();
  say('恢复期间请保持服务停止', 'keep the server stopped while restoring');
  const s = await restoreBackup({ file: path.resolve(file), databaseUrl: config.databaseUrl, modules, force: opts.force, log });
  say(
    `已恢复 ${s.createdAt} 的备份（${s.sourceDialect} → ${s.targetDialect}），${s.tables.length} 张表，${s.rows} 行${s.replaced ? '，原有数据已替换' : ''}`,
    `restored the backup of ${s.createdAt} (${s.sourceDialect} → ${s.targetDialect}): ${s.tables.length} tables, ${s.rows} rows${s.replaced ? '; the previous data was replaced' : ''}`,
  );
  if (!s.audit.ok) {
    warn(
      `恢复后的审计链在第 ${s.audit.brokenAt} 条处断裂（备份来源本身已断裂）`,
      `the restored audit chain is broken at seq ${s.audit.brokenAt} (it was broken in the source)`,
    );
    return 1;
  }
  say(`审计链完整，已校验 ${s.audit.rows} 条记录`, `audit chain intact, ${s.audit.rows} rows checked`);
  const newer = Object.keys(collectMigrations(modules)).filter((m) => !s.migrations.includes(m));
  if (newer.length) say(`本版本有 ${newer.length} 个更新的迁移，将在服务启动或 linli migrate 时应用`, `${newer.length} newer migrations will be applied by the server or linli migrate`);
  return 0;
}
