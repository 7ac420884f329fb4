import * as z from 'zod';
import { zMobile } from '../../platform/cn/zod.js';

/** zod shapes of 志愿者与队伍: registration, the record as staff and the volunteer see it, teams, observations. */

export const zId = () => z.string().min(1).max(32);

/** 身份证件类型 as the 2020 volunteer-record rules list them. */
export const ID_TYPES = ['居民身份证', '港澳居民来往内地通行证', '台湾居民来往大陆通行证', '港澳台居民居住证', '外国人永久居留身份证', '护照'] as const;
/** When people can serve. */
export const AVAILABILITY = ['工作日白天', '工作日晚上', '周末', '节假日'] as const;
/** Skills the shop asks for most; volunteers may add their own words. */
export const COMMON_SKILLS = ['急救', '驾驶', '摄影', '文艺表演', '书法', '理发', '家电维修', '电脑', '心理疏导', '法律', '医护', '外语', '手语', '烹饪', '教学辅导', '垃圾分类指导'] as const;

export const ZSkills = z.array(z.string().trim().min(1).max(20)).max(12).default([]);
export const ZAvailability = z.array(z.enum(AVAILABILITY)).max(AVAILABILITY.length).default([]);

/** Someone not in the registry gives who they are; a registry person's numbers come from the registry. */
export const ZOwnIdentity = z.object({
  name: z.string().trim().min(2).max(30),
  idType: z.enum(ID_TYPES).default('居民身份证'),
  idNumber: z.string().trim().min(5).max(30),
  phone: zMobile(),
});

export const ZRegisterSelf = z.object({
  skills: ZSkills,
  availability: ZAvailability,
  intro: z.string().trim().max(300).optional(),
  /** Only for accounts without a registry record. */
  identity: ZOwnIdentity.optional(),
  /** The ID type when the registry holds the number (it is printed on certificates). */
  idType: z.enum(ID_TYPES).optional(),
  /** Must be true: the volunteer agreed to the consent text (`consentVersion`) shown to them. */
  consent: z.literal(true),
  consentVersion: z.string().min(1).max(20),
});
export type RegisterSelfInput = z.infer<typeof ZRegisterSelf>;

export const ZRegisterByStaff = z.object({
  orgNodeId: zId(),
  /** A registry person (their numbers stay in the registry), or `identity` for someone who is not in it. */
  personId: zId().optional(),
  identity: ZOwnIdentity.optional(),
  idType: z.enum(ID_TYPES).optional(),
  skills: ZSkills,
  availability: ZAvailability,
  intro: z.string().trim().max(300).optional(),
  /** Staff confirm the paper consent form was signed at the desk. */
  consentOnPaper: z.literal(true),
});
export type RegisterByStaffInput = z.infer<typeof ZRegisterByStaff>;

export const ZVolunteerPatch = z.object({
  skills: ZSkills.optional(),
  availability: ZAvailability.optional(),
  intro: z.string().trim().max(300).nullable().optional(),
  idType: z.enum(ID_TYPES).optional(),
  status: z.enum(['active', 'inactive']).optional(),
  expectedVersion: z.number().int().min(1),
});

export const ZTeamBrief = z.object({ id: z.string(), name: z.string(), kind: z.enum(['service', 'supervision']), role: z.enum(['leader', 'member']) });

export const ZVolunteer = z.object({
  id: z.string(),
  number: z.string(),
  name: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  personId: z.string().nullable(),
  hasAccount: z.boolean(),
  idType: z.string(),
  idMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  skills: z.array(z.string()),
  availability: z.array(z.string()),
  intro: z.string().nullable(),
  status: z.enum(['active', 'inactive']),
  consent: z.object({ version: z.string(), at: z.string(), how: z.enum(['online', 'paper']) }),
  teams: z.array(ZTeamBrief),
  /** Service minutes credited in the ledger (the sum of the volunteer's entries). */
  minutes: z.number(),
  version: z.number(),
  createdAt: z.string(),
});
export type VolunteerView = z.infer<typeof ZVolunteer>;

export const ZConsent = z.object({ version: z.string(), text: z.string() });

export const ZTeamInput = z.object({
  orgNodeId: zId(),
  name: z.string().trim().min(2).max(40),
  kind: z.enum(['service', 'supervision']),
  description: z.string().trim().max(500).default(''),
});

export const ZTeamPatch = z.object({
  name: z.string().trim().min(2).max(40).optional(),
  description: z.string().trim().max(500).optional(),
  active: z.boolean().optional(),
  expectedVersion: z.number().int().min(1),
});

export const ZTeam = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['service', 'supervision']),
  description: z.string(),
  active: z.boolean(),
  members: z.array(z.object({ volunteerId: z.string(), name: z.string(), number: z.string(), role: z.enum(['leader', 'member']), joinedAt: z.string() })),
  version: z.number(),
});

export const ZMemberInput = z.object({ volunteerId: zId(), role: z.enum(['leader', 'member']) });

export const ZObservationInput = z.object({
  teamId: zId(),
  title: z.string().trim().min(4).max(60),
  description: z.string().trim().min(10).max(2000),
  address: z.string().trim().max(200).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  attachmentIds: z.array(zId()).max(9).default([]),
});

export const ZObservation = z.object({
  id: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  volunteerId: z.string(),
  volunteerName: z.string(),
  title: z.string(),
  description: z.string(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  attachmentIds: z.array(z.string()),
  status: z.enum(['filed', 'forwarded', 'dismissed']),
  eventId: z.string().nullable(),
  eventCode: z.string().nullable(),
  handledByName: z.string().nullable(),
  handledAt: z.string().nullable(),
  dismissReason: z.string().nullable(),
  createdAt: z.string(),
});

export const ZForwardInput = z.object({
  categoryCode: z.string().trim().min(1).max(40),
  urgency: z.enum(['一般', '紧急', '特急']).optional(),
  /** The grid (or community) the event belongs to, when the observation has no point or address that places it. */
  orgNodeId: zId().optional(),
  address: z.string().trim().max(200).optional(),
  attributes: z.record(z.string().max(40), z.union([z.string().max(200), z.array(z.string().max(200)).max(20)])).optional(),
});

export const ZPage = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) };
