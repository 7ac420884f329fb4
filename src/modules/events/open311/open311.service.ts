import type { PlatformContext } from '../../../platform/context.js';
import { appendAudit } from '../../../platform/audit/audit.js';
import { lookupApiToken, type RequestMeta } from '../../../platform/auth/auth.service.js';
import { maskSensitiveText } from '../../../platform/crypto/mask.js';
import { AppError } from '../../../platform/errors.js';
import { t, type Locale } from '../../../platform/i18n/i18n.js';
import { hasPermission, type Actor } from '../../../platform/policy/actor.js';
import { listCategories, type CategoryRow } from '../categories.repository.js';
import { attributesOf } from '../categories.service.js';
import { coarse } from '../events.geo.js';
import { reportEvent } from '../events.service.js';
import type { CategoryAttribute, EventState } from '../events.table.js';
import { beijingText, parseW3c, w3c } from './open311.format.js';
import { OPEN311_REPORT } from './open311.policy.js';
import * as repo from './open311.repository.js';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The spec's default window and page: 90 days or the first 1,000 requests, whichever is smaller. */
export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;
const DAY_MS = 86_400_000;

/** Loop states Open311 reports as `closed`; every other state is still `open`. */
export const CLOSED_STATES: readonly EventState[] = ['closed', 'rated', 'rejected', 'withdrawn', 'voided', 'merged'];
export const OPEN_STATES: readonly EventState[] = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
  'extension_requested',
  'suspended',
  'checking',
  'void_requested',
];

/**
 * Steps whose comment is meant for the public (the reason for a rejection, the handler's
 * progress and completion notes, why it went back for rework or was suspended). Internal
 * steps (returns, re-dispatches, extension and void requests) and the reporter's own words
 * (withdrawal, rating) never appear in status_notes.
 */
export const PUBLIC_NOTE_STEPS = ['reject', 'progress', 'finish', 'rework', 'suspend', 'verify', 'merge', 'approve_void'] as const;

/** One Open311 error: the spec's {code, description}, described from our messages. */
export interface Open311Issue {
  key: string;
  params?: Record<string, string | number>;
}

/** Throws the spec's error list: every issue found, under one HTTP status. */
export function open311Error(status: number, issues: Open311Issue[]): AppError {
  const first = issues[0]!;
  return new AppError(status, first.key, first.params ?? {}, { open311: issues });
}

const fail = (status: number, key: string, params?: Record<string, string | number>) => open311Error(status, [{ key, params }]);

// ---- jurisdiction ---------------------------------------------------------------------------

/**
 * One deployment is one jurisdiction, so jurisdiction_id is optional (as the spec allows); when
 * sent it must be the code of the tree's top node (e.g. 330481 for 海宁市), else 404.
 */
export async function checkJurisdiction(ctx: PlatformContext, id: string | undefined): Promise<void> {
  if (id === undefined) return;
  const roots = await repo.listRootCodes(ctx.db.kysely);
  if (!roots.some((r) => r.code === id)) throw fail(404, 'OPEN311_JURISDICTION_NOT_FOUND', { id: id.slice(0, 64) });
}

// ---- services -------------------------------------------------------------------------------

interface Offered {
  row: CategoryRow;
  group: CategoryRow;
  attributes: CategoryAttribute[];
}

/** Public leaves under active groups, the same rule as the resident form (categories.service). */
async function offeredServices(ctx: PlatformContext): Promise<Offered[]> {
  const rows = await listCategories(ctx.db.kysely);
  const groups = new Map(rows.filter((r) => r.parent_id === null).map((g) => [g.id, g]));
  const out: Offered[] = [];
  for (const g of groups.values()) {
    for (const r of rows) {
      if (r.parent_id === g.id && Number(r.public) === 1) out.push({ row: r, group: g, attributes: attributesOf(r) });
    }
  }
  return out;
}

