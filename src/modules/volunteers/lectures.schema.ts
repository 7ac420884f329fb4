import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 微课: lectures, sign-ups, attendance, the check-in QR. */

const zInstant = () => z.iso.datetime({ offset: true });
/** A video page elsewhere (http or https, a real domain): shown as a link, never embedded. */
export const zVideoUrl = () => z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(500);

const ZLectureFields = {
  title: z.string().trim().min(4).max(60),
  speaker: z.string().trim().min(2).max(60),
  /** Plain text (line breaks kept). */
  body: z.string().trim().max(5000).default(''),
  videoUrl: zVideoUrl().nullable().optional(),
  place: z.string().trim().min(2).max(120),
  startsAt: zInstant(),
  endsAt: zInstant(),
  capacity: z.number().int().min(1).max(2000),
};

export const ZLectureInput = z.object({ orgNodeId: zId(), ...ZLectureFields, publish: z.boolean().default(false) });
export type LectureInput = z.infer<typeof ZLectureInput>;

export const ZLecturePatch = z.object({
  title: ZLectureFields.title.optional(),
  speaker: ZLectureFields.speaker.optional(),
  body: z.string().trim().max(5000).optional(),
  videoUrl: zVideoUrl().nullable().optional(),
  place: ZLectureFields.place.optional(),
  startsAt: zInstant().optional(),
  endsAt: zInstant().optional(),
  capacity: ZLectureFields.capacity.optional(),
  expectedVersion: z.number().int().min(1),
});
export type LecturePatch = z.infer<typeof ZLecturePatch>;

export const ZLecture = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  organiser: z.string(),
  title: z.string(),
  speaker: z.string(),
  body: z.string(),
  videoUrl: z.string().nullable(),
  /** The video link's host, shown beside it (外部链接：tv.cctv.com). */
  videoHost: z.string().nullable(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number(),
  taken: z.number(),
  seatsLeft: z.number(),
  status: z.enum(['draft', 'published', 'cancelled']),
  cancelReason: z.string().nullable(),
  phase: z.enum(['upcoming', 'ongoing', 'past']),
  signupOpen: z.boolean(),
  sharePath: z.string(),
});

export const ZLectureStaff = ZLecture.extend({ version: z.number(), createdAt: z.string(), publishedAt: z.string().nullable(), attended: z.number() });

export const ZMySignup = z.object({
  id: z.string(),
  status: z.enum(['signed', 'cancelled']),
  attendedAt: z.string().nullable(),
  attendedMethod: z.enum(['staff', 'qr']).nullable(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});

export const ZMyLecture = z.object({ lecture: ZLecture, mine: ZMySignup.nullable() });

export const ZSignupRow = z.object({
  id: z.string(),
  name: z.string(),
  phoneMasked: z.string().nullable(),
  place: z.string().nullable(),
  status: z.enum(['signed', 'cancelled']),
  attendedAt: z.string().nullable(),
  attendedMethod: z.enum(['staff', 'qr']).nullable(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});

export const ZAttendanceInput = z.object({ signupIds: z.array(zId()).min(1).max(500), attended: z.boolean() });

export const ZCheckinInput = z.object({ token: z.string().min(10).max(512) });

export const ZCheckinQr = z.object({ token: z.string(), path: z.string(), url: z.string(), svg: z.string(), notBefore: z.string(), expiresAt: z.string(), refreshAt: z.string() });

export const ZPublicLectureQuery = z.object({
  /** A community (or street): its lectures and those of the nodes above it. */
  orgNodeId: zId().optional(),
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  ...ZPage,
});

export const ZStaffLectureQuery = z.object({
  status: z.enum(['draft', 'published', 'cancelled']).optional(),
  when: z.enum(['upcoming', 'past', 'all']).default('all'),
  ...ZPage,
});
