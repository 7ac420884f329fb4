import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../../test/helpers/fixture.js';
import { loginAs } from '../../../../test/helpers/http.js';
import type { LinliApp } from '../../../platform/http/app.js';
import { createApiToken } from '../../../platform/auth/auth.service.js';
import { sha256 } from '../../../platform/auth/tokens.js';
import { storeAttachment } from '../../../platform/files/files.service.js';
import { newId } from '../../../platform/ids.js';
import { giveFixturePolygons, loadEventActor, POINTS } from '../events.fixture.js';
import { takeStep } from '../events.service.js';
import { DEMO_OPEN311_API_KEY, seedOpen311Demo } from './open311.demo.js';
import { publicAddressText } from './open311.service.js';

/**
 * Open311 GeoReport v2 as an outside client sees it: a real HTTP listener, form posts, JSON
 * checked against the standard's own schemas (test/fixtures/open311-schema) and XML parsed back.
 */

// The standard's schemas, copied unchanged into the repository (test/fixtures/open311-schema/README.md).
const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../../../test/fixtures/open311-schema');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// The standard's schemas are draft-4 style but use nothing draft 4 alone has: Ajv 8's default
// draft with ajv-formats (date-time, uri) reads them; strict off for their `minItems` beside `$ref`.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['service.json', 'services.json', 'service-definition.json', 'request.json', 'requests.json']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')), f);
}
const schema = (name: string): ValidateFunction => ajv.getSchema(name)!;

