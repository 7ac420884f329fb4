import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { AppointmentSlotTable, AppointmentStatus, AppointmentTable, ServiceWindowTable } from './appointments.table.js';
import './appointments.table.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of 预约. */

export type WindowRow = ServiceWindowTable;
export type SlotRow = AppointmentSlotTable;
export type AppointmentRow = AppointmentTable;

/** A unique index refused the row (both dialects' codes). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Which unique index refused it, when the driver says (PostgreSQL: constraint; SQLite: the columns in the message). */
export function violatedIndex(e: unknown): string {
  const err = e as { constraint?: string; message?: string };
  if (err.constraint) return err.constraint;
  const msg = err.message ?? '';
  if (msg.includes('appointment.matter_code')) return 'appointment_one_per_matter';
  if (msg.includes('appointment.slot_id')) return 'appointment_one_per_slot';
  return msg;
}

// ---------------------------------------------------------------- windows

export function insertWindow(db: Executor, row: WindowRow) {
  return db.insertInto('service_window').values(row).execute();
}

export function getWindow(db: Executor, id: string) {
  return db.selectFrom('service_window').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getWindowsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as WindowRow[]);
  return db.selectFrom('service_window').selectAll().where('id', 'in', ids).execute();
}

export function listWindows(db: Executor, filter: { underPath?: string; activeOnly: boolean }) {
  let q = db.selectFrom('service_window').selectAll();
  if (filter.underPath) q = q.where('org_path', '>=', filter.underPath).where('org_path', '<', prefixEnd(filter.underPath));
  if (filter.activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('org_path').orderBy('code').limit(500).execute();
}

export function activeWindows(db: Executor) {
  return db.selectFrom('service_window').selectAll().where('active', '=', 1).orderBy('id').execute();
}

/** Optimistic update: 0 when someone changed the window since `version`. */
export async function updateWindow(db: Executor, id: string, version: number, patch: Partial<WindowRow>): Promise<number> {
  const r = await db
    .updateTable('service_window')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------------------------------------------------------------- slots

/** Inserts the slots that do not exist yet (same window and start): generation is idempotent. */
export async function insertSlots(db: Executor, rows: SlotRow[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const r = await db
      .insertInto('appointment_slot')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['window_id', 'starts_at']).doNothing())
      .executeTakeFirst();
    created += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  return created;
}

export function getSlot(db: Executor, id: string) {
  return db.selectFrom('appointment_slot').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listSlots(db: Executor, windowId: string, from: string, to: string) {
  return db
    .selectFrom('appointment_slot')
    .selectAll()
    .where('window_id', '=', windowId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('starts_at')
    .execute();
}

/** Open slots of a window on the given dates: what to close when a day stops being a working day. */
export function openSlotsOnDates(db: Executor, windowId: string, dates: string[]) {
  if (dates.length === 0) return Promise.resolve([] as SlotRow[]);
  return db.selectFrom('appointment_slot').selectAll().where('window_id', '=', windowId).where('date', 'in', dates).where('closed', '=', 0).execute();
}

/**
 * Takes a seat: one conditional UPDATE, so under any number of concurrent bookings the count
 * never passes the capacity (PostgreSQL re-checks the condition after waiting for the row
 * lock; SQLite has one writer). 1 = seat taken, 0 = full, closed or gone.
 */
export async function takeSeat(db: Executor, slotId: string, at: string): Promise<number> {
  const r = await db
    .updateTable('appointment_slot')
    .set({ booked: sql<number>`booked + 1`, updated_at: at })
    .where('id', '=', slotId)
    .where('closed', '=', 0)
    .where(sql<boolean>`booked < capacity`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function releaseSeat(db: Executor, slotId: string, at: string): Promise<number> {
  const r = await db
    .updateTable('appointment_slot')
    .set({ booked: sql<number>`booked - 1`, updated_at: at })
    .where('id', '=', slotId)
    .where('booked', '>', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** New capacity, only if it still holds everyone booked (0 otherwise). */
export async function setSlotCapacity(db: Executor, slotId: string, capacity: number, at: string): Promise<number> {
  const r = await db
    .updateTable('appointment_slot')
    .set({ capacity, updated_at: at })
    .where('id', '=', slotId)
    .where('booked', '<=', capacity)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function setSlotClosed(db: Executor, slotIds: string[], closed: boolean, reason: string | null, at: string) {
  if (slotIds.length === 0) return Promise.resolve();
  return db
    .updateTable('appointment_slot')
    .set({ closed: closed ? 1 : 0, closed_reason: closed ? reason : null, updated_at: at })
    .where('id', 'in', slotIds)
    .execute()
    .then(() => undefined);
}

/** A window's new seat count on its future slots, never below what each already holds. */
export function resizeFutureSlots(db: Executor, windowId: string, capacity: number, after: string, at: string) {
  return db
    .updateTable('appointment_slot')
    .set({ capacity: sql<number>`case when booked > ${capacity} then booked else ${capacity} end`, updated_at: at })
    .where('window_id', '=', windowId)
    .where('starts_at', '>', after)
    .execute();
}

// ---------------------------------------------------------------- appointments

/** The next 预约号 of the day, in the caller's transaction (the row lock serialises writers). */
export async function nextCodeSeq(db: Executor, day: string): Promise<number> {
  const row = await db
    .insertInto('appointment_code_seq')
    .values({ day, seq: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ seq: sql<number>`appointment_code_seq.seq + 1` }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export function insertAppointment(db: Executor, row: AppointmentRow) {
  return db.insertInto('appointment').values(row).execute();
}

export function getAppointment(db: Executor, id: string) {
  return db.selectFrom('appointment').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAppointmentBy(db: Executor, key: { token: string } | { code: string }) {
  const q = db.selectFrom('appointment').selectAll();
  return ('token' in key ? q.where('check_in_token', '=', key.token) : q.where('code', '=', key.code)).executeTakeFirst();
}

/** Moves a booking only from the state the caller saw: 0 when it changed meanwhile. */
export async function updateAppointmentIf(db: Executor, id: string, expect: { status: AppointmentStatus; version?: number }, patch: Partial<AppointmentRow>): Promise<number> {
  let q = db
    .updateTable('appointment')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', '=', expect.status);
  if (expect.version !== undefined) q = q.where('version', '=', expect.version);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The holder's booking of this slot or matter that is still to come, if any. */
export function activeDuplicate(db: Executor, holderKey: string, slotId: string, matterCode: string | null) {
  let q = db.selectFrom('appointment').selectAll().where('holder_key', '=', holderKey).where('status', '=', 'booked');
  q = matterCode ? q.where((eb) => eb.or([eb('slot_id', '=', slotId), eb('matter_code', '=', matterCode)])) : q.where('slot_id', '=', slotId);
  return q.executeTakeFirst();
}

export async function countActive(db: Executor, holderKey: string): Promise<number> {
  const r = await db
    .selectFrom('appointment')
    .select(sql<number>`count(*)`.as('n'))
    .where('holder_key', '=', holderKey)
    .where('status', '=', 'booked')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function noShowsSince(db: Executor, holderKey: string, since: string) {
  return db
    .selectFrom('appointment')
    .select(['no_show_at'])
    .where('holder_key', '=', holderKey)
    .where('status', '=', 'no_show')
    .where('slot_starts_at', '>=', since)
    .orderBy('no_show_at', 'desc')
    .execute();
}

export interface AppointmentFilter {
  windowId?: string;
  scopePaths?: string[];
  underPath?: string;
  fromIso?: string;
  toIso?: string;
  status?: AppointmentStatus;
  userId?: string;
  holderKey?: string;
}

function filtered(db: Executor, f: AppointmentFilter) {
  let q = db.selectFrom('appointment');
  if (f.windowId) q = q.where('window_id', '=', f.windowId);
  if (f.scopePaths) {
    const paths = f.scopePaths;
    if (paths.length === 0) q = q.where(sql<boolean>`1 = 0`);
    else q = q.where((eb) => inAnySubtree(eb, 'org_path', paths));
  }
  if (f.underPath) q = q.where('org_path', '>=', f.underPath).where('org_path', '<', prefixEnd(f.underPath));
  if (f.fromIso) q = q.where('slot_starts_at', '>=', f.fromIso);
  if (f.toIso) q = q.where('slot_starts_at', '<', f.toIso);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.userId && f.holderKey) {
    const { userId, holderKey } = f;
    q = q.where((eb) => eb.or([eb('user_id', '=', userId), eb('holder_key', '=', holderKey)]));
  } else if (f.userId) q = q.where('user_id', '=', f.userId);
  return q;
}

export async function listAppointments(db: Executor, f: AppointmentFilter, page: { limit: number; offset: number }, order: 'asc' | 'desc' = 'asc') {
  const [rows, total] = await Promise.all([
    filtered(db, f).selectAll().orderBy('slot_starts_at', order).orderBy('code', order).limit(page.limit).offset(page.offset).execute(),
    filtered(db, f).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Bookings still `booked` whose slot ended before `cutoff`: the no-show job's work. */
export function dueNoShows(db: Executor, cutoff: string, limit: number) {
  return db
    .selectFrom('appointment')
    .selectAll()
    .where('status', '=', 'booked')
    .where('slot_ends_at', '<', cutoff)
    .orderBy('slot_ends_at')
    .limit(limit)
    .execute();
}

export function getUsers(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; display_name: string }[]);
  return db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', [...new Set(ids)]).execute();
}

export function getNodeNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; path: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', 'in', [...new Set(ids)]).execute();
}

export function getNode(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind', 'ended_at']).where('id', '=', id).executeTakeFirst();
}

export function getPerson(db: Executor, id: string) {
  return db.selectFrom('person').select(['id', 'name', 'org_path', 'status']).where('id', '=', id).executeTakeFirst();
}
