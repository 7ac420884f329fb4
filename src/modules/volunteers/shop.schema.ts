import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 志愿服务网店: opportunities (cards and details), sign-ups and the waiting list. */

export const CATEGORIES = ['助老', '环境', '文明交通', '垃圾分类', '文化', '监督', '应急', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];

const zInstant = () => z.iso.datetime({ offset: true });

const ZOpportunityFields = {
  teamId: zId().nullable().optional(),
  /** 组织方 as shown; by default the team's name, or the node's. */
  organiser: z.string().trim().min(2).max(60).optional(),
  category: z.enum(CATEGORIES),
  title: z.string().trim().min(4).max(60),
  description: z.string().trim().max(3000).default(''),
  place: z.string().trim().min(2).max(120),
  startsAt: zInstant(),
  endsAt: zInstant(),
  signupDeadline: zInstant(),
  quota: z.number().int().min(1).max(10000),
  skills: z.array(z.string().trim().min(1).max(20)).max(10).default([]),
  /** The most minutes credited per person; by default the whole time window. */
  creditMinutes: z.number().int().min(1).max(24 * 60).optional(),
  requiresApproval: z.boolean().default(false),
  /** An image uploaded with purpose `volunteers.cover`. */
  coverAttachmentId: zId().nullable().optional(),
};

export const ZOpportunityInput = z.object({ orgNodeId: zId(), ...ZOpportunityFields, publish: z.boolean().default(false) });
export type OpportunityInput = z.infer<typeof ZOpportunityInput>;

export const ZOpportunityPatch = z.object({
  teamId: ZOpportunityFields.teamId,
  organiser: ZOpportunityFields.organiser,
  category: ZOpportunityFields.category.optional(),
  title: ZOpportunityFields.title.optional(),
  description: z.string().trim().max(3000).optional(),
  place: ZOpportunityFields.place.optional(),
  startsAt: zInstant().optional(),
  endsAt: zInstant().optional(),
  signupDeadline: zInstant().optional(),
  quota: ZOpportunityFields.quota.optional(),
  skills: z.array(z.string().trim().min(1).max(20)).max(10).optional(),
  creditMinutes: ZOpportunityFields.creditMinutes,
  requiresApproval: z.boolean().optional(),
  coverAttachmentId: ZOpportunityFields.coverAttachmentId,
  expectedVersion: z.number().int().min(1),
});
export type OpportunityPatch = z.infer<typeof ZOpportunityPatch>;

export const ZPhase = z.enum(['upcoming', 'ongoing', 'past']);

/** A card of the shop (what anyone may see). */
export const ZOpportunityCard = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  teamId: z.string().nullable(),
  organiser: z.string(),
  category: z.string(),
  title: z.string(),
  description: z.string(),
  place: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  signupDeadline: z.string(),
  quota: z.number(),
  taken: z.number(),
  placesLeft: z.number(),
  waiting: z.number(),
  skills: z.array(z.string()),
  creditMinutes: z.number(),
  requiresApproval: z.boolean(),
  /** Public URL path of the cover picture, or null. */
  coverUrl: z.string().nullable(),
  status: z.enum(['draft', 'published', 'cancelled']),
  cancelReason: z.string().nullable(),
  phase: ZPhase,
  signupOpen: z.boolean(),
  /** The page to share (`/m/volunteer/opportunities/:id`) and a QR code of it. */
  sharePath: z.string(),
  qrPath: z.string(),
});
export type OpportunityCard = z.infer<typeof ZOpportunityCard>;

export const ZOpportunityStaff = ZOpportunityCard.extend({ version: z.number(), createdAt: z.string(), publishedAt: z.string().nullable(), coverAttachmentId: z.string().nullable() });

export const ZSignupStatus = z.enum(['pending', 'confirmed', 'waiting', 'declined', 'cancelled']);

/** The caller's own sign-up, with their place on the waiting list. */
export const ZMySignup = z.object({
  id: z.string(),
  opportunityId: z.string(),
  status: ZSignupStatus,
  /** 1 = next to move up; null unless waiting. */
  waitingPosition: z.number().nullable(),
  seq: z.number(),
  placedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  createdAt: z.string(),
  record: z
    .object({ checkInAt: z.string(), checkOutAt: z.string().nullable(), creditedMinutes: z.number() })
    .nullable(),
});

export const ZMySignupWithCard = ZMySignup.extend({ opportunity: ZOpportunityCard });

export const ZMyOpportunity = z.object({ opportunity: ZOpportunityCard, mine: ZMySignup.nullable(), canLead: z.boolean(), registered: z.boolean() });

/** A sign-up as the leader sees it. */
export const ZSignupRow = z.object({
  id: z.string(),
  volunteerId: z.string(),
  volunteerName: z.string(),
  volunteerNumber: z.string(),
  status: ZSignupStatus,
  seq: z.number(),
  waitingPosition: z.number().nullable(),
  onBehalf: z.boolean(),
  placedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  createdAt: z.string(),
  record: z
    .object({ id: z.string(), checkInAt: z.string(), checkInMethod: z.enum(['qr', 'leader']), checkOutAt: z.string().nullable(), checkOutMethod: z.enum(['qr', 'leader']).nullable(), creditedMinutes: z.number(), corrections: z.number() })
    .nullable(),
});

export const ZShopQuery = z.object({
  /** A community (or street): its opportunities and those of the nodes above it. Without it: everything published. */
  orgNodeId: zId().optional(),
  category: z.enum(CATEGORIES).optional(),
  q: z.string().trim().min(1).max(40).optional(),
  when: z.enum(['current', 'past']).default('current'),
  ...ZPage,
});

export const ZStaffOpportunityQuery = z.object({
  status: z.enum(['draft', 'published', 'cancelled']).optional(),
  category: z.enum(CATEGORIES).optional(),
  q: z.string().trim().min(1).max(40).optional(),
  when: z.enum(['current', 'past', 'all']).default('all'),
  ...ZPage,
});
