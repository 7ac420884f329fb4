/** Table types of 三会一课 (migration 2026_11_26_0620_create_party_meetings). */

export const MEETING_KINDS = ['branch_assembly', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_KIND_LABELS: Record<MeetingKind, { 'zh-CN': string; en: string }> = {
  branch_assembly: { 'zh-CN': '支部党员大会', en: 'Branch general meeting' },
  committee_meeting: { 'zh-CN': '支委会', en: 'Branch committee meeting' },
  group_meeting: { 'zh-CN': '党小组会', en: 'Party group meeting' },
  party_lecture: { 'zh-CN': '党课', en: 'Party lecture' },
  theme_day: { 'zh-CN': '主题党日', en: 'Theme Party Day' },
};

export type AttendanceStatus = 'expected' | 'present' | 'leave';
export type LeaveStatus = 'pending' | 'approved' | 'refused' | 'withdrawn';

export interface PartyMeetingRuleTable {
  id: string;
  scope: string;
  kind: MeetingKind;
  applies_to: 'branch' | 'group';
  period: 'month' | 'quarter';
  min_count: number;
  updated_by: string | null;
  updated_at: string;
}

export interface PartyMeetingTable {
  id: string;
  org_id: string;
  party_path: string;
  org_path: string;
  kind: MeetingKind;
  title: string;
  agenda: string;
  place: string;
  starts_at: string;
  ends_at: string;
  lecturer: string | null;
  status: 'planned' | 'cancelled';
  cancel_reason: string | null;
  minutes: string | null;
  minutes_by: string | null;
  minutes_at: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface PartyMeetingAttendanceTable {
  meeting_id: string;
  member_id: string;
  status: AttendanceStatus;
  checked_in_at: string | null;
  method: 'qr' | 'secretary' | null;
  checked_in_by: string | null;
  updated_at: string;
}

export interface PartyLeaveRequestTable {
  id: string;
  meeting_id: string;
  member_id: string;
  reason: string;
  status: LeaveStatus;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_note: string | null;
  version: number;
  created_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    party_meeting_rule: PartyMeetingRuleTable;
    party_meeting: PartyMeetingTable;
    party_meeting_attendance: PartyMeetingAttendanceTable;
    party_leave_request: PartyLeaveRequestTable;
  }
}