const named = (locale: Locale, row: { name: string; name_en: string | null }) => (locale === 'en' && row.name_en ? row.name_en : row.name);

/** Keywords are kept space- or 、-separated in the category; Open311 lists them comma-separated. */
function keywordList(text: string | null): string | null {
  const words = (text ?? '').split(/[\s,，、;；]+/).filter(Boolean);
  return words.length ? words.join(', ') : null;
}

export async function listServices(ctx: PlatformContext, locale: Locale) {
  return (await offeredServices(ctx)).map(({ row, group, attributes }) => ({
    service_code: row.code,
    service_name: named(locale, row),
    description: row.description,
    metadata: attributes.length > 0,
    type: 'realtime' as const,
    keywords: keywordList(row.keywords),
    group: named(locale, group),
  }));
}

async function findService(ctx: PlatformContext, code: string): Promise<Offered> {
  const found = (await offeredServices(ctx)).find((s) => s.row.code === code);
  if (!found) throw fail(404, 'OPEN311_SERVICE_NOT_FOUND', { code: code.slice(0, 64) });
  return found;
}

const DATATYPE_HINT: Record<CategoryAttribute['datatype'], { 'zh-CN': string; en: string }> = {
  string: { 'zh-CN': '单行文字', en: 'One line of text' },
  text: { 'zh-CN': '文字，可换行', en: 'Text; line breaks allowed' },
  number: { 'zh-CN': '数字，如 3 或 2.5', en: 'A number, e.g. 3 or 2.5' },
  datetime: { 'zh-CN': 'ISO 8601 日期时间，如 2026-11-26T09:30:00+08:00', en: 'An ISO 8601 date-time, e.g. 2026-11-26T09:30:00+08:00' },
  singlevaluelist: { 'zh-CN': '单选：attribute[代码]=可选值的 key', en: 'One of the values: attribute[code]=key' },
  multivaluelist: { 'zh-CN': '多选：每个选中的 key 一项 attribute[代码][]=key', en: 'Any of the values: one attribute[code][]=key per value' },
};

export async function serviceDefinition(ctx: PlatformContext, locale: Locale, code: string) {
  const { row, attributes } = await findService(ctx, code);
  return {
    service_code: row.code,
    // The spec wants distinct positive orders; the stored ones may repeat or start at 0.
    attributes: attributes.map((a, i) => {
      const label = locale === 'en' && a.labelEn ? a.labelEn : a.label;
      return {
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: DATATYPE_HINT[a.datatype][locale],
        order: i + 1,
        description: a.description ? `${label}：${a.description}` : label,
        ...(a.datatype.endsWith('valuelist') ? { values: (a.values ?? []).map((v) => ({ key: v.key, name: v.name })) } : {}),
      };
    }),
  };
}

