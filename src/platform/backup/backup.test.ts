import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASE_URL, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { modules } from '../../modules/index.js';
import { dropSchema, openDatabase, type Db } from '../db/database.js';
import { collectMigrations } from '../db/migrate.js';
import { appendAudit, rowDigest, verifyAuditChain, type AuditRow } from '../audit/audit.js';
import { createUser } from '../auth/users.service.js';
import { createBackup } from './backup.js';
import { restoreBackup, type RestoreOptions } from './restore.js';
import { BackupError, scanBackup, type BackupHeader } from './format.js';
import { dependencyOrder, kyselyReader, MIGRATION_TABLES, readCatalog } from './catalog.js';

/** The whole file in memory: fine for test-sized backups. */
async function readBackup(file: string) {
  const rows = new Map<string, Record<string, unknown>[]>();
  const { header } = await scanBackup(file, {
    table: (t) => void rows.set(t.name, []),
    row: (t, values) => void rows.get(t.name)!.push(Object.fromEntries(t.columns.map((c, i) => [c, values[i]]))),
  });
  return { header, rows };
}

interface Target {
  label: string;
  options: Pick<RestoreOptions, 'databaseUrl' | 'schema'>;
  open(): Db;
}

describe(`backup and restore (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fixture: Fixture;
  let dir: string;
  const schemas: string[] = [];
  let sqliteNo = 0;

  const sqliteTarget = (): Target => {
    const file = path.join(dir, `target-${++sqliteNo}.sqlite`);
    return { label: 'sqlite', options: { databaseUrl: `sqlite:${file}` }, open: () => openDatabase(`sqlite:${file}`) };
  };
  const pgTarget = (): Target => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return { label: 'postgres', options: { databaseUrl: DATABASE_URL, schema }, open: () => openDatabase(DATABASE_URL, { schema, poolSize: 2 }) };
  };
  /** A fresh target on the database under test. */
  const freshTarget = () => (IS_PG ? pgTarget() : sqliteTarget());

  const count = async (db: Db, table: string) => Number((await sql.raw<{ n: number }>(`select count(*) as n from "${table}"`).execute(db.kysely)).rows[0].n);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fixture = await seedFixture(platform.ctx);
    for (let i = 0; i < 300; i++) {
      await appendAudit(platform.ctx.db, { actorName: 'tester', action: 'test.before', targetType: 'thing', targetId: String(i), details: { i, note: 'before the backup' } });
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-backup-'));
  });
  afterAll(async () => {
    await platform.close();
    for (const s of schemas) await dropSchema(DATABASE_URL, s);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes a consistent snapshot while audit rows keep being written', async () => {
    const db = platform.ctx.db;
    let stop = false;
    let concurrent = 0;
    // Yield a macrotask each round: on SQLite the driver is synchronous and would starve the backup.
    const writer = (async () => {
      while (!stop) {
        await appendAudit(db, { action: 'test.during', details: { n: concurrent } });
        concurrent++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    let afterSnapshot = 0;
    const file = path.join(dir, 'live.jsonl.gz');
    let summary;
    try {
      summary = await createBackup(db, file, {
        // audit_chain_head is read before audit_log; these commits land between the two reads.
        beforeTable: async (table) => {
          if (table !== 'audit_log') return;
          for (let i = 0; i < 5; i++) await appendAudit(db, { action: 'test.after-snapshot' });
          afterSnapshot += 5;
        },
      });
    } finally {
      stop = true;
      await writer;
    }
    expect(afterSnapshot).toBe(5);
    expect(concurrent).toBeGreaterThan(0);

    const { header, rows } = await readBackup(file);
    const names = header.tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['audit_log', 'audit_chain_head', 'org_node', 'app_user', 'role_grant', ...MIGRATION_TABLES]));
    expect(names.indexOf('audit_chain_head')).toBeLessThan(names.indexOf('audit_log'));
    expect(header.dialect).toBe(db.dialect);
    expect(header.migrations).toEqual(Object.keys(collectMigrations(modules)).sort());
    expect(summary.tables).toEqual(header.tables);

    // The snapshot is internally consistent: the head names exactly the last row in the file.
    const audit = rows.get('audit_log')! as unknown as AuditRow[];
    const head = rows.get('audit_chain_head')![0] as { last_seq: number; last_hash: string };
    expect(Number(head.last_seq)).toBe(audit.length);
    expect(header.tables.find((t) => t.name === 'audit_log')!.rows).toBe(audit.length);
    expect(audit.map((r) => Number(r.seq))).toEqual(audit.map((_, i) => i + 1));
    expect(audit.at(-1)!.hash).toBe(head.last_hash);
    let prev = 'GENESIS';
    for (const r of audit) {
      expect(r.prev_hash).toBe(prev);
      const { hash, ...rest } = r;
      expect(rowDigest({ ...rest, seq: Number(r.seq) })).toBe(hash);
      prev = hash;
    }
    expect(audit.some((r) => r.action === 'test.after-snapshot')).toBe(false);
    // …while the live database went on past it.
    expect(await count(db, 'audit_log')).toBeGreaterThanOrEqual(audit.length + afterSnapshot);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('orders tables parents first and the org tree root first', async () => {
    const catalog = await readCatalog(kyselyReader(platform.ctx.db.kysely, platform.ctx.db.dialect));
    const { order, cycles } = dependencyOrder(catalog);
    expect(cycles).toEqual([]);
    for (const t of catalog) {
      for (const fk of t.foreignKeys) {
        if (fk.refTable !== t.name) expect(order.indexOf(fk.refTable), `${t.name} → ${fk.refTable}`).toBeLessThan(order.indexOf(t.name));
      }
    }
    const file = path.join(dir, 'order.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const { header, rows } = await readBackup(file);
    expect(header.tables.map((t) => t.name)).toEqual(order);
    const seen = new Set<string>();
    for (const node of rows.get('org_node')! as { id: string; parent_id: string | null }[]) {
      if (node.parent_id) expect(seen.has(node.parent_id)).toBe(true);
      seen.add(node.id);
    }
    expect(seen.size).toBe(Object.keys(fixture.nodes).length);
  });

  async function checkRestored(target: Target, header: BackupHeader, source: Awaited<ReturnType<typeof readBackup>>) {
    const db = target.open();
    try {
      for (const t of header.tables) expect(await count(db, t.name), `${target.label} ${t.name}`).toBe(t.rows);
      const byId = (a: { id: unknown }, b: { id: unknown }) => (String(a.id) < String(b.id) ? -1 : 1);
      const nodes = await db.kysely.selectFrom('org_node').selectAll().execute();
      expect(nodes.sort(byId)).toEqual([...source.rows.get('org_node')!].sort(byId as never));
      const users = await db.kysely.selectFrom('app_user').selectAll().execute();
      expect(users.sort(byId)).toEqual([...source.rows.get('app_user')!].sort(byId as never));
      const verified = await verifyAuditChain(db);
      expect(verified).toEqual({ ok: true, rows: header.tables.find((t) => t.name === 'audit_log')!.rows });
      if (db.dialect === 'postgres') {
        // bigserial moved past the restored rows rather than starting again at 1.
        const next = await sql<{ n: number }>`select nextval(pg_get_serial_sequence('audit_log', 'seq')) as n`.execute(db.kysely);
        expect(Number(next.rows[0].n)).toBe(verified.rows + 1);
      }
      // The restored database keeps working: the next audit row continues the chain.
      const seq = await appendAudit(db, { action: 'test.after-restore' });
      expect(seq).toBe(verified.rows + 1);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    } finally {
      await db.destroy();
    }
  }

  it('restores into a fresh database with identical row counts and a valid audit chain', async () => {
    const file = path.join(dir, 'full.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const source = await readBackup(file);
    const target = freshTarget();
    const summary = await restoreBackup({ file, modules, ...target.options });
    expect(summary.replaced).toBe(false);
    expect(summary.sourceDialect).toBe(platform.ctx.db.dialect);
    expect(summary.tables).toEqual(source.header.tables.map((t) => ({ name: t.name, rows: t.rows })));
    expect(summary.audit.ok).toBe(true);
    await checkRestored(target, source.header, source);
  });

  it('moves between the two databases: the backup is dialect-neutral', async () => {
    const file = path.join(dir, 'cross-1.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const source = await readBackup(file);
    // SQLite is always at hand: on a PostgreSQL run this crosses dialects both ways.
    const across = sqliteTarget();
    await restoreBackup({ file, modules, ...across.options });
    await checkRestored(across, source.header, source);
    // … and back from there into the database under test.
    const acrossDb = across.open();
    const file2 = path.join(dir, 'cross-2.jsonl.gz');
    try {
      await createBackup(acrossDb, file2);
    } finally {
      await acrossDb.destroy();
    }
    const second = await readBackup(file2);
    expect(second.header.dialect).toBe('sqlite');
    const back = freshTarget();
    await restoreBackup({ file: file2, modules, ...back.options });
    await checkRestored(back, second.header, second);
    const db = back.open();
    try {
      expect(await count(db, 'org_node')).toBe(source.header.tables.find((t) => t.name === 'org_node')!.rows);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a tampered or truncated file and leaves the target untouched', async () => {
    const file = path.join(dir, 'good.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
    expect(text).toContain('"test.before"');
    const tampered = path.join(dir, 'tampered.jsonl.gz');
    fs.writeFileSync(tampered, gzipSync(text.replace('"test.before"', '"test.forged"')));
    const truncated = path.join(dir, 'truncated.jsonl.gz');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const noTrailer = path.join(dir, 'no-trailer.jsonl.gz');
    fs.writeFileSync(noTrailer, gzipSync(text.split('\n').slice(0, -2).join('\n') + '\n'));

    for (const [bad, why] of [
      [tampered, /checksum mismatch/],
      [truncated, /damaged/],
      [noTrailer, /end marker missing/],
    ] as const) {
      const target = freshTarget();
      const err = await restoreBackup({ file: bad, modules, ...target.options }).catch((e: unknown) => e);
      expect(err, bad).toBeInstanceOf(BackupError);
      expect((err as BackupError).code).toBe('BACKUP_DAMAGED');
      expect((err as Error).message).toMatch(/备份文件已损坏/);
      expect((err as Error).message).toMatch(why);
      if (target.options.schema) {
        const db = target.open();
        try {
          const tables = await readCatalog(kyselyReader(db.kysely, 'postgres'));
          expect(tables).toEqual([]);
        } finally {
          await db.destroy();
        }
      } else {
        expect(fs.existsSync(target.options.databaseUrl.slice('sqlite:'.length))).toBe(false);
      }
    }
  });

  it('refuses to restore over a database that holds data unless forced, then replaces it whole', async () => {
    const file = path.join(dir, 'force.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const source = await readBackup(file);
    const target = freshTarget();
    await restoreBackup({ file, modules, ...target.options });

    // The target moves on: a new user and a new audit row.
    const db = target.open();
    try {
      await createUser(
        { ...platform.ctx, db },
        { username: 'later', displayName: 'Later', password: 'Later@2026x', grants: [{ role: 'resident', orgNodeId: fixture.nodes.dwelling01.id }] },
        db.kysely,
      );
      await appendAudit(db, { action: 'test.on-target' });
    } finally {
      await db.destroy();
    }

    const refused = await restoreBackup({ file, modules, ...target.options }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackupError);
    expect((refused as BackupError).code).toBe('RESTORE_TARGET_NOT_EMPTY');
    expect((refused as Error).message).toMatch(/--force/);
    const still = target.open();
    try {
      expect(await still.kysely.selectFrom('app_user').select('id').where('username', '=', 'later').executeTakeFirst()).toBeDefined();
    } finally {
      await still.destroy();
    }

    const forced = await restoreBackup({ file, modules, force: true, ...target.options });
    expect(forced.replaced).toBe(true);
    expect(forced.audit.ok).toBe(true);
    const after = target.open();
    try {
      expect(await after.kysely.selectFrom('app_user').select('id').where('username', '=', 'later').executeTakeFirst()).toBeUndefined();
      expect(await after.kysely.selectFrom('audit_log').select('seq').where('action', '=', 'test.on-target').executeTakeFirst()).toBeUndefined();
    } finally {
      await after.destroy();
    }
    await checkRestored(target, source.header, source);
  });

  it('refuses a backup whose migrations this version does not have', async () => {
    const file = path.join(dir, 'future.jsonl.gz');
    await createBackup(platform.ctx.db, file);
    const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]) as BackupHeader;
    header.migrations.push('2099_01_01_0000_from_the_future');
    // Rebuild a well-formed file (valid checksum) around the changed header.
    const body = [JSON.stringify(header), ...lines.slice(1, -2)].map((l) => l + '\n').join('');
    const trailer = JSON.parse(lines.at(-2)!) as { rows: number };
    const future = path.join(dir, 'future-edited.jsonl.gz');
    fs.writeFileSync(future, gzipSync(body + JSON.stringify({ end: true, rows: trailer.rows, sha256: createHash('sha256').update(body).digest('hex') }) + '\n'));
    const err = await restoreBackup({ file: future, modules, ...freshTarget().options }).catch((e: unknown) => e);
    expect((err as BackupError).code).toBe('RESTORE_NEWER_BACKUP');
    expect((err as Error).message).toMatch(/2099_01_01_0000_from_the_future/);
  });
});
