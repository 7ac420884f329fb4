import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 积分: rules, awards (good deeds), the holder's points and statement. */

const zDay = () => z.iso.date();

export const ZRuleInput = z
  .object({
    orgNodeId: zId(),
    name: z.string().trim().min(2).max(60),
    /** A registered source kind: `volunteer.hours`, `good_deed`, … (GET /api/v1/points/kinds). */
    sourceKind: z.string().trim().regex(/^[a-z][a-z0-9_.-]{1,40}$/),
    pointsPerUnit: z.number().int().min(1).max(100_000),
    maxPerAward: z.number().int().min(1).max(1_000_000).nullable().default(null),
    maxPerMonth: z.number().int().min(1).max(10_000_000).nullable().default(null),
    validFrom: zDay().nullable().default(null),
    validTo: zDay().nullable().default(null),
    description: z.string().trim().max(500).default(''),
  })
  .refine((r) => !r.validFrom || !r.validTo || r.validFrom <= r.validTo, { message: 'validFrom must not be after validTo', path: ['validTo'] });
export type RuleInput = z.infer<typeof ZRuleInput>;

export const ZRulePatch = z.object({
  name: z.string().trim().min(2).max(60).optional(),
  pointsPerUnit: z.number().int().min(1).max(100_000).optional(),
  maxPerAward: z.number().int().min(1).max(1_000_000).nullable().optional(),
  maxPerMonth: z.number().int().min(1).max(10_000_000).nullable().optional(),
  validFrom: zDay().nullable().optional(),
  validTo: zDay().nullable().optional(),
  description: z.string().trim().max(500).optional(),
  active: z.boolean().optional(),
  expectedVersion: z.number().int().min(1),
});
export type RulePatch = z.infer<typeof ZRulePatch>;

export const ZRule = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  name: z.string(),
  sourceKind: z.string(),
  sourceKindLabel: z.string(),
  perUnit: z.enum(['hour', 'item']),
  pointsPerUnit: z.number(),
  maxPerAward: z.number().nullable(),
  maxPerMonth: z.number().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  active: z.boolean(),
  description: z.string(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZKind = z.object({ kind: z.string(), label: z.string(), perUnit: z.enum(['hour', 'item']) });

/** A holder: a registry person, or a volunteer without a registry record. */
export const ZHolder = z.union([z.object({ personId: zId() }).strict(), z.object({ volunteerId: zId() }).strict()]);

export const ZGoodDeedInput = z.object({
  /** A volunteer of the register (their points go to their registry person when they have one) or a registry person. */
  holder: ZHolder,
  /** How many good deeds this award counts (usually 1). */
  quantity: z.number().int().min(1).max(100).default(1),
  description: z.string().trim().min(4).max(200),
  /** What happened when (a Beijing day, not in the future). */
  happenedOn: zDay(),
});
export type GoodDeedInput = z.infer<typeof ZGoodDeedInput>;

export const ZAward = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  sourceKind: z.string(),
  sourceType: z.string(),
  sourceId: z.string(),
  revision: z.number(),
  holderCode: z.string(),
  holderName: z.string().nullable(),
  quantity: z.number(),
  points: z.number(),
  uncappedPoints: z.number(),
  memo: z.string(),
  journalId: z.string().nullable(),
  createdAt: z.string(),
});

export const ZAwardQuery = z.object({ kind: z.string().max(40).optional(), ...ZPage });

export const ZStatementItem = z.object({
  journalId: z.string(),
  at: z.string(),
  memo: z.string(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  reversesId: z.string().nullable(),
  amount: z.number(),
});

export const ZMyPoints = z.object({
  /** Null when the caller can hold no points (no registry record and no volunteer record). */
  holderCode: z.string().nullable(),
  balance: z.number(),
  entries: z.array(ZStatementItem),
});