/** The changeset of discovery: the last change of the service list or a definition. */
export async function discovery(ctx: PlatformContext, locale: Locale, baseUrl: string) {
  const rows = await listCategories(ctx.db.kysely, { includeInactive: true });
  const last = rows.reduce<string | null>((m, r) => (m === null || r.updated_at > m ? r.updated_at : m), null);
  const changeset = w3c(last ?? ctx.now().toISOString())!;
  const zh = locale === 'zh-CN';
  return {
    changeset,
    contact: zh
      ? '邻里 Linli 网格事件 Open311 接口。接口问题请联系所在街道指挥中心或系统管理员。'
      : 'Linli grid events, Open311 GeoReport v2. For help, contact the sub-district command centre or the system administrator.',
    key_service: zh
      ? 'api_key 由系统管理员为外部系统开设账号（角色“外部系统”），该账号登录后在“API 令牌”中生成。查询无需 api_key，上报需要。'
      : 'An api_key is issued to an outside system: the system administrator opens an account with the "API client" role, which creates its API token. Reading needs no key; filing a request does.',
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: ctx.config.demo ? 'test' : 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

// ---- POST requests --------------------------------------------------------------------------

export type FormBody = Record<string, string | string[] | undefined>;

/** The first non-empty value of a form field; an empty optional parameter is the same as an absent one. */
function field(body: FormBody, name: string): string | undefined {
  const v = body[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const first = list.map((x) => x.trim()).find((x) => x !== '');
  return first;
}

/**
 * The api_key is a platform API token (the same look-up as `Authorization: Bearer`); its account
 * must hold `events.open311.report`. A refused known account is audited like any denied request.
 */
export async function clientFor(ctx: PlatformContext, apiKey: string | undefined, meta: RequestMeta & { route?: string }): Promise<Actor> {
  if (!apiKey) throw fail(403, 'OPEN311_API_KEY_MISSING');
  const lookup = await lookupApiToken(ctx, apiKey);
  if (lookup.status !== 'ok') throw fail(403, 'OPEN311_API_KEY_INVALID');
  const deny = async (key: string) => {
    await appendAudit(ctx.db, {
      actorId: lookup.actor.userId,
      actorName: lookup.actor.username,
      action: 'http.denied',
      outcome: 'denied',
      ip: meta.ip,
      requestId: meta.requestId,
      details: { method: 'POST', route: meta.route ?? '/open311/v2/requests', code: key },
    });
    return fail(403, key);
  };
  if (lookup.pendingReason) throw await deny('OPEN311_API_KEY_PENDING');
  if (!hasPermission(lookup.actor, OPEN311_REPORT)) throw await deny('OPEN311_API_KEY_NOT_ALLOWED');
  return lookup.actor;
}

const ATTRIBUTE_KEY = /^attribute\[([^[\]]{1,64})\](\[\])?$/;
const MAX_VALUE_CHARS = 1000;

/** `attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` → code → values (empty values dropped). */
export function attributeValues(body: FormBody): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, raw] of Object.entries(body)) {
    const m = ATTRIBUTE_KEY.exec(key);
    if (!m || raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length) out.set(m[1]!, [...(out.get(m[1]!) ?? []), ...values]);
  }
  return out;
}

/** Checks the values against the service definition; every problem is reported at once. */
export function checkAttributes(serviceCode: string, defs: CategoryAttribute[], given: Map<string, string[]>) {
  const issues: Open311Issue[] = [];
  const out: Record<string, string | string[]> = {};
  for (const code of given.keys()) {
    if (!defs.some((d) => d.code === code)) issues.push({ key: 'OPEN311_ATTRIBUTE_UNKNOWN', params: { service: serviceCode, code } });
  }
  for (const d of defs) {
    const values = given.get(d.code) ?? [];
    if (values.length === 0) {
      if (d.required) issues.push({ key: 'OPEN311_ATTRIBUTE_REQUIRED', params: { code: d.code, label: d.label } });
      continue;
    }
    if (values.some((v) => v.length > MAX_VALUE_CHARS)) {
      issues.push({ key: 'OPEN311_ATTRIBUTE_TOO_LONG', params: { code: d.code } });
      continue;
    }
    if (d.datatype !== 'multivaluelist' && values.length > 1) {
      issues.push({ key: 'OPEN311_ATTRIBUTE_SINGLE', params: { code: d.code } });
      continue;
    }
    const keys = new Set((d.values ?? []).map((v) => v.key));
    const value = values[0]!;
    switch (d.datatype) {
      case 'multivaluelist': {
        const bad = values.filter((v) => !keys.has(v));
        for (const v of bad) issues.push({ key: 'OPEN311_ATTRIBUTE_VALUE', params: { code: d.code, value: v.slice(0, 40) } });
        if (!bad.length) out[d.code] = [...new Set(values)];
        break;
      }
      case 'singlevaluelist':
        if (!keys.has(value)) issues.push({ key: 'OPEN311_ATTRIBUTE_VALUE', params: { code: d.code, value: value.slice(0, 40) } });
        else out[d.code] = value;
        break;
      case 'number':
        if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) || !Number.isFinite(Number(value))) {
          issues.push({ key: 'OPEN311_ATTRIBUTE_NUMBER', params: { code: d.code } });
        } else out[d.code] = value;
        break;
      case 'datetime': {
        const at = parseW3c(value);
        if (!at) issues.push({ key: 'OPEN311_ATTRIBUTE_DATETIME', params: { code: d.code } });
        else out[d.code] = w3c(at.toISOString())!;
        break;
      }
      case 'string':
        if (/[\r\n]/.test(value)) issues.push({ key: 'OPEN311_ATTRIBUTE_STRING', params: { code: d.code } });
        else out[d.code] = value;
        break;
      default:
        out[d.code] = value;
    }
  }
  return { issues, attributes: out };
}

