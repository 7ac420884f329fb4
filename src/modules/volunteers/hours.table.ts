export type AttendanceMethod = 'qr' | 'leader';

export interface VolunteerServiceRecordTable {
  id: string;
  signup_id: string;
  opportunity_id: string;
  volunteer_id: string;
  org_path: string;
  check_in_at: string;
  check_in_method: AttendanceMethod;
  check_in_by: string;
  check_out_at: string | null;
  check_out_method: AttendanceMethod | null;
  check_out_by: string | null;
  credited_minutes: number;
  journal_id: string | null;
  corrections: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolunteerHoursCorrectionTable {
  id: string;
  record_id: string;
  old_check_in_at: string;
  old_check_out_at: string | null;
  new_check_in_at: string;
  new_check_out_at: string;
  old_minutes: number;
  new_minutes: number;
  reason: string;
  reversed_journal_id: string | null;
  new_journal_id: string | null;
  corrected_by: string;
  corrected_by_name: string;
  at: string;
}

/** One line of a certificate: a day's service. */
export interface CertificateItem {
  date: string;
  title: string;
  organiser: string;
  minutes: number;
}

export interface VolunteerCertificateTable {
  id: string;
  number: string;
  volunteer_id: string;
  org_node_id: string;
  org_path: string;
  issuing_org: string;
  responsible_person: string;
  handler_user_id: string;
  handler_name: string;
  name: string;
  id_type: string;
  id_masked: string | null;
  volunteer_number: string;
  period_from: string;
  period_to: string;
  total_minutes: number;
  items: string;
  issued_on: string;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    volunteer_service_record: VolunteerServiceRecordTable;
    volunteer_hours_correction: VolunteerHoursCorrectionTable;
    volunteer_certificate: VolunteerCertificateTable;
  }
}
