import * as z from 'zod';
import { zId } from './organisations.schema.js';
import { zLine } from './study.schema.js';
import { POINTS_ITEMS } from './party-points.table.js';

/** zod shapes of 党员积分. */

export const zYear = () => z.coerce.number().int().min(2000).max(2100);

export const ZRulesQuery = z.object({ orgId: zId() });
export const ZRuleInput = z.object({
  item: z.enum(POINTS_ITEMS),
  /** 0 switches the item off. */
  pointsPerUnit: z.number().int().min(0).max(100),
  /** null: no cap. */
  yearlyCap: z.number().int().min(1).max(10000).nullable(),
});
export const ZRulesInput = z.object({
  committeeId: zId(),
  rules: z
    .array(ZRuleInput)
    .length(POINTS_ITEMS.length)
    .refine((rs) => new Set(rs.map((r) => r.item)).size === POINTS_ITEMS.length, { message: 'PARTY_POINTS_RULES_ITEMS', params: { code: 'PARTY_POINTS_RULES_ITEMS' } }),
});

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
export const ZRule = z.object({ item: z.enum(POINTS_ITEMS), label: ZLabel, unit: ZLabel, pointsPerUnit: z.number(), yearlyCap: z.number().nullable(), own: z.boolean() });
export const ZRules = z.object({ committeeId: z.string().nullable(), committeeName: z.string().nullable(), canEdit: z.boolean(), rules: z.array(ZRule) });

export const ZScoreQuery = z.object({ orgId: zId(), year: zYear().optional() });
export const ZMyScoreQuery = z.object({ year: zYear().optional() });

export const ZItemScore = z.object({
  item: z.enum(POINTS_ITEMS),
  label: ZLabel,
  /** Meetings attended, materials read, hours (one decimal), deeds. */
  units: z.number(),
  pointsPerUnit: z.number(),
  yearlyCap: z.number().nullable(),
  /** Before the cap. */
  raw: z.number(),
  points: z.number(),
  capped: z.boolean(),
});
export const ZAdjustment = z.object({ id: z.string(), points: z.number(), reason: z.string(), createdByName: z.string(), createdAt: z.string() });
export const ZScore = z.object({
  memberId: z.string(),
  name: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  year: z.number(),
  items: z.array(ZItemScore),
  adjustments: z.array(ZAdjustment),
  adjustmentTotal: z.number(),
  total: z.number(),
});
export const ZScores = z.object({ orgId: z.string(), orgName: z.string(), year: z.number(), canAdjust: z.boolean(), items: z.array(ZScore) });

export const ZAdjustInput = z.object({
  memberId: zId(),
  year: zYear(),
  points: z
    .number()
    .int()
    .min(-100)
    .max(100)
    .refine((v) => v !== 0, { message: 'PARTY_POINTS_ADJUST_ZERO', params: { code: 'PARTY_POINTS_ADJUST_ZERO' } }),
  reason: zLine(4, 200),
});