function parseCoordinate(text: string | undefined, name: 'lat' | 'long', limit: number): { value?: number; issue?: Open311Issue } {
  if (text === undefined) return {};
  const n = Number(text);
  if (!/^[+-]?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n) || Math.abs(n) > limit) return { issue: { key: 'OPEN311_PARAMETER_INVALID', params: { name } } };
  return { value: n };
}

const CJK = /[\u3400-\u9fff]/;

/** 姓名 as Chinese write it (family name first, no space); Western names given first. */
function reporterName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  const name = CJK.test(`${first ?? ''}${last ?? ''}`) ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ');
  return name.slice(0, 64);
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && text.length <= 2048;
  } catch {
    return false;
  }
}

export interface CreatedRequest {
  service_request_id: string;
  service_notice: string;
}

/**
 * POST requests: checks in the spec's order (api_key 403, jurisdiction 404, service_code 400/404,
 * then every other parameter 400, all at once), then files the event through the one reporting
 * path every channel uses. Requests are created at once (type realtime), so the answer carries
 * the service_request_id and no token. The reporter's email, device and account ids are accepted
 * and dropped; name and phone are stored encrypted; none of it is ever returned.
 */
export async function createRequest(
  ctx: PlatformContext,
  locale: Locale,
  body: FormBody,
  apiKey: string | undefined,
  meta: RequestMeta,
): Promise<CreatedRequest[]> {
  const client = await clientFor(ctx, apiKey, meta);
  await checkJurisdiction(ctx, field(body, 'jurisdiction_id'));
  const serviceCode = field(body, 'service_code');
  if (!serviceCode) throw fail(400, 'OPEN311_SERVICE_CODE_MISSING');
  const service = await findService(ctx, serviceCode);

  const issues: Open311Issue[] = [];
  const lat = parseCoordinate(field(body, 'lat'), 'lat', 90);
  const lng = parseCoordinate(field(body, 'long'), 'long', 180);
  for (const c of [lat, lng]) if (c.issue) issues.push(c.issue);
  const address = field(body, 'address_string');
  const addressId = field(body, 'address_id');
  const hasPoint = lat.value !== undefined && lng.value !== undefined;
  if (!lat.issue && !lng.issue && (lat.value === undefined) !== (lng.value === undefined)) issues.push({ key: 'OPEN311_LAT_LONG_PAIR' });
  else if (!hasPoint && !address && !addressId && !lat.issue && !lng.issue) issues.push({ key: 'OPEN311_LOCATION_REQUIRED' });
  if (address && address.length > 200) issues.push({ key: 'OPEN311_PARAMETER_INVALID', params: { name: 'address_string' } });
  if (addressId && !/^[0-9a-z]{1,32}$/i.test(addressId)) issues.push({ key: 'OPEN311_PARAMETER_INVALID', params: { name: 'address_id' } });
  const description = field(body, 'description');
  if (description && [...description].length > 4000) issues.push({ key: 'OPEN311_DESCRIPTION_TOO_LONG' });
  const mediaUrl = field(body, 'media_url');
  if (mediaUrl && !isHttpUrl(mediaUrl)) issues.push({ key: 'OPEN311_MEDIA_URL_INVALID' });
  const checked = checkAttributes(service.row.code, service.attributes, attributeValues(body));
  issues.push(...checked.issues);
  if (issues.length) throw open311Error(400, issues);

  const phone = field(body, 'phone')?.slice(0, 32);
  const reported = await reportEvent(
    ctx,
    { kind: 'open311', actor: client, tokenId: client.tokenId! },
    {
      categoryCode: service.row.code,
      // The spec makes description optional; the loop wants words, so the service's name stands in.
      description: description ?? named(locale, service.row),
      channel: 'open311',
      ...(hasPoint ? { lat: lat.value, lng: lng.value } : {}),
      ...(address ? { address } : {}),
      ...(addressId ? { addressNodeId: addressId } : {}),
      attributes: checked.attributes,
      reporterName: reporterName(field(body, 'first_name'), field(body, 'last_name')),
      reporterPhone: phone,
    },
    meta,
  );
  if (mediaUrl) await repo.setMediaUrl(ctx.db.kysely, reported.id, mediaUrl);
  const notice = reported.dueAt
    ? t(locale, 'open311.notice.due', { code: reported.code, service: named(locale, service.row), due: beijingText(reported.dueAt) })
    : t(locale, 'open311.notice', { code: reported.code, service: named(locale, service.row) });
  return [{ service_request_id: reported.code, service_notice: notice }];
}

