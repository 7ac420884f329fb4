import * as z from 'zod';
import { zIdNumber } from '../../platform/cn/zod.js';
import { ZCategory, zDay, zId, zVersion } from './organisations.schema.js';
import { TRANSFER_STATES } from './transfers.table.js';

/** zod shapes of 组织关系转接: starting a transfer out or in, the steps, the views. */

export const TRANSFER_REASONS = ['工作调动', '居住地变更', '升学', '毕业', '退休', '外出务工', '其他'] as const;
const zMonth = () => z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

/** Where the member goes: a branch in Linli, or an organisation outside it (by name: a letter is printed). */
export const ZDestination = z.union([z.object({ orgId: zId() }), z.object({ name: z.string().trim().min(4).max(100) })]);

export const ZTransferOut = z.object({
  /** The member (secretaries and staff); a member starting their own leaves it out. */
  memberId: zId().optional(),
  destination: ZDestination,
  reason: z.enum(TRANSFER_REASONS),
  note: z.string().trim().max(300).optional(),
  /** 介绍信有效期 (days): 30 within the province is usual, up to 90. */
  validDays: z.number().int().min(7).max(90).default(30),
  /** 党费交至 YYYY-MM. */
  duesPaidUntil: zMonth().optional(),
});
export type TransferOutInput = z.infer<typeof ZTransferOut>;

export const ZTransferIn = z.object({
  /** The arriving member, found in the registry by ID number. */
  idNumber: zIdNumber(),
  /** The branch that will receive them. */
  toOrgId: zId(),
  /** The sending organisation, as its letter names it. */
  fromOrgName: z.string().trim().min(4).max(100),
  /** The sending organisation's 介绍信编号. */
  letterNumber: z.string().trim().min(2).max(40),
  letterValidUntil: zDay(),
  category: ZCategory,
  joinedOn: zDay(),
  confirmedOn: zDay().optional(),
  duesPaidUntil: zMonth().optional(),
  reason: z.enum(TRANSFER_REASONS),
  note: z.string().trim().max(300).optional(),
});
export type TransferInInput = z.infer<typeof ZTransferIn>;

export const TRANSFER_ACTIONS = ['approve', 'refuse', 'confirm', 'cancel'] as const;
export const ZTransferStep = z.object({
  action: z.enum(TRANSFER_ACTIONS),
  /** Required to refuse (the reason) and to cancel; optional otherwise. */
  note: z.string().trim().max(300).optional(),
  expectedVersion: zVersion(),
});

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZTransfer = z.object({
  id: z.string(),
  direction: z.enum(['out', 'in']),
  state: z.enum(TRANSFER_STATES),
  stateLabel: ZLabel,
  memberId: z.string().nullable(),
  personId: z.string(),
  memberName: z.string(),
  category: ZCategory,
  fromOrgId: z.string().nullable(),
  fromOrgName: z.string(),
  toOrgId: z.string().nullable(),
  toOrgName: z.string(),
  toExternal: z.boolean(),
  reason: z.string(),
  note: z.string().nullable(),
  letterNumber: z.string().nullable(),
  letterValidDays: z.number(),
  letterValidUntil: z.string().nullable(),
  duesPaidUntil: z.string().nullable(),
  startedByName: z.string(),
  startedAt: z.string(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  refusalReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  version: z.number(),
  /** Who must act now, in words (支部审批 / 党委审批 / 接收方确认 …). */
  waitingFor: ZLabel.nullable(),
  /** Steps the caller may take now. */
  actions: z.array(z.enum(TRANSFER_ACTIONS)),
  /** The printable letter (a transfer out, once the committee approved it). */
  letterPath: z.string().nullable(),
});

export const ZTransferDetail = ZTransfer.extend({
  idMasked: z.string().nullable(),
  joinedOn: z.string(),
  confirmedOn: z.string().nullable(),
  history: z.array(z.object({ version: z.number(), action: z.string(), actionLabel: ZLabel, fromState: z.string().nullable(), toState: z.string(), note: z.string().nullable(), actorName: z.string(), at: z.string() })),
});

const yes = z.enum(['1', 'true']).optional().transform((v) => v !== undefined);
export const ZTransferQuery = z.object({
  /** Only those waiting for me. */
  todo: yes,
  state: z.enum(TRANSFER_STATES).optional(),
  direction: z.enum(['out', 'in']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
