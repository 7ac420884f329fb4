import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { Db, Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { parseJson } from '../../platform/db/dialect.js';
import { batchedWrite } from '../../platform/db/write-batch.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { addWorkingHours, workingHoursBetween } from '../../platform/calendar/working-time.js';
import { maskName, maskPhone, maskSensitiveText } from '../../platform/crypto/mask.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { registerAttachmentAccess } from '../../platform/files/files.service.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import { onOrgChange } from '../../platform/org/org.service.js';
import type { Actor, Grant } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import type { Role } from '../../platform/policy/roles.js';
import { ROLE_LABELS } from '../../platform/policy/roles.js';
import { availableTransitions, getHistory, getInstance, startWorkflow, transition, type TransitionResult, type WorkflowInstance } from '../../platform/workflow/workflow.service.js';
import type { TransitionSpec } from '../../platform/workflow/workflow.definition.js';
import { attributesOf, cachedCategory, resolveReportCategory } from './categories.service.js';
import * as categories from './categories.repository.js';
import { warnAtFor } from './events.deadlines.js';
import { boxOf, centreOf, coarse, containsPoint, inBox, type Box, type Geometry } from './events.geo.js';
import * as repo from './events.repository.js';
import type { CategoryAttribute, EventChannel, EventRating, EventState, EventUrgency } from './events.table.js';
import { gridEventWorkflow, URGENCY_FACTOR, type GridEventTransition } from './events.workflow.js';
import { patrolForReport } from './patrols.service.js';
import './events.policy.js';

// ---------------------------------------------------------------- the contract (see the brief)

export type EventReporter =
  | { kind: 'user'; actor: Actor } // a resident, or staff reporting
  | { kind: 'open311'; actor: Actor; tokenId: string }; // an Open311 client (API token's user)

export interface ReportEventInput {
  categoryId?: string;
  categoryCode?: string;
  title?: string;
  description: string;
  channel: EventChannel;
  source?: string;
  sourceOrderNo?: string;
  urgency?: EventUrgency;
  lat?: number;
  lng?: number;
  address?: string;
  addressNodeId?: string;
  orgNodeId?: string;
  attributes?: Record<string, string | string[]>;
  attachmentIds?: string[];
  reporterName?: string;
  reporterPhone?: string;
  patrolId?: string;
  promotedFrom?: string;
}

/** What a caller may add to a report (see `reportEvent`). */
export interface ReportEventOptions {
  /**
   * Runs in the report's own transaction, after the event row, its workflow case and its audit
   * entry are written, with the new event's id and code. A promoting caller marks its source
   * there (a conditional `UPDATE … SET event_id = :id WHERE event_id IS NULL`) and throws when
   * someone else was first: the event and the mark commit together or not at all, so one source
   * never becomes two events. The rules of `batchedWrite`'s work apply: only `trx` for the
   * database, it may run twice, a throw rolls back this report alone.
   */
  inTransaction?: (trx: Transaction<Database>, event: { id: string; code: string }) => Promise<void>;
}

export interface ReportedEvent {
  id: string;
  code: string;
  state: EventState;
  dueAt: string | null;
  orgNodeId: string;
  createdAt: string;
}

export interface AssigneeInput {
  /** The unit: an org node in the dispatcher's subtree. */
  orgNodeId?: string;
  /** A department at that node (民政, 综治 …). */
  departmentCode?: string | null;
  /** A person; without a node, the node of their handler grant. */
  userId?: string | null;
}

export interface StepInput {
  comment?: string;
  data?: Record<string, unknown>;
  attachmentIds?: string[];
  assignee?: AssigneeInput;
  rating?: EventRating;
  extensionHours?: number;
  mergeInto?: string;
  expectedVersion?: number;
}

export const EVENT_READ = 'events.event.read';
export const EVENT_REPORT = 'events.event.report';
export const EVENT_REPORT_OWN = 'events.event.report-own';
export const RATINGS: EventRating[] = ['满意', '基本满意', '不满意'];
/** The checking stage's limit (working hours, times the urgency factor). */
export const CHECKING_HOURS = 8;

const SUBJECT = 'grid_event';
const TERMINAL = new Set<string>(gridEventWorkflow.terminal);

addMessages({
  'error.EVENT_NOT_FOUND': { 'zh-CN': '事件不存在或无权查看', en: 'No such event, or you may not see it' },
  'error.EVENT_ATTRIBUTE_REQUIRED': { 'zh-CN': '请填写“{label}”', en: 'Please fill in "{label}" ({attribute})' },
  'error.EVENT_ATTRIBUTE_INVALID': { 'zh-CN': '“{label}”的取值无效', en: 'The value of "{label}" ({attribute}) is not valid' },
  'error.EVENT_LOCATION_REQUIRED': { 'zh-CN': '请在地图上选择位置或填写地址', en: 'Pick the place on the map or give an address' },
  'error.EVENT_LOCATION_OUTSIDE': { 'zh-CN': '该位置或地址不在本平台管辖的网格、社区范围内', en: 'No grid or community of this deployment holds this place or address' },
  'error.EVENT_DESCRIPTION_REQUIRED': { 'zh-CN': '请描述发现的问题', en: 'Describe the problem' },
  'error.EVENT_CHANNEL_INVALID': { 'zh-CN': '渠道“{channel}”不能用于此方式上报', en: 'Channel "{channel}" cannot be used for this kind of report' },
  'error.EVENT_REPORT_FORBIDDEN': { 'zh-CN': '您无权通过该渠道上报事件', en: 'You may not report events through this channel' },
  'error.EVENT_OUTSIDE_SCOPE': { 'zh-CN': '该位置不在您负责的区域内，不能代为登记', en: 'This place is outside the area you work for' },
  'error.EVENT_HOTLINE_ORDER_REQUIRED': { 'zh-CN': '热线工单须填写来源（如 12345）和工单编号', en: 'A hotline work order needs its source (e.g. 12345) and order number' },
  'error.EVENT_HOTLINE_DUPLICATE': { 'zh-CN': '该热线工单已登记为事件 {code}', en: 'This hotline work order is already event {code}' },
  'error.EVENT_ATTACHMENT_INVALID': { 'zh-CN': '附件不存在或不是您上传的', en: 'An attachment does not exist or was not uploaded by you' },
  'error.EVENT_NOT_ASSIGNEE': { 'zh-CN': '该事件未派遣给您或您所在的单位，不能执行“{transition}”', en: 'This event was not dispatched to you or your unit; you cannot take step "{transition}"' },
  'error.EVENT_NOT_REPORTER': { 'zh-CN': '只有事件的反映人本人可以执行“{transition}”', en: 'Only the person who reported the event can take step "{transition}"' },
  'error.EVENT_RESIDENT_RATES': { 'zh-CN': '居民自己上报的事件由居民本人评价', en: 'An event a resident reported is rated by that resident' },
  'error.EVENT_ASSIGNEE_REQUIRED': { 'zh-CN': '派遣须指定处置单位或处置人', en: 'Dispatching needs a unit or a person to handle the event' },
  'error.EVENT_ASSIGNEE_OUTSIDE': { 'zh-CN': '只能派遣给您管辖范围内的单位或人员', en: 'You can only dispatch to units and people inside your area' },
  'error.EVENT_ASSIGNEE_INVALID': { 'zh-CN': '处置人“{user}”在该单位没有处置权限', en: 'User "{user}" cannot handle events at this unit' },
  'error.EVENT_DEPARTMENT_UNKNOWN': { 'zh-CN': '部门“{code}”不存在', en: 'No department "{code}"' },
  'error.EVENT_MERGE_TARGET_REQUIRED': { 'zh-CN': '合并须指定要并入的事件', en: 'Merging needs the event to merge into' },
  'error.EVENT_MERGE_TARGET_INVALID': { 'zh-CN': '只能并入您管辖范围内另一件办理中的事件', en: 'You can only merge into another open event inside your area' },
  'error.EVENT_RATING_REQUIRED': { 'zh-CN': '请选择评价：满意、基本满意或不满意', en: 'Choose a rating: 满意, 基本满意 or 不满意' },
  'error.EVENT_EXTENSION_HOURS_REQUIRED': { 'zh-CN': '申请延期须填写延长的工作小时数', en: 'Asking for more time needs the number of working hours' },
  'error.EVENT_STAFF_CHANNEL_REQUIRED': { 'zh-CN': '请选择上报渠道（电话、热线工单、巡查、走访或建议）', en: 'Choose the channel (phone, hotline, patrol, visit or suggestion)' },
  'error.EVENT_PATROL_CHANNEL': { 'zh-CN': '只有巡查上报（渠道“巡查”）可以关联巡查记录', en: 'Only a report from a patrol (channel "patrol") can name a patrol' },
  'error.EVENT_VOID_SELF_APPROVAL': { 'zh-CN': '作废申请须由申请人以外的人审批', en: 'A void request must be approved by someone other than who asked' },
});

// ---------------------------------------------------------------- reporting

/**
 * 上报: from the resident app, a patrol, a phone call, a hotline work order, Open311, or a
 * promoted suggestion/visit. One transaction: the event row, its workflow case (clock started
 * at the category's response limit × urgency), its photos and the audit record — and, for a
 * promotion, the caller's `options.inTransaction` marking its source.
 */
export async function reportEvent(ctx: PlatformContext, reporter: EventReporter, input: ReportEventInput, meta: RequestMeta, options: ReportEventOptions = {}): Promise<ReportedEvent> {
  const actor = reporter.actor;
  const db = ctx.db.kysely;
  const channel = input.channel;
  // The public (residents, Open311 clients) report anywhere, on public categories only; staff
  // report for the area they work for.
  const publicReporter = reporter.kind === 'open311' || channel === 'resident_app';
  if (reporter.kind === 'open311' ? channel !== 'open311' : channel === 'open311') throw badRequest('EVENT_CHANNEL_INVALID', { channel });
  if (channel === 'resident_app' && !hasPermission(actor, EVENT_REPORT_OWN)) throw forbidden('EVENT_REPORT_FORBIDDEN');
  if (!publicReporter && !hasPermission(actor, EVENT_REPORT)) throw forbidden('EVENT_REPORT_FORBIDDEN');
  const description = input.description?.trim() ?? '';
  if (!description) throw badRequest('EVENT_DESCRIPTION_REQUIRED');
  const source = input.source?.trim() || null;
  const sourceOrderNo = input.sourceOrderNo?.trim() || null;
  if (channel === 'hotline' && (!source || !sourceOrderNo)) throw badRequest('EVENT_HOTLINE_ORDER_REQUIRED');
  if (input.patrolId && channel !== 'patrol') throw badRequest('EVENT_PATROL_CHANNEL', { channel });

  const category = await resolveReportCategory(ctx, input, { publicOnly: publicReporter });
  const attributes = validateAttributes(attributesOf(category), input.attributes ?? {});
  let patrolGridId: string | undefined;
  if (input.patrolId) {
    // An unknown patrol is a 404 whether or not a place was given.
    const p = await db.selectFrom('event_patrol').select('grid_id').where('id', '=', input.patrolId).executeTakeFirst();
    if (!p) throw notFound('PATROL_NOT_FOUND');
    patrolGridId = p.grid_id;
  }
  const place = await locate(ctx, input, { staff: !publicReporter, patrolGridId });
  if (!publicReporter && !canAt(actor, EVENT_REPORT, place.node.path)) throw forbidden('EVENT_OUTSIDE_SCOPE');
  const attachmentIds = await checkAttachments(ctx, actor, input.attachmentIds);
  if (source && sourceOrderNo) {
    const dup = await db.selectFrom('grid_event').select('code').where('source', '=', source).where('source_order_no', '=', sourceOrderNo).executeTakeFirst();
    if (dup) throw conflict('EVENT_HOTLINE_DUPLICATE', { code: dup.code });
  }

  const urgency = input.urgency ?? '一般';
  const factor = URGENCY_FACTOR[urgency];
  const now = ctx.now();
  const at = now.toISOString();
  const id = newId(now.getTime());
  const title = input.title?.trim() || `${category.name}（${place.label}）`;

  // Group commit: reports arriving together share one transaction; one refused in it rolls back
  // alone (the batch is written again, a savepoint per report); the caller resolves after COMMIT.
  // Everything that must not change if this runs twice (id, time, title) is fixed above.
  return batchedWrite(ctx.db, async (trx) => {
    if (input.patrolId) await patrolForReport(trx, actor, input.patrolId);
    const calendar = await getWorkCalendar(ctx, trx);
    const day = chinaDay(now);
    const code = `SJ${day}-${String(await repo.nextCodeSeq(trx, day)).padStart(4, '0')}`;
    const instance = await startWorkflow(ctx, trx, {
      definition: gridEventWorkflow,
      subjectType: SUBJECT,
      subjectId: id,
      orgNodeId: place.node.id,
      actor,
      data: { channel, code },
      deadlineFactor: factor,
      dueInWorkingHours: Number(category.response_hours) * factor,
      meta,
    });
    const row: repo.EventRow = {
      id,
      code,
      category_id: category.id,
      title: title.slice(0, 200),
      description,
      channel,
      source,
      source_order_no: sourceOrderNo,
      urgency,
      state: 'reported',
      workflow_instance_id: instance.id,
      org_node_id: place.node.id,
      org_path: place.node.path,
      lat: place.lat,
      lng: place.lng,
      address: place.address,
      address_node_id: place.addressNodeId,
      attributes: JSON.stringify(attributes),
      reporter_user_id: actor.userId,
      reporter_person_id: channel === 'resident_app' ? actor.personId : null,
      reporter_token_id: reporter.kind === 'open311' ? reporter.tokenId : null,
      reporter_name_enc: input.reporterName?.trim() ? ctx.pii.encrypt(input.reporterName.trim()) : null,
      reporter_phone_enc: input.reporterPhone?.trim() ? ctx.pii.encrypt(input.reporterPhone.trim()) : null,
      patrol_id: input.patrolId ?? null,
      promoted_from: input.promotedFrom ?? null,
      merged_into_id: null,
      assignee_node_id: null,
      assignee_department_code: null,
      assignee_user_id: null,
      escalated_at: null,
      stage_started_at: at,
      due_at: instance.dueAt,
      warn_at: instance.dueAt ? warnAtFor(calendar, now, new Date(instance.dueAt)).toISOString() : null,
      warned_at: null,
      overdue_at: null,
      accepted_at: null,
      first_dispatched_at: null,
      handling_started_at: null,
      handled_at: null,
      closed_at: null,
      close_due_at: null,
      closed_on_time: null,
      dispatch_count: 0,
      return_count: 0,
      handling_count: 0,
      rework_count: 0,
      extension_count: 0,
      suspended: 0,
      rating: null,
      rating_comment: null,
      rated_at: null,
      version: instance.version,
      created_at: at,
      updated_at: at,
    };
    await repo.insertEvent(trx, row);
    await repo.linkAttachments(
      trx,
      attachmentIds.map((a) => ({ event_id: id, attachment_id: a, step: 'report', created_by: actor.userId, created_at: at })),
    );
    await appendAudit(
      ctx.db,
      {
        actorId: actor.userId,
        actorName: actor.username,
        action: 'events.event.report',
        targetType: SUBJECT,
        targetId: id,
        orgNodeId: place.node.id,
        ip: meta.ip,
        requestId: meta.requestId,
        details: { code, channel, category: category.code, urgency, source, sourceOrderNo, photos: attachmentIds.length, via: reporter.kind },
      },
      trx,
    );
    if (options.inTransaction) await options.inTransaction(trx, { id, code });
    return { id, code, state: 'reported' as EventState, dueAt: instance.dueAt, orgNodeId: place.node.id, createdAt: at };
  });
}

/** The local (Beijing) date of an instant as YYYYMMDD: event codes count per Chinese day. */
function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** YYYY-MM-DD in Beijing time. */
function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

function attrError(code: 'EVENT_ATTRIBUTE_REQUIRED' | 'EVENT_ATTRIBUTE_INVALID', a: CategoryAttribute) {
  return badRequest(code, { attribute: a.code, label: a.label }, { attribute: a.code });
}

/**
 * Checks the values against the category's attributes (Open311's service definition) and returns
 * them normalised: lists as arrays of keys, numbers as their text. Unknown codes are dropped.
 */
export function validateAttributes(defs: CategoryAttribute[], values: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const a of defs) {
    const raw = values[a.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map((v) => String(v).trim()).filter((v) => v !== '');
    if (list.length === 0) {
      if (a.required) throw attrError('EVENT_ATTRIBUTE_REQUIRED', a);
      continue;
    }
    const keys = new Set((a.values ?? []).map((v) => v.key));
    switch (a.datatype) {
      case 'multivaluelist':
        if (list.some((v) => !keys.has(v))) throw attrError('EVENT_ATTRIBUTE_INVALID', a);
        out[a.code] = [...new Set(list)];
        break;
      case 'singlevaluelist':
        if (list.length !== 1 || !keys.has(list[0]!)) throw attrError('EVENT_ATTRIBUTE_INVALID', a);
        out[a.code] = list[0]!;
        break;
      case 'number':
        if (list.length !== 1 || !Number.isFinite(Number(list[0]))) throw attrError('EVENT_ATTRIBUTE_INVALID', a);
        out[a.code] = String(Number(list[0]));
        break;
      case 'datetime':
        if (list.length !== 1 || Number.isNaN(Date.parse(list[0]!))) throw attrError('EVENT_ATTRIBUTE_INVALID', a);
        out[a.code] = new Date(Date.parse(list[0]!)).toISOString();
        break;
      default: {
        const max = a.datatype === 'text' ? 2000 : 200;
        if (list.length !== 1 || list[0]!.length > max) throw attrError('EVENT_ATTRIBUTE_INVALID', a);
        out[a.code] = list[0]!;
      }
    }
  }
  return out;
}

async function checkAttachments(ctx: PlatformContext, actor: Actor, ids: string[] | undefined): Promise<string[]> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return [];
  const rows = await repo.getAttachments(ctx.db.kysely, wanted);
  if (rows.length !== wanted.length || rows.some((r) => r.owner_user_id !== actor.userId)) throw badRequest('EVENT_ATTACHMENT_INVALID');
  return wanted;
}

