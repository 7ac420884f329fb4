import * as z from 'zod';
import { parseOfficeHours } from '../../platform/calendar/working-time.js';

/** Request and response shapes of 预约 (windows, slots, bookings), shared with the web app. */

const zId = () => z.string().min(1).max(32);
/** `YYYY-MM-DD`, a local (Beijing) date. */
const zDate = () => z.iso.date();
const zBool = () => z.enum(['0', '1', 'true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'));

/** Longest range of slots one request may ask for or generate. */
export const MAX_SLOT_RANGE_DAYS = 62;

export const ZOfficeHours = z
  .string()
  .trim()
  .max(200)
  .refine(
    (v) => {
      try {
        parseOfficeHours(v);
        return true;
      } catch {
        return false;
      }
    },
    { params: { code: 'APPOINTMENT_OFFICE_HOURS_INVALID' }, message: 'office hours like 08:30-12:00,13:30-17:30' },
  );

export const ZWindowMatter = z.object({ code: z.string().trim().min(1).max(40), name: z.string().trim().min(1).max(100) });

export const ZWindowParams = z.object({ id: zId() });

export const ZCreateWindow = z.object({
  /** The community (or street) whose hall the window is in. */
  orgNodeId: zId(),
  /** Short code read out at the hall: capital letters and digits, e.g. SB, MZ, ZH1. */
  code: z.string().trim().regex(/^[A-Z][A-Z0-9]{0,7}$/),
  name: z.string().trim().min(1).max(50),
  location: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).optional(),
  matters: z.array(ZWindowMatter).max(100).default([]),
  /** Beijing time; default 08:30-12:00,13:30-17:30. */
  officeHours: ZOfficeHours.default('08:30-12:00,13:30-17:30'),
  slotMinutes: z.number().int().min(5).max(240).default(30),
  /** Seats per slot (people served at once in a slot). */
  capacity: z.number().int().min(1).max(100).default(2),
  bookAheadDays: z.number().int().min(1).max(90).default(14),
});

export const ZUpdateWindow = z.object({
  expectedVersion: z.number().int().min(1),
  name: z.string().trim().min(1).max(50).optional(),
  location: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  matters: z.array(ZWindowMatter).max(100).optional(),
  /** Applies to days whose slots are generated from now on. */
  officeHours: ZOfficeHours.optional(),
  slotMinutes: z.number().int().min(5).max(240).optional(),
  /** Also applied to future slots (never below what is already booked). */
  capacity: z.number().int().min(1).max(100).optional(),
  bookAheadDays: z.number().int().min(1).max(90).optional(),
  active: z.boolean().optional(),
});

export const ZWindowListQuery = z.object({
  orgNodeId: zId().optional(),
  includeInactive: zBool(),
});

