import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 时间银行: joining, posts (offers and needs), exchanges, the staff's views. */

export const TIMEBANK_CATEGORIES = ['跑腿代办', '陪伴聊天', '陪同就医', '家居维修', '手机电脑', '教学辅导', '文体艺术', '其他'] as const;

const zInstant = () => z.iso.datetime({ offset: true });
/** Minutes of help: a quarter of an hour to a working day. */
export const zMinutes = () => z.number().int().min(15).max(480);

export const ZJoin = z.object({
  /** How counterparts of an exchange may reach me (shown only to them), e.g. 3幢2单元，白天在家. */
  contactNote: z.string().trim().max(60).optional(),
  /** Must be true: the member agreed to the rules shown (starting hours, holding, disputes). */
  agree: z.literal(true),
});

export const ZMemberPatch = z.object({ contactNote: z.string().trim().max(60).nullable() });

export const ZPostInput = z.object({
  kind: z.enum(['offer', 'need']),
  category: z.enum(TIMEBANK_CATEGORIES),
  title: z.string().trim().min(4).max(40),
  description: z.string().trim().max(1000).default(''),
  /** A need: the hours promised (held when a neighbour takes it); an offer: the usual length. */
  minutes: zMinutes(),
  place: z.string().trim().min(2).max(60).optional(),
  /** A need: wanted by then (required); untaken by then it expires. */
  neededBy: zInstant().optional(),
});
export type PostInput = z.infer<typeof ZPostInput>;

export const ZBookInput = z.object({
  /** By default the offer's usual length. */
  minutes: zMinutes().optional(),
  neededBy: zInstant(),
  note: z.string().trim().max(200).optional(),
});
export type BookInput = z.infer<typeof ZBookInput>;

export const ZDoneInput = z.object({ note: z.string().trim().max(200).optional() }).default({});
export const ZDisputeInput = z.object({ reason: z.string().trim().min(5).max(300) });
export const ZWithdrawInput = z.object({ reason: z.string().trim().max(200).optional() }).default({});
export const ZCloseInput = z.object({ reason: z.string().trim().max(200).optional() }).default({});
export const ZStaffCloseInput = z.object({ reason: z.string().trim().min(5).max(200) });
export const ZResolveInput = z.object({
  /** Who gets the held hours: the helper (the help was given) or the requester (it was not). */
  award: z.enum(['helper', 'requester']),
  reason: z.string().trim().min(5).max(300),
});

export const ZPostQuery = z.object({
  kind: z.enum(['offer', 'need']).optional(),
  category: z.enum(TIMEBANK_CATEGORIES).optional(),
  /** 1: my own posts, whatever their status; otherwise the open posts of my community. */
  mine: z.enum(['0', '1']).default('0'),
  ...ZPage,
});

export const ZStatementQuery = z.object({ ...ZPage });

export const ZExchangeStatus = z.enum(['held', 'done', 'completed', 'disputed', 'resolved', 'released', 'cancelled']);

export const ZStaffExchangeQuery = z.object({
  status: ZExchangeStatus.optional(),
  /** 1: the ones that need staff (disputed). */
  open: z.enum(['0', '1']).default('0'),
  ...ZPage,
});

export const ZStaffPostQuery = z.object({
  kind: z.enum(['offer', 'need']).optional(),
  status: z.enum(['open', 'taken', 'closed', 'expired']).optional(),
  ...ZPage,
});

export const ZOverviewQuery = z.object({ orgNodeId: zId().optional() });

const ZRules = z.object({
  startingMinutes: z.number(),
  autoAcceptDays: z.number(),
  releaseGraceHours: z.number(),
  maxNeededByDays: z.number(),
});

export const ZMe = z.object({
  /** Whether the caller has a registry record (only residents with one can join). */
  eligible: z.boolean(),
  communityName: z.string().nullable(),
  member: z
    .object({
      id: z.string(),
      joinedAt: z.string(),
      contactNote: z.string().nullable(),
      /** Minutes on the account (the ledger balance). */
      balance: z.number(),
      /** Minutes promised in open needs (not held yet, but not free either). */
      promised: z.number(),
      /** What can still be promised or spent: balance − promised. */
      available: z.number(),
      /** Minutes of mine held in escrow for exchanges not settled yet. */
      held: z.number(),
      /** Minutes earned by helping, and spent being helped, settled so far. */
      earned: z.number(),
      spent: z.number(),
    })
    .nullable(),
  rules: ZRules,
});

