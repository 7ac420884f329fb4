/**
 * 数据共享交换: webhook deliveries per second (issue 9), on SQLite and PostgreSQL.
 *
 *   npx tsx bench/exchange.ts      (BENCH_WEBHOOKS deliveries, default 2,000; BENCH_PG_URL or "off")
 *
 * A local node:http receiver verifies every signature and counts distinct delivery ids. The
 * figures: the change capture (registry rows → outbox rows, one transaction) in changes per
 * second, and delivery rounds (claim, sign, POST, record, audit, access log) in deliveries per
 * second, with 8 requests in flight per round.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/platform/config.js';
import { openPlatform } from '../src/platform/bootstrap.js';
import { dropSchema, ensureSchema, openDatabase } from '../src/platform/db/database.js';
import { newId } from '../src/platform/ids.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import { modules } from '../src/modules/index.js';
import { insertPeople } from '../src/modules/registry/registry.repository.js';
import { personRow } from '../src/modules/registry/registry.service.js';
import { captureChanges, deliverDue } from '../src/modules/exchange/deliveries.job.js';
import { verifySignature } from '../src/modules/exchange/deliveries.sign.js';

const N = Number(process.env.BENCH_WEBHOOKS ?? 2_000);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'whsec_bench';

export interface ExchangeFigures {
  db: string;
  deliveries: number;
  captureSeconds: number;
  deliverSeconds: number;
  perSecond: number;
  verified: number;
  distinct: number;
}

async function receiver() {
  let verified = 0;
  const ids = new Set<string>();
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (verifySignature(SECRET, req.headers, body, Math.floor(Date.now() / 1000))) verified++;
      ids.add(String(req.headers['x-linli-delivery']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, stats: () => ({ verified, distinct: ids.size }), close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function benchExchange(label: 'sqlite' | 'postgres'): Promise<ExchangeFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-exchange-'));
  const schema = label === 'postgres' ? `bench_exchange_${randomBytes(4).toString('hex')}` : undefined;
  const url = label === 'postgres' ? PG_URL : `sqlite:${path.join(dataDir, 'bench.sqlite')}`;
  if (schema) await ensureSchema(url, schema);
  const db = openDatabase(url, { schema, poolSize: 8 });
  const config = loadConfig({ NODE_ENV: 'test' }, { dataDir, databaseUrl: url, demo: false });
  const platform = await openPlatform(config, modules, { db });
  const ctx = platform.ctx;
  const rx = await receiver();
  try {
    const k = ctx.db.kysely;
    const city = newNodeRow(null, 'city', '海宁市');
    const community = newNodeRow(city, 'community', '西山社区');
    await insertNodes(k, [city, community]);
    await k.insertInto('department').values({ code: 'civil', name: '民政', mandate: JSON.stringify({ tags: ['低保'], fields: ['name', 'gender', 'birthDate', 'idNumber', 'address', 'tags'] }) }).execute();
    await k.insertInto('tag_definition').values({ code: '低保', category: '特殊人群', description: null, derived_rule: null, sensitive: 1, sort: 1, created_at: new Date().toISOString() }).onConflict((oc) => oc.column('code').doNothing()).execute();
    const at = new Date(Date.now() - 60_000).toISOString();
    const clientId = newId();
    await k.insertInto('exchange_client').values({ id: clientId, department_code: 'civil', name: '民政压测', contact: '压测', status: 'active', org_node_id: city.id, org_path: city.path, life_events: '[]', legal_basis: '压测', created_by: null, created_at: at, updated_at: at }).execute();
    await k.insertInto('exchange_subscription').values({ id: newId(), client_id: clientId, event: 'tag.gained', tags: JSON.stringify(['低保']), org_node_id: city.id, org_path: city.path, url: rx.url, secret_enc: ctx.pii.encrypt(SECRET), purpose: '压测', status: 'active', created_by: null, created_at: at }).execute();
    await k.insertInto('exchange_cursor').values({ name: 'registry', watermark: at }).execute();
    const people = Array.from({ length: N }, (_, i) => personRow(ctx, { name: `压测${i}`, gender: i % 2 ? '男' : '女', birthDate: '1960-01-01', residenceType: '户籍人口', orgPath: community.path }));
    await insertPeople(k, people);
    const now = new Date().toISOString();
    for (let i = 0; i < people.length; i += 500) {
      await k.insertInto('person_tag').values(people.slice(i, i + 500).map((p) => ({ id: newId(), person_id: p.id, tag: '低保', source: 'typed' as const, department_code: null, valid_from: null, valid_to: null, note: null, created_by: null, created_at: now, ended_at: null, ended_by: null, end_reason: null }))).execute();
    }
    let t0 = performance.now();
    const captured = await captureChanges(ctx);
    const captureSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    let delivered = 0;
    while (delivered < captured.deliveries) {
      const r = await deliverDue(ctx, { batchSize: 200, concurrency: 8 });
      if (r.claimed === 0) break;
      delivered += r.delivered;
    }
    const deliverSeconds = (performance.now() - t0) / 1000;
    const s = rx.stats();
    return { db: label, deliveries: delivered, captureSeconds, deliverSeconds, perSecond: delivered / deliverSeconds, verified: s.verified, distinct: s.distinct };
  } finally {
    await rx.close();
    await platform.close();
    if (schema) await dropSchema(url, schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function exchangeSection(figures: ExchangeFigures[]): string[] {
  return [
    '## 数据共享交换 webhook deliveries',
    '',
    `${N} 低保 changes captured into the outbox, then delivered to a local receiver that verifies each HMAC signature (8 requests in flight, batches of 200; each delivery also writes an audit row and the person's access log).`,
    '',
    '| database | capture (s) | deliveries | deliver (s) | deliveries/s | signatures valid | distinct ids |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...figures.map((f) => `| ${f.db} | ${f.captureSeconds.toFixed(2)} | ${f.deliveries} | ${f.deliverSeconds.toFixed(2)} | ${f.perSecond.toFixed(0)} | ${f.verified} | ${f.distinct} |`),
    '',
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = [await benchExchange('sqlite')];
  if (PG_URL !== 'off') figures.push(await benchExchange('postgres'));
  console.log(exchangeSection(figures).join('\n'));
}