// ---------------------------------------------------------------- locating

interface PlacedNode {
  id: string;
  path: string;
  name: string;
  kind: string;
}

interface Place {
  node: PlacedNode;
  label: string;
  lat: number | null;
  lng: number | null;
  address: string | null;
  addressNodeId: string | null;
}

interface PolygonEntry {
  id: string;
  kind: 'grid' | 'community';
  name: string;
  path: string;
  geometry: Geometry;
  box: Box;
}

/**
 * Parsed polygons, kept per database. Their fingerprint (count and last change of grids and
 * communities) is read again at most every POLYGON_CHECK_MS, so a boundary drawn in another
 * process counts within a second; one drawn through this process (org service) drops the copy
 * at once, as does `forgetPolygons`.
 */
const POLYGON_CHECK_MS = 1_000;
interface PolygonCache {
  fingerprint: string;
  entries: PolygonEntry[];
  checkedAt: number;
}
/** Per database: the parsed polygons, or the one look-up in flight (concurrent reports share it). */
const polygonCache = new WeakMap<Db, { current?: PolygonCache; loading?: Promise<PolygonEntry[]> }>();
onOrgChange((db) => polygonCache.delete(db));

/** Drops the parsed polygons and places (after writing org_node directly, e.g. fixtures). */
export function forgetPolygons(db: Db): void {
  polygonCache.delete(db);
  placeCache.delete(db);
}

