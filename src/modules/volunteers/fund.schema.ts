import * as z from 'zod';
import { zId } from './volunteers.schema.js';

/** zod shapes of 互助基金. Money is integer fen (分) everywhere: 1 元 = 100. */

const zDay = () => z.iso.date();
/** Up to 1 亿元 in fen. */
export const zFen = () => z.number().int().min(1).max(10_000_000_000);

export const APPLICATION_CATEGORIES = ['大病救助', '临时困难', '灾害救助', '助学', '其他'] as const;

export const ZFundInput = z.object({
  orgNodeId: zId(),
  name: z.string().trim().min(4).max(40),
  description: z.string().trim().max(1000).default(''),
});

export const ZDonationInput = z
  .object({
    kind: z.enum(['cash', 'transfer', 'in_kind']),
    amountFen: zFen(),
    /** For goods: what was given (大米 20 袋 …); `amountFen` is their agreed value. */
    goods: z.string().trim().min(2).max(200).nullable().default(null),
    donorType: z.enum(['person', 'organisation']),
    donorName: z.string().trim().min(2).max(60),
    /** Shown as 爱心人士 on the public page. */
    anonymous: z.boolean().default(false),
    receivedOn: zDay(),
    note: z.string().trim().max(300).nullable().default(null),
  })
  .refine((d) => d.kind !== 'in_kind' || !!d.goods, { message: 'goods are required for a donation in kind', path: ['goods'] });
export type DonationInput = z.infer<typeof ZDonationInput>;

export const ZReverseInput = z.object({ reason: z.string().trim().min(4).max(200) });

export const ZApplicationInput = z.object({
  category: z.enum(APPLICATION_CATEGORIES),
  /** The hardship in the applicant's words (stored encrypted; the committee reads it). */
  reason: z.string().trim().min(10).max(2000),
  amountFen: zFen(),
  /** Files of purpose `volunteers.fund-application` the applicant uploaded (证明材料). */
  attachmentIds: z.array(zId()).max(9).default([]),
});
export type ApplicationInput = z.infer<typeof ZApplicationInput>;

/** 代申请: staff file for a resident of the fund's community (someone without a phone). */
export const ZStaffApplicationInput = ZApplicationInput.extend({ personId: zId() });

export const ZDecisionInput = z
  .object({
    decision: z.enum(['approve', 'reject']),
    /** The amount approved (approvals only; the second approval must agree with the first). */
    amountFen: zFen().optional(),
    comment: z.string().trim().min(2).max(500),
    expectedVersion: z.number().int().min(1),
  })
  .refine((d) => d.decision === 'reject' || d.amountFen !== undefined, { message: 'amountFen is required to approve', path: ['amountFen'] });
export type DecisionInput = z.infer<typeof ZDecisionInput>;

export const ZDisbursementInput = z.object({
  amountFen: zFen(),
  /** Cash or transfer from the fund's money, or goods from what it holds in kind. */
  method: z.enum(['cash', 'transfer', 'in_kind']),
  paidOn: zDay(),
  note: z.string().trim().max(300).nullable().default(null),
});
export type DisbursementInput = z.infer<typeof ZDisbursementInput>;

const ZBalances = z.object({ cash: z.number(), inKind: z.number(), balance: z.number(), donations: z.number(), aid: z.number() });

export const ZFund = z.object({
  id: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  balances: ZBalances,
  publicPath: z.string(),
  createdAt: z.string(),
});

export const ZDonation = z.object({
  id: z.string(),
  fundId: z.string(),
  receiptNumber: z.string(),
  kind: z.enum(['cash', 'transfer', 'in_kind']),
  amountFen: z.number(),
  goods: z.string().nullable(),
  donorType: z.enum(['person', 'organisation']),
  donorName: z.string(),
  anonymous: z.boolean(),
  receivedOn: z.string(),
  note: z.string().nullable(),
  status: z.enum(['recorded', 'reversed']),
  reversedReason: z.string().nullable(),
  journalId: z.string(),
  reversalJournalId: z.string().nullable(),
  recordedByName: z.string(),
  createdAt: z.string(),
});

export const ZDecision = z.object({ decision: z.enum(['approve', 'reject']), amountFen: z.number().nullable(), comment: z.string(), decidedByName: z.string(), at: z.string() });

export const ZDisbursement = z.object({
  id: z.string(),
  applicationId: z.string(),
  voucherNumber: z.string(),
  method: z.enum(['cash', 'transfer', 'in_kind']),
  amountFen: z.number(),
  paidOn: z.string(),
  note: z.string().nullable(),
  status: z.enum(['recorded', 'reversed']),
  reversedReason: z.string().nullable(),
  journalId: z.string(),
  reversalJournalId: z.string().nullable(),
  recordedByName: z.string(),
  createdAt: z.string(),
});

const applicationBase = {
  id: z.string(),
  fundId: z.string(),
  number: z.string(),
  category: z.string(),
  amountAskedFen: z.number(),
  approvedFen: z.number(),
  disbursedFen: z.number(),
  status: z.enum(['submitted', 'approving', 'approved', 'rejected', 'withdrawn', 'disbursed']),
  decisions: z.array(ZDecision),
  disbursements: z.array(ZDisbursement),
  version: z.number(),
  createdAt: z.string(),
};

/** What the committee sees in a list: no reason, no files (those are in the audited detail). */
export const ZApplicationRow = z.object({ ...applicationBase, applicantName: z.string(), personId: z.string(), onBehalf: z.boolean() });

export const ZApplicationDetail = ZApplicationRow.extend({
  reason: z.string(),
  attachments: z.array(z.object({ id: z.string(), name: z.string(), mime: z.string() })),
  applicant: z.object({ name: z.string(), idMasked: z.string().nullable(), phoneMasked: z.string().nullable(), address: z.string().nullable() }),
});

export const ZMyApplication = z.object({ ...applicationBase, reason: z.string(), fundName: z.string() });

export const ZPublicEntry = z.object({
  journalId: z.string(),
  /** When it was entered in the books (statements go by this). */
  at: z.string(),
  /** The day on the receipt or voucher (received / paid), or the day of the reversal. */
  day: z.string(),
  kind: z.enum(['donation', 'disbursement', 'reversal']),
  /** 爱心人士 for anonymous donors; applicants as 朱** (category); never a number. */
  label: z.string(),
  detail: z.string().nullable(),
  /** Change of the fund's balance (cash + in kind), in fen. */
  amountFen: z.number(),
  inKind: z.boolean(),
  balanceFen: z.number(),
});

export const ZMonth = z.object({ month: z.string(), openingFen: z.number(), inFen: z.number(), outFen: z.number(), closingFen: z.number(), entries: z.number() });

export const ZPublicFund = z.object({
  name: z.string(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  description: z.string(),
  balances: ZBalances,
  entries: z.array(ZPublicEntry),
  months: z.array(ZMonth),
});