// ---- GET requests ---------------------------------------------------------------------------

export interface RequestQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

const commaList = (text: string | undefined) => [...new Set((text ?? '').split(',').map((s) => s.trim()).filter(Boolean))];

function parseDate(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const d = parseW3c(text);
  if (!d) throw fail(400, 'OPEN311_DATE_INVALID', { name });
  return d;
}

/**
 * The window of requested_datetime: both dates as given (at most 90 days apart); one date and
 * 90 days from or up to it; neither, the last 90 days.
 */
export function requestWindow(now: Date, startText: string | undefined, endText: string | undefined): { from: Date; to: Date } {
  const start = parseDate(startText, 'start_date');
  const end = parseDate(endText, 'end_date');
  const span = DEFAULT_WINDOW_DAYS * DAY_MS;
  if (start && end) {
    if (end < start) throw fail(400, 'OPEN311_DATE_ORDER');
    if (end.getTime() - start.getTime() > span) throw fail(400, 'OPEN311_DATE_SPAN');
    return { from: start, to: end };
  }
  if (start) return { from: start, to: new Date(start.getTime() + span) };
  if (end) return { from: new Date(end.getTime() - span), to: end };
  return { from: new Date(now.getTime() - span), to: now };
}

function statesFor(status: string | undefined): EventState[] | undefined {
  const wanted = commaList(status);
  if (wanted.some((s) => s !== 'open' && s !== 'closed')) throw fail(400, 'OPEN311_STATUS_INVALID');
  if (wanted.length === 0 || wanted.length === 2) return undefined;
  return [...(wanted[0] === 'open' ? OPEN_STATES : CLOSED_STATES)];
}

export async function listRequests(ctx: PlatformContext, locale: Locale, query: RequestQuery, baseUrl: string) {
  const ids = commaList(query.service_request_id);
  // The spec: service_request_id overrides every other argument.
  if (ids.length) return presentRequests(ctx, locale, await repo.findPublicEventsByCodes(ctx.db.kysely, ids.slice(0, MAX_RESULTS)), baseUrl);
  const window = requestWindow(ctx.now(), query.start_date, query.end_date);
  const states = statesFor(query.status);
  const rows = await repo.findPublicEvents(ctx.db.kysely, {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    serviceCodes: commaList(query.service_code),
    states,
    limit: MAX_RESULTS,
  });
  return presentRequests(ctx, locale, rows, baseUrl);
}

