import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { openPlatform } from '../../platform/bootstrap.js';
import { openDatabase } from '../../platform/db/database.js';
import type { LinliApp } from '../../platform/http/app.js';
import { modules } from '../index.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';
import { captureChanges, checkTarget, DELIVERED_PAYLOAD_DAYS, deliverDue, deliveryBackoff, pruneDeliveredPayloads } from './deliveries.job.js';
import { verifySignature } from './deliveries.sign.js';
import { WEBHOOK_URL_MESSAGE } from './subscriptions.schema.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A real local webhook receiver: answers each path with the statuses queued for it (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  const plans = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const status = plans.get(path)?.shift() ?? 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'fail');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, plans, base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(`exchange subscriptions 变更订阅与推送 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const s: Record<string, Session> = {};
  let clientId: string;

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => app.inject({ method, url, payload: payload as never, headers: method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers });
  const subscribe = async (body: Record<string, unknown>) => {
    const res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/subscriptions`, { orgNodeId: fx.nodes.xishan.id, purpose: '低保对象动态管理', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const nowSeconds = () => Math.floor(platform.ctx.now().getTime() / 1000);
  const at = (path: string) => receiver.received.filter((r) => r.path === path);

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
    receiver = await startReceiver();
    for (const u of ['admin', 'xishan']) s[u] = await loginAs(app, u);
    const res = await call('admin', 'POST', '/api/v1/exchange/clients', { departmentCode: 'civil', name: '民政社会救助系统', contact: '救助科 王科长', orgNodeId: fx.nodes.city.id, lifeEvents: ['person.died'], legalBasis: '《社会救助暂行办法》第十一条' });
    clientId = res.json().id;
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
    await platform.close();
  });

  it('validates subscriptions: http(s) only, mandate tags, entitled life events; private targets refused in production', async () => {
    let res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/subscriptions`, { event: 'tag.gained', tags: ['低保'], orgNodeId: fx.nodes.xishan.id, url: 'ftp://example.org/hook', purpose: '测试' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ field: 'body.url', code: 'invalid_format', message: WEBHOOK_URL_MESSAGE }]);
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/subscriptions`, { event: 'tag.gained', tags: ['退役军人'], orgNodeId: fx.nodes.xishan.id, url: `${receiver.base}/x`, purpose: '测试' });
    expect(res.json().error.code).toBe('EXCHANGE_TAG_OUTSIDE_MANDATE');
    res = await call('admin', 'POST', `/api/v1/exchange/clients/${clientId}/subscriptions`, { event: 'person.born', orgNodeId: fx.nodes.xishan.id, url: `${receiver.base}/x`, purpose: '测试' });
    expect(res.json().error).toMatchObject({ code: 'EXCHANGE_EVENT_NOT_ENTITLED', message: '该部门无权订阅此类变更：person.born' });
    const production = { ...platform.ctx, config: { ...platform.ctx.config, env: 'production' as const } };
    expect(await checkTarget(production, 'http://127.0.0.1:8080/hook')).toBe('WEBHOOK_URL_PRIVATE');
    expect(await checkTarget(production, 'http://[::1]/hook')).toBe('WEBHOOK_URL_PRIVATE');
    expect(await checkTarget(production, 'https://192.168.1.20/hook')).toBe('WEBHOOK_URL_PRIVATE');
    expect(await checkTarget(production, 'https://8.8.8.8/hook')).toBeNull();
    expect(await checkTarget(platform.ctx, `${receiver.base}/x`)).toBeNull();
  });

  it('answers every failure of the webhook URL with its own bilingual message, in either language, and leaves other fields to zod', async () => {
    const body = { event: 'tag.gained', tags: ['低保'], orgNodeId: fx.nodes.xishan.id, purpose: '测试' };
    const post = (payload: Record<string, unknown>, lang: string) =>
      app.inject({ method: 'POST', url: `/api/v1/exchange/clients/${clientId}/subscriptions`, payload, headers: { ...s.admin!.headers, 'accept-language': lang } });
    expect(WEBHOOK_URL_MESSAGE).toBe('回调地址必须是 http(s) 网址 / the webhook URL must be http(s)');
    const cases: [unknown, string][] = [
      ['not a url', 'invalid_format'],
      ['ftp://example.org/hook', 'invalid_format'],
      [`https://example.org/${'a'.repeat(500)}`, 'too_big'],
      [42, 'invalid_type'],
      [undefined, 'invalid_type'],
    ];
    for (const lang of ['zh-CN', 'en']) {
      for (const [url, code] of cases) {
        const res = await post({ ...body, url }, lang);
        expect(res.statusCode, String(url)).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
        expect(res.json().error.details, `${lang} ${String(url)}`).toEqual([{ field: 'body.url', code, message: WEBHOOK_URL_MESSAGE }]);
      }
    }
    // Other fields, and other schemas' own messages, keep zod's localised wording.
    let res = await post({ ...body, url: 'not a url', purpose: 'x' }, 'zh-CN');
    const purpose = (res.json().error.details as { field: string; message: string }[]).find((d) => d.field === 'body.purpose')!;
    expect(purpose.message).toMatch(/^数值过小/);
    res = await post({ ...body, url: 'not a url', purpose: 'x' }, 'en');
    expect((res.json().error.details as { field: string; message: string }[]).find((d) => d.field === 'body.purpose')!.message).toMatch(/^Too small/);
    res = await call('xishan', 'POST', '/api/v1/exchange/consents', { personId: reg.people.zhu, departmentCode: 'social-security', field: 'phone', validFrom: '2026/11/01', evidence: '书面授权书' });
    expect(res.statusCode).toBe(400);
    const day = (res.json().error.details as { field: string; code: string; message: string }[])[0]!;
    expect(day).toMatchObject({ field: 'body.validFrom', code: 'invalid_format' });
    expect(day.message).toMatch(/^无效字符串/);
    expect((await platform.ctx.db.kysely.selectFrom('exchange_subscription').select('id').where('url', '=', 'not a url').execute()).length).toBe(0);
  });

  it('delivers on the fourth try to a receiver that fails three times, with the same delivery id and a valid signature', async () => {
    const sub = await subscribe({ event: 'tag.gained', tags: ['低保'], url: `${receiver.base}/gained` });
    receiver.plans.set('/gained', [500, 503, 500]);
    const res = await call('xishan', 'POST', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '低保', source: 'typed' });
    expect(res.statusCode, res.body).toBe(201);
    expect(await captureChanges(platform.ctx)).toMatchObject({ deliveries: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await deliverDue(platform.ctx)).toMatchObject({ claimed: 1, retrying: 1 });
      // Not due again before its back-off.
      expect((await deliverDue(platform.ctx)).claimed).toBe(0);
      platform.advance(deliveryBackoff(attempt));
    }
    expect(await deliverDue(platform.ctx)).toMatchObject({ claimed: 1, delivered: 1 });
    const got = at('/gained');
    expect(got.map((r) => r.status)).toEqual([500, 503, 500, 200]);
    const ids = new Set(got.map((r) => r.headers['x-linli-delivery']));
    expect(ids.size).toBe(1);
    const last = got[3]!;
    expect(verifySignature(sub.secret, last.headers, last.body, nowSeconds())).toBe(true);
    expect(verifySignature('whsec_wrong', last.headers, last.body, nowSeconds())).toBe(false);
    expect(verifySignature(sub.secret, last.headers, last.body.replace('朱志强', '朱志刚'), nowSeconds())).toBe(false);
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({ id: [...ids][0], event: 'tag.gained', tag: '低保', departmentCode: 'civil', person: { id: reg.people.zhu, name: '朱志强', idNumber: '330481********001X' } });
    expect(last.body).not.toContain('33048119800101001X');
    // Captured once, sent once: another capture and delivery round add nothing.
    expect(await captureChanges(platform.ctx)).toMatchObject({ changes: 0, deliveries: 0 });
    expect((await deliverDue(platform.ctx)).claimed).toBe(0);
    expect(at('/gained').length).toBe(4);
    const audit = await platform.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.delivery.sent').execute();
    expect(audit.map((a) => a.target_id)).toContain(reg.people.zhu);
    expect(audit[0]!.purpose).toBe('低保对象动态管理');
  });

  it('still delivers after a restart: capture committed but not sent, and change committed but not captured', async () => {
    await subscribe({ event: 'person.died', url: `${receiver.base}/died` });
    await subscribe({ event: 'tag.lost', tags: ['低保'], url: `${receiver.base}/lost` });
    // 1. The death is captured (deliveries written in the same transaction) and the process "dies".
    let res = await call('xishan', 'POST', `/api/v1/people/${reg.people.wang}/end`, { kind: 'deceased', date: '2026-11-25', reason: '病故' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await captureChanges(platform.ctx)).toMatchObject({ deliveries: 1 });
    // 2. 朱志强 leaves 低保; nothing runs after the commit.
    const tags = (await call('xishan', 'GET', `/api/v1/people/${reg.people.zhu}/tags`)).json() as { items: { id: string; tag: string }[] };
    const dibao = tags.items.find((t) => t.tag === '低保')!;
    res = await call('xishan', 'POST', `/api/v1/people/${reg.people.zhu}/tags/${dibao.id}/end`, { reason: '家庭收入超过低保标准' });
    expect(res.statusCode, res.body).toBe(200);
    expect(at('/died').length + at('/lost').length).toBe(0);

    // A new platform instance on the same database (a restarted server) captures and delivers.
    const db2 = openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 2 });
    const restarted = await openPlatform(platform.config, modules, { db: db2, migrate: false, now: platform.ctx.now });
    try {
      expect(await captureChanges(restarted.ctx)).toMatchObject({ deliveries: 1 });
      expect(await deliverDue(restarted.ctx)).toMatchObject({ delivered: 2 });
    } finally {
      await restarted.close();
    }
    const died = at('/died');
    expect(died.length).toBe(1);
    expect(JSON.parse(died[0]!.body)).toMatchObject({ event: 'person.died', person: { id: reg.people.wang, end: { kind: 'deceased', date: '2026-11-25' } } });
    const lost = at('/lost');
    expect(lost.length).toBe(1);
    expect(JSON.parse(lost[0]!.body)).toMatchObject({ event: 'tag.lost', tag: '低保', person: { id: reg.people.zhu } });
    // Nothing twice.
    expect(await captureChanges(platform.ctx)).toMatchObject({ changes: 0 });
    expect((await deliverDue(platform.ctx)).claimed).toBe(0);
  });

  it('dead-letters after N failures and replays with the same delivery id', async () => {
    await subscribe({ event: 'tag.gained', tags: ['特困'], url: `${receiver.base}/dead` });
    receiver.plans.set('/dead', [500, 500, 500]);
    const res = await call('xishan', 'POST', `/api/v1/people/${reg.people.xu}/tags`, { tag: '特困', source: 'typed' });
    expect(res.statusCode, res.body).toBe(201);
    await captureChanges(platform.ctx);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = await deliverDue(platform.ctx, { maxAttempts: 3 });
      expect(r.claimed).toBe(1);
      platform.advance(deliveryBackoff(attempt));
    }
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    const dead = (await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}/deliveries?status=dead`)).json() as { items: { id: string; attempts: number; lastStatus: number; lastError: string }[] };
    expect(dead.items.length).toBe(1);
    expect(dead.items[0]).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'HTTP 500' });
    // Dead: no further tries.
    platform.advance(24 * 3600_000);
    for (const u of Object.keys(s)) s[u] = await loginAs(app, u);
    expect((await deliverDue(platform.ctx, { maxAttempts: 3 })).claimed).toBe(0);
    const id = dead.items[0]!.id;
    // Only the dead can be replayed; replay keeps the id.
    const pending = (await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}/deliveries?status=delivered`)).json().items[0].id;
    expect((await call('admin', 'POST', `/api/v1/exchange/deliveries/${pending}/replay`)).json().error.code).toBe('EXCHANGE_NOT_DEAD');
    const replayed = await call('admin', 'POST', `/api/v1/exchange/deliveries/${id}/replay`);
    expect(replayed.json()).toMatchObject({ id, status: 'pending', attempts: 0, replays: 1 });
    expect(await deliverDue(platform.ctx, { maxAttempts: 3 })).toMatchObject({ delivered: 1 });
    const got = at('/dead');
    expect(got.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['x-linli-delivery']))).toEqual(new Set([id]));
    const subsList = (await call('admin', 'GET', `/api/v1/exchange/clients/${clientId}/subscriptions`)).json() as { items: { event: string; counts: { delivered: number; dead: number } }[] };
    expect(subsList.items.find((x) => x.event === 'tag.gained' && x.counts.delivered === 1 && x.counts.dead === 0)).toBeTruthy();
    const replayAudit = await platform.ctx.db.kysely.selectFrom('audit_log').select('target_id').where('action', '=', 'exchange.delivery.replay').execute();
    expect(replayAudit.map((a) => a.target_id)).toEqual([id]);
  });

  it('clears delivered payloads after the retention period and keeps the records; dead letters keep theirs', async () => {
    const db = platform.ctx.db.kysely;
    await subscribe({ event: 'tag.gained', tags: ['残疾人'], url: `${receiver.base}/prune-dead` });
    receiver.plans.set('/prune-dead', [500]);
    const res = await call('xishan', 'POST', `/api/v1/people/${reg.people.zhu}/tags`, { tag: '残疾人', source: 'typed' });
    expect(res.statusCode, res.body).toBe(201);
    await captureChanges(platform.ctx);
    await deliverDue(platform.ctx, { maxAttempts: 1 });
    const delivered = await db.selectFrom('exchange_delivery').select(['id', 'delivered_at']).where('status', '=', 'delivered').execute();
    const dead = await db.selectFrom('exchange_delivery').select(['id', 'payload']).where('status', '=', 'dead').execute();
    expect(delivered.length).toBeGreaterThan(0);
    expect(dead.length).toBeGreaterThan(0);
    // One day short of the retention period: nothing is cleared.
    const times = delivered.map((d) => new Date(d.delivered_at!).getTime());
    platform.advance(Math.min(...times) + (DELIVERED_PAYLOAD_DAYS - 1) * 86_400_000 - platform.ctx.now().getTime());
    expect(await pruneDeliveredPayloads(platform.ctx)).toBe(0);
    platform.advance(Math.max(...times) + (DELIVERED_PAYLOAD_DAYS + 1) * 86_400_000 - platform.ctx.now().getTime());
    expect(await pruneDeliveredPayloads(platform.ctx, { batch: 2 })).toBe(delivered.length);
    const after = await db.selectFrom('exchange_delivery').select(['id', 'status', 'payload', 'pruned_at']).execute();
    for (const d of after.filter((r) => r.status === 'delivered')) expect(d).toMatchObject({ payload: '', pruned_at: platform.ctx.now().toISOString() });
    for (const d of after.filter((r) => r.status === 'dead')) {
      expect(d.pruned_at).toBeNull();
      expect(d.payload).toBe(dead.find((x) => x.id === d.id)!.payload);
      expect(JSON.parse(d.payload)).toMatchObject({ event: 'tag.gained', tag: '残疾人' });
    }
    expect(after.length).toBe(delivered.length + dead.length);
    // A second run finds nothing left to clear.
    expect(await pruneDeliveredPayloads(platform.ctx)).toBe(0);
  });
});