function polygons(ctx: PlatformContext): Promise<PolygonEntry[]> {
  let slot = polygonCache.get(ctx.db);
  if (!slot) {
    slot = {};
    polygonCache.set(ctx.db, slot);
  }
  // Wall-clock time, not ctx.now(): this is cache freshness, not a business time.
  if (slot.current && Date.now() - slot.current.checkedAt < POLYGON_CHECK_MS) return Promise.resolve(slot.current.entries);
  if (slot.loading) return slot.loading;
  const s = slot;
  const loading = loadPolygons(ctx, s.current).then(
    (fresh) => {
      if (polygonCache.get(ctx.db) === s) s.current = fresh;
      s.loading = undefined;
      return fresh.entries;
    },
    (err: unknown) => {
      s.loading = undefined;
      throw err;
    },
  );
  s.loading = loading;
  return loading;
}

async function loadPolygons(ctx: PlatformContext, known: PolygonCache | undefined): Promise<PolygonCache> {
  const fingerprint = await repo.polygonFingerprint(ctx.db.kysely);
  if (known && known.fingerprint === fingerprint) return { ...known, checkedAt: Date.now() };
  const rows = await repo.listPolygonNodes(ctx.db.kysely);
  const entries: PolygonEntry[] = [];
  for (const r of rows) {
    const geometry = parseJson<Geometry | null>(r.geometry, null);
    const box = geometry ? boxOf(geometry) : null;
    if (geometry && box) entries.push({ id: r.id, kind: r.kind, name: r.name, path: r.path, geometry, box });
  }
  return { fingerprint, entries, checkedAt: Date.now() };
}

/** The grid whose polygon holds the point, else the community's; null when none does. */
export async function locatePoint(ctx: PlatformContext, lat: number, lng: number): Promise<PlacedNode | null> {
  const all = await polygons(ctx);
  const hit = (kind: 'grid' | 'community') => all.filter((p) => p.kind === kind && inBox(p.box, lat, lng) && containsPoint(p.geometry, lat, lng));
  // Deepest first: a grid's path is longer than its community's.
  const grid = hit('grid').sort((a, b) => b.path.length - a.path.length)[0];
  const found = grid ?? hit('community')[0];
  return found ? { id: found.id, path: found.path, name: found.name, kind: found.kind } : null;
}

/**
 * Where a node puts an event: the grid above (or at) it, else its community; and its name from
 * the community down (西山社区紫微苑3幢2单元301室). One query for the node and its ancestors.
 */
async function placeOfNode(ctx: PlatformContext, nodeId: string): Promise<NodePlace> {
  let cache = placeCache.get(ctx.db);
  if (!cache) {
    cache = new Map();
    placeCache.set(ctx.db, cache);
  }
  const hit = cache.get(nodeId);
  // Wall-clock time: cache freshness, not a business time.
  if (hit && Date.now() - hit.at < PLACE_CACHE_MS) return hit.place;
  const place = await readPlaceOfNode(ctx, nodeId);
  if (cache.size >= PLACE_CACHE_MAX) cache.clear();
  cache.set(nodeId, { at: Date.now(), place });
  return place;
}

/**
 * Places of nodes (a staff report names its grid; an address node its dwelling) are read again
 * after PLACE_CACHE_MS: a rename or a node ended in another process shows within that time; one
 * made through this process (org service) drops the cache at once. Refusals are not kept.
 */
const PLACE_CACHE_MS = 5_000;
const PLACE_CACHE_MAX = 10_000;
const placeCache = new WeakMap<Db, Map<string, { at: number; place: NodePlace }>>();
onOrgChange((db) => placeCache.delete(db));

interface NodePlace {
  owner: PlacedNode;
  node: NonNullable<Awaited<ReturnType<typeof repo.getNode>>>;
  chainName: string;
}

async function readPlaceOfNode(ctx: PlatformContext, nodeId: string): Promise<NodePlace> {
  const node = await repo.getNode(ctx.db.kysely, nodeId);
  if (!node || node.ended_at) throw badRequest('EVENT_LOCATION_OUTSIDE');
  const ids = node.path.split('/').filter(Boolean);
  const byId = new Map((await repo.getNodesByIds(ctx.db.kysely, ids)).map((n) => [n.id, n]));
  const chain = ids.map((i) => byId.get(i)).filter((n): n is NonNullable<typeof n> => !!n);
  const owner = chain.filter((n) => n.kind === 'grid').pop() ?? chain.filter((n) => n.kind === 'community').pop();
  if (!owner) throw badRequest('EVENT_LOCATION_OUTSIDE');
  const chainName = chain
    .filter((n) => ['community', 'building', 'unit', 'dwelling'].includes(n.kind))
    .map((n) => n.name)
    .join('');
  return { owner: { id: owner.id, path: owner.path, name: owner.name, kind: owner.kind } as PlacedNode, node, chainName };
}

const NUM = '(\\d+|[一二三四五六七八九十]+)';

/** 西山社区3幢2单元301室 → the dwelling (or the deepest node named), inside a named community. */
async function resolveAddress(ctx: PlatformContext, address: string): Promise<{ nodeId: string; path: string } | null> {
  const text = address.replace(/\s+/g, '');
  const communities = (await repo.listCommunities(ctx.db.kysely)).filter((c) => text.includes(c.name)).sort((a, b) => b.name.length - a.name.length);
  const community = communities[0];
  if (!community) return null;
  let found: { id: string; path: string } = { id: community.id, path: community.path };
  // A building named in full (西山新村3幢, 西山路12号), else one whose name ends with 3幢 if only one does.
  const buildings = await repo.listBuildings(ctx.db.kysely, community.path);
  const named = buildings.filter((b) => text.includes(b.name)).sort((a, b) => b.name.length - a.name.length)[0];
  const short = new RegExp(`${NUM}(幢|栋|号楼)`).exec(text);
  const bySuffix = short ? buildings.filter((b) => b.name.endsWith(`${short[1]}幢`) || b.name.endsWith(`${short[1]}栋`) || b.name === `${short[1]}号楼`) : [];
  const building = named ?? (bySuffix.length === 1 ? bySuffix[0] : undefined);
  if (!building) return { nodeId: found.id, path: found.path };
  found = building;
  const unit = new RegExp(`${NUM}单元`).exec(text);
  if (unit) {
    const u = await repo.findInSubtreeByName(ctx.db.kysely, found.path, 'unit', [`${unit[1]}单元`]);
    if (u.length === 1) found = u[0]!;
  }
  const room = /(\d{3,4})(室|号)?$/.exec(text.replace(/[。.，,]$/, ''));
  if (room) {
    const d = await repo.findInSubtreeByName(ctx.db.kysely, found.path, 'dwelling', [`${room[1]}室`, `${room[1]}`]);
    if (d.length === 1) found = d[0]!;
  }
  return { nodeId: found.id, path: found.path };
}