export async function getRequest(ctx: PlatformContext, locale: Locale, id: string, baseUrl: string) {
  const rows = await repo.findPublicEventsByCodes(ctx.db.kysely, [id]);
  if (!rows.length) throw fail(404, 'OPEN311_REQUEST_NOT_FOUND', { id: id.slice(0, 64) });
  return presentRequests(ctx, locale, rows, baseUrl);
}

/**
 * Requests are realtime and no token is ever issued; for clients that always go through a
 * token, a request's own id resolves to itself. Anything else is not found.
 */
export async function resolveToken(ctx: PlatformContext, token: string) {
  const rows = await repo.findPublicEventsByCodes(ctx.db.kysely, [token]);
  if (!rows.length) throw fail(404, 'OPEN311_TOKEN_NOT_FOUND', { token: token.slice(0, 64) });
  return [{ service_request_id: rows[0]!.code, token: rows[0]!.code }];
}

export function mediaUrlFor(baseUrl: string, eventCode: string, attachmentId: string, mime: string): string {
  const ext = MEDIA_EXT[mime] ?? 'bin';
  return `${baseUrl}/open311/v2/media/${encodeURIComponent(eventCode)}/${attachmentId}.${ext}`;
}

export const MEDIA_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

/** A photo of a public event, for the media_url the request answers carry. */
export async function mediaOf(ctx: PlatformContext, eventCode: string, attachmentId: string) {
  const row = await repo.publicEventImage(ctx.db.kysely, eventCode, attachmentId);
  if (!row) throw fail(404, 'OPEN311_MEDIA_NOT_FOUND');
  return row;
}

/** Everything a request shows, public data only, in a handful of batched queries. */
async function presentRequests(ctx: PlatformContext, locale: Locale, rows: repo.EventRow[], baseUrl: string) {
  const db = ctx.db.kysely;
  const instanceIds = rows.map((r) => r.workflow_instance_id).filter((x): x is string => !!x);
  const notes = new Map<string, string>();
  for (const s of await repo.commentedSteps(db, instanceIds, PUBLIC_NOTE_STEPS)) {
    if (!notes.has(s.instance_id) && s.comment?.trim()) notes.set(s.instance_id, s.comment.trim());
  }
  const addressNodes = new Map((await repo.nodesByIds(db, [...new Set(rows.map((r) => r.address_node_id).filter((x): x is string => !!x))])).map((n) => [n.id, n]));
  const nodeIds = new Set<string>();
  for (const r of rows) {
    if (r.assignee_node_id) nodeIds.add(r.assignee_node_id);
    for (const id of r.org_path.split('/').filter(Boolean)) nodeIds.add(id);
  }
  for (const n of addressNodes.values()) for (const id of n.path.split('/').filter(Boolean)) nodeIds.add(id);
  const nodes = new Map((await repo.nodesByIds(db, [...nodeIds])).map((n) => [n.id, n]));
  const departments = new Map((await repo.departmentsByCodes(db, [...new Set(rows.map((r) => r.assignee_department_code).filter((x): x is string => !!x))])).map((d) => [d.code, d.name]));
  const mergedInto = new Map((await repo.codesOfEvents(db, [...new Set(rows.map((r) => r.merged_into_id).filter((x): x is string => !!x))])).map((e) => [e.id, e.code]));
  const photos = new Map<string, { attachment_id: string; mime: string }>();
  for (const p of await repo.eventImages(db, rows.map((r) => r.id))) if (!photos.has(p.event_id)) photos.set(p.event_id, p);

  return rows.map((r) => {
    const closed = CLOSED_STATES.includes(r.state);
    const photo = photos.get(r.id);
    return {
      service_request_id: r.code,
      status: closed ? ('closed' as const) : ('open' as const),
      status_notes: statusNotes(locale, r, r.workflow_instance_id ? notes.get(r.workflow_instance_id) : undefined, mergedInto),
      service_name: locale === 'en' && r.service_name_en ? r.service_name_en : r.service_name,
      service_code: r.service_code,
      description: r.description.trim() ? maskSensitiveText(r.description) : null,
      agency_responsible: agencyOf(r, nodes, departments),
      service_notice: null,
      requested_datetime: w3c(r.created_at)!,
      updated_datetime: w3c(closed ? (r.closed_at ?? r.updated_at) : r.updated_at),
      expected_datetime: w3c(r.close_due_at ?? r.due_at),
      ...publicPlace(r, addressNodes, nodes),
      ...(photo ? { media_url: mediaUrlFor(baseUrl, r.code, photo.attachment_id, photo.mime) } : {}),
    };
  });
}

