import * as z from 'zod';
import { zId, zVersion } from './organisations.schema.js';
import { MEETING_KINDS } from './meetings.table.js';

/** zod shapes of 三会一课: meetings, check-in, leave, minutes, rules and compliance. */

const zInstant = () => z.iso.datetime({ offset: true });
const zMonth = () => z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZKind = z.enum(MEETING_KINDS);

export const ZMeetingInput = z.object({
  /** The organisation holding it: a branch (党员大会, 支委会, 党课, 主题党日), a group (党小组会) or a committee. */
  orgId: zId(),
  kind: ZKind,
  title: z.string().trim().min(2).max(100),
  agenda: z.string().trim().min(2).max(4000),
  place: z.string().trim().min(2).max(100),
  startsAt: zInstant(),
  endsAt: zInstant(),
  /** 党课: who gives it. */
  lecturer: z.string().trim().min(2).max(40).optional(),
});
export type MeetingInput = z.infer<typeof ZMeetingInput>;

export const ZMeetingPatch = z.object({
  title: z.string().trim().min(2).max(100).optional(),
  agenda: z.string().trim().min(2).max(4000).optional(),
  place: z.string().trim().min(2).max(100).optional(),
  startsAt: zInstant().optional(),
  endsAt: zInstant().optional(),
  lecturer: z.string().trim().min(2).max(40).nullable().optional(),
  expectedVersion: zVersion(),
});

export const ZCancel = z.object({ reason: z.string().trim().min(2).max(200), expectedVersion: zVersion() });

export const ZMinutes = z.object({
  minutes: z.string().trim().min(10).max(20000),
  /** Photos uploaded with purpose `party.meeting` (images), at most 9. */
  photoIds: z.array(zId()).max(9).default([]),
  expectedVersion: zVersion(),
});

export const ZSecretaryCheckIn = z.object({
  /** One or more members (ticked on the attendance list). */
  memberIds: z.array(zId()).min(1).max(200),
  /** When they arrived, if not now (recorded after the meeting); not in the future. */
  at: zInstant().optional(),
});

export const ZQrCheckIn = z.object({ token: z.string().min(1).max(512) });
export const ZLeaveInput = z.object({ reason: z.string().trim().min(2).max(200) });
export const ZLeaveDecision = z.object({ approve: z.boolean(), note: z.string().trim().max(200).optional(), expectedVersion: zVersion() });

export const ZMeeting = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  kind: ZKind,
  kindLabel: ZLabel,
  title: z.string(),
  agenda: z.string(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  lecturer: z.string().nullable(),
  status: z.enum(['planned', 'cancelled']),
  /** planned → (now between the check-in window) open → held (started) / cancelled. */
  phase: z.enum(['upcoming', 'checkin_open', 'held', 'cancelled']),
  cancelReason: z.string().nullable(),
  hasMinutes: z.boolean(),
  counts: z.object({ expected: z.number(), present: z.number(), leave: z.number(), absent: z.number() }),
  version: z.number(),
  abilities: z.object({ run: z.boolean(), decide: z.boolean() }),
});

export const ZAttendee = z.object({
  memberId: z.string(),
  name: z.string(),
  status: z.enum(['expected', 'present', 'leave']),
  checkedInAt: z.string().nullable(),
  method: z.enum(['qr', 'secretary']).nullable(),
});

export const ZLeave = z.object({
  id: z.string(),
  meetingId: z.string(),
  meetingTitle: z.string(),
  meetingStartsAt: z.string(),
  memberId: z.string(),
  name: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'refused', 'withdrawn']),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.string(),
  version: z.number(),
});

export const ZMeetingDetail = ZMeeting.extend({
  minutes: z.string().nullable(),
  minutesAt: z.string().nullable(),
  photos: z.array(z.object({ id: z.string(), name: z.string(), url: z.string() })),
  attendees: z.array(ZAttendee),
  leave: z.array(ZLeave),
});

export const ZCheckinQr = z.object({
  token: z.string(),
  path: z.string(),
  url: z.string(),
  svg: z.string(),
  notBefore: z.string(),
  expiresAt: z.string(),
  refreshAt: z.string(),
  counts: z.object({ expected: z.number(), present: z.number(), leave: z.number(), absent: z.number() }),
});

export const ZCheckInResult = z.object({
  already: z.boolean(),
  meeting: z.object({ id: z.string(), title: z.string(), kindLabel: ZLabel, orgName: z.string(), place: z.string(), startsAt: z.string(), endsAt: z.string() }),
  checkedInAt: z.string(),
});

export const ZMeetingQuery = z.object({
  orgId: zId().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  kind: ZKind.optional(),
  includeCancelled: z.enum(['1', 'true']).optional().transform((v) => v !== undefined),
});

export const ZComplianceQuery = z.object({ orgId: zId(), from: zMonth(), to: zMonth() });

const ZPeriod = z.object({ kind: ZKind, period: z.string(), count: z.number(), required: z.number(), status: z.enum(['kept', 'missed', 'open', 'not_applicable']) });

export const ZCompliance = z.object({
  orgId: z.string(),
  from: z.string(),
  to: z.string(),
  asOf: z.string(),
  rules: z.array(z.object({ kind: ZKind, kindLabel: ZLabel, appliesTo: z.enum(['branch', 'group']), period: z.enum(['month', 'quarter']), minCount: z.number() })),
  units: z.array(z.object({ orgId: z.string(), name: z.string(), kind: z.enum(['branch', 'group']), parentName: z.string().nullable(), periods: z.array(ZPeriod), missed: z.number() })),
  absences: z.array(z.object({ memberId: z.string(), name: z.string(), orgName: z.string(), meetings: z.array(z.object({ id: z.string(), title: z.string(), kind: ZKind, startsAt: z.string() })) })),
});

export const ZRulesInput = z.object({
  /** The committee setting its own rhythm. */
  orgId: zId(),
  rules: z.array(z.object({ kind: ZKind, appliesTo: z.enum(['branch', 'group']), period: z.enum(['month', 'quarter']), minCount: z.number().int().min(0).max(10) })).min(1).max(5),
});

export const ZRule = z.object({ kind: ZKind, kindLabel: ZLabel, appliesTo: z.enum(['branch', 'group']), period: z.enum(['month', 'quarter']), minCount: z.number(), scope: z.string() });
