/** 预约 tables (see migrations/2026_11_26_0310_create_appointments.ts). */

export interface WindowMatter {
  /** The matter's code in the 办事指南 catalogue. */
  code: string;
  name: string;
}

export interface ServiceWindowTable {
  id: string;
  org_node_id: string;
  org_path: string;
  code: string;
  name: string;
  location: string;
  description: string | null;
  /** JSON WindowMatter[]. */
  matters: string;
  /** `08:30-12:00,13:30-17:30`, Beijing time. */
  office_hours: string;
  slot_minutes: number;
  capacity: number;
  book_ahead_days: number;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AppointmentSlotTable {
  id: string;
  window_id: string;
  /** Local date `YYYY-MM-DD`. */
  date: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  booked: number;
  closed: number;
  closed_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** booked 已预约 → checked_in 已签到 | cancelled 已取消 | no_show 爽约. */
export type AppointmentStatus = 'booked' | 'checked_in' | 'cancelled' | 'no_show';

export interface AppointmentTable {
  id: string;
  code: string;
  window_id: string;
  slot_id: string;
  org_node_id: string;
  org_path: string;
  slot_starts_at: string;
  slot_ends_at: string;
  holder_key: string;
  user_id: string | null;
  person_id: string | null;
  holder_name: string;
  booked_by_user_id: string;
  on_behalf: number;
  on_behalf_reason: string | null;
  matter_code: string | null;
  matter_name: string | null;
  note: string | null;
  status: AppointmentStatus;
  check_in_token: string;
  checked_in_at: string | null;
  checked_in_by: string | null;
  cancelled_at: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  no_show_at: string | null;
  change_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AppointmentCodeSeqTable {
  day: string;
  seq: number;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    service_window: ServiceWindowTable;
    appointment_slot: AppointmentSlotTable;
    appointment: AppointmentTable;
    appointment_code_seq: AppointmentCodeSeqTable;
  }
}
