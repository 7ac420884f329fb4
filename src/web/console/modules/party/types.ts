/** Shapes of src/modules/party/*.schema.ts as the console uses them. */

export type Label = { 'zh-CN': string; en: string };
export type OrgKind = 'committee' | 'general_branch' | 'branch' | 'group';

export interface Org {
  id: string;
  parentId: string | null;
  kind: OrgKind;
  kindLabel: Label;
  name: string;
  path: string;
  orgNodeId: string;
  orgNodeName: string | null;
  establishedOn: string | null;
  version: number;
  memberCount: number;
  leaders: { memberId: string; name: string; post: string }[];
  abilities: { keep: boolean; run: boolean; decide: boolean };
}

export interface Member {
  id: string;
  personId: string;
  name: string;
  phoneMasked: string | null;
  place: string | null;
  orgId: string;
  orgName: string;
  groupId: string | null;
  groupName: string | null;
  category: 'full' | 'probationary';
  categoryLabel: Label;
  joinedOn: string;
  confirmedOn: string | null;
  isMobile: boolean;
  mobileLocation: string | null;
  status: string;
  posts: { orgId: string; orgName: string; post: string; fromOn: string }[];
  version: number;
}

export interface ImportJob {
  id: string;
  fileName: string;
  orgName: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  totalRows: number | null;
  processedRows: number;
  counts: { created: number; updated: number; unchanged: number; rejected: number };
  error: string | null;
  createdAt: string;
  rejections?: { items: { rowNumber: number; reason: string; raw: Record<string, string> }[]; total: number };
}

export type TransferAction = 'approve' | 'refuse' | 'confirm' | 'cancel';

export interface Transfer {
  id: string;
  direction: 'out' | 'in';
  state: string;
  stateLabel: Label;
  memberName: string;
  category: 'full' | 'probationary';
  fromOrgName: string;
  toOrgName: string;
  toExternal: boolean;
  reason: string;
  note: string | null;
  letterNumber: string | null;
  letterValidUntil: string | null;
  startedByName: string;
  startedAt: string;
  dueAt: string | null;
  overdue: boolean;
  refusalReason: string | null;
  closedAt: string | null;
  version: number;
  waitingFor: Label | null;
  actions: TransferAction[];
  letterPath: string | null;
}

export interface TransferDetail extends Transfer {
  idMasked: string | null;
  history: { version: number; action: string; actionLabel: Label; fromState: string | null; toState: string; note: string | null; actorName: string; at: string }[];
}

export type MeetingKind = 'branch_assembly' | 'committee_meeting' | 'group_meeting' | 'party_lecture' | 'theme_day';

export interface Meeting {
  id: string;
  orgId: string;
  orgName: string;
  kind: MeetingKind;
  kindLabel: Label;
  title: string;
  agenda: string;
  place: string;
  startsAt: string;
  endsAt: string;
  lecturer: string | null;
  status: 'planned' | 'cancelled';
  phase: 'upcoming' | 'checkin_open' | 'held' | 'cancelled';
  cancelReason: string | null;
  hasMinutes: boolean;
  counts: { expected: number; present: number; leave: number; absent: number };
  version: number;
  abilities: { run: boolean; decide: boolean };
}

export interface MeetingDetail extends Meeting {
  minutes: string | null;
  minutesAt: string | null;
  photos: { id: string; name: string; url: string }[];
  attendees: { memberId: string; name: string; status: 'expected' | 'present' | 'leave'; checkedInAt: string | null; method: 'qr' | 'secretary' | null }[];
  leave: { id: string; name: string; reason: string; status: string; decidedByName: string | null; decisionNote: string | null; version: number }[];
}

export interface CheckinQr {
  token: string;
  path: string;
  url: string;
  svg: string;
  expiresAt: string;
  refreshAt: string;
  counts: { expected: number; present: number; leave: number; absent: number };
}

export interface Compliance {
  from: string;
  to: string;
  asOf: string;
  rules: { kind: MeetingKind; kindLabel: Label; appliesTo: 'branch' | 'group'; period: 'month' | 'quarter'; minCount: number }[];
  units: { orgId: string; name: string; kind: 'branch' | 'group'; parentName: string | null; periods: { kind: MeetingKind; period: string; count: number; required: number; status: 'kept' | 'missed' | 'open' | 'not_applicable' }[]; missed: number }[];
  absences: { memberId: string; name: string; orgName: string; meetings: { id: string; title: string; kind: MeetingKind; startsAt: string }[] }[];
}

export const ORGS_API = '/api/v1/party/orgs';
export const MEMBERS_API = '/api/v1/party/members';
export const IMPORTS_API = '/api/v1/party/imports';
export const TRANSFERS_API = '/api/v1/party/transfers';
export const MEETINGS_API = '/api/v1/party/meetings';
export const MEETING_KINDS: MeetingKind[] = ['branch_assembly', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day'];
/** Which meetings an organisation holds (as src/modules/party/meetings.service.ts). */
export const KINDS_OF: Record<OrgKind, MeetingKind[]> = {
  committee: ['committee_meeting', 'party_lecture', 'theme_day'],
  general_branch: ['committee_meeting', 'party_lecture', 'theme_day'],
  branch: ['branch_assembly', 'committee_meeting', 'party_lecture', 'theme_day'],
  group: ['group_meeting'],
};