function expectValid(name: string, data: unknown) {
  const validate = schema(name);
  const ok = validate(data);
  expect(ok, `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

const LIST_PATHS = new Set([
  'services.service',
  'service_requests.request',
  'errors.error',
  'service_definition.attributes.attribute',
  'service_definition.attributes.attribute.values.value',
  'discovery.endpoints.endpoint',
  'discovery.endpoints.endpoint.formats.format',
]);
// Strings stay strings (service_code 0101, not 101), lists stay lists even with one item.
const xml = new XMLParser({ parseTagValue: false, isArray: (_name, jpath) => LIST_PATHS.has(String(jpath)) });

/** The reporter's personal data we send: none of it may ever come back. */
const REPORTER = {
  email: 'zhang.san@example.com',
  first_name: '三丰',
  last_name: '张',
  phone: '13912345678',
  device_id: 'DEVICE-7f3a9c',
  account_id: 'ACCT-558812',
};
const FORBIDDEN_IN_ANSWERS = [REPORTER.email, '张三丰', REPORTER.phone, '139****5678', REPORTER.device_id, REPORTER.account_id];

describe(`Open311 GeoReport v2 over HTTP (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fx: Fixture;
  let app: LinliApp;
  let base: string;
  const answers: string[] = [];

  interface Answer {
    status: number;
    type: string;
    text: string;
    json: any;
    xml: any;
  }

  async function http(method: 'GET' | 'POST', url: string, opts: { form?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined = opts.body;
    if (opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) for (const one of [v].flat()) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    }
    const res = await fetch(`${base}${url}`, { method, headers, body });
    const text = await res.text();
    answers.push(text);
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      text,
      json: type.startsWith('application/json') ? JSON.parse(text) : undefined,
      xml: type.startsWith('text/xml') ? xml.parse(text) : undefined,
    };
  }

  const post = (format: 'json' | 'xml', form: Record<string, string | string[]>, headers?: Record<string, string>) => http('POST', `/open311/v2/requests.${format}`, { form, headers });

  /** A valid request for the test service, with the reporter's details. */
  const goodForm = (extra: Record<string, string | string[]> = {}) => ({
    api_key: DEMO_OPEN311_API_KEY,
    service_code: 'T01',
    lat: String(POINTS.grid01.lat),
    long: String(POINTS.grid01.lng),
    description: '西山路口井盖松动，车辆经过有响声',
    'attribute[kind]': 'a',
    'attribute[tags][]': ['x', 'y'],
    ...REPORTER,
    ...extra,
  });

  function expectErrors(a: Answer, status: number, format: 'json' | 'xml', pattern?: RegExp) {
    expect(a.status).toBe(status);
    const list: { code: unknown; description: string }[] = format === 'json' ? a.json : a.xml.errors.error;
    expect(a.type).toMatch(format === 'json' ? /^application\/json/ : /^text\/xml/);
    expect(Array.isArray(list) && list.length).toBeGreaterThan(0);
    for (const e of list) {
      expect(String(e.code)).toBe(String(status));
      expect(typeof e.description).toBe('string');
    }
    if (pattern) expect(list.map((e) => e.description).join(' | ')).toMatch(pattern);
    return list;
  }

  // Created at the start (2026-08-03), then the clock moves 100 days on: outside the default window.
  let oldRequestId: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-08-03T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    await seedOpen311Demo(platform.ctx);
    const db = platform.ctx.db.kysely;
    const at = platform.ctx.now().toISOString();
    const cat = (id: string, parent: string | null, code: string, name: string, extra: Record<string, unknown> = {}) => ({
      id,
      parent_id: parent,
      code,
      name,
      name_en: `${name} (en)`,
      description: `${name}说明`,
      keywords: '井盖 松动、破损',
      default_unit: 'community' as const,
      default_department_code: null,
      response_hours: 2,
      handling_hours: 8,
      attributes: '[]',
      public: 1,
      sort: 0,
      active: 1,
      version: 1,
      created_at: at,
      updated_at: at,
      ...extra,
    });
    const group = newId();
    await db
      .insertInto('event_category')
      .values([
        cat(group, null, 'T', '测试组'),
        cat(newId(), group, 'T01', '井盖问题', {
          attributes: JSON.stringify([
            { code: 'tags', label: '问题', datatype: 'multivaluelist', required: false, order: 2, values: [{ key: 'x', name: '缺失' }, { key: 'y', name: '松动' }, { key: 'z', name: '破损' }] },
            { code: 'kind', label: '井盖类型', labelEn: 'Cover type', datatype: 'singlevaluelist', required: true, order: 1, values: [{ key: 'a', name: '雨水' }, { key: 'b', name: '污水' }] },
            { code: 'count', label: '数量', datatype: 'number', required: false, order: 3 },
            { code: 'seen_at', label: '发现时间', datatype: 'datetime', required: false, order: 3 },
            { code: 'where', label: '具体位置', datatype: 'string', required: false, order: 4, description: '如路口、门牌' },
          ]),
        }),
        cat(newId(), group, 'T02', '内部类别', { public: 0 }),
        cat(newId(), group, 'T03', '停用类别', { active: 0 }),
        cat(newId(), group, 'T04', '无属性类别'),
      ])
      .execute();
    app = await createTestApp(platform);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const first = await post('json', goodForm({ description: '一件早先的上报' }));
    expect(first.status).toBe(200);
    oldRequestId = first.json[0].service_request_id;
    platform.advance(100 * 86_400_000);
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('answers discovery in XML and JSON', async () => {
    const j = await http('GET', '/open311/v2/discovery.json');
    expect(j.status).toBe(200);
    expect(j.type).toBe('application/json; charset=utf-8');
    expect(j.json.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${base}/open311/v2`, type: 'test' });
    expect(j.json.endpoints[0].formats).toEqual(['text/xml', 'application/json']);
    for (const k of ['changeset', 'contact', 'key_service']) expect(typeof j.json[k]).toBe('string');
    const x = await http('GET', '/open311/v2/discovery.xml');
    expect(x.type).toBe('text/xml; charset=utf-8');
    expect(x.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(x.xml.discovery.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(x.xml.discovery.changeset).toBe(j.json.changeset);
  });

  it('lists public, active leaf categories as services', async () => {
    const j = await http('GET', '/open311/v2/services.json');
    expect(j.status).toBe(200);
    expectValid('services.json', j.json);
    const codes = j.json.map((s: { service_code: string }) => s.service_code);
    expect(codes).toContain('T01');
    expect(codes).toContain('T04');
    for (const hidden of ['T', 'T02', 'T03']) expect(codes).not.toContain(hidden);
    // The deployment's default tree is offered too (its codes are strings like 0101).
    expect(codes).toContain('0101');
    const t01 = j.json.find((s: { service_code: string }) => s.service_code === 'T01');
    expect(t01).toEqual({ service_code: 'T01', service_name: '井盖问题', description: '井盖问题说明', metadata: true, type: 'realtime', keywords: '井盖, 松动, 破损', group: '测试组' });
    expect(j.json.find((s: { service_code: string }) => s.service_code === 'T04').metadata).toBe(false);

    const x = await http('GET', '/open311/v2/services.xml');
    expect(x.status).toBe(200);
    const services = x.xml.services.service as Record<string, string>[];
    expect(services.map((s) => s.service_code)).toEqual(codes);
    expect(services.find((s) => s.service_code === 'T01')).toMatchObject({ service_name: '井盖问题', metadata: 'true', type: 'realtime', group: '测试组' });

    const en = await http('GET', '/open311/v2/services.json?lang=en');
    expect(en.json.find((s: { service_code: string }) => s.service_code === 'T01')).toMatchObject({ service_name: '井盖问题 (en)', group: '测试组 (en)' });
  });

  it('gives a service definition from the category attributes', async () => {
    const j = await http('GET', '/open311/v2/services/T01.json');
    expect(j.status).toBe(200);
    expectValid('service-definition.json', j.json);
    expect(j.json.service_code).toBe('T01');
    const attrs = j.json.attributes as Record<string, unknown>[];
    expect(attrs.map((a) => a.code)).toEqual(['kind', 'tags', 'count', 'seen_at', 'where']);
    expect(attrs.map((a) => a.order)).toEqual([1, 2, 3, 4, 5]);
    expect(attrs[0]).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: true, description: '井盖类型', values: [{ key: 'a', name: '雨水' }, { key: 'b', name: '污水' }] });
    expect(attrs[1]).toMatchObject({ datatype: 'multivaluelist', required: false });
    expect(attrs[2]).not.toHaveProperty('values');
    expect(attrs[4]).toMatchObject({ datatype: 'string', description: '具体位置：如路口、门牌' });
    for (const a of attrs) expect(typeof a.datatype_description).toBe('string');

    const x = await http('GET', '/open311/v2/services/T01.xml');
    const def = x.xml.service_definition;
    expect(def.service_code).toBe('T01');
    expect(def.attributes.attribute).toHaveLength(5);
    expect(def.attributes.attribute[0]).toMatchObject({ variable: 'true', code: 'kind', datatype: 'singlevaluelist', required: 'true', order: '1' });
    expect(def.attributes.attribute[0].values.value).toEqual([{ key: 'a', name: '雨水' }, { key: 'b', name: '污水' }]);
    expect(def.attributes.attribute[1].values.value.map((v: { key: string }) => v.key)).toEqual(['x', 'y', 'z']);

    const none = await http('GET', '/open311/v2/services/T04.json');
    expect(none.json).toEqual({ service_code: 'T04', attributes: [] });
    expectValid('service-definition.json', none.json);
  });

  it('answers unknown or hidden service codes with 404, in JSON and XML', async () => {
    for (const code of ['NOPE', 'T02', 'T03', 'T']) {
      expectErrors(await http('GET', `/open311/v2/services/${code}.json`), 404, 'json', new RegExp(code));
      expectErrors(await http('GET', `/open311/v2/services/${code}.xml`), 404, 'xml', new RegExp(code));
    }
  });

  it('accepts its own jurisdiction_id (or none, or an empty one) and 404s any other', async () => {
    expect((await http('GET', '/open311/v2/services.json?jurisdiction_id=330481')).status).toBe(200);
    expect((await http('GET', '/open311/v2/services.json?jurisdiction_id=')).status).toBe(200);
    expectErrors(await http('GET', '/open311/v2/services.xml?jurisdiction_id=sfgov.org'), 404, 'xml', /sfgov\.org/);
    expectErrors(await http('GET', '/open311/v2/requests.json?jurisdiction_id=sfgov.org'), 404, 'json');
    expectErrors(await post('json', goodForm({ jurisdiction_id: '310000' })), 404, 'json', /310000/);
  });

  it('refuses a missing, wrong, revoked or unentitled api_key with 403', async () => {
    expectErrors(await post('json', goodForm({ api_key: 'linli-wrong-key' })), 403, 'json', /api_key/);
    expectErrors(await post('xml', goodForm({ api_key: 'linli-wrong-key' })), 403, 'xml', /api_key/);
    const { api_key: _, ...withoutKey } = goodForm();
    expectErrors(await post('json', withoutKey), 403, 'json', /api_key/);
    expectErrors(await post('json', goodForm({ api_key: '' })), 403, 'json');

    // A token of a staff account is a real token, but not an Open311 client's.
    const staff = await loadEventActor(platform.ctx.db.kysely, fx.users.xishan!);
    const { token } = await createApiToken(platform.ctx, { ...staff, via: 'token' }, { name: 'staff script' }, {});
    expectErrors(await post('json', goodForm({ api_key: token })), 403, 'json', /may not|无权/);
    const denied = await platform.ctx.db.kysely.selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'http.denied').execute();
    expect(denied.some((d) => d.actor_id === fx.users.xishan && String(d.details).includes('OPEN311_API_KEY_NOT_ALLOWED'))).toBe(true);

    // A revoked demo key stops working at once.
    const client = await loadEventActor(platform.ctx.db.kysely, fx.users.open311!);
    const spare = await createApiToken(platform.ctx, { ...client, via: 'token' }, { name: 'spare' }, {});
    await platform.ctx.db.kysely.updateTable('api_token').set({ revoked_at: platform.ctx.now().toISOString() }).where('id', '=', spare.id).execute();
    expectErrors(await post('json', goodForm({ api_key: spare.token })), 403, 'json');
    // No event came of any of it.
    const n = await platform.ctx.db.kysely.selectFrom('grid_event').select('id').where('reporter_user_id', '=', fx.users.xishan!).execute();
    expect(n).toHaveLength(0);
  });

  it('is not blocked by cookie sessions or CSRF, and a cookie alone is no api_key', async () => {
    const session = await loginAs(app, 'xishan');
    // A browser session without CSRF token: the api_key decides, the cookie is ignored.
    const ok = await post('json', goodForm(), { cookie: session.cookie });
    expect(ok.status).toBe(200);
    const { api_key: _, ...withoutKey } = goodForm();
    expectErrors(await post('json', withoutKey, { cookie: session.cookie, 'x-csrf-token': session.csrf }), 403, 'json');
    // The key may also come as a bearer token or in the query string.
    const { api_key: __, ...rest } = goodForm();
    expect((await post('json', rest, { authorization: `Bearer ${DEMO_OPEN311_API_KEY}` })).status).toBe(200);
    expect((await http('POST', `/open311/v2/requests.json?api_key=${DEMO_OPEN311_API_KEY}`, { form: rest })).status).toBe(200);
  });

  it('answers 400 for a missing service_code and 404 for an unknown one', async () => {
    expectErrors(await post('json', goodForm({ service_code: '' })), 400, 'json', /service_code/);
    expectErrors(await post('xml', goodForm({ service_code: 'NOPE' })), 404, 'xml', /NOPE/);
    expectErrors(await post('json', goodForm({ service_code: 'T02' })), 404, 'json');
  });

  it('checks attributes against the service definition', async () => {
    const { 'attribute[kind]': _, ...noKind } = goodForm();
    expectErrors(await post('json', noKind), 400, 'json', /kind/);
    expectErrors(await post('xml', noKind), 400, 'xml', /kind/);
    expectErrors(await post('json', goodForm({ 'attribute[kind]': '' })), 400, 'json', /kind/);
    expectErrors(await post('json', goodForm({ 'attribute[kind]': 'c' })), 400, 'json', /kind.*c|c.*kind/);
    expectErrors(await post('json', goodForm({ 'attribute[tags][]': ['x', 'w'] })), 400, 'json', /tags/);
    expectErrors(await post('json', goodForm({ 'attribute[kind]': ['a', 'b'] })), 400, 'json', /kind/);
    expectErrors(await post('json', goodForm({ 'attribute[count]': 'three' })), 400, 'json', /count/);
    expectErrors(await post('json', goodForm({ 'attribute[seen_at]': '2026-02-31T10:00:00+08:00' })), 400, 'json', /seen_at/);
    expectErrors(await post('json', goodForm({ 'attribute[where]': '第一行\n第二行' })), 400, 'json', /where/);
    expectErrors(await post('json', goodForm({ 'attribute[colour]': 'red' })), 400, 'json', /colour/);
    // Every problem at once, each its own error.
    const many = expectErrors(await post('json', goodForm({ 'attribute[kind]': 'zz', 'attribute[count]': 'x', 'attribute[colour]': 'red' })), 400, 'json');
    expect(many).toHaveLength(3);
  });

  it('needs a location: lat and long together, an address or an address id', async () => {
    const { lat: _, long: __, ...noPlace } = goodForm();
    expectErrors(await post('json', noPlace), 400, 'json', /lat|位置/);
    expectErrors(await post('json', { ...noPlace, lat: '30.5' }), 400, 'json', /long/);
    expectErrors(await post('json', goodForm({ lat: 'north' })), 400, 'json', /lat/);
    expectErrors(await post('json', goodForm({ long: '200' })), 400, 'json', /long/);
    // A point outside every grid of the deployment.
    expectErrors(await post('json', goodForm({ lat: String(POINTS.outside.lat), long: String(POINTS.outside.lng) })), 400, 'json');
    expectErrors(await post('json', goodForm({ media_url: 'javascript:alert(1)' })), 400, 'json', /media_url/);
    expectErrors(await post('json', goodForm({ description: '长'.repeat(4001) })), 400, 'json', /4000|4,000/);
  });

  let jsonId: string;

  it('files a request (JSON) the staff see as an Open311 event, keeping the reporter private', async () => {
    const a = await post('json', goodForm({ media_url: 'https://img.example.com/well.jpg', 'attribute[count]': '2', 'attribute[seen_at]': '2026-11-10 08:30' }));
    expect(a.status).toBe(200);
    expect(a.json).toHaveLength(1);
    jsonId = a.json[0].service_request_id;
    expect(typeof jsonId).toBe('string');
    expect(jsonId).toMatch(/^SJ\d{8}-\d{4}$/);
    expect(a.json[0].service_notice).toContain(jsonId);
    expect(a.json[0]).not.toHaveProperty('token');

    const db = platform.ctx.db.kysely;
    const row = await db.selectFrom('grid_event').selectAll().where('code', '=', jsonId).executeTakeFirstOrThrow();
    const demoToken = await db.selectFrom('api_token').select('id').where('token_hash', '=', sha256(DEMO_OPEN311_API_KEY)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'open311', reporter_user_id: fx.users.open311, reporter_token_id: demoToken.id, org_node_id: fx.nodes.grid01.id, media_url: 'https://img.example.com/well.jpg' });
    const attrs = JSON.parse(row.attributes);
    expect(attrs).toMatchObject({ kind: 'a', tags: ['x', 'y'], count: '2' });
    // A zone-less date-time means Beijing time.
    expect(new Date(attrs.seen_at).toISOString()).toBe('2026-11-10T00:30:00.000Z');
    // Name and phone kept for the handlers, encrypted; email, device and account ids not kept at all.
    expect(platform.ctx.pii.decrypt(row.reporter_name_enc!)).toBe('张三丰');
    expect(platform.ctx.pii.decrypt(row.reporter_phone_enc!)).toBe(REPORTER.phone);
    const stored = JSON.stringify(row);
    for (const secret of [REPORTER.email, REPORTER.phone, REPORTER.device_id, REPORTER.account_id]) expect(stored).not.toContain(secret);

    // The staff API shows it with its channel.
    const staff = await loginAs(app, 'xishan');
    const detail = await app.inject({ method: 'GET', url: `/api/v1/events/${row.id}`, headers: staff.headers });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ code: jsonId, channel: 'open311' });
  });

  let xmlId: string;

  it('files a request (XML) located by address_id, shown at building level', async () => {
    const { lat: _, long: __, ...form } = goodForm({ address_id: fx.nodes.dwelling01.id, 'attribute[tags][]': 'z' });
    const a = await post('xml', form);
    expect(a.status).toBe(200);
    const created = a.xml.service_requests.request;
    expect(created).toHaveLength(1);
    xmlId = created[0].service_request_id;
    expect(xmlId).toMatch(/^SJ\d{8}-\d{4}$/);
    expect(created[0].service_notice).toContain(xmlId);

    const got = await http('GET', `/open311/v2/requests/${xmlId}.xml`);
    expect(got.status).toBe(200);
    const r = got.xml.service_requests.request[0];
    expect(r).toMatchObject({ service_request_id: xmlId, status: 'open', service_code: 'T01', service_name: '井盖问题', address: '西山社区1幢', address_id: fx.nodes.building01.id });
    expect(r.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const j = await http('GET', `/open311/v2/requests/${xmlId}.json`);
    expectValid('requests.json', j.json);
    expect(j.json[0]).toMatchObject({ address: '西山社区1幢', address_id: fx.nodes.building01.id });
    // An address text naming the flat is cut back to the building too.
    const { lat: ___, long: ____, ...byText } = goodForm({ address_string: '西山社区1幢1单元102室' });
    const t = await post('json', byText);
    expect(t.status).toBe(200);
    const shown = await http('GET', `/open311/v2/requests/${t.json[0].service_request_id}.json`);
    expect(shown.json[0].address).toBe('西山社区1幢');
  });

  it('shows one request in both formats, valid against the standard', async () => {
    const j = await http('GET', `/open311/v2/requests/${jsonId}.json`);
    expect(j.status).toBe(200);
    expectValid('requests.json', j.json);
    expect(j.json).toHaveLength(1);
    const r = j.json[0];
    expectValid('request.json', r);
    expect(r).toMatchObject({ service_request_id: jsonId, status: 'open', service_code: 'T01', service_name: '井盖问题', description: '西山路口井盖松动，车辆经过有响声', agency_responsible: '西山社区' });
    // About 100 m, as on the public map.
    expect(r.lat).toBe(Math.round(POINTS.grid01.lat * 1000) / 1000);
    expect(r.long).toBe(Math.round(POINTS.grid01.lng * 1000) / 1000);
    expect(r.expected_datetime).toMatch(/\+08:00$/);
    expect(r).not.toHaveProperty('media_url');

    const x = await http('GET', `/open311/v2/requests/${jsonId}.xml`);
    const xr = x.xml.service_requests.request[0];
    for (const k of ['service_request_id', 'status', 'service_code', 'service_name', 'description', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'agency_responsible']) {
      expect(xr[k], k).toBe(String(r[k]));
    }
    expect(xr.lat).toBe(String(r.lat));
    expect('status_notes' in xr).toBe(true);
  });

  it('answers an unknown request id (and token) with 404', async () => {
    expectErrors(await http('GET', '/open311/v2/requests/SJ20990101-9999.json'), 404, 'json', /SJ20990101-9999/);
    expectErrors(await http('GET', '/open311/v2/requests/SJ20990101-9999.xml'), 404, 'xml', /SJ20990101-9999/);
    expectErrors(await http('GET', '/open311/v2/tokens/nope.xml'), 404, 'xml');
    const tok = await http('GET', `/open311/v2/tokens/${jsonId}.json`);
    expect(tok.json).toEqual([{ service_request_id: jsonId, token: jsonId }]);
    const tx = await http('GET', `/open311/v2/tokens/${jsonId}.xml`);
    expect(tx.xml.service_requests.request[0]).toEqual({ service_request_id: jsonId, token: jsonId });
  });

  it('maps the loop to open/closed with public status notes and filters by status', async () => {
    const staff = await loadEventActor(platform.ctx.db.kysely, fx.users.xishan!);
    const row = await platform.ctx.db.kysely.selectFrom('grid_event').select('id').where('code', '=', xmlId).executeTakeFirstOrThrow();
    await takeStep(platform.ctx, staff, row.id, 'reject', { comment: '非本平台受理范围，已转交燃气公司' }, {});

    const closed = await http('GET', `/open311/v2/requests/${xmlId}.json`);
    expect(closed.json[0]).toMatchObject({ status: 'closed', status_notes: '非本平台受理范围，已转交燃气公司' });
    expectValid('requests.json', closed.json);

    const ids = async (q: string) => ((await http('GET', `/open311/v2/requests.json${q}`)).json as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(await ids('?status=closed')).toContain(xmlId);
    expect(await ids('?status=closed')).not.toContain(jsonId);
    expect(await ids('?status=open')).toContain(jsonId);
    expect(await ids('?status=open')).not.toContain(xmlId);
    const both = await ids('?status=open,closed');
    expect(both).toEqual(expect.arrayContaining([jsonId, xmlId]));
    expect(await ids('?status=open&status=closed')).toEqual(both);
    expectErrors(await http('GET', '/open311/v2/requests.json?status=pending'), 400, 'json', /status/);
    expectErrors(await http('GET', '/open311/v2/requests.xml?status=pending'), 400, 'xml');
  });

  it('lists requests: the last 90 days by default, service and date filters, ids overriding all', async () => {
    const list = await http('GET', '/open311/v2/requests.json');
    expect(list.status).toBe(200);
    expectValid('requests.json', list.json);
    const ids = list.json.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toEqual(expect.arrayContaining([jsonId, xmlId]));
    expect(ids).not.toContain(oldRequestId);
    // Newest first.
    const times = list.json.map((r: { requested_datetime: string }) => r.requested_datetime);
    expect([...times].sort().reverse()).toEqual(times);

    const x = await http('GET', '/open311/v2/requests.xml');
    expect(x.xml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(ids);

    // Empty optional parameters are the same as absent ones.
    const empty = await http('GET', '/open311/v2/requests.json?service_request_id=&service_code=&start_date=&end_date=&status=&jurisdiction_id=');
    expect(empty.json).toEqual(list.json);

    expect((await http('GET', '/open311/v2/requests.json?service_code=0101')).json).toEqual([]);
    expect((await http('GET', '/open311/v2/requests.json?service_code=0101,T01')).json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(ids);

    // Dates: the old request is found by a window around it, in W3C form with a zone.
    const around = await http('GET', '/open311/v2/requests.json?start_date=2026-08-01T00:00:00Z&end_date=2026-08-10T00:00:00%2B08:00');
    expect(around.json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldRequestId]);
    // start_date alone reaches 90 days forward; end_date alone 90 days back.
    expect((await http('GET', '/open311/v2/requests.json?start_date=2026-08-02')).json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldRequestId]);
    expect((await http('GET', '/open311/v2/requests.json?end_date=2026-08-04T00:00:00Z')).json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldRequestId]);
    expect((await http('GET', '/open311/v2/requests.json?start_date=2026-08-04T00:00:00Z&end_date=2026-09-01T00:00:00Z')).json).toEqual([]);
    expectErrors(await http('GET', '/open311/v2/requests.json?start_date=2026-08-01T00:00:00Z&end_date=2026-12-01T00:00:00Z'), 400, 'json', /90/);
    expectErrors(await http('GET', '/open311/v2/requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-08-01T00:00:00Z'), 400, 'json', /end_date/);
    expectErrors(await http('GET', '/open311/v2/requests.xml?start_date=yesterday'), 400, 'xml', /start_date/);

    // service_request_id overrides every other argument; unknown ids are simply not there.
    const byIds = await http('GET', `/open311/v2/requests.json?service_request_id=${jsonId},${oldRequestId},SJ20990101-0001&status=closed&service_code=0101`);
    expect(byIds.json.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([jsonId, oldRequestId].sort());
    expectValid('requests.json', byIds.json);
  });

  it('answers at most 1,000 requests, and writes any text as well-formed XML', async () => {
    const db = platform.ctx.db.kysely;
    const t04 = await db.selectFrom('event_category').select('id').where('code', '=', 'T04').executeTakeFirstOrThrow();
    const now = platform.ctx.now().getTime();
    const rows = Array.from({ length: 1001 }, (_, i) => {
      const at = new Date(now - (i + 1) * 60_000).toISOString();
      return {
        id: newId(now - i),
        code: `ZZ${String(i).padStart(6, '0')}`,
        category_id: t04.id,
        title: '批量',
        // Markup and a control character a careless writer would pass straight into the XML.
        description: i === 0 ? 'a < b & "c" \u0007 </description>' : '批量事件',
        channel: 'phone' as const,
        urgency: '一般' as const,
        state: 'accepted' as const,
        org_node_id: fx.nodes.grid02.id,
        org_path: fx.nodes.grid02.path,
        attributes: '{}',
        dispatch_count: 0,
        return_count: 0,
        handling_count: 0,
        rework_count: 0,
        extension_count: 0,
        suspended: 0,
        version: 1,
        created_at: at,
        updated_at: at,
      };
    });
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('grid_event').values(rows.slice(i, i + 200)).execute();

    const j = await http('GET', '/open311/v2/requests.json?service_code=T04');
    expect(j.json).toHaveLength(1000);
    expect(j.json[0].service_request_id).toBe('ZZ000000');
    expect(j.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain('ZZ001000');
    expectValid('requests.json', j.json);
    const x = await http('GET', '/open311/v2/requests.xml?service_code=T04');
    expect(x.xml.service_requests.request).toHaveLength(1000);
    expect(x.xml.service_requests.request[0].description).toBe('a < b & "c"  </description>');
    await db.deleteFrom('grid_event').where('code', 'like', 'ZZ%').execute();
  });

  it('gives media_url for a photo of the event, served to anyone', async () => {
    const row = await platform.ctx.db.kysely.selectFrom('grid_event').select('id').where('code', '=', jsonId).executeTakeFirstOrThrow();
    const staff = await loadEventActor(platform.ctx.db.kysely, fx.users.grid01!);
    // A 1×1 PNG, as a grid worker's progress photo would be stored.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const photo = await storeAttachment(platform.ctx, staff, { stream: Readable.from([png]), originalName: 'well.png', purpose: 'event.photo' }, {});
    const at = platform.ctx.now().toISOString();
    await platform.ctx.db.kysely.insertInto('event_attachment').values({ event_id: row.id, attachment_id: photo.id, step: 'progress', created_by: staff.userId, created_at: at }).execute();

    const j = await http('GET', `/open311/v2/requests/${jsonId}.json`);
    expectValid('requests.json', j.json);
    const url = j.json[0].media_url as string;
    expect(url).toBe(`${base}/open311/v2/media/${jsonId}/${photo.id}.png`);
    const x = await http('GET', `/open311/v2/requests/${jsonId}.xml`);
    expect(x.xml.service_requests.request[0].media_url).toBe(url);

    const img = await fetch(url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    // Only a photo of that event: another event's code, or a made-up id, is not found.
    expect((await fetch(`${base}/open311/v2/media/${xmlId}/${photo.id}.png`)).status).toBe(404);
    expect((await fetch(`${base}/open311/v2/media/${jsonId}/0000000000000000.png`)).status).toBe(404);
  });

  it('answers unknown formats and resources in the Open311 error shape', async () => {
    expectErrors(await http('GET', '/open311/v2/services.html'), 404, 'xml');
    expectErrors(await http('GET', '/open311/v2/nothing.json'), 404, 'json', /nothing/);
    expectErrors(await http('GET', '/open311/v2/nothing'), 404, 'xml');
    // A body that is not a form.
    expectErrors(await http('POST', '/open311/v2/requests.json', { body: '<x/>', headers: { 'content-type': 'application/xml' } }), 400, 'json');
    // English descriptions when asked.
    const en = await http('GET', '/open311/v2/services/NOPE.json', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json[0].description).toBe('service_code NOPE was not found');
  });

  it('keeps its form parser, error shape and 404 to itself, and appears in the API docs', async () => {
    // The rest of the app still takes JSON only and answers in the platform's error shape.
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: 'username=xishan&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(login.statusCode).toBe(415);
    expect(login.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const missing = await app.inject({ method: 'GET', url: '/api/v1/nothing.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ROUTE_NOT_FOUND');
    const docs = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/open311/v2/requests.{format}', '/open311/v2/services/{service_code}.{format}']));
    // A JSON body with the same flat field names is read like the form.
    const { 'attribute[tags][]': _, ...flat } = goodForm();
    const j = await http('POST', '/open311/v2/requests.json', { body: JSON.stringify(flat), headers: { 'content-type': 'application/json' } });
    expect(j.status).toBe(200);
    expect(j.json[0].service_request_id).toMatch(/^SJ/);
  });

  it('rate-limits filing per client address, in the Open311 error shape', async () => {
    const answersBefore = answers.length;
    const results = await Promise.all(Array.from({ length: 125 }, () => post('json', goodForm({ api_key: 'linli-wrong-key' }))));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expectErrors(limited[0]!, 429, 'json');
    expect(results.filter((r) => r.status === 403).length).toBeLessThanOrEqual(120);
    answers.splice(answersBefore + 5); // keep a few; 125 copies of the same refusal add nothing
    // Reading is not limited by it.
    expect((await http('GET', '/open311/v2/services.json')).status).toBe(200);
  });

  it('keeps the demo key seeding idempotent', async () => {
    await seedOpen311Demo(platform.ctx);
    const rows = await platform.ctx.db.kysely.selectFrom('api_token').select('id').where('token_hash', '=', sha256(DEMO_OPEN311_API_KEY)).execute();
    expect(rows).toHaveLength(1);
  });

  it('cuts public addresses back to the building', () => {
    expect(publicAddressText('西山社区3幢2单元301室')).toBe('西山社区3幢');
    expect(publicAddressText('西山社区 5-1-302')).toBe('西山社区 5幢');
    expect(publicAddressText('文苑路与西山路路口')).toBe('文苑路与西山路路口');
    expect(publicAddressText('联系 13912345678 西山路 12 号')).toBe('联系 139****5678 西山路 12 号');
  });

  // Last: every answer of this file, in either format, success or error.
  it('never returns the reporter’s personal data', () => {
    expect(answers.length).toBeGreaterThan(50);
    for (const text of answers) for (const secret of FORBIDDEN_IN_ANSWERS) expect(text).not.toContain(secret);
  });
});