/**
 * Where an event belongs. Staff may name the grid or community; otherwise an address node
 * (Open311 address_id), the point (the grid whose polygon holds it), an address text naming a
 * community (and a building in it), or the grid of the patrol it came from.
 */
async function locate(ctx: PlatformContext, input: ReportEventInput, opts: { staff: boolean; patrolGridId?: string }): Promise<Place> {
  const hasPoint = typeof input.lat === 'number' && typeof input.lng === 'number' && Number.isFinite(input.lat) && Number.isFinite(input.lng);
  const lat = hasPoint ? input.lat! : null;
  const lng = hasPoint ? input.lng! : null;
  const address = input.address?.trim() || null;

  if (opts.staff && input.orgNodeId) {
    const { owner } = await placeOfNode(ctx, input.orgNodeId);
    return { node: owner, label: address ?? owner.name, lat, lng, address, addressNodeId: null };
  }
  if (input.addressNodeId) {
    const { owner, node, chainName } = await placeOfNode(ctx, input.addressNodeId);
    const isAddress = ['building', 'unit', 'dwelling'].includes(node.kind);
    let point = { lat, lng };
    if (!hasPoint && node.geometry) {
      const g = parseJson<Geometry | null>(node.geometry, null);
      if (g?.type === 'Point' && Array.isArray(g.coordinates)) point = { lat: Number((g.coordinates as number[])[1]), lng: Number((g.coordinates as number[])[0]) };
    }
    return { node: owner, label: chainName || owner.name, lat: point.lat, lng: point.lng, address: address ?? (chainName || null), addressNodeId: isAddress ? node.id : null };
  }
  if (hasPoint) {
    const node = await locatePoint(ctx, lat!, lng!);
    if (!node) throw badRequest('EVENT_LOCATION_OUTSIDE');
    return { node, label: address ?? node.name, lat, lng, address, addressNodeId: null };
  }
  if (address) {
    const resolved = await resolveAddress(ctx, address);
    if (!resolved) throw badRequest('EVENT_LOCATION_OUTSIDE');
    const { owner, node } = await placeOfNode(ctx, resolved.nodeId);
    const isAddress = ['building', 'unit', 'dwelling'].includes(node.kind);
    return { node: owner, label: address, lat: null, lng: null, address, addressNodeId: isAddress ? node.id : null };
  }
  if (opts.patrolGridId) {
    const { owner } = await placeOfNode(ctx, opts.patrolGridId);
    return { node: owner, label: owner.name, lat, lng, address, addressNodeId: null };
  }
  throw badRequest('EVENT_LOCATION_REQUIRED');
}

// ---------------------------------------------------------------- the loop

/** Steps only the unit (or person) the event was dispatched to may take. */
const HANDLER_STEPS = new Set<string>(['take', 'progress', 'finish', 'return', 'request_extension']);
/** Steps a reporter takes on their own event. */
const REPORTER_STEPS = new Set<string>(['withdraw', 'verify', 'rework', 'rate']);
/** Steps that enter handling with the close limit as the clock. */
const HANDLING_CLOCK_STEPS = new Set<string>(['take', 'approve_extension', 'resume', 'rework']);

function specOf(name: string): TransitionSpec | undefined {
  return gridEventWorkflow.transitions.find((t) => t.name === name) as TransitionSpec | undefined;
}

function labelOf(name: string) {
  return specOf(name)?.label ?? { 'zh-CN': name, en: name };
}

export function stateLabel(state: string) {
  return (gridEventWorkflow.states as Record<string, { label?: { 'zh-CN': string; en: string } }>)[state]?.label ?? { 'zh-CN': state, en: state };
}

function actingRole(actor: Actor, roles: readonly Role[], path: string): Role | null {
  for (const role of roles) if (actor.grants.some((g) => g.role === role && path.startsWith(g.orgPath))) return role;
  return null;
}

function isReporter(actor: Actor, event: repo.EventRow) {
  return event.reporter_user_id === actor.userId;
}

/**
 * A reporter's standing on their own event: a resident lives in one grid but reports anywhere,
 * so on their own event they act as a resident wherever it is (only for the reporter's steps).
 */
function asReporter(actor: Actor, event: repo.EventRow): Actor {
  if (!isReporter(actor, event) || !hasPermission(actor, EVENT_REPORT_OWN)) return actor;
  const grant: Grant = { role: 'resident', orgNodeId: event.org_node_id, orgPath: event.org_path, departmentCode: null };
  return { ...actor, grants: [...actor.grants, grant] };
}

/** The unit it was dispatched to, the person, or staff above the unit (department officers of that department only). */
async function isAssignedHandler(ctx: PlatformContext, actor: Actor, event: repo.EventRow, roles: readonly Role[], db: Executor = ctx.db.kysely): Promise<boolean> {
  if (event.assignee_user_id && event.assignee_user_id === actor.userId) return true;
  if (!event.assignee_node_id) return false;
  const node = await repo.getNode(db, event.assignee_node_id);
  if (!node) return false;
  return actor.grants.some(
    (g) =>
      roles.includes(g.role) &&
      node.path.startsWith(g.orgPath) &&
      (g.role !== 'department_officer' || (!!event.assignee_department_code && g.departmentCode === event.assignee_department_code)),
  );
}

/** The rules a role cannot express; throws the module's own refusal. `dry` skips the checks of the step's own input. */
async function checkServiceRules(ctx: PlatformContext, actor: Actor, event: repo.EventRow, instance: Pick<WorkflowInstance, 'id'>, spec: TransitionSpec, role: Role, input: StepInput, dry: boolean) {
  const name = spec.name;
  const params = { transition: labelOf(name)['zh-CN'] };
  if (HANDLER_STEPS.has(name) && !(await isAssignedHandler(ctx, actor, event, spec.roles))) throw forbidden('EVENT_NOT_ASSIGNEE', params);
  if (name === 'withdraw' && !isReporter(actor, event)) throw forbidden('EVENT_NOT_REPORTER', params);
  if ((name === 'verify' || name === 'rework' || name === 'rate') && role === 'resident' && !isReporter(actor, event)) throw forbidden('EVENT_NOT_REPORTER', params);
  // Staff record a caller's satisfaction (回访); what a resident reported, the resident rates.
  if (name === 'rate' && role !== 'resident' && (event.channel === 'resident_app' || event.channel === 'open311')) throw forbidden('EVENT_RESIDENT_RATES');
  if (name === 'approve_void') {
    const asked = await repo.lastStep(ctx.db.kysely, instance.id, 'request_void');
    if (asked?.actor_id === actor.userId) throw forbidden('EVENT_VOID_SELF_APPROVAL');
  }
  if (dry) return;
  if ((name === 'dispatch' || name === 'redispatch') && !input.assignee) throw badRequest('EVENT_ASSIGNEE_REQUIRED');
  if (name === 'merge' && !input.mergeInto) throw badRequest('EVENT_MERGE_TARGET_REQUIRED');
  if (name === 'rate' && (!input.rating || !RATINGS.includes(input.rating))) throw badRequest('EVENT_RATING_REQUIRED');
  if (name === 'request_extension' && !(typeof input.extensionHours === 'number' && input.extensionHours > 0)) throw badRequest('EVENT_EXTENSION_HOURS_REQUIRED');
}

interface ResolvedAssignee {
  nodeId: string;
  nodePath: string;
  departmentCode: string | null;
  userId: string | null;
}

/** Dispatch target: a node in the dispatcher's subtree, a known department, a person who handles there. */
async function resolveAssignee(ctx: PlatformContext, actor: Actor, spec: TransitionSpec, input: AssigneeInput): Promise<ResolvedAssignee> {
  const db = ctx.db.kysely;
  const dispatchPaths = actor.grants.filter((g) => spec.roles.includes(g.role)).map((g) => g.orgPath);
  let nodeId = input.orgNodeId;
  let userGrants: Awaited<ReturnType<typeof repo.grantsOfUser>> = [];
  if (input.userId) {
    const [user] = await repo.getUsers(db, [input.userId]);
    if (!user || Number(user.disabled) === 1) throw badRequest('EVENT_ASSIGNEE_INVALID', { user: input.userId });
    userGrants = (await repo.grantsOfUser(db, input.userId)).filter((g) => ['community_staff', 'grid_worker', 'department_officer'].includes(g.role));
    if (userGrants.length === 0) throw badRequest('EVENT_ASSIGNEE_INVALID', { user: user.display_name });
    nodeId ??= userGrants.find((g) => dispatchPaths.some((p) => g.path.startsWith(p)))?.org_node_id ?? userGrants[0]!.org_node_id;
  }
  if (!nodeId) throw badRequest('EVENT_ASSIGNEE_REQUIRED');
  const node = await repo.getNode(db, nodeId);
  if (!node || node.ended_at) throw badRequest('EVENT_ASSIGNEE_REQUIRED');
  if (!dispatchPaths.some((p) => node.path.startsWith(p))) throw forbidden('EVENT_ASSIGNEE_OUTSIDE');
  const departmentCode = input.departmentCode?.trim() || null;
  if (departmentCode && !(await repo.departmentExists(db, departmentCode))) throw badRequest('EVENT_DEPARTMENT_UNKNOWN', { code: departmentCode });
  if (input.userId) {
    // The person must handle at that unit (a grant on it or inside it), for that department if named.
    const ok = userGrants.some((g) => g.path.startsWith(node.path) && (g.role !== 'department_officer' || !departmentCode || g.department_code === departmentCode));
    if (!ok) throw badRequest('EVENT_ASSIGNEE_INVALID', { user: input.userId });
  }
  return { nodeId: node.id, nodePath: node.path, departmentCode, userId: input.userId ?? null };
}