const NOT_BELOW_BUILDING = new Set(['unit', 'dwelling']);

/**
 * Where, as the public may see it (the same care as the public map): a building at most, never
 * a unit or a flat (that would point at a household), and the point rounded to about 100 m.
 */
function publicPlace(
  r: repo.EventRow,
  addressNodes: Map<string, { id: string; kind: string; name: string; path: string }>,
  nodes: Map<string, { id: string; kind: string; name: string; path: string }>,
) {
  let address: string | null = null;
  let addressId: string | null = null;
  const node = r.address_node_id ? addressNodes.get(r.address_node_id) : undefined;
  if (node) {
    const chain = node.path
      .split('/')
      .filter(Boolean)
      .map((id) => nodes.get(id))
      .filter((n): n is NonNullable<typeof n> => !!n && ['community', 'grid', 'building', 'unit', 'dwelling'].includes(n.kind));
    const upToBuilding = chain.filter((n) => !NOT_BELOW_BUILDING.has(n.kind));
    address = upToBuilding.filter((n) => n.kind !== 'grid').map((n) => n.name).join('') || null;
    addressId = upToBuilding.at(-1)?.id ?? null;
  } else if (r.address) {
    address = publicAddressText(r.address);
  }
  return {
    address,
    address_id: addressId,
    lat: coarse(r.lat === null ? null : Number(r.lat)),
    long: coarse(r.lng === null ? null : Number(r.lng)),
  };
}

/** 西山社区3幢2单元301室 → 西山社区3幢; 3-2-301 → 3幢; numbers that look like phones or IDs masked. */
export function publicAddressText(text: string): string | null {
  const out = maskSensitiveText(text)
    .replace(/(\d+|[一二三四五六七八九十]+)\s*单元.*$/u, '')
    .replace(/(?<!\d)(\d+)-\d+-\d{3,4}(?!\d)/gu, '$1幢')
    .replace(/\d{3,4}\s*(室|号房)/gu, '')
    .trim();
  return out || null;
}

function statusNotes(locale: Locale, r: repo.EventRow, note: string | undefined, mergedInto: Map<string, string>): string | null {
  if (r.state === 'merged') {
    const target = r.merged_into_id ? mergedInto.get(r.merged_into_id) : undefined;
    return target ? t(locale, 'open311.note.merged', { code: target }) : note ? maskSensitiveText(note) : null;
  }
  if (r.state === 'withdrawn') return t(locale, 'open311.note.withdrawn');
  if (note) return maskSensitiveText(note);
  if (r.state === 'voided') return t(locale, 'open311.note.voided');
  return null;
}

/** The unit it is dispatched to (a department at a node reads 硖石街道 民政), else the event's community. */
function agencyOf(r: repo.EventRow, nodes: Map<string, { kind: string; name: string }>, departments: Map<string, string>): string | null {
  const unit = r.assignee_node_id ? nodes.get(r.assignee_node_id) : undefined;
  const dept = r.assignee_department_code ? departments.get(r.assignee_department_code) : undefined;
  if (unit && dept) return `${unit.name} ${dept}`;
  if (unit) return unit.name;
  const path = r.org_path.split('/').filter(Boolean);
  const community = path.map((id) => nodes.get(id)).find((n) => n?.kind === 'community');
  return community?.name ?? nodes.get(r.org_node_id)?.name ?? null;
}
