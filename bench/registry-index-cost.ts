/**
 * What each person_search index costs an import on SQLite: a table shaped like person_search
 * (paths of a city → … → dwelling, Chinese names, address keys) with N0 rows (default 1,000,000),
 * then 85,000 rows into one community in chunks of 10,000 (one transaction each), as the
 * registry bench's import does; once per set of indexes. Run: `npx tsx bench/registry-index-cost.ts`
 * (N0=… for another size). Files go to /tmp and are removed after.
 */
import SQLite from 'better-sqlite3';
import fs from 'node:fs';
const N0 = Number(process.env.N0 ?? 1_000_000), N = 85_000, CHUNK = 10_000;
const rnd = (() => { let s = 42; return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32); })();
const id = (i: number) => i.toString(32).padStart(16, '0');
const sur = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split(''), giv = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'.split('');
const name = () => sur[Math.floor(rnd() * sur.length)]! + giv[Math.floor(rnd() * giv.length)]! + (rnd() < 0.6 ? giv[Math.floor(rnd() * giv.length)]! : '');
const comm = (c: number) => `/${id(1)}/${id(2)}/${id(100 + Math.floor(c / 10))}/${id(1000 + c)}/`;
const pathOf = (c: number, k: number) => `${comm(c)}${id(10000 + (k % 9))}/${id(20000 + (k % 300))}/${id(30000 + (k % 900))}/${id(40000 + k)}/`;
const variants: Record<string, string[]> = {
  all: ['name', 'path', 'address', 'initials', 'pinyin'],
  noName: ['path', 'address', 'initials', 'pinyin'],
  noAddress: ['name', 'path', 'initials', 'pinyin'],
  // The shapes before migration 0991: name and address first, keys all over the city.
  cityFirst: ['cityName', 'path', 'cityAddress', 'initials', 'pinyin'],
  none: [],
};
// As shipped (migrations 0105, 0990, 0991): every search index but the path's begins with the area.
const defs: Record<string, string> = {
  name: 'create index i_name on s (area_path, name, org_path, person_id)',
  cityName: 'create index i_cityname on s (name, org_path, person_id)',
  path: 'create index i_path on s (org_path, name, person_id)',
  address: "create index i_addr on s (area_path, substr(address, instr(address, '#')), org_path, person_id)",
  cityAddress: "create index i_cityaddr on s (substr(address, instr(address, '#')), org_path, person_id)",
  initials: 'create index i_ini on s (area_path, name_initials, org_path, person_id)',
  pinyin: 'create index i_py on s (area_path, name_pinyin, org_path, person_id)',
};
for (const [label, idx] of Object.entries(variants)) {
  const file = `/tmp/idx-${label}.db`;
  for (const f of [file, file + '-wal', file + '-shm']) fs.rmSync(f, { force: true });
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL'); db.pragma('cache_size = -262144'); db.pragma('wal_autocheckpoint = 65536');
  db.exec('create table s (person_id text primary key, org_path text, name text, name_pinyin text, name_initials text, address text, area_path text)');
  for (const i of idx) db.exec(defs[i]!);
  const ins = db.prepare('insert into s values (?, ?, ?, ?, ?, ?, ?)');
  const row = (i: number, c: number) => { const n = name(); const p = pathOf(c, i); return [id(1e7 + i), p, n, 'zhang' + n.length, 'z' + n.length, `花园#${i % 9}-${i % 3}-${i % 900}#`, comm(c)]; };
  db.exec('begin'); for (let i = 0; i < N0; i++) ins.run(...row(i, i % 74)); db.exec('commit');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const t = performance.now(); let commit = 0;
  for (let i = 0; i < N; i += CHUNK) {
    db.exec('begin'); for (let k = i; k < i + CHUNK; k++) ins.run(...row(N0 + k, 3));
    const c = performance.now(); db.exec('commit'); commit += performance.now() - c;
  }
  console.log(label.padEnd(10), ((performance.now() - t) / 1000).toFixed(2), 's; commit', (commit / 1000).toFixed(2), 's', fs.statSync(file).size >> 20, 'MB');
  db.close();
  for (const f of [file, file + '-wal', file + '-shm']) fs.rmSync(f, { force: true });
}