/**
 * Takes one step of the loop on an event. The workflow engine checks the state (409), the role
 * on the event's subtree (403) and the version; this adds the module's own rules (only the
 * assigned unit handles, only the reporter withdraws and rates …), computes each stage's time
 * limit, and, in the step's transaction, mirrors state, clock and indicator facts on grid_event,
 * links the step's photos and notifies the reporter (and the assignee on dispatch, the street's
 * dispatchers on escalation).
 */
export async function takeStep(
  ctx: PlatformContext,
  actorIn: Actor | 'system',
  eventId: string,
  transitionName: GridEventTransition,
  input: StepInput,
  meta: RequestMeta,
): Promise<EventSummary> {
  const db = ctx.db.kysely;
  const event = await repo.getEvent(db, eventId);
  if (!event || !event.workflow_instance_id) throw notFound('EVENT_NOT_FOUND');
  // The case as mirrored on the row (the engine reads and checks the case itself again).
  const instance = {
    id: event.workflow_instance_id,
    state: event.state as string,
    version: Number(event.version),
    orgPath: event.org_path,
    clockPausedAt: event.state === 'suspended' ? event.stage_started_at : null,
  };
  const spec = specOf(transitionName);
  const actor = actorIn === 'system' ? 'system' : REPORTER_STEPS.has(transitionName) ? asReporter(actorIn, event) : actorIn;

  // Refusals the engine owns (unknown step, stale version, wrong state, wrong role) come from it.
  const role = spec && actor !== 'system' ? actingRole(actor, spec.roles, instance.orgPath) : null;
  const engineAccepts =
    !!spec &&
    (input.expectedVersion === undefined || input.expectedVersion === instance.version) &&
    spec.from.includes(instance.state) &&
    (actor === 'system' ? !!spec.bySystem : role !== null);

  const now = ctx.now();
  const at = now.toISOString();
  const calendar = await getWorkCalendar(ctx);
  const factor = URGENCY_FACTOR[event.urgency] ?? 1;
  const category = await cachedCategory(ctx, event.category_id);
  const responseHours = Number(category?.response_hours ?? 2) * factor;
  let dueInWorkingHours: number | undefined;
  let assignee: ResolvedAssignee | undefined;
  let mergeTarget: repo.EventRow | undefined;
  let closeDueAt = event.close_due_at;
  let extensionHours: number | undefined;
  let attachmentIds: string[] = [];
  const data: Record<string, unknown> = { ...(input.data ?? {}) };

  if (engineAccepts && spec) {
    if (actor !== 'system') {
      await checkServiceRules(ctx, actor, event, instance, spec, role!, input, false);
      attachmentIds = await checkAttachments(ctx, actor, input.attachmentIds);
    }
    const name = spec.name;
    if (name === 'dispatch' || name === 'redispatch') {
      if (actor === 'system') throw badRequest('EVENT_ASSIGNEE_REQUIRED');
      assignee = await resolveAssignee(ctx, actor, spec, input.assignee!);
      data.assignee = { orgNodeId: assignee.nodeId, departmentCode: assignee.departmentCode, userId: assignee.userId };
      dueInWorkingHours = responseHours;
      // The handling limit runs from the first dispatch: a re-dispatch does not buy time.
      closeDueAt ??= addWorkingHours(calendar, now, Number(category?.handling_hours ?? 16) * factor).toISOString();
    }
    if (name === 'accept' || name === 'return' || name === 'refuse_void') dueInWorkingHours = responseHours;
    if (name === 'finish') dueInWorkingHours = CHECKING_HOURS * factor;
    if (name === 'merge') {
      mergeTarget = await repo.getEvent(db, input.mergeInto!);
      const ok =
        mergeTarget &&
        mergeTarget.id !== event.id &&
        repo.OPEN_STATES.includes(mergeTarget.state) &&
        mergeTarget.state !== 'void_requested' &&
        actor !== 'system' &&
        canAt(actor, EVENT_READ, mergeTarget.org_path);
      if (!ok) throw conflict('EVENT_MERGE_TARGET_INVALID');
      data.mergeInto = { id: mergeTarget!.id, code: mergeTarget!.code };
    }
    if (name === 'request_extension') {
      extensionHours = input.extensionHours!;
      data.extensionHours = extensionHours;
    }
    if (name === 'approve_extension') {
      const asked = await repo.lastStep(db, instance.id, 'request_extension');
      const requested = Number(parseJson<Record<string, unknown>>(asked?.data, {}).extensionHours ?? 0);
      extensionHours = typeof input.extensionHours === 'number' && input.extensionHours > 0 ? input.extensionHours : requested;
      if (!(extensionHours > 0)) throw badRequest('EVENT_EXTENSION_HOURS_REQUIRED');
      data.extensionHours = extensionHours;
      const base = closeDueAt ? new Date(closeDueAt) : now;
      closeDueAt = addWorkingHours(calendar, base, extensionHours).toISOString();
    }
    if (name === 'resume' && closeDueAt && instance.clockPausedAt) {
      // The close limit moves by the working time the event stood suspended.
      const left = workingHoursBetween(calendar, new Date(instance.clockPausedAt), new Date(closeDueAt));
      if (left > 0) closeDueAt = addWorkingHours(calendar, now, left).toISOString();
    }
    if (name === 'rate') {
      data.rating = input.rating;
    }
    if (HANDLING_CLOCK_STEPS.has(name)) {
      const target = closeDueAt ?? addWorkingHours(calendar, now, Number(category?.handling_hours ?? 16) * factor).toISOString();
      closeDueAt = target;
      dueInWorkingHours = Math.max(0, workingHoursBetween(calendar, now, new Date(target)));
    }
    if (attachmentIds.length) data.attachmentIds = attachmentIds;
  }

  const apply = async (trx: Transaction<Database>, result: TransitionResult) => {
    const name = result.step.transition;
    const to = result.instance.state as EventState;
    // Handling runs against the close limit exactly (a rework after it passed is overdue at once).
    if (HANDLING_CLOCK_STEPS.has(name) && closeDueAt && result.instance.dueAt !== closeDueAt) {
      await repo.setInstanceDue(trx, result.instance.id, closeDueAt);
      result.instance.dueAt = closeDueAt;
    }
    const patch: Partial<repo.EventRow> = { state: to, version: result.instance.version, updated_at: at };
    const keepsClock = spec?.deadline === 'keep' && dueInWorkingHours === undefined;
    if (to === 'suspended' || result.instance.dueAt === null) {
      Object.assign(patch, { stage_started_at: at, due_at: null, warn_at: null });
    } else if (!keepsClock) {
      const due = new Date(result.instance.dueAt);
      Object.assign(patch, {
        stage_started_at: at,
        due_at: result.instance.dueAt,
        warn_at: due > now ? warnAtFor(calendar, now, due).toISOString() : result.instance.dueAt,
        warned_at: null,
        overdue_at: null,
      });
    }
    switch (name) {
      case 'accept':
        patch.accepted_at = at;
        break;
      case 'dispatch':
      case 'redispatch':
        patch.first_dispatched_at = event.first_dispatched_at ?? at;
        patch.close_due_at = closeDueAt;
        patch.dispatch_count = Number(event.dispatch_count) + 1;
        patch.assignee_node_id = assignee!.nodeId;
        patch.assignee_department_code = assignee!.departmentCode;
        patch.assignee_user_id = assignee!.userId;
        break;
      case 'return':
        patch.return_count = Number(event.return_count) + 1;
        patch.assignee_node_id = null;
        patch.assignee_department_code = null;
        patch.assignee_user_id = null;
        break;
      case 'take':
        patch.handling_started_at = event.handling_started_at ?? at;
        patch.close_due_at = closeDueAt;
        break;
      case 'finish':
        patch.handled_at = at;
        patch.handling_count = Number(event.handling_count) + 1;
        break;
      case 'rework':
        patch.rework_count = Number(event.rework_count) + 1;
        patch.close_due_at = closeDueAt;
        break;
      case 'approve_extension':
        patch.extension_count = Number(event.extension_count) + 1;
        patch.close_due_at = closeDueAt;
        break;
      case 'suspend':
        patch.suspended = 1;
        break;
      case 'resume':
        patch.close_due_at = closeDueAt;
        break;
      case 'verify':
        patch.closed_at = at;
        patch.closed_on_time = closeDueAt ? (at <= closeDueAt ? 1 : 0) : null;
        break;
      case 'rate':
        patch.rating = input.rating!;
        patch.rating_comment = result.step.comment;
        patch.rated_at = at;
        break;
      case 'merge':
        patch.merged_into_id = mergeTarget!.id;
        break;
      case 'escalate':
        patch.escalated_at = at;
        break;
    }
    await repo.updateEvent(trx, event.id, patch);
    updated = { ...event, ...patch };
    await repo.linkAttachments(
      trx,
      attachmentIds.map((a) => ({ event_id: event.id, attachment_id: a, step: name, created_by: actor === 'system' ? null : actor.userId, created_at: at })),
    );
    await notifyStep(ctx, trx, updated, name, actor, result.step.comment, now);
  };

  let updated: repo.EventRow = event;
  const result = await transition(ctx, actor, instance.id, transitionName, {
    comment: input.comment,
    data: Object.keys(data).length ? data : undefined,
    expectedVersion: input.expectedVersion,
    dueInWorkingHours,
    apply,
    meta,
  });
  void result;
  return presentSummary(updated, category ? { name: category.name, code: category.code } : null, null, now);
}

