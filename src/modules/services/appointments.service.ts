import { randomBytes } from 'node:crypto';
import type { PlatformContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { parseJson } from '../../platform/db/dialect.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { getWorkCalendar } from '../../platform/calendar/calendar.service.js';
import { isWorkingDay, parseOfficeHours } from '../../platform/calendar/working-time.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, hasPermission, scopePaths } from '../../platform/policy/actor.js';
import { APPOINTMENT_CHECK_IN, APPOINTMENT_HANDLE, APPOINTMENT_ON_BEHALF, APPOINTMENT_READ, WINDOW_MANAGE } from './appointments.policy.js';
import * as repo from './appointments.repository.js';
import { addDays, bjDate, bjDateTime, bjTime, daysBetween, slotLayout } from './appointments.slots.js';
import type { AppointmentStatus, WindowMatter } from './appointments.table.js';
import { MAX_SLOT_RANGE_DAYS } from './appointments.schema.js';
import './appointments.policy.js';

/**
 * 预约: windows, slots generated from office hours on working days, and bookings that can
 * never overbook a slot. The race-proof parts are in the database: a conditional UPDATE takes
 * a seat (repo.takeSeat), partial unique indexes allow one active booking per person per slot
 * and per matter. The checks before the transaction only give clearer messages.
 *
 * Lock order, everywhere, so PostgreSQL never deadlocks two of our own transactions: slot rows
 * (in id order), then the day's code counter, then appointment rows.
 */

/** Check-in opens this long before a slot starts… */
export const CHECK_IN_EARLY_MINUTES = 60;
/** …and closes this long after it ends; the no-show job marks what is still booked then. */
export const NO_SHOW_GRACE_MINUTES = 30;
/** Bookings one person may hold at once. */
export const MAX_ACTIVE_BOOKINGS = 3;
/** 爽约: this many no-shows within the window suspend online booking for the pause. */
export const NO_SHOW_LIMIT = 3;
export const NO_SHOW_WINDOW_DAYS = 90;
export const NO_SHOW_PAUSE_DAYS = 30;

const MINUTE = 60_000;
const DAY = 86_400_000;

export const STATUS_LABELS: Record<AppointmentStatus, { 'zh-CN': string; en: string }> = {
  booked: { 'zh-CN': '已预约', en: 'Booked' },
  checked_in: { 'zh-CN': '已签到', en: 'Checked in' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  no_show: { 'zh-CN': '爽约', en: 'No-show' },
};

addMessages({
  'error.APPOINTMENT_WINDOW_NOT_FOUND': { 'zh-CN': '办事窗口不存在', en: 'No such service window' },
  'error.APPOINTMENT_WINDOW_CODE_TAKEN': { 'zh-CN': '该社区已有编号为 {code} 的窗口', en: 'This community already has a window coded {code}' },
  'error.APPOINTMENT_WINDOW_INACTIVE': { 'zh-CN': '该窗口已停用，暂不接受预约', en: 'This window is closed and takes no bookings' },
  'error.APPOINTMENT_WINDOW_STALE': { 'zh-CN': '窗口信息已被他人修改，请刷新后重试', en: 'Someone else changed this window; reload and try again' },
  'error.APPOINTMENT_OUTSIDE_SCOPE': { 'zh-CN': '该窗口或居民不在您的管辖范围内', en: 'This window or resident is outside your area' },
  'error.APPOINTMENT_NODE_INVALID': { 'zh-CN': '窗口只能设在社区或街道', en: 'A window belongs to a community or a sub-district' },
  'error.APPOINTMENT_OFFICE_HOURS_INVALID': {
    'zh-CN': '办公时间格式应为 08:30-12:00,13:30-17:30（按时间先后，不重叠）',
    en: 'Office hours look like 08:30-12:00,13:30-17:30 (in order, not overlapping)',
  },
  'error.APPOINTMENT_RANGE_INVALID': {
    'zh-CN': '日期范围有误：结束日期不能早于开始日期，且最多 {max} 天',
    en: 'Bad date range: the end may not be before the start, and at most {max} days',
  },
  'error.APPOINTMENT_RANGE_PAST': { 'zh-CN': '不能为已经过去的日期生成时段', en: 'Slots cannot be generated for days already past' },
  'error.APPOINTMENT_SLOT_NOT_FOUND': { 'zh-CN': '预约时段不存在', en: 'No such time slot' },
  'error.APPOINTMENT_SLOT_FULL': { 'zh-CN': '该时段已约满，请选择其他时段', en: 'This time slot is fully booked; please choose another' },
  'error.APPOINTMENT_SLOT_CLOSED': { 'zh-CN': '该时段已停止预约，请选择其他时段', en: 'This time slot takes no more bookings; please choose another' },
  'error.APPOINTMENT_SLOT_PAST': { 'zh-CN': '该时段已开始或已结束，不能预约', en: 'This time slot has already started or ended' },
  'error.APPOINTMENT_TOO_FAR': { 'zh-CN': '最多只能预约 {days} 天内的时段', en: 'Slots can be booked at most {days} days ahead' },
  'error.APPOINTMENT_SLOT_CAPACITY_BELOW_BOOKED': {
    'zh-CN': '该时段已有 {booked} 人预约，名额不能少于已预约人数',
    en: '{booked} people have booked this slot; the seats cannot be fewer',
  },
  'error.APPOINTMENT_DUPLICATE_SLOT': { 'zh-CN': '已预约过这个时段，请勿重复预约', en: 'This time slot is already booked for this person' },
  'error.APPOINTMENT_DUPLICATE_MATTER': {
    'zh-CN': '已有一个「{matter}」的预约尚未办理，请勿重复预约（可以改约）',
    en: 'There is already an open booking for "{matter}"; change it instead of booking again',
  },
  'error.APPOINTMENT_TOO_MANY': { 'zh-CN': '同时最多保留 {max} 个未办理的预约', en: 'At most {max} open bookings at a time' },
  'error.APPOINTMENT_BLOCKED': {
    'zh-CN': '近 {days} 天内爽约 {count} 次，网上预约暂停至 {until}；如需办理，请直接到窗口或致电社区',
    en: '{count} missed appointments in {days} days: online booking is paused until {until}; come to the window or call the community',
  },
  'error.APPOINTMENT_MATTER_NOT_AT_WINDOW': { 'zh-CN': '该窗口不办理此事项：{matter}', en: 'This window does not handle this matter: {matter}' },
  'error.APPOINTMENT_NOT_FOUND': { 'zh-CN': '预约不存在', en: 'No such appointment' },
  'error.APPOINTMENT_ALREADY_CANCELLED': { 'zh-CN': '该预约已取消', en: 'This appointment was cancelled' },
  'error.APPOINTMENT_ALREADY_CHECKED_IN': { 'zh-CN': '该预约已于 {at} 签到', en: 'This appointment was checked in at {at}' },
  'error.APPOINTMENT_WAS_NO_SHOW': { 'zh-CN': '该预约已记为爽约', en: 'This appointment was recorded as a no-show' },
  'error.APPOINTMENT_STARTED': { 'zh-CN': '预约时段已开始，不能再改约或取消', en: 'The slot has started; the appointment can no longer be changed or cancelled' },
  'error.APPOINTMENT_CHANGE_SAME_SLOT': { 'zh-CN': '新时段与原时段相同', en: 'The new slot is the one already booked' },
  'error.APPOINTMENT_CHANGE_OTHER_WINDOW': { 'zh-CN': '只能改约同一窗口的其他时段', en: 'An appointment can only move to another slot of the same window' },
  'error.APPOINTMENT_CONFLICT': { 'zh-CN': '预约刚被更新，请刷新后重试', en: 'The appointment was just updated; reload and try again' },
  'error.APPOINTMENT_REASON_REQUIRED': { 'zh-CN': '请填写原因', en: 'Please give a reason' },
  'error.APPOINTMENT_CHECKIN_TOO_EARLY': { 'zh-CN': '还未到签到时间，请于 {from} 后签到', en: 'Too early to check in; check in after {from}' },
  'error.APPOINTMENT_CHECKIN_TOO_LATE': { 'zh-CN': '已超过签到时间（{until}），请重新预约', en: 'Check-in closed at {until}; please book again' },
  'error.APPOINTMENT_CHECKIN_KEY_REQUIRED': { 'zh-CN': '请扫描预约二维码或输入预约号（二选一）', en: 'Scan the booking QR code or type the booking number (one of them)' },
  'error.APPOINTMENT_PERSON_NOT_FOUND': { 'zh-CN': '居民不存在或不在您的管辖范围内', en: 'No such resident in your area' },
});

// ---------------------------------------------------------------- presenting

export interface WindowView {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  code: string;
  name: string;
  location: string;
  description: string | null;
  matters: WindowMatter[];
  officeHours: string;
  slotMinutes: number;
  capacity: number;
  bookAheadDays: number;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function presentWindow(w: repo.WindowRow, nodeName: string | null): WindowView {
  return {
    id: w.id,
    orgNodeId: w.org_node_id,
    orgNodeName: nodeName,
    code: w.code,
    name: w.name,
    location: w.location,
    description: w.description,
    matters: parseJson<WindowMatter[]>(w.matters, []),
    officeHours: w.office_hours,
    slotMinutes: w.slot_minutes,
    capacity: w.capacity,
    bookAheadDays: w.book_ahead_days,
    active: w.active === 1,
    version: w.version,
    createdAt: w.created_at,
    updatedAt: w.updated_at,
  };
}

function presentSlot(s: repo.SlotRow, now: Date) {
  const available = Math.max(0, s.capacity - s.booked);
  return {
    id: s.id,
    windowId: s.window_id,
    date: s.date,
    startsAt: s.starts_at,
    endsAt: s.ends_at,
    startTime: bjTime(s.starts_at),
    endTime: bjTime(s.ends_at),
    capacity: s.capacity,
    booked: s.booked,
    available,
    closed: s.closed === 1,
    closedReason: s.closed_reason,
    bookable: s.closed === 0 && available > 0 && s.starts_at > now.toISOString(),
  };
}

export const checkInPath = (token: string) => `/console/services/check-in?t=${token}`;

export type AppointmentView = ReturnType<typeof presentAppointment>;

function presentAppointment(
  a: repo.AppointmentRow,
  w: repo.WindowRow | undefined,
  now: Date,
  view: { owner: boolean; staff?: { bookedByName: string | null; checkedInByName: string | null } },
) {
  const open = a.status === 'booked' && a.slot_starts_at > now.toISOString();
  return {
    id: a.id,
    code: a.code,
    status: a.status,
    statusLabel: STATUS_LABELS[a.status]['zh-CN'],
    window: { id: a.window_id, code: w?.code ?? '', name: w?.name ?? '', location: w?.location ?? '' },
    slot: {
      id: a.slot_id,
      date: bjDate(new Date(a.slot_starts_at)),
      startsAt: a.slot_starts_at,
      endsAt: a.slot_ends_at,
      startTime: bjTime(a.slot_starts_at),
      endTime: bjTime(a.slot_ends_at),
    },
    holderName: a.holder_name,
    matterCode: a.matter_code,
    matterName: a.matter_name,
    note: a.note,
    onBehalf: a.on_behalf === 1,
    checkedInAt: a.checked_in_at,
    cancelledAt: a.cancelled_at,
    cancelReason: a.cancel_reason,
    noShowAt: a.no_show_at,
    changeCount: a.change_count,
    version: a.version,
    createdAt: a.created_at,
    canChange: open,
    canCancel: open,
    checkInPath: view.owner && a.status === 'booked' ? checkInPath(a.check_in_token) : null,
    staff: view.staff
      ? { personId: a.person_id, userId: a.user_id, bookedByName: view.staff.bookedByName, onBehalfReason: a.on_behalf_reason, checkedInByName: view.staff.checkedInByName }
      : null,
  };
}

async function presentMany(ctx: PlatformContext, rows: repo.AppointmentRow[], view: 'owner' | 'staff') {
  const db = ctx.db.kysely;
  const windows = new Map((await repo.getWindowsByIds(db, [...new Set(rows.map((r) => r.window_id))])).map((w) => [w.id, w]));
  const users =
    view === 'staff'
      ? new Map((await repo.getUsers(db, rows.flatMap((r) => [r.booked_by_user_id, r.checked_in_by].filter((x): x is string => !!x)))).map((u) => [u.id, u.display_name]))
      : new Map<string, string>();
  const now = ctx.now();
  return rows.map((r) =>
    presentAppointment(r, windows.get(r.window_id), now, {
      owner: view === 'owner',
      staff: view === 'staff' ? { bookedByName: users.get(r.booked_by_user_id) ?? null, checkedInByName: r.checked_in_by ? (users.get(r.checked_in_by) ?? null) : null } : undefined,
    }),
  );
}

// ---------------------------------------------------------------- windows

const audit = (ctx: PlatformContext, actor: Actor | null, action: string, target: { type: string; id: string; nodeId?: string }, meta: RequestMeta, details: Record<string, unknown>, trx?: Executor) =>
  appendAudit(
    ctx.db,
    {
      actorId: actor?.userId ?? null,
      actorName: actor?.username ?? 'system',
      action,
      targetType: target.type,
      targetId: target.id,
      orgNodeId: target.nodeId ?? null,
      ip: meta.ip,
      requestId: meta.requestId,
      details,
    },
    trx,
  );

export async function createWindow(
  ctx: PlatformContext,
  actor: Actor,
  input: { orgNodeId: string; code: string; name: string; location: string; description?: string; matters: WindowMatter[]; officeHours: string; slotMinutes: number; capacity: number; bookAheadDays: number },
  meta: RequestMeta,
): Promise<WindowView> {
  const db = ctx.db.kysely;
  const node = await repo.getNode(db, input.orgNodeId);
  if (!node || node.ended_at) throw notFound('NOT_FOUND');
  if (!canAt(actor, WINDOW_MANAGE, node.path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  if (!['community', 'street'].includes(node.kind)) throw badRequest('APPOINTMENT_NODE_INVALID');
  const at = ctx.now().toISOString();
  const row: repo.WindowRow = {
    id: newId(),
    org_node_id: node.id,
    org_path: node.path,
    code: input.code,
    name: input.name,
    location: input.location,
    description: input.description ?? null,
    matters: JSON.stringify(dedupeMatters(input.matters)),
    office_hours: normaliseOfficeHours(input.officeHours),
    slot_minutes: input.slotMinutes,
    capacity: input.capacity,
    book_ahead_days: input.bookAheadDays,
    active: 1,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertWindow(trx, row);
      await audit(ctx, actor, 'services.window.create', { type: 'service_window', id: row.id, nodeId: node.id }, meta, { code: row.code, name: row.name }, trx);
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw conflict('APPOINTMENT_WINDOW_CODE_TAKEN', { code: input.code });
    throw e;
  }
  await generateSlots(ctx, row.id, bjDate(ctx.now()), addDays(bjDate(ctx.now()), row.book_ahead_days), actor, meta);
  return presentWindow(row, node.name);
}

function dedupeMatters(list: WindowMatter[]): WindowMatter[] {
  const seen = new Set<string>();
  return list.filter((m) => (seen.has(m.code) ? false : (seen.add(m.code), true)));
}

function normaliseOfficeHours(text: string): string {
  const hours = parseOfficeHours(text);
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return hours.periods.map((p) => `${hhmm(p.start)}-${hhmm(p.end)}`).join(',');
}

async function windowOr404(ctx: PlatformContext, id: string) {
  const w = await repo.getWindow(ctx.db.kysely, id);
  if (!w) throw notFound('APPOINTMENT_WINDOW_NOT_FOUND');
  return w;
}

export async function updateWindow(
  ctx: PlatformContext,
  actor: Actor,
  id: string,
  input: {
    expectedVersion: number;
    name?: string;
    location?: string;
    description?: string | null;
    matters?: WindowMatter[];
    officeHours?: string;
    slotMinutes?: number;
    capacity?: number;
    bookAheadDays?: number;
    active?: boolean;
  },
  meta: RequestMeta,
): Promise<WindowView> {
  const db = ctx.db.kysely;
  const w = await windowOr404(ctx, id);
  if (!canAt(actor, WINDOW_MANAGE, w.org_path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  const at = ctx.now().toISOString();
  const patch: Partial<repo.WindowRow> = { updated_at: at };
  if (input.name !== undefined) patch.name = input.name;
  if (input.location !== undefined) patch.location = input.location;
  if (input.description !== undefined) patch.description = input.description;
  if (input.matters !== undefined) patch.matters = JSON.stringify(dedupeMatters(input.matters));
  if (input.officeHours !== undefined) patch.office_hours = normaliseOfficeHours(input.officeHours);
  if (input.slotMinutes !== undefined) patch.slot_minutes = input.slotMinutes;
  if (input.capacity !== undefined) patch.capacity = input.capacity;
  if (input.bookAheadDays !== undefined) patch.book_ahead_days = input.bookAheadDays;
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    if ((await repo.updateWindow(trx, id, input.expectedVersion, patch)) === 0) throw conflict('APPOINTMENT_WINDOW_STALE');
    if (input.capacity !== undefined && input.capacity !== w.capacity) await repo.resizeFutureSlots(trx, id, input.capacity, at, at);
    const changed = Object.keys(patch).filter((k) => k !== 'updated_at');
    await audit(ctx, actor, 'services.window.update', { type: 'service_window', id, nodeId: w.org_node_id }, meta, { changed }, trx);
  });
  const after = (await repo.getWindow(db, id))!;
  if (after.active === 1) await generateSlots(ctx, id, bjDate(ctx.now()), addDays(bjDate(ctx.now()), after.book_ahead_days), actor, meta);
  const node = await repo.getNode(db, after.org_node_id);
  return presentWindow(after, node?.name ?? null);
}

/** Active windows for everyone; inactive ones too for staff who manage them. */
export async function listWindows(ctx: PlatformContext, actor: Actor, query: { orgNodeId?: string; includeInactive?: boolean }) {
  const db = ctx.db.kysely;
  let underPath: string | undefined;
  if (query.orgNodeId) {
    const node = await repo.getNode(db, query.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    underPath = node.path;
  }
  let rows = await repo.listWindows(db, { underPath, activeOnly: !query.includeInactive });
  if (query.includeInactive) {
    if (!hasPermission(actor, WINDOW_MANAGE)) throw forbidden();
    rows = rows.filter((w) => w.active === 1 || canAt(actor, WINDOW_MANAGE, w.org_path));
  }
  const names = new Map((await repo.getNodeNames(db, rows.map((w) => w.org_node_id))).map((n) => [n.id, n.name]));
  return { items: rows.map((w) => presentWindow(w, names.get(w.org_node_id) ?? null)) };
}

export async function getWindowView(ctx: PlatformContext, actor: Actor, id: string): Promise<WindowView> {
  const w = await windowOr404(ctx, id);
  if (w.active === 0 && !canAt(actor, WINDOW_MANAGE, w.org_path)) throw notFound('APPOINTMENT_WINDOW_NOT_FOUND');
  const node = await repo.getNode(ctx.db.kysely, w.org_node_id);
  return presentWindow(w, node?.name ?? null);
}

// ---------------------------------------------------------------- slots

function checkRange(from: string, to: string) {
  const days = daysBetween(from, to);
  if (days < 0 || days >= MAX_SLOT_RANGE_DAYS) throw badRequest('APPOINTMENT_RANGE_INVALID', { max: MAX_SLOT_RANGE_DAYS });
}

/**
 * Lays out a window's slots from `from` to `to` on the working-day calendar. Only days with no
 * slot yet are laid out, so a change of hours or slot length applies to new days and never
 * overlaps slots people may have booked. Days in the range that are no longer working days
 * (a holiday added after generation) have their slots closed to new bookings; bookings already
 * made stay and are counted for staff to call. Idempotent: the job runs it every hour.
 */
export async function generateSlots(ctx: PlatformContext, windowId: string, from: string, to: string, actor: Actor | null = null, meta: RequestMeta = {}) {
  checkRange(from, to);
  const db = ctx.db.kysely;
  const w = await windowOr404(ctx, windowId);
  const cal = await getWorkCalendar(ctx);
  const at = ctx.now().toISOString();
  const existingDates = new Set(
    (await db.selectFrom('appointment_slot').select('date').distinct().where('window_id', '=', windowId).where('date', '>=', from).where('date', '<=', to).execute()).map((r) => r.date),
  );
  const layout = slotLayout(cal, parseOfficeHours(w.office_hours), w.slot_minutes, from, to).filter((s) => !existingDates.has(s.date));
  const rows: repo.SlotRow[] = layout.map((s) => ({
    id: newId(),
    window_id: w.id,
    date: s.date,
    starts_at: s.startsAt.toISOString(),
    ends_at: s.endsAt.toISOString(),
    capacity: w.capacity,
    booked: 0,
    closed: 0,
    closed_reason: null,
    created_at: at,
    updated_at: at,
  }));
  const offDays = [...existingDates].filter((d) => !isWorkingDay(cal, d));
  return db.transaction().execute(async (trx) => {
    const created = await repo.insertSlots(trx, rows);
    const open = await repo.openSlotsOnDates(trx, w.id, offDays);
    await repo.setSlotClosed(trx, open.map((s) => s.id), true, '非工作日', at);
    const bookedOnNonWorkingDays = open.filter((s) => s.booked > 0).length;
    if (actor || created > 0 || open.length > 0) {
      await audit(ctx, actor, 'services.slots.generate', { type: 'service_window', id: w.id, nodeId: w.org_node_id }, meta, { from, to, created, closed: open.length, bookedOnNonWorkingDays }, trx);
    }
    return { windowId: w.id, from, to, created, closed: open.length, bookedOnNonWorkingDays };
  });
}

/** The job: every active window has its slots laid out for its whole booking horizon. */
export async function ensureSlotsAhead(ctx: PlatformContext): Promise<number> {
  const today = bjDate(ctx.now());
  let created = 0;
  for (const w of await repo.activeWindows(ctx.db.kysely)) {
    created += (await generateSlots(ctx, w.id, today, addDays(today, w.book_ahead_days))).created;
  }
  return created;
}

export async function listSlots(ctx: PlatformContext, actor: Actor, query: { windowId: string; from?: string; to?: string; available?: boolean }) {
  const w = await windowOr404(ctx, query.windowId);
  if (w.active === 0 && !canAt(actor, WINDOW_MANAGE, w.org_path)) throw notFound('APPOINTMENT_WINDOW_NOT_FOUND');
  const now = ctx.now();
  const from = query.from ?? bjDate(now);
  const to = query.to ?? addDays(bjDate(now), w.book_ahead_days);
  checkRange(from, to);
  let items = (await repo.listSlots(ctx.db.kysely, w.id, from, to)).map((s) => presentSlot(s, now));
  if (query.available) items = items.filter((s) => s.bookable);
  return { windowId: w.id, from, to, items };
}

export async function updateSlot(ctx: PlatformContext, actor: Actor, id: string, input: { capacity?: number; closed?: boolean; closedReason?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const slot = await repo.getSlot(db, id);
  if (!slot) throw notFound('APPOINTMENT_SLOT_NOT_FOUND');
  const w = await windowOr404(ctx, slot.window_id);
  if (!canAt(actor, WINDOW_MANAGE, w.org_path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if (input.capacity !== undefined && (await repo.setSlotCapacity(trx, id, input.capacity, at)) === 0) {
      const now = await repo.getSlot(trx, id);
      throw conflict('APPOINTMENT_SLOT_CAPACITY_BELOW_BOOKED', { booked: now?.booked ?? slot.booked });
    }
    if (input.closed !== undefined) await repo.setSlotClosed(trx, [id], input.closed, input.closed ? (input.closedReason ?? '窗口临时调整') : null, at);
    await audit(ctx, actor, 'services.slot.update', { type: 'appointment_slot', id, nodeId: w.org_node_id }, meta, { capacity: input.capacity, closed: input.closed, reason: input.closedReason }, trx);
  });
  return presentSlot((await repo.getSlot(db, id))!, ctx.now());
}

// ---------------------------------------------------------------- booking

interface Holder {
  key: string;
  userId: string | null;
  personId: string | null;
  name: string;
}

/** The last word of a display name (`居民 朱志强` → 朱志强). */
function personalName(displayName: string): string {
  const parts = displayName.trim().split(/\s+/);
  return parts[parts.length - 1] ?? displayName;
}

async function holderOf(ctx: PlatformContext, actor: Actor): Promise<Holder> {
  if (actor.personId) {
    const person = await repo.getPerson(ctx.db.kysely, actor.personId);
    if (person) return { key: person.id, userId: actor.userId, personId: person.id, name: person.name };
  }
  return { key: `u:${actor.userId}`, userId: actor.userId, personId: null, name: personalName(actor.displayName) };
}

function resolveMatter(w: repo.WindowRow, code: string | undefined): WindowMatter | null {
  if (!code) return null;
  const matters = parseJson<WindowMatter[]>(w.matters, []);
  if (matters.length === 0) return { code, name: code };
  const m = matters.find((x) => x.code === code);
  if (!m) throw badRequest('APPOINTMENT_MATTER_NOT_AT_WINDOW', { matter: code });
  return m;
}

/** Postgres gave up one of two transactions that waited on each other: the caller may retry. */
function isRetryable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

function duplicateError(e: unknown, matter: WindowMatter | null): AppError {
  return repo.violatedIndex(e).includes('matter') ? conflict('APPOINTMENT_DUPLICATE_MATTER', { matter: matter?.name ?? '' }) : conflict('APPOINTMENT_DUPLICATE_SLOT');
}

async function checkNotBlocked(ctx: PlatformContext, holderKey: string) {
  const now = ctx.now();
  const since = new Date(now.getTime() - NO_SHOW_WINDOW_DAYS * DAY).toISOString();
  const misses = await repo.noShowsSince(ctx.db.kysely, holderKey, since);
  if (misses.length < NO_SHOW_LIMIT) return;
  const latest = misses[0]!.no_show_at ?? since;
  const until = new Date(Date.parse(latest) + NO_SHOW_PAUSE_DAYS * DAY);
  if (until > now) throw forbidden('APPOINTMENT_BLOCKED', { days: NO_SHOW_WINDOW_DAYS, count: misses.length, until: bjDateTime(until) });
}

async function accountsOfPerson(db: Executor, personId: string): Promise<string[]> {
  return (await db.selectFrom('app_user').select('id').where('person_id', '=', personId).where('disabled', '=', 0).execute()).map((u) => u.id);
}

async function book(
  ctx: PlatformContext,
  actor: Actor,
  holder: Holder,
  input: { slotId: string; matterCode?: string; note?: string },
  meta: RequestMeta,
  onBehalf: { reason: string } | null,
  checkWindow?: (w: repo.WindowRow) => void,
): Promise<AppointmentView> {
  const db = ctx.db.kysely;
  const now = ctx.now();
  const at = now.toISOString();
  const slot = await repo.getSlot(db, input.slotId);
  if (!slot) throw notFound('APPOINTMENT_SLOT_NOT_FOUND');
  const w = await windowOr404(ctx, slot.window_id);
  checkWindow?.(w);
  if (w.active === 0) throw conflict('APPOINTMENT_WINDOW_INACTIVE');
  if (slot.starts_at <= at) throw conflict('APPOINTMENT_SLOT_PAST');
  if (slot.closed === 1) throw conflict('APPOINTMENT_SLOT_CLOSED');
  if (!onBehalf && slot.date > addDays(bjDate(now), w.book_ahead_days)) throw conflict('APPOINTMENT_TOO_FAR', { days: w.book_ahead_days });
  const matter = resolveMatter(w, input.matterCode);
  // Staff booking for someone may override a no-show pause (they know the person).
  if (!onBehalf) await checkNotBlocked(ctx, holder.key);
  const dup = await repo.activeDuplicate(db, holder.key, slot.id, matter?.code ?? null);
  if (dup) throw dup.slot_id === slot.id ? conflict('APPOINTMENT_DUPLICATE_SLOT') : conflict('APPOINTMENT_DUPLICATE_MATTER', { matter: dup.matter_name ?? matter?.name ?? '' });
  if ((await repo.countActive(db, holder.key)) >= MAX_ACTIVE_BOOKINGS) throw conflict('APPOINTMENT_TOO_MANY', { max: MAX_ACTIVE_BOOKINGS });

  const row: repo.AppointmentRow = {
    id: newId(),
    code: '',
    window_id: w.id,
    slot_id: slot.id,
    org_node_id: w.org_node_id,
    org_path: w.org_path,
    slot_starts_at: slot.starts_at,
    slot_ends_at: slot.ends_at,
    holder_key: holder.key,
    user_id: holder.userId,
    person_id: holder.personId,
    holder_name: holder.name,
    booked_by_user_id: actor.userId,
    on_behalf: onBehalf ? 1 : 0,
    on_behalf_reason: onBehalf?.reason ?? null,
    matter_code: matter?.code ?? null,
    matter_name: matter?.name ?? null,
    note: input.note ?? null,
    status: 'booked',
    check_in_token: randomBytes(18).toString('base64url'),
    checked_in_at: null,
    checked_in_by: null,
    cancelled_at: null,
    cancelled_by: null,
    cancel_reason: null,
    no_show_at: null,
    change_count: 0,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const recipients = holder.personId ? await accountsOfPerson(db, holder.personId) : holder.userId ? [holder.userId] : [];
  try {
    await db.transaction().execute(async (trx) => {
      if ((await repo.takeSeat(trx, slot.id, at)) === 0) {
        const s = await repo.getSlot(trx, slot.id);
        throw conflict(s?.closed === 1 ? 'APPOINTMENT_SLOT_CLOSED' : 'APPOINTMENT_SLOT_FULL');
      }
      const day = bjDate(now).replace(/-/g, '');
      row.code = `YY${day}-${String(await repo.nextCodeSeq(trx, day)).padStart(4, '0')}`;
      await repo.insertAppointment(trx, row);
      await audit(
        ctx,
        actor,
        'services.appointment.book',
        { type: 'appointment', id: row.id, nodeId: w.org_node_id },
        meta,
        { code: row.code, window: w.code, slot: slot.starts_at, matter: row.matter_code, onBehalf: !!onBehalf, reason: onBehalf?.reason },
        trx,
      );
      await notify(trx, {
        recipients,
        kind: 'services.appointment.booked',
        title: `预约成功：${w.name}`,
        body: `${slot.date} ${bjTime(slot.starts_at)}–${bjTime(slot.ends_at)}，${w.location}。预约号 ${row.code}，到窗口请出示预约二维码。`,
        link: `/m/me/appointments/${row.id}`,
        at: now,
      });
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw duplicateError(e, matter);
    if (isRetryable(e)) throw conflict('APPOINTMENT_CONFLICT');
    throw e;
  }
  const [view] = await presentMany(ctx, [row], onBehalf ? 'staff' : 'owner');
  return view!;
}

/** A resident books for themselves. */
export async function bookOwn(ctx: PlatformContext, actor: Actor, input: { slotId: string; matterCode?: string; note?: string }, meta: RequestMeta) {
  return book(ctx, actor, await holderOf(ctx, actor), input, meta, null);
}

/** 代预约: staff book for a registry person of their subtree, at a window of the person's community or of the staff's own area. */
export async function bookOnBehalf(
  ctx: PlatformContext,
  actor: Actor,
  input: { slotId: string; personId: string; reason: string; matterCode?: string; note?: string },
  meta: RequestMeta,
) {
  const person = await repo.getPerson(ctx.db.kysely, input.personId);
  if (!person || person.status !== 'active' || !canAt(actor, APPOINTMENT_ON_BEHALF, person.org_path)) throw notFound('APPOINTMENT_PERSON_NOT_FOUND');
  const holder: Holder = { key: person.id, userId: null, personId: person.id, name: person.name };
  return book(ctx, actor, holder, input, meta, { reason: input.reason }, (w) => {
    if (!person.org_path.startsWith(w.org_path) && !canAt(actor, APPOINTMENT_ON_BEHALF, w.org_path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  });
}

function isHolder(actor: Actor, a: repo.AppointmentRow): boolean {
  return a.user_id === actor.userId || (!!actor.personId && a.person_id === actor.personId);
}

function notActive(a: repo.AppointmentRow): AppError {
  if (a.status === 'cancelled') return conflict('APPOINTMENT_ALREADY_CANCELLED');
  if (a.status === 'checked_in') return conflict('APPOINTMENT_ALREADY_CHECKED_IN', { at: a.checked_in_at ? bjDateTime(a.checked_in_at) : '' });
  return conflict('APPOINTMENT_WAS_NO_SHOW');
}

type As = 'holder' | 'staff';

/** The booking, if the caller may act on it as holder or as staff (404 otherwise: no probing). */
async function loadForAction(ctx: PlatformContext, actor: Actor, id: string, as: As, permission = APPOINTMENT_HANDLE) {
  const a = await repo.getAppointment(ctx.db.kysely, id);
  if (!a) throw notFound('APPOINTMENT_NOT_FOUND');
  if (as === 'holder' ? !isHolder(actor, a) : !canAt(actor, permission, a.org_path)) throw notFound('APPOINTMENT_NOT_FOUND');
  return a;
}

/** 改约: to another slot of the same window, before the booked slot starts. */
export async function changeAppointment(ctx: PlatformContext, actor: Actor, id: string, input: { slotId: string; expectedVersion?: number }, meta: RequestMeta, as: As) {
  const db = ctx.db.kysely;
  const a = await loadForAction(ctx, actor, id, as);
  const now = ctx.now();
  const at = now.toISOString();
  if (a.status !== 'booked') throw notActive(a);
  if (input.expectedVersion !== undefined && input.expectedVersion !== a.version) throw conflict('APPOINTMENT_CONFLICT');
  if (a.slot_starts_at <= at) throw conflict('APPOINTMENT_STARTED');
  if (input.slotId === a.slot_id) throw badRequest('APPOINTMENT_CHANGE_SAME_SLOT');
  const slot = await repo.getSlot(db, input.slotId);
  if (!slot) throw notFound('APPOINTMENT_SLOT_NOT_FOUND');
  if (slot.window_id !== a.window_id) throw badRequest('APPOINTMENT_CHANGE_OTHER_WINDOW');
  const w = await windowOr404(ctx, a.window_id);
  if (w.active === 0) throw conflict('APPOINTMENT_WINDOW_INACTIVE');
  if (slot.starts_at <= at) throw conflict('APPOINTMENT_SLOT_PAST');
  if (slot.closed === 1) throw conflict('APPOINTMENT_SLOT_CLOSED');
  if (as === 'holder' && slot.date > addDays(bjDate(now), w.book_ahead_days)) throw conflict('APPOINTMENT_TOO_FAR', { days: w.book_ahead_days });
  const recipients = as === 'staff' ? await recipientsOf(db, a) : [];
  try {
    await db.transaction().execute(async (trx) => {
      // Slots in id order (see the lock order above).
      const take = async () => {
        if ((await repo.takeSeat(trx, slot.id, at)) === 0) {
          const s = await repo.getSlot(trx, slot.id);
          throw conflict(s?.closed === 1 ? 'APPOINTMENT_SLOT_CLOSED' : 'APPOINTMENT_SLOT_FULL');
        }
      };
      const release = () => repo.releaseSeat(trx, a.slot_id, at);
      if (slot.id < a.slot_id) {
        await take();
        await release();
      } else {
        await release();
        await take();
      }
      const moved = await repo.updateAppointmentIf(
        trx,
        a.id,
        { status: 'booked', version: a.version },
        { slot_id: slot.id, slot_starts_at: slot.starts_at, slot_ends_at: slot.ends_at, change_count: a.change_count + 1, updated_at: at },
      );
      if (moved === 0) throw conflict('APPOINTMENT_CONFLICT');
      await audit(ctx, actor, 'services.appointment.change', { type: 'appointment', id: a.id, nodeId: a.org_node_id }, meta, { code: a.code, from: a.slot_starts_at, to: slot.starts_at, by: as }, trx);
      await notify(trx, {
        recipients,
        kind: 'services.appointment.changed',
        title: `预约已改期：${w.name}`,
        body: `社区工作人员已将您的预约 ${a.code} 改到 ${slot.date} ${bjTime(slot.starts_at)}–${bjTime(slot.ends_at)}。`,
        link: `/m/me/appointments/${a.id}`,
        at: now,
      });
    });
  } catch (e) {
    if (repo.isUniqueViolation(e)) throw duplicateError(e, a.matter_name ? { code: a.matter_code ?? '', name: a.matter_name } : null);
    if (isRetryable(e)) throw conflict('APPOINTMENT_CONFLICT');
    throw e;
  }
  const [view] = await presentMany(ctx, [(await repo.getAppointment(db, a.id))!], as === 'holder' ? 'owner' : 'staff');
  return view!;
}

async function recipientsOf(db: Executor, a: repo.AppointmentRow): Promise<string[]> {
  const ids = a.person_id ? await accountsOfPerson(db, a.person_id) : [];
  if (a.user_id) ids.push(a.user_id);
  return [...new Set(ids)];
}

/** 取消: the holder before the slot starts; staff (with a reason) until it ends. Frees the seat. */
export async function cancelAppointment(ctx: PlatformContext, actor: Actor, id: string, input: { reason?: string; expectedVersion?: number }, meta: RequestMeta, as: As) {
  const db = ctx.db.kysely;
  const a = await loadForAction(ctx, actor, id, as);
  const now = ctx.now();
  const at = now.toISOString();
  if (a.status !== 'booked') throw notActive(a);
  if (input.expectedVersion !== undefined && input.expectedVersion !== a.version) throw conflict('APPOINTMENT_CONFLICT');
  if (as === 'staff' && !input.reason) throw badRequest('APPOINTMENT_REASON_REQUIRED');
  if ((as === 'holder' ? a.slot_starts_at : a.slot_ends_at) <= at) throw conflict('APPOINTMENT_STARTED');
  const w = await repo.getWindow(db, a.window_id);
  const recipients = as === 'staff' ? await recipientsOf(db, a) : [];
  try {
    await db.transaction().execute(async (trx) => {
      await repo.releaseSeat(trx, a.slot_id, at);
      const done = await repo.updateAppointmentIf(
        trx,
        a.id,
        { status: 'booked', version: a.version },
        { status: 'cancelled', cancelled_at: at, cancelled_by: actor.userId, cancel_reason: input.reason ?? null, updated_at: at },
      );
      if (done === 0) throw conflict('APPOINTMENT_CONFLICT');
      await audit(ctx, actor, 'services.appointment.cancel', { type: 'appointment', id: a.id, nodeId: a.org_node_id }, meta, { code: a.code, by: as, reason: input.reason ?? null }, trx);
      await notify(trx, {
        recipients,
        kind: 'services.appointment.cancelled',
        title: `预约已取消：${w?.name ?? ''}`,
        body: `您 ${bjDateTime(a.slot_starts_at)} 的预约 ${a.code} 已由社区取消，原因：${input.reason ?? ''}。如需办理请重新预约。`,
        link: `/m/me/appointments/${a.id}`,
        at: now,
      });
    });
  } catch (e) {
    if (isRetryable(e)) throw conflict('APPOINTMENT_CONFLICT');
    throw e;
  }
  const [view] = await presentMany(ctx, [(await repo.getAppointment(db, a.id))!], as === 'holder' ? 'owner' : 'staff');
  return view!;
}

/**
 * 签到: staff scan the booking's QR code (or type its number) at the window. Open from an
 * hour before the slot to half an hour after it; once, by staff holding check-in on the
 * window's area.
 */
export async function checkIn(ctx: PlatformContext, actor: Actor, key: { token: string } | { code: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const a = await repo.findAppointmentBy(db, key);
  if (!a) throw notFound('APPOINTMENT_NOT_FOUND');
  if (!canAt(actor, APPOINTMENT_CHECK_IN, a.org_path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  if (a.status !== 'booked') throw notActive(a);
  const now = ctx.now();
  const opens = new Date(Date.parse(a.slot_starts_at) - CHECK_IN_EARLY_MINUTES * MINUTE);
  const closes = new Date(Date.parse(a.slot_ends_at) + NO_SHOW_GRACE_MINUTES * MINUTE);
  if (now < opens) throw conflict('APPOINTMENT_CHECKIN_TOO_EARLY', { from: bjDateTime(opens) });
  if (now > closes) throw conflict('APPOINTMENT_CHECKIN_TOO_LATE', { until: bjDateTime(closes) });
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const done = await repo.updateAppointmentIf(trx, a.id, { status: 'booked' }, { status: 'checked_in', checked_in_at: at, checked_in_by: actor.userId, updated_at: at });
    if (done === 0) {
      const again = (await repo.getAppointment(trx, a.id))!;
      throw notActive(again);
    }
    await audit(ctx, actor, 'services.appointment.check-in', { type: 'appointment', id: a.id, nodeId: a.org_node_id }, meta, { code: a.code, via: 'token' in key ? 'qr' : 'code' }, trx);
  });
  const [view] = await presentMany(ctx, [(await repo.getAppointment(db, a.id))!], 'staff');
  return view!;
}

// ---------------------------------------------------------------- reading

const page = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

export async function listMyAppointments(ctx: PlatformContext, actor: Actor, query: { status?: AppointmentStatus; page: number; pageSize: number }) {
  const holder = await holderOf(ctx, actor);
  const { rows, total } = await repo.listAppointments(ctx.db.kysely, { userId: actor.userId, holderKey: holder.key, status: query.status }, page(query), 'desc');
  return { items: await presentMany(ctx, rows, 'owner'), total, page: query.page, pageSize: query.pageSize };
}

export async function getMyAppointment(ctx: PlatformContext, actor: Actor, id: string) {
  const a = await loadForAction(ctx, actor, id, 'holder');
  const [view] = await presentMany(ctx, [a], 'owner');
  return view!;
}

/** The raw token for the holder's QR code (never shown to anyone else). */
export async function myCheckInToken(ctx: PlatformContext, actor: Actor, id: string): Promise<string> {
  const a = await loadForAction(ctx, actor, id, 'holder');
  if (a.status !== 'booked') throw notActive(a);
  return a.check_in_token;
}

const localStartIso = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();

/** The day list at the window (staff): names of who comes, so each read is audited. */
export async function listAppointments(
  ctx: PlatformContext,
  actor: Actor,
  query: { windowId?: string; orgNodeId?: string; from?: string; to?: string; status?: AppointmentStatus; page: number; pageSize: number },
  meta: RequestMeta,
) {
  const db = ctx.db.kysely;
  const scopes = scopePaths(actor, APPOINTMENT_READ);
  let underPath: string | undefined;
  if (query.orgNodeId) {
    const node = await repo.getNode(db, query.orgNodeId);
    if (!node) throw notFound('NOT_FOUND');
    if (!scopes.some((p) => node.path.startsWith(p) || p.startsWith(node.path))) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
    underPath = node.path;
  }
  if (query.windowId) {
    const w = await windowOr404(ctx, query.windowId);
    if (!canAt(actor, APPOINTMENT_READ, w.org_path)) throw forbidden('APPOINTMENT_OUTSIDE_SCOPE');
  }
  const from = query.from ?? bjDate(ctx.now());
  const { rows, total } = await repo.listAppointments(
    db,
    {
      windowId: query.windowId,
      scopePaths: scopes,
      underPath,
      fromIso: localStartIso(from),
      toIso: query.to ? localStartIso(addDays(query.to, 1)) : undefined,
      status: query.status,
    },
    page(query),
  );
  await audit(ctx, actor, 'services.appointment.list', { type: 'appointment', id: query.windowId ?? query.orgNodeId ?? '*' }, meta, { from, to: query.to ?? null, status: query.status ?? null, count: rows.length });
  return { items: await presentMany(ctx, rows, 'staff'), total, page: query.page, pageSize: query.pageSize };
}

export async function getAppointmentForStaff(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const a = await loadForAction(ctx, actor, id, 'staff', APPOINTMENT_READ);
  await audit(ctx, actor, 'services.appointment.read', { type: 'appointment', id: a.id, nodeId: a.org_node_id }, meta, { code: a.code });
  const [view] = await presentMany(ctx, [a], 'staff');
  return view!;
}

// ---------------------------------------------------------------- no-shows

export const NO_SHOW_BATCH = 200;

/**
 * 爽约: bookings still `booked` half an hour after their slot ended. Each is claimed with a
 * conditional UPDATE in the transaction that tells the person, so two server processes never
 * mark or notify twice, and a crash marks nobody (the next run does).
 */
export async function markNoShows(ctx: PlatformContext, opts: { batchSize?: number } = {}): Promise<number> {
  const db = ctx.db.kysely;
  const batch = opts.batchSize ?? NO_SHOW_BATCH;
  const now = ctx.now();
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - NO_SHOW_GRACE_MINUTES * MINUTE).toISOString();
  let total = 0;
  for (;;) {
    const due = await repo.dueNoShows(db, cutoff, batch);
    if (due.length === 0) break;
    const windows = new Map((await repo.getWindowsByIds(db, [...new Set(due.map((d) => d.window_id))])).map((w) => [w.id, w]));
    const marked = await db.transaction().execute(async (trx) => {
      const codes: string[] = [];
      for (const a of due) {
        if ((await repo.updateAppointmentIf(trx, a.id, { status: 'booked' }, { status: 'no_show', no_show_at: at, updated_at: at })) === 0) continue;
        codes.push(a.code);
        await notify(trx, {
          recipients: await recipientsOf(trx, a),
          kind: 'services.appointment.no-show',
          title: '预约未到场',
          body: `您 ${bjDateTime(a.slot_starts_at)} 在${windows.get(a.window_id)?.name ?? '窗口'}的预约 ${a.code} 未签到，已记爽约一次。${NO_SHOW_WINDOW_DAYS} 天内爽约 ${NO_SHOW_LIMIT} 次将暂停网上预约 ${NO_SHOW_PAUSE_DAYS} 天；不能前来时请提前取消。`,
          link: `/m/me/appointments/${a.id}`,
          at: now,
        });
      }
      if (codes.length > 0) await audit(ctx, null, 'services.appointment.no-show', { type: 'appointment', id: '*' }, {}, { count: codes.length, codes }, trx);
      return codes.length;
    });
    total += marked;
    if (due.length < batch) break;
  }
  return total;
}