const ZPerson = z.object({
  /** 朱** (neighbours see masked names). */
  name: z.string(),
  /** The member's grid (or community). */
  place: z.string().nullable(),
});

export const ZPost = z.object({
  id: z.string(),
  kind: z.enum(['offer', 'need']),
  category: z.string(),
  title: z.string(),
  description: z.string(),
  minutes: z.number(),
  place: z.string().nullable(),
  neededBy: z.string().nullable(),
  status: z.enum(['open', 'taken', 'closed', 'expired']),
  closedReason: z.string().nullable(),
  exchangeCount: z.number(),
  createdAt: z.string(),
  author: ZPerson.extend({ isMe: z.boolean() }),
  canTake: z.boolean(),
  canBook: z.boolean(),
  canClose: z.boolean(),
});

export const ZExchange = z.object({
  id: z.string(),
  postId: z.string(),
  kind: z.enum(['offer', 'need']),
  title: z.string(),
  category: z.string(),
  minutes: z.number(),
  status: ZExchangeStatus,
  neededBy: z.string(),
  dueAt: z.string(),
  /** When a `done` exchange is confirmed automatically unless disputed first. */
  autoAcceptAt: z.string().nullable(),
  note: z.string().nullable(),
  doneAt: z.string().nullable(),
  doneNote: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  acceptedHow: z.enum(['requester', 'auto']).nullable(),
  disputedAt: z.string().nullable(),
  disputedByMe: z.boolean(),
  disputeReason: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolution: z.enum(['helper', 'requester']).nullable(),
  resolutionReason: z.string().nullable(),
  releasedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  /** My side of it. */
  role: z.enum(['requester', 'helper']),
  counterpart: ZPerson.extend({ contactNote: z.string().nullable() }),
  can: z.object({ done: z.boolean(), accept: z.boolean(), dispute: z.boolean(), withdraw: z.boolean() }),
});

export const ZPostDetail = z.object({ post: ZPost, exchanges: z.array(ZExchange) });

export const ZPostPage = z.object({ items: z.array(ZPost), total: z.number(), page: z.number(), pageSize: z.number() });

export const ZStatement = z.object({
  balance: z.number(),
  total: z.number(),
  items: z.array(z.object({ journalId: z.string(), at: z.string(), memo: z.string(), amount: z.number(), sourceType: z.string().nullable(), sourceId: z.string().nullable() })),
});

const ZParty = z.object({ memberId: z.string(), name: z.string(), phoneMasked: z.string().nullable(), place: z.string().nullable() });

/** An exchange as staff see it (names: an audited read). */
export const ZStaffExchange = z.object({
  id: z.string(),
  postId: z.string(),
  kind: z.enum(['offer', 'need']),
  title: z.string(),
  category: z.string(),
  orgNodeId: z.string(),
  minutes: z.number(),
  status: ZExchangeStatus,
  neededBy: z.string(),
  dueAt: z.string(),
  note: z.string().nullable(),
  doneAt: z.string().nullable(),
  doneNote: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  acceptedHow: z.enum(['requester', 'auto']).nullable(),
  disputedAt: z.string().nullable(),
  disputedBy: z.enum(['requester', 'helper']).nullable(),
  disputeReason: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolution: z.enum(['helper', 'requester']).nullable(),
  resolutionReason: z.string().nullable(),
  releasedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  requester: ZParty,
  helper: ZParty,
  /** Minutes in this exchange's escrow account now (the ledger's word). */
  escrowBalance: z.number(),
  holdJournalId: z.string(),
  settleJournalId: z.string().nullable(),
  canResolve: z.boolean(),
});

export const ZStaffExchangePage = z.object({ items: z.array(ZStaffExchange), total: z.number(), page: z.number(), pageSize: z.number() });

export const ZStaffPost = ZPost.omit({ canTake: true, canBook: true, canClose: true }).extend({ orgNodeId: z.string(), canClose: z.boolean() });

export const ZOverview = z.object({
  members: z.number(),
  openOffers: z.number(),
  openNeeds: z.number(),
  exchanges: z.record(z.string(), z.number()),
  /** Minutes paid to helpers (confirmed, confirmed automatically, or awarded). */
  settledMinutes: z.number(),
  /** Minutes of live exchanges by the exchange rows… */
  heldMinutes: z.number(),
  /** …and by the ledger's escrow accounts: the two agree. */
  escrowMinutes: z.number(),
  /** Starting hours granted by the communities. */
  grantedMinutes: z.number(),
});