async function notifyStep(ctx: PlatformContext, trx: Transaction<Database>, event: repo.EventRow, step: string, actor: Actor | 'system', comment: string | null, now: Date) {
  const actorId = actor === 'system' ? null : actor.userId;
  const label = labelOf(step)['zh-CN'];
  const stateName = stateLabel(event.state)['zh-CN'];
  if (event.reporter_user_id && event.reporter_user_id !== actorId) {
    await notify(trx, {
      recipients: [event.reporter_user_id],
      kind: `events.${step}`,
      title: `您反映的事件 ${event.code} ${label}`,
      body: `${event.title}：${stateName}${comment ? `。${comment}` : ''}`.slice(0, 4000),
      link: `/m/me/events/${event.id}`,
      at: now,
    });
  }
  if ((step === 'dispatch' || step === 'redispatch') && event.assignee_node_id) {
    const recipients = event.assignee_user_id ? [event.assignee_user_id] : await repo.handlersAt(trx, event.assignee_node_id, event.assignee_department_code);
    const others = recipients.filter((r) => r !== actorId);
    if (others.length) {
      await notify(trx, {
        recipients: others,
        kind: 'events.assigned',
        title: `新派遣事件 ${event.code}`,
        body: `${event.title}${event.urgency !== '一般' ? `（${event.urgency}）` : ''}${comment ? `。${comment}` : ''}`.slice(0, 4000),
        link: `/console/events/${event.id}`,
        at: now,
      });
    }
  }
  // 上报街道: the street's dispatchers must act now. Told in the step's own transaction, so an
  // escalation (the deadline job's or a person's) is never recorded without its notice.
  if (step === 'escalate') {
    const street = await repo.streetDispatchersOf(trx, event.org_path);
    const recipients = street.userIds.filter((r) => r !== actorId);
    const community = street.communityName ?? '社区';
    if (recipients.length) {
      await notify(trx, {
        recipients,
        kind: 'events.escalated',
        title: `事件上报街道：${event.code}`,
        body: (actor === 'system'
          ? `${event.title}：${community}受理后超过时限（${beijingTime(event.due_at)}）仍未派遣，系统已上报街道，请及时派遣。`
          : `${event.title}：${community}已上报街道${comment ? `（${comment}）` : ''}，请及时派遣。`
        ).slice(0, 4000),
        link: `/console/events/${event.id}`,
        at: now,
      });
    }
  }
}

/** `12月3日 10:30`, Beijing time. */
function beijingTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- reading

export type DeadlineStatus = repo.DeadlineStatus;

export function deadlineStatus(row: Pick<repo.EventRow, 'due_at' | 'warn_at'>, now: Date): DeadlineStatus | null {
  if (!row.due_at) return null;
  const t = now.toISOString();
  if (row.due_at <= t) return 'overdue';
  if (row.warn_at && row.warn_at <= t) return 'warning';
  return 'normal';
}

export interface EventSummary {
  id: string;
  code: string;
  title: string;
  categoryId: string;
  categoryName: string | null;
  categoryCode: string | null;
  state: EventState;
  stateLabel: { 'zh-CN': string; en: string };
  channel: EventChannel;
  source: string | null;
  sourceOrderNo: string | null;
  urgency: EventUrgency;
  orgNodeId: string;
  orgNodeName: string | null;
  lat: number | null;
  lng: number | null;
  address: string | null;
  assigneeNodeId: string | null;
  assigneeDepartmentCode: string | null;
  assigneeUserId: string | null;
  assigneeNodeName: string | null;
  assigneeDepartmentName: string | null;
  assigneeUserName: string | null;
  dueAt: string | null;
  warnAt: string | null;
  deadlineStatus: DeadlineStatus | null;
  closeDueAt: string | null;
  rating: EventRating | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

const num = (v: number | null) => (v === null || v === undefined ? null : Number(v));

export interface AssigneeNames {
  node: Map<string, string>;
  department: Map<string, string>;
  /** Empty for the reporter's own view (no staff names there). */
  user: Map<string, string>;
}

const NO_NAMES: AssigneeNames = { node: new Map(), department: new Map(), user: new Map() };

/** The assignees' unit, department and person names of a page of events: three small lookups. */
async function assigneeNames(ctx: PlatformContext, rows: repo.EventRow[], withPeople: boolean): Promise<AssigneeNames> {
  const db = ctx.db.kysely;
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];
  const nodeIds = distinct(rows.map((r) => r.assignee_node_id));
  const codes = distinct(rows.map((r) => r.assignee_department_code));
  const userIds = withPeople ? distinct(rows.map((r) => r.assignee_user_id)) : [];
  const [nodes, departments, users] = await Promise.all([
    repo.getNodesByIds(db, nodeIds),
    codes.length ? db.selectFrom('department').select(['code', 'name']).where('code', 'in', codes).execute() : Promise.resolve([]),
    repo.getUsers(db, userIds),
  ]);
  return {
    node: new Map(nodes.map((n) => [n.id, n.name])),
    department: new Map(departments.map((d) => [d.code, d.name])),
    user: new Map(users.map((u) => [u.id, u.display_name])),
  };
}

