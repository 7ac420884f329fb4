import { sql } from 'kysely';
import { loadConfig } from '../../platform/config.js';
import { openDatabase } from '../../platform/db/database.js';
import { verifyAuditChain } from '../../platform/audit/audit.js';
import { CliError, say, warn } from '../output.js';

const REASONS_ZH: Record<string, string> = {
  'missing row': '缺少记录',
  'link mismatch': '前后链接不符',
  'hash mismatch': '哈希不符，记录被改动',
  'rows missing at the end': '末尾记录缺失',
};

/** `linli audit verify`: walks the hash chain from the first row; exit 1 at the first break. */
export async function auditVerifyCommand(): Promise<number> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    try {
      await sql`select 1 from audit_log limit 1`.execute(db.kysely);
    } catch {
      throw new CliError('数据库中没有审计日志表，请先运行 linli migrate', 'the database has no audit log table; run linli migrate first');
    }
    const result = await verifyAuditChain(db);
    if (result.ok) {
      say(`审计链完整，已校验 ${result.rows} 条记录`, `audit chain intact, ${result.rows} rows checked`);
      return 0;
    }
    const reason = result.reason ?? '';
    warn(
      `审计链在第 ${result.brokenAt} 条处断裂（${REASONS_ZH[reason] ?? reason}），此前 ${result.rows} 条完好`,
      `audit chain broken at seq ${result.brokenAt} (${reason}); ${result.rows} rows before it are intact`,
    );
    return 1;
  } finally {
    await db.destroy();
  }
}