export const ZWindow = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  location: z.string(),
  description: z.string().nullable(),
  matters: z.array(ZWindowMatter),
  officeHours: z.string(),
  slotMinutes: z.number().int(),
  capacity: z.number().int(),
  bookAheadDays: z.number().int(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZWindowList = z.object({ items: z.array(ZWindow) });

export const ZGenerateSlots = z.object({ from: zDate(), to: zDate() });
export const ZGenerated = z.object({
  windowId: z.string(),
  from: z.string(),
  to: z.string(),
  /** New slots. */
  created: z.number().int(),
  /** Slots closed to new bookings because their day is no longer a working day. */
  closed: z.number().int(),
  /** Of those, slots with bookings: staff must call those people (the bookings stay). */
  bookedOnNonWorkingDays: z.number().int(),
});

export const ZSlotQuery = z.object({
  windowId: zId(),
  /** Default today; inclusive local dates. */
  from: zDate().optional(),
  /** Default the window's last bookable day. */
  to: zDate().optional(),
  /** Only slots that can still be booked. */
  available: zBool(),
});

export const ZSlotParams = z.object({ id: zId() });

export const ZUpdateSlot = z
  .object({
    capacity: z.number().int().min(1).max(100).optional(),
    closed: z.boolean().optional(),
    closedReason: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => v.capacity !== undefined || v.closed !== undefined, { message: 'capacity or closed' });

export const ZSlot = z.object({
  id: z.string(),
  windowId: z.string(),
  date: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** `HH:MM` Beijing time. */
  startTime: z.string(),
  endTime: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  available: z.number().int(),
  closed: z.boolean(),
  closedReason: z.string().nullable(),
  /** Open, not full, not started. */
  bookable: z.boolean(),
});

export const ZSlotList = z.object({ windowId: z.string(), from: z.string(), to: z.string(), items: z.array(ZSlot) });

export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'cancelled', 'no_show'] as const;

export const ZAppointmentParams = z.object({ id: zId() });

export const ZBookOwn = z.object({
  slotId: zId(),
  /** A matter the window handles (its code in the 办事指南). */
  matterCode: z.string().trim().min(1).max(40).optional(),
  note: z.string().trim().max(200).optional(),
});

export const ZBookOnBehalf = ZBookOwn.extend({
  /** The registry person who will come. */
  personId: zId(),
  /** Why staff booked for them (电话预约, 上门走访时代约 …). */
  reason: z.string().trim().min(2).max(200),
});

export const ZChangeAppointment = z.object({
  slotId: zId(),
  expectedVersion: z.number().int().min(1).optional(),
});

export const ZCancelAppointment = z.object({
  reason: z.string().trim().min(1).max(200).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

export const ZCheckIn = z
  .object({
    /** What the booking's QR code carries (the `t` of its check-in link). */
    token: z.string().trim().min(8).max(64).optional(),
    /** Or the booking number the person reads out: YY20261201-0007. */
    code: z
      .string()
      .trim()
      .regex(/^YY\d{8}-\d{4,}$/i)
      .transform((v) => v.toUpperCase())
      .optional(),
  })
  .refine((v) => (v.token === undefined) !== (v.code === undefined), { params: { code: 'APPOINTMENT_CHECKIN_KEY_REQUIRED' }, message: 'token or code, exactly one' });

export const ZAppointmentListQuery = z.object({
  windowId: zId().optional(),
  /** A community or grid of the caller's subtree. */
  orgNodeId: zId().optional(),
  /** The slots' local dates (inclusive). */
  from: zDate().optional(),
  to: zDate().optional(),
  status: z.enum(APPOINTMENT_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZMyAppointmentsQuery = z.object({
  status: z.enum(APPOINTMENT_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZQrQuery = z.object({ format: z.enum(['svg', 'png']).default('svg') });

export const ZAppointment = z.object({
  id: z.string(),
  /** 预约号. */
  code: z.string(),
  status: z.enum(APPOINTMENT_STATUSES),
  statusLabel: z.string(),
  window: z.object({ id: z.string(), code: z.string(), name: z.string(), location: z.string() }),
  slot: z.object({ id: z.string(), date: z.string(), startsAt: z.string(), endsAt: z.string(), startTime: z.string(), endTime: z.string() }),
  holderName: z.string(),
  matterCode: z.string().nullable(),
  matterName: z.string().nullable(),
  note: z.string().nullable(),
  onBehalf: z.boolean(),
  checkedInAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  noShowAt: z.string().nullable(),
  changeCount: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  /** Still changeable / cancellable by the caller (booked, slot not started). */
  canChange: z.boolean(),
  canCancel: z.boolean(),
  /** The holder's own view only: the page the QR code opens at the window (carries the check-in token). */
  checkInPath: z.string().nullable(),
  /** Staff views only. */
  staff: z
    .object({
      personId: z.string().nullable(),
      userId: z.string().nullable(),
      bookedByName: z.string().nullable(),
      onBehalfReason: z.string().nullable(),
      checkedInByName: z.string().nullable(),
    })
    .nullable(),
});

export const ZAppointmentPage = z.object({ items: z.array(ZAppointment), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
