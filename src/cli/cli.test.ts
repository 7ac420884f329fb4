import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../platform/db/database.js';
import { collectMigrations } from '../platform/db/migrate.js';
import { insertNodes } from '../platform/org/org.repository.js';
import { newNodeRow } from '../platform/org/org.service.js';
import { modules } from '../modules/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'linli.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real launcher from a directory outside the repository, as an operator would. */
function linli(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<Run> {
  const base = { ...process.env };
  for (const k of ['ENCRYPTION_KEY', 'SESSION_SECRET', 'LINLI_DEMO', 'LINLI_ADMIN_PASSWORD', 'DATABASE_URL', 'DATA_DIR']) delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, NODE_ENV: 'development', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The CLI runs in child processes, so it gets a SQLite file of its own on either test run.
// Each command is a fresh Node process compiling TypeScript: allow for a loaded machine.
describe('linli command line (sqlite)', { timeout: 180_000 }, () => {
  let dir: string;
  let dbFile: string;
  let env: Record<string, string>;
  let cityCode: string;
  const run = (args: string[], extra: Record<string, string | undefined> = {}) => linli(args, { ...env, ...extra }, dir);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-cli-'));
    dbFile = path.join(dir, 'data', 'linli.sqlite');
    env = { DATABASE_URL: `sqlite:${dbFile}`, DATA_DIR: path.join(dir, 'data') };
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrate applies every migration once, then reports the database up to date', async () => {
    const first = await run(['migrate']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const names = Object.keys(collectMigrations(modules));
    expect(first.stdout).toContain(`已应用 ${names.length} 个迁移`);
    expect(first.stdout).toContain(`applied ${names.length} migrations`);
    for (const name of names) expect(first.stdout).toContain(name);
    const second = await run(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/数据库已是最新.*up to date/);
    // Migrating needs no keys: none were written.
    expect(fs.readdirSync(env.DATA_DIR).filter((f) => f.endsWith('.key'))).toEqual([]);
  });

  it('audit verify passes on an empty chain', async () => {
    const r = await run(['audit', 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/审计链完整，已校验 0 条记录 \/ audit chain intact, 0 rows checked/);
  });

  it('create-admin refuses without a password, with a weak one, or on an unknown node', async () => {
    const db = openDatabase(`sqlite:${dbFile}`);
    try {
      const city = newNodeRow(null, 'city', '海宁市', { code: '330481' });
      cityCode = city.code!;
      await insertNodes(db.kysely, [city, newNodeRow(city, 'street', '硖石街道', { code: '330481001' })]);
    } finally {
      await db.destroy();
    }
    const noPassword = await run(['create-admin', '--username', 'root', '--node', cityCode]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toMatch(/LINLI_ADMIN_PASSWORD/);
    const weak = await run(['create-admin', '--username', 'root', '--node', cityCode], { LINLI_ADMIN_PASSWORD: 'password' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/密码至少 8 位.* \/ the password needs at least 8 characters/);
    const nowhere = await run(['create-admin', '--username', 'root', '--node', 'no-such-node'], { LINLI_ADMIN_PASSWORD: 'Str0ng!pass' });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/找不到组织节点 no-such-node.*no org node with id or code no-such-node/);
    const badRole = await run(['create-admin', '--username', 'root', '--node', cityCode, '--role', 'resident'], { LINLI_ADMIN_PASSWORD: 'Str0ng!pass' });
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/--role/);
    const production = await run(['create-admin', '--username', 'root', '--node', cityCode], { LINLI_ADMIN_PASSWORD: 'Str0ng!pass', NODE_ENV: 'production' });
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/生产环境必须设置 ENCRYPTION_KEY, SESSION_SECRET/);

    const conn = new SQLite(dbFile, { readonly: true });
    try {
      expect(conn.prepare('select count(*) as n from app_user').get()).toEqual({ n: 0 });
    } finally {
      conn.close();
    }
  });

  it('create-admin creates the account with the role, a forced password change and an audit row', async () => {
    const password = 'Str0ng!pass';
    const r = await run(['create-admin', '--username', 'secadmin', '--display-name', '安全管理员甲', '--node', cityCode, '--role', 'security_admin'], {
      LINLI_ADMIN_PASSWORD: password,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/已创建 安全管理员 secadmin（海宁市），首次登录须修改密码 \/ created Security admin secadmin at 海宁市/);
    expect(r.stdout + r.stderr).not.toContain(password);

    const conn = new SQLite(dbFile, { readonly: true });
    try {
      const user = conn.prepare(`select id, display_name, must_change_password, password_hash from app_user where username = 'secadmin'`).get() as {
        id: string;
        display_name: string;
        must_change_password: number;
        password_hash: string;
      };
      expect(user.display_name).toBe('安全管理员甲');
      expect(user.must_change_password).toBe(1);
      expect(user.password_hash).toMatch(/^\$argon2id\$/);
      const grants = conn.prepare(`select g.role, n.code from role_grant g join org_node n on n.id = g.org_node_id where g.user_id = ?`).all(user.id);
      expect(grants).toEqual([{ role: 'security_admin', code: cityCode }]);
      const audit = conn.prepare(`select actor_id, actor_name, action, target_id, details from audit_log where action = 'user.create'`).all() as {
        actor_id: string | null;
        actor_name: string;
        target_id: string;
        details: string;
      }[];
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: null, actor_name: 'cli', target_id: user.id });
      expect(JSON.parse(audit[0].details)).toMatchObject({ username: 'secadmin', role: 'security_admin' });
    } finally {
      conn.close();
    }

    const defaults = await run(['create-admin', '--username', 'sysadmin', '--node', cityCode], { LINLI_ADMIN_PASSWORD: password });
    expect(defaults.code).toBe(0);
    expect(defaults.stdout).toMatch(/已创建 系统管理员 sysadmin/);
    const again = await run(['create-admin', '--username', 'sysadmin', '--node', cityCode], { LINLI_ADMIN_PASSWORD: password });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/数据冲突 \/ Conflict/);
  });

  it('seed-demo reports that a database holding data is left alone, and refuses in production', async () => {
    const r = await run(['seed-demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/未生成演示数据.* \/ nothing seeded/);
    const production = await run(['seed-demo'], { NODE_ENV: 'production', ENCRYPTION_KEY: 'a'.repeat(64), SESSION_SECRET: 's'.repeat(40) });
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/生产环境不能生成演示数据 \/ demo data cannot be seeded in production/);
  });

  it('audit verify counts the rows of an intact chain', async () => {
    const r = await run(['audit', 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit chain intact, 2 rows checked/);
  });

  it('audit verify exits 1 at the first altered row', async () => {
    const copy = path.join(dir, 'tampered.sqlite');
    const source = new SQLite(dbFile, { readonly: true });
    source.exec(`vacuum into '${copy.replace(/'/g, "''")}'`);
    source.close();
    // An attacker with file access: drop the append-only guard and edit a row.
    const conn = new SQLite(copy);
    conn.exec('drop trigger audit_log_no_update');
    conn.prepare(`update audit_log set details = '{"username":"intruder"}' where seq = 2`).run();
    conn.close();
    const r = await run(['audit', 'verify'], { DATABASE_URL: `sqlite:${copy}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/审计链在第 2 条处断裂（哈希不符，记录被改动），此前 1 条完好/);
    expect(r.stderr).toMatch(/audit chain broken at seq 2 \(hash mismatch\); 1 rows before it are intact/);
    // The original is untouched.
    expect((await run(['audit', 'verify'])).code).toBe(0);
  });

  it('audit verify explains an unmigrated database', async () => {
    const r = await run(['audit', 'verify'], { DATABASE_URL: `sqlite:${path.join(dir, 'empty.sqlite')}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/请先运行 linli migrate/);
  });

  it('backup and restore round-trip, refusing a non-empty target without --force and a damaged file', async () => {
    const file = path.join(dir, 'backups', 'linli.jsonl.gz');
    const backup = await run(['backup', file]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/备份完成：.*linli\.jsonl\.gz \/ backup written/);
    expect(backup.stdout).toMatch(/sha256: [0-9a-f]{64}/);

    const restoredFile = path.join(dir, 'restored', 'linli.sqlite');
    const target = { DATABASE_URL: `sqlite:${restoredFile}` };
    const restore = await run(['restore', file], target);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/已恢复 .* 的备份（sqlite → sqlite）/);
    expect(restore.stdout).toMatch(/audit chain intact, 2 rows checked/);
    const verify = await run(['audit', 'verify'], target);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/2 rows checked/);
    const conn = new SQLite(restoredFile, { readonly: true });
    try {
      expect(conn.prepare('select username from app_user order by username').all()).toEqual([{ username: 'secadmin' }, { username: 'sysadmin' }]);
    } finally {
      conn.close();
    }

    const refused = await run(['restore', file], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/目标数据库已有数据.*--force/);
    const forced = await run(['restore', file, '--force'], target);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/原有数据已替换/);

    const damaged = path.join(dir, 'backups', 'damaged.jsonl.gz');
    fs.writeFileSync(damaged, gzipSync(gunzipSync(fs.readFileSync(file)).toString('utf8').replace('secadmin', 'intruder')));
    const bad = await run(['restore', damaged], { DATABASE_URL: `sqlite:${path.join(dir, 'never.sqlite')}` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/备份文件已损坏或被改动，拒绝使用 \/ the backup file is damaged or was altered \(checksum mismatch\)/);
    expect(fs.existsSync(path.join(dir, 'never.sqlite'))).toBe(false);
  });
});