export function presentSummary(row: repo.EventRow, category: { name: string; code: string } | null, orgNodeName: string | null, now: Date, names: AssigneeNames = NO_NAMES): EventSummary {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    categoryId: row.category_id,
    categoryName: category?.name ?? null,
    categoryCode: category?.code ?? null,
    state: row.state,
    stateLabel: stateLabel(row.state),
    channel: row.channel,
    source: row.source,
    sourceOrderNo: row.source_order_no,
    urgency: row.urgency,
    orgNodeId: row.org_node_id,
    orgNodeName,
    lat: num(row.lat),
    lng: num(row.lng),
    address: row.address,
    assigneeNodeId: row.assignee_node_id,
    assigneeDepartmentCode: row.assignee_department_code,
    assigneeUserId: row.assignee_user_id,
    assigneeNodeName: row.assignee_node_id ? (names.node.get(row.assignee_node_id) ?? null) : null,
    assigneeDepartmentName: row.assignee_department_code ? (names.department.get(row.assignee_department_code) ?? null) : null,
    assigneeUserName: row.assignee_user_id ? (names.user.get(row.assignee_user_id) ?? null) : null,
    dueAt: row.due_at,
    warnAt: row.warn_at,
    deadlineStatus: deadlineStatus(row, now),
    closeDueAt: row.close_due_at,
    rating: row.rating,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

export interface ListQuery {
  state?: EventState[];
  deadline?: DeadlineStatus;
  orgNodeId?: string;
  categoryId?: string;
  assignee?: 'me' | 'myUnit';
  channel?: EventChannel;
  urgency?: EventUrgency;
  q?: string;
  createdFrom?: string;
  createdTo?: string;
  sort?: repo.ListSort;
  page: number;
  pageSize: number;
}

async function categoryIdsFor(ctx: PlatformContext, id: string): Promise<string[]> {
  const all = await categories.listCategories(ctx.db.kysely, { includeInactive: true });
  const self = all.find((c) => c.id === id);
  if (!self) return [id];
  return [id, ...all.filter((c) => c.parent_id === id).map((c) => c.id)];
}

/** The list's filter from its query: the caller's subtrees (narrowed to a node), and the rest. */
async function listFilter(ctx: PlatformContext, actor: Actor, query: Omit<ListQuery, 'sort' | 'page' | 'pageSize'>, now: Date): Promise<repo.EventFilter> {
  const db = ctx.db.kysely;
  let subtrees = scopePaths(actor, EVENT_READ);
  if (query.orgNodeId) {
    const node = await repo.getNode(db, query.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    // Inside the caller's reach: the node's subtree, or the caller's subtrees under it.
    subtrees = subtrees.some((p) => node.path.startsWith(p)) ? [node.path] : subtrees.filter((p) => p.startsWith(node.path));
  }
  const filter: repo.EventFilter = {
    subtrees,
    states: query.state,
    deadline: query.deadline,
    now: now.toISOString(),
    categoryIds: query.categoryId ? await categoryIdsFor(ctx, query.categoryId) : undefined,
    channel: query.channel,
    urgency: query.urgency,
    q: query.q?.trim() || undefined,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
  };
  if (query.assignee === 'me') filter.assigneeUserId = actor.userId;
  if (query.assignee === 'myUnit') {
    const handler: Role[] = ['community_staff', 'grid_worker', 'department_officer'];
    const grants = actor.grants.filter((g) => handler.includes(g.role));
    filter.assigneeUnits = {
      userId: actor.userId,
      nodeIds: grants.filter((g) => g.role !== 'department_officer').map((g) => g.orgNodeId),
      departments: grants.filter((g) => g.role === 'department_officer' && g.departmentCode).map((g) => g.departmentCode!),
    };
  }
  return filter;
}

/** Dispatcher's workbench and the handler's list: the caller's subtree, filtered, sorted, paged. */
export async function listEvents(ctx: PlatformContext, actor: Actor, query: ListQuery) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const filter = await listFilter(ctx, actor, query, now);
  const [rows, total] = await Promise.all([
    repo.listEvents(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize, sort: query.sort ?? '-created' }),
    repo.countEvents(db, filter),
  ]);
  const names = await assigneeNames(ctx, rows, true);
  return {
    items: rows.map((r) => presentSummary(r, { name: r.category_name, code: r.category_code }, r.org_node_name, now, names)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/** The workbench's queue counts: the list's filters, counted per state and per deadline status. */
export async function countEvents(ctx: PlatformContext, actor: Actor, query: Omit<ListQuery, 'sort' | 'page' | 'pageSize'>) {
  const now = ctx.now();
  const filter = await listFilter(ctx, actor, query, now);
  const rows = await repo.countByStateAndDeadline(ctx.db.kysely, filter);
  const byState: Record<string, number> = Object.fromEntries(Object.keys(gridEventWorkflow.states).map((k) => [k, 0]));
  const byDeadline = { normal: 0, warning: 0, overdue: 0 };
  let total = 0;
  for (const r of rows) {
    byState[r.state] = (byState[r.state] ?? 0) + r.n;
    byDeadline[r.deadline] += r.n;
    total += r.n;
  }
  return { total, byState, byDeadline };
}

/** The reporter's own events, newest first. */
export async function listMyEvents(ctx: PlatformContext, actor: Actor, query: { page: number; pageSize: number; state?: EventState[] }) {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const filter: repo.EventFilter = { subtrees: ['/'], reporterUserId: actor.userId, states: query.state, now: now.toISOString() };
  const [rows, total] = await Promise.all([
    repo.listEvents(db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize, sort: '-created' }),
    repo.countEvents(db, filter),
  ]);
  const names = await assigneeNames(ctx, rows, false);
  return {
    items: rows.map((r) => presentSummary(r, { name: r.category_name, code: r.category_code }, r.org_node_name, now, names)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Can the actor see this event on the console: read on its subtree, or it was dispatched to them.
 * `db`: the caller's transaction when it reads inside one (events.notes.ts).
 */
export async function mayReadEvent(ctx: PlatformContext, actor: Actor, event: repo.EventRow, db: Executor = ctx.db.kysely): Promise<boolean> {
  if (canAt(actor, EVENT_READ, event.org_path)) return true;
  return isAssignedHandler(ctx, actor, event, ['community_staff', 'grid_worker', 'department_officer'], db);
}

/** Steps the caller may take now: the engine's answer, narrowed by the module's rules. */
async function stepsFor(ctx: PlatformContext, actorIn: Actor, event: repo.EventRow, instance: WorkflowInstance) {
  const out = [];
  for (const t of gridEventWorkflow.transitions) {
    if (!t.from.includes(instance.state as never)) continue;
    const actor = REPORTER_STEPS.has(t.name) ? asReporter(actorIn, event) : actorIn;
    if (!availableTransitions(actor, instance).some((a) => a.name === t.name)) continue;
    const role = actingRole(actor, t.roles, instance.orgPath)!;
    try {
      await checkServiceRules(ctx, actor, event, instance, t as TransitionSpec, role, {}, true);
    } catch (e) {
      if (e instanceof AppError) continue;
      throw e;
    }
    out.push({ name: t.name, label: t.label!, to: t.to, requiresComment: !!t.requires?.comment });
  }
  return out;
}

/** A display name without the title some accounts carry before it (居民 朱志强 → 朱志强). */
function personalName(displayName: string | null | undefined): string | null {
  if (!displayName) return null;
  const parts = displayName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? null;
}

/**
 * One event as its page shows it: the event, category, place, reporter (masked), assignee,
 * photos, the timeline from the workflow history with labels, and the steps the caller may take.
 * `view: 'reporter'` is the resident's own view: no staff names, no internal facts.
 */
export async function getEventDetail(ctx: PlatformContext, actor: Actor, id: string, view: 'staff' | 'reporter' = 'staff') {
  const db = ctx.db.kysely;
  const event = await repo.getEvent(db, id);
  if (!event || !event.workflow_instance_id) throw notFound('EVENT_NOT_FOUND');
  if (view === 'reporter' ? !isReporter(actor, event) : !(await mayReadEvent(ctx, actor, event))) throw notFound('EVENT_NOT_FOUND');
  const now = ctx.now();
  const [instance, history, category, photos, notes] = await Promise.all([
    getInstance(db, event.workflow_instance_id),
    getHistory(db, event.workflow_instance_id),
    categories.getCategory(db, event.category_id),
    repo.listEventAttachments(db, event.id),
    repo.listEventNotes(db, event.id),
  ]);
  const nodeIds = [event.org_node_id, event.assignee_node_id, event.address_node_id].filter((x): x is string => !!x);
  const nodes = new Map((await repo.getNodesByIds(db, nodeIds)).map((n) => [n.id, n]));
  const userIds = [event.reporter_user_id, event.assignee_user_id].filter((x): x is string => !!x);
  const users = new Map((await repo.getUsers(db, userIds)).map((u) => [u.id, u]));
  const department = event.assignee_department_code
    ? await db.selectFrom('department').select(['code', 'name']).where('code', '=', event.assignee_department_code).executeTakeFirst()
    : undefined;
  const merged = event.merged_into_id ? await repo.getEvent(db, event.merged_into_id) : undefined;

  const reporterUser = event.reporter_user_id ? users.get(event.reporter_user_id) : undefined;
  const callerName = event.reporter_name_enc ? ctx.pii.decrypt(event.reporter_name_enc) : null;
  const callerPhone = event.reporter_phone_enc ? ctx.pii.decrypt(event.reporter_phone_enc) : null;
  const reporterKind = event.reporter_token_id ? 'open311' : event.channel === 'resident_app' ? 'resident' : callerName || callerPhone ? 'caller' : 'staff';
  const reporter = {
    kind: reporterKind,
    name: maskName(callerName ?? personalName(reporterUser?.display_name)),
    phone: maskPhone(callerPhone),
    isMe: event.reporter_user_id === actor.userId,
  };

  const assigneeUser = view === 'reporter' ? undefined : users.get(event.assignee_user_id ?? '');
  const summary = presentSummary(event, category ? { name: category.name, code: category.code } : null, nodes.get(event.org_node_id)?.name ?? null, now, {
    node: new Map([...nodes].map(([id, n]) => [id, n.name])),
    department: new Map(department ? [[department.code, department.name]] : []),
    user: new Map(assigneeUser ? [[assigneeUser.id, assigneeUser.display_name]] : []),
  });
  const steps = history.map((s) => ({
    entry: 'step' as const,
    version: s.version as number | null,
    transition: s.transition,
    label: s.transition === 'start' ? { 'zh-CN': '上报', en: 'Reported' } : labelOf(s.transition),
    fromState: s.fromState,
    toState: s.toState,
    toLabel: stateLabel(s.toState),
    actorName: view === 'reporter' ? null : s.actorName,
    actorRole: s.actorRole,
    actorRoleLabel: s.actorRole && s.actorRole in ROLE_LABELS ? ROLE_LABELS[s.actorRole as Role] : null,
    comment: s.comment,
    at: s.at,
    rating: typeof s.data?.rating === 'string' ? s.data.rating : null,
    extensionHours: typeof s.data?.extensionHours === 'number' ? s.data.extensionHours : null,
    attachmentIds: Array.isArray(s.data?.attachmentIds) ? (s.data.attachmentIds as string[]) : s.transition === 'start' ? photos.filter((p) => p.step === 'report').map((p) => p.id) : [],
    link: null as { kind: string; id: string; label: string; href: string | null } | null,
  }));
  // Linked records other modules wrote (events.notes.ts): staff read them all; the reporter
  // only those written with a text for them, without who wrote them or the console link.
  const noteEntries = notes
    .filter((n) => view === 'staff' || n.reporter_text !== null)
    .map((n) => ({
      entry: 'note' as const,
      version: null,
      transition: 'note',
      label: { 'zh-CN': n.title_zh, en: n.title_en },
      fromState: n.event_state,
      toState: n.event_state,
      toLabel: stateLabel(n.event_state),
      actorName: view === 'reporter' ? null : n.actor_name,
      actorRole: n.actor_role,
      actorRoleLabel: n.actor_role && n.actor_role in ROLE_LABELS ? ROLE_LABELS[n.actor_role as Role] : null,
      comment: view === 'reporter' ? n.reporter_text : n.text,
      at: n.created_at,
      rating: null,
      extensionHours: null,
      attachmentIds: [] as string[],
      link: { kind: n.kind, id: n.record_id, label: n.label, href: view === 'reporter' ? null : n.link },
    }));
  // In time order; a note written at the instant of a step comes after it.
  const timeline = [...steps, ...noteEntries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.entry === b.entry ? 0 : a.entry === 'step' ? -1 : 1));
  const transitions = instance && !TERMINAL.has(instance.state) ? await stepsFor(ctx, actor, event, instance) : [];
  const assigneeNode = event.assignee_node_id ? nodes.get(event.assignee_node_id) : undefined;
  return {
    ...summary,
    description: event.description,
    attributes: parseJson<Record<string, string | string[]>>(event.attributes, {}),
    attributeDefinitions: category ? attributesOf(category) : [],
    addressNodeId: event.address_node_id,
    addressNodeName: event.address_node_id ? (nodes.get(event.address_node_id)?.name ?? null) : null,
    reporter,
    assignee: event.assignee_node_id
      ? {
          nodeId: event.assignee_node_id,
          nodeName: assigneeNode?.name ?? null,
          departmentCode: event.assignee_department_code,
          departmentName: department?.name ?? null,
          userId: view === 'reporter' ? null : event.assignee_user_id,
          userName: view === 'reporter' ? null : (users.get(event.assignee_user_id ?? '')?.display_name ?? null),
        }
      : null,
    photos: photos.map((p) => ({ id: p.id, mime: p.mime, name: p.original_name, step: p.step, createdAt: p.created_at, url: `/api/v1/files/${p.id}` })),
    timeline,
    transitions,
    mergedInto: merged ? { id: merged.id, code: merged.code } : null,
    promotedFrom: view === 'reporter' ? null : event.promoted_from,
    patrolId: view === 'reporter' ? null : event.patrol_id,
    facts: {
      acceptedAt: event.accepted_at,
      firstDispatchedAt: event.first_dispatched_at,
      handlingStartedAt: event.handling_started_at,
      handledAt: event.handled_at,
      closedAt: event.closed_at,
      closeDueAt: event.close_due_at,
      closedOnTime: event.closed_on_time === null ? null : Number(event.closed_on_time) === 1,
      dispatchCount: Number(event.dispatch_count),
      returnCount: Number(event.return_count),
      handlingCount: Number(event.handling_count),
      reworkCount: Number(event.rework_count),
      extensionCount: Number(event.extension_count),
      suspended: Number(event.suspended) === 1,
      escalatedAt: event.escalated_at,
      ratedAt: event.rated_at,
      ratingComment: event.rating_comment,
    },
  };
}

export type EventDetail = Awaited<ReturnType<typeof getEventDetail>>;

/** States shown on the public map (a withdrawn, merged or voided report is not a case). */
const PUBLIC_STATES: EventState[] = ['reported', 'accepted', 'dispatched', 'handling', 'extension_requested', 'suspended', 'checking', 'closed', 'rated', 'void_requested'];

/**
 * 在线实时监督: anonymised events of public categories. Only the category, state, grid, a
 * point rounded to about 100 m (or the grid's centre), dates and the title with numbers masked;
 * never the description, the reporter, the address or the handlers.
 */
export async function listPublicEvents(ctx: PlatformContext, query: { orgNodeId?: string; days: number; limit: number }) {
  const db = ctx.db.kysely;
  let subtree: string | undefined;
  if (query.orgNodeId) {
    const node = await repo.getNode(db, query.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    subtree = node.path;
  }
  const now = ctx.now();
  const from = new Date(now.getTime() - query.days * 86_400_000).toISOString();
  const rows = await repo.listPublicEvents(db, { subtree, from, limit: query.limit, states: PUBLIC_STATES });
  return {
    items: rows.map((r) => {
      const point = r.lat !== null && r.lng !== null ? { lat: Number(r.lat), lng: Number(r.lng) } : centreOf(parseJson<Geometry>(r.org_node_geometry, { type: 'none' }));
      return {
        code: r.code,
        title: maskSensitiveText(r.title),
        categoryCode: r.category_code,
        categoryName: r.category_name,
        state: r.state,
        stateLabel: stateLabel(r.state),
        closed: r.state === 'closed' || r.state === 'rated',
        gridId: r.org_node_id,
        gridName: r.org_node_name,
        lat: coarse(point?.lat ?? null),
        lng: coarse(point?.lng ?? null),
        reportedOn: chinaDate(r.created_at),
        closedOn: r.closed_at ? chinaDate(r.closed_at) : null,
      };
    }),
  };
}

/**
 * Outlines of communities and grids for the public map and the resident's map picker (from the
 * polygon cache the locator keeps): id, name, kind, the node above and the shape; nothing else.
 * A community whose grids are drawn but which has no outline of its own comes with a null shape,
 * so its grids can still be grouped and named under it.
 */
export async function listPublicAreas(ctx: PlatformContext, query: { communityId?: string }) {
  const all = (await polygons(ctx)).filter((p) => p.geometry.type === 'Polygon' || p.geometry.type === 'MultiPolygon');
  const grids = all.filter((p) => p.kind === 'grid');
  const outlined = new Map(all.filter((p) => p.kind === 'community').map((p) => [p.id, p]));
  let communities = (await repo.listCommunities(ctx.db.kysely)).filter((c) => outlined.has(c.id) || grids.some((g) => g.path.startsWith(c.path)));
  if (query.communityId) {
    communities = communities.filter((c) => c.id === query.communityId);
    if (communities.length === 0) throw notFound('NOT_FOUND');
  }
  const parentOf = (path: string) => {
    const ids = path.split('/').filter(Boolean);
    return ids.length > 1 ? ids[ids.length - 2]! : null;
  };
  // By name in code-point order (第一 before 第二, the same on every machine).
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    items: [
      ...communities.sort(byName).map((c) => ({ id: c.id, name: c.name, kind: 'community' as const, parentId: parentOf(c.path), geometry: (outlined.get(c.id)?.geometry ?? null) as never })),
      ...grids
        .filter((g) => communities.some((c) => g.path.startsWith(c.path)))
        .sort(byName)
        .map((g) => ({ id: g.id, name: g.name, kind: 'grid' as const, parentId: parentOf(g.path), geometry: g.geometry as never })),
    ],
  };
}

// Photos of an event open for those who may read the event, its reporter and its handlers.
async function mayOpenEventFile(ctx: PlatformContext, actor: Actor, attachment: { id: string }): Promise<boolean> {
  const events = await repo.eventsOfAttachment(ctx.db.kysely, attachment.id);
  for (const e of events) {
    if (e.reporter_user_id === actor.userId || e.assignee_user_id === actor.userId) return true;
    if (canAt(actor, EVENT_READ, e.org_path)) return true;
    const full = await repo.getEvent(ctx.db.kysely, e.id);
    if (full && (await isAssignedHandler(ctx, actor, full, ['community_staff', 'grid_worker', 'department_officer']))) return true;
  }
  return false;
}
registerAttachmentAccess('event.photo', mayOpenEventFile);
registerAttachmentAccess('general', mayOpenEventFile);

export { TERMINAL as TERMINAL_STATES };

/** Units, departments and people the caller may dispatch to (the dispatch form's choices). */
export async function dispatchTargets(ctx: PlatformContext, actor: Actor) {
  const db = ctx.db.kysely;
  const dispatchRoles = (specOf('dispatch')?.roles ?? []) as readonly Role[];
  const paths = actor.grants.filter((g) => dispatchRoles.includes(g.role)).map((g) => g.orgPath);
  const subtrees = paths.filter((p) => !paths.some((o) => o !== p && p.startsWith(o)));
  const [units, departments, handlers] = await Promise.all([repo.listUnits(db, subtrees), categories.listDepartments(db), repo.listHandlers(db, subtrees)]);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, parentId: u.parent_id })),
    departments,
    handlers: handlers.map((h) => ({ userId: h.user_id, displayName: h.display_name, role: h.role, orgNodeId: h.org_node_id, departmentCode: h.department_code })),
  };
}
