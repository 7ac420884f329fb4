import * as z from 'zod';
import { zMobile } from '../../platform/cn/zod.js';
import { zDay, zId } from './organisations.schema.js';
import { zLine, zPlainText } from './study.schema.js';

/** zod shapes of 好人好事银行. */

export const ZDoer = z.discriminatedUnion('kind', [
  /** I did it myself (my registry record). */
  z.object({ kind: z.literal('self') }),
  /** A registry person (staff who verify deeds of that area only). */
  z.object({ kind: z.literal('person'), personId: zId() }),
  /** Only a name, as the reporter knows it; staff may link a registry person when verifying. */
  z.object({ kind: z.literal('name'), name: zLine(2, 20) }),
]);

export const ZWitnessInput = z.object({ name: zLine(2, 20), phone: zMobile().optional() });

export const ZDeedInput = z.object({
  doer: ZDoer,
  /** The community (or a node in it) the deed belongs to; by default the doer’s, else the reporter’s. */
  orgNodeId: zId().optional(),
  title: zLine(4, 40),
  description: zPlainText(10, 1000),
  happenedOn: zDay(),
  place: zLine(2, 60).optional(),
  witnesses: z.array(ZWitnessInput).max(5).default([]),
  /** Photos uploaded by the reporter with purpose `party.good_deed`. */
  photoIds: z.array(zId()).max(6).default([]),
  /** The doer agreed that their full name may be shown on the honour roll. */
  nameConsent: z.boolean().default(false),
});
export type DeedInput = z.infer<typeof ZDeedInput>;

export const ZVerifyInput = z.object({
  /** Link (or correct) the doer to a registry person of the area: their points go to that person. */
  doerPersonId: zId().optional(),
  /** The doer's consent to show their full name, as confirmed by staff. */
  nameConsent: z.boolean().optional(),
});
export const ZRejectInput = z.object({ reason: zLine(2, 200), expectedVersion: z.number().int().min(1) });

export const DEED_STATUSES = ['pending', 'verified', 'rejected'] as const;
export const ZDeedQuery = z.object({
  status: z.enum([...DEED_STATUSES, 'all']).default('pending'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZWitness = z.object({ name: z.string(), phoneMasked: z.string().nullable() });
export const ZPhoto = z.object({ id: z.string(), name: z.string(), mime: z.string() });

/** What the reporter and the doer see. */
export const ZMyDeed = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  doerName: z.string(),
  doerIsRegistryPerson: z.boolean(),
  title: z.string(),
  description: z.string(),
  happenedOn: z.string(),
  place: z.string().nullable(),
  photos: z.array(ZPhoto),
  nameConsent: z.boolean(),
  status: z.enum(DEED_STATUSES),
  rejectReason: z.string().nullable(),
  points: z.number().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  /** I recorded it / it is my own deed. */
  recordedByMe: z.boolean(),
  doneByMe: z.boolean(),
});

/** What staff who verify see. */
export const ZDeed = ZMyDeed.omit({ recordedByMe: true, doneByMe: true }).extend({
  doerPersonId: z.string().nullable(),
  witnesses: z.array(ZWitness),
  reporterName: z.string(),
  decidedByName: z.string().nullable(),
  awardId: z.string().nullable(),
  /** The doer's points balance now (a registry person only). */
  doerBalance: z.number().nullable(),
  version: z.number(),
});

export const ZHonourQuery = z.object({
  orgNodeId: zId(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});

/** One line of the public honour roll: no ID, no phone, no witness, no reporter. */
export const ZHonourItem = z.object({
  id: z.string(),
  doerLabel: z.string(),
  title: z.string(),
  description: z.string(),
  happenedOn: z.string(),
  place: z.string().nullable(),
  communityName: z.string().nullable(),
  points: z.number().nullable(),
});

export const ZHonour = z.object({
  orgNodeName: z.string(),
  items: z.array(ZHonourItem),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  stats: z.object({ deeds: z.number(), people: z.number(), points: z.number() }),
});

export const ZSettingQuery = z.object({ orgNodeId: zId() });
export const ZSettingInput = z.object({ orgNodeId: zId(), nameDisplay: z.enum(['masked', 'consent']) });
export const ZSetting = z.object({ orgNodeId: z.string(), orgNodeName: z.string(), nameDisplay: z.enum(['masked', 'consent']), inheritedFrom: z.string().nullable() });
