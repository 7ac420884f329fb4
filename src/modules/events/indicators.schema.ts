import * as z from 'zod';
import { isValidDate } from '../../platform/calendar/working-time.js';

/** Request and response shapes of the indicators API (shared with the web app). */

export const INDICATOR_GROUPS = ['grid', 'community', 'unit', 'category', 'month', 'week', 'day'] as const;
export type IndicatorGroupBy = (typeof INDICATOR_GROUPS)[number];

const zDate = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'YYYY-MM-DD' })
    .refine(isValidDate, { message: 'not a calendar date' });

export const ZIndicatorQuery = z.object({
  /** First day counted (Beijing date, inclusive); default the first of this month. */
  from: zDate().optional(),
  /** Last day counted (inclusive); default today. */
  to: zDate().optional(),
  /** A street, community or grid inside your scope; default your whole scope. */
  orgNodeId: z.string().min(1).max(32).optional(),
  groupBy: z.enum(INDICATOR_GROUPS).default('grid'),
});
export type IndicatorQuery = z.infer<typeof ZIndicatorQuery>;

/** The additive facts of a group; every rate is a ratio of two of them. */
export const ZIndicatorCounts = z.object({
  reported: z.number().describe('上报数: events reported in the period (merged duplicates not counted)'),
  withdrawn: z.number().describe('撤回数'),
  dueToAccept: z.number().describe('应受理数: decided (accepted or rejected) or waiting past the acceptance limit; withdrawn not counted'),
  accepted: z.number().describe('受理数'),
  rejected: z.number().describe('不予受理数'),
  dispatchedEvents: z.number().describe('派遣案件数: events dispatched at least once'),
  dispatches: z.number().describe('派遣次数 (re-dispatches included)'),
  returns: z.number().describe('回退次数'),
  handlings: z.number().describe('处置次数: 处置完毕 steps'),
  reworks: z.number().describe('返工次数'),
  extended: z.number().describe('延期案件数: events with an approved extension'),
  dueToHandle: z.number().describe('应处置数: dispatched, not voided, and reported done or past the handling limit'),
  dueToHandleSuspended: z.number().describe('其中挂账数'),
  handledOnTime: z.number().describe('按期处置数: reported done by the limit, never suspended'),
  dueToClose: z.number().describe('应结案数: dispatched, not voided, and closed or past the handling limit'),
  dueToCloseSuspended: z.number().describe('其中挂账数'),
  closed: z.number().describe('结案数'),
  closedOnTime: z.number().describe('按期结案数: closed by the limit, never suspended'),
  rated: z.number().describe('评价数'),
  satisfied: z.number().describe('满意数: 满意 and 基本满意'),
  responseCount: z.number().describe('accepted events whose response time is counted'),
  responseHours: z.number().describe('their working hours from report to acceptance, summed'),
  handlingCount: z.number().describe('events reported done (never suspended) whose handling time is counted'),
  handlingHours: z.number().describe('their working hours from first dispatch to 处置完毕, summed'),
});
export type IndicatorCounts = z.infer<typeof ZIndicatorCounts>;

const zRate = () => z.number().nullable();

/** Ratios (0–1) and averages; null when the denominator is zero. Formulas: src/modules/events/README.md. */
export const ZIndicatorRates = z.object({
  acceptanceRate: zRate().describe('受理率（响应率） = 受理数 / 应受理数'),
  onTimeHandlingRate: zRate().describe('按期处置率 = 按期处置数 / (应处置数 − 挂账数)'),
  closingRate: zRate().describe('结案率 = 结案数 / 应结案数'),
  onTimeClosingRate: zRate().describe('按期结案率 = 按期结案数 / (应结案数 − 挂账数)'),
  reworkRate: zRate().describe('返工率 = 返工次数 / 处置次数'),
  accurateDispatchRate: zRate().describe('准确派遣率 = (派遣次数 − 回退次数) / 派遣次数'),
  extensionRate: zRate().describe('延期率 = 延期案件数 / 派遣案件数'),
  satisfactionRate: zRate().describe('满意率 = (满意 + 基本满意) / 评价数'),
  avgResponseHours: zRate().describe('平均响应时长, working hours'),
  avgHandlingHours: zRate().describe('平均处置时长, working hours'),
});
export type IndicatorRates = z.infer<typeof ZIndicatorRates>;

export const ZIndicatorGroup = z.object({
  /** Node id, `nodeId|departmentCode` for units, category id, or the period (2026-11-26, the week's Monday, 2026-11); null = not dispatched / no unit. */
  key: z.string().nullable(),
  label: z.string(),
  counts: ZIndicatorCounts,
  rates: ZIndicatorRates,
});
export type IndicatorGroup = z.infer<typeof ZIndicatorGroup>;

export const ZIndicatorReport = z.object({
  from: z.string(),
  to: z.string(),
  /** Deadlines are judged as of this instant (the time of the query). */
  asOf: z.string(),
  groupBy: z.enum(INDICATOR_GROUPS),
  /** The node asked for, or null for the caller's whole scope. */
  orgNode: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Label of what was counted: the node, or the caller's scope. */
  unit: z.string(),
  groups: z.array(ZIndicatorGroup),
  total: ZIndicatorGroup,
});
export type IndicatorReport = z.infer<typeof ZIndicatorReport>;
