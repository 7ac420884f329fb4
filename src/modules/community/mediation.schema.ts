import * as z from 'zod';
import { zMobile } from '../../platform/cn/zod.js';
import { MEDIATION_CATEGORIES, MEDIATION_STATUSES } from './mediation.table.js';

/** zod shapes of 纠纷调解: inputs (cases, parties, mediators, sessions, agreement, steps) and the staff and party views. */

const zId = () => z.string().min(1).max(32);
const zDay = () => z.iso.date();
const zVersion = () => z.number().int().min(1);

export const ZCategory = z.enum(MEDIATION_CATEGORIES);
export const ZStatus = z.enum(MEDIATION_STATUSES);
export const ZSide = z.enum(['applicant', 'respondent']);

/** A party: a registry person (`personId`), or someone outside it typed by name and mobile. */
export const ZPartyInput = z.object({
  side: ZSide,
  personId: zId().optional(),
  name: z.string().trim().min(2).max(40).optional(),
  phone: zMobile().optional(),
  /** 委托代理人, 关系 … (no numbers: they are masked anyway). */
  note: z.string().trim().max(100).optional(),
});
export type PartyInput = z.infer<typeof ZPartyInput>;

export const ZCaseInput = z.object({
  /** The community (or a grid of it) where the case is handled. */
  orgNodeId: zId(),
  category: ZCategory,
  summary: z.string().trim().min(10).max(4000),
  source: z.enum(['walk_in', 'referral']).default('walk_in'),
  /** Referrals: who sent it (派出所, 法院, 信访办 …). */
  referralFrom: z.string().trim().min(2).max(60).optional(),
  parties: z.array(ZPartyInput).max(20).default([]),
  /** Needs `community.mediation.assign`; without it the registrar mediates the case. */
  leadUserId: zId().optional(),
  helperUserIds: z.array(zId()).max(5).default([]),
});
export type CaseInput = z.infer<typeof ZCaseInput>;

export const ZFromEventInput = z.object({
  /** Default: from the event's category (0401 → 邻里纠纷, 0402 → 物业纠纷 …). */
  category: ZCategory.optional(),
  leadUserId: zId().optional(),
  helperUserIds: z.array(zId()).max(5).default([]),
});

export const ZMediatorsInput = z.object({
  leadUserId: zId(),
  helperUserIds: z.array(zId()).max(5).default([]),
  expectedVersion: zVersion(),
});

export const ZPartyAdd = ZPartyInput.extend({ expectedVersion: zVersion() });
export const ZExpected = z.object({ expectedVersion: zVersion() });

export const ZSessionInput = z.object({
  heldAt: z.iso.datetime({ offset: true }),
  place: z.string().trim().min(2).max(100),
  attendees: z.string().trim().min(2).max(500),
  record: z.string().trim().min(10).max(8000),
  nextStep: z.string().trim().max(1000).optional(),
  expectedVersion: zVersion(),
});
export type SessionInput = z.infer<typeof ZSessionInput>;

export const ZAgreementInput = z.object({
  /** 调解协议书 正文: the dispute and what the parties agreed. */
  text: z.string().trim().min(10).max(8000),
  /** Each term an obligation (who does what by when), in order. */
  terms: z.array(z.string().trim().min(2).max(500)).min(1).max(30),
  performanceDeadline: zDay().optional(),
  signedOn: zDay().optional(),
  expectedVersion: zVersion(),
});
export type AgreementInput = z.infer<typeof ZAgreementInput>;

export const ZPerformanceInput = z.object({
  performed: z.boolean(),
  note: z.string().trim().max(1000).optional(),
  expectedVersion: zVersion(),
});

export const STEP_ACTIONS = ['start', 'agree', 'fail', 'withdraw', 'close'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];
export const ZStepInput = z.object({
  action: z.enum(STEP_ACTIONS),
  /** Required for fail (引导诉讼/仲裁), withdraw (reason) and close (回访情况). */
  note: z.string().trim().max(2000).optional(),
  expectedVersion: zVersion(),
});

export const ZAttachInput = z.object({ attachmentId: zId(), expectedVersion: zVersion() });
export const ZContactInput = z.object({ purpose: z.string().trim().min(2).max(200) });

export const ZListQuery = z.object({
  status: ZStatus.optional(),
  /** `open`: not closed yet. */
  open: z.enum(['1', '0']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ZPartyView = z.object({
  id: z.string(),
  side: ZSide,
  kind: z.enum(['registry', 'outsider']),
  personId: z.string().nullable(),
  name: z.string(),
  idMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  place: z.string().nullable(),
  note: z.string().nullable(),
  hasAccount: z.boolean(),
});

export const ZMediatorView = z.object({ userId: z.string(), name: z.string(), role: z.enum(['lead', 'helper']) });

export const ZCaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  category: ZCategory,
  status: ZStatus,
  statusLabel: ZLabel,
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  summary: z.string(),
  source: z.string(),
  parties: z.array(z.object({ side: ZSide, name: z.string() })),
  lead: z.string().nullable(),
  myRoles: z.array(z.string()),
  acceptedAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

export const ZSessionView = z.object({
  id: z.string(),
  seq: z.number(),
  heldAt: z.string(),
  place: z.string(),
  attendees: z.string(),
  record: z.string(),
  nextStep: z.string().nullable(),
  createdBy: z.string().nullable(),
});

export const ZAgreementView = z.object({
  text: z.string(),
  terms: z.array(z.string()),
  performanceDeadline: z.string().nullable(),
  signedOn: z.string().nullable(),
  performed: z.boolean().nullable(),
  performanceNote: z.string().nullable(),
  performanceRecordedAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const ZStepView = z.object({
  version: z.number(),
  action: z.string(),
  label: ZLabel,
  fromStatus: ZStatus.nullable(),
  toStatus: ZStatus.nullable(),
  note: z.string().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});

export const ZCaseDetail = ZCaseSummary.extend({
  communityId: z.string(),
  sourceEventId: z.string().nullable(),
  referralFrom: z.string().nullable(),
  outcome: z.enum(['agreed', 'failed', 'withdrawn']).nullable(),
  outcomeNote: z.string().nullable(),
  followUp: z.string().nullable(),
  startedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  registeredBy: z.string().nullable(),
  partyDetails: z.array(ZPartyView),
  mediators: z.array(ZMediatorView),
  sessions: z.array(ZSessionView),
  agreement: ZAgreementView.nullable(),
  attachments: z.array(z.object({ id: z.string(), name: z.string(), mime: z.string(), url: z.string() })),
  history: z.array(ZStepView),
  /** What the caller may do now (buttons). */
  abilities: z.object({
    assign: z.boolean(),
    edit: z.boolean(),
    steps: z.array(z.enum(STEP_ACTIONS)),
    unmask: z.boolean(),
  }),
});

/** A party's own view: no other party's contact details, no records, no staff notes. */
export const ZMyCase = z.object({
  id: z.string(),
  number: z.string(),
  category: ZCategory,
  status: ZStatus,
  statusLabel: ZLabel,
  orgNodeName: z.string().nullable(),
  mySide: ZSide,
  parties: z.array(z.object({ side: ZSide, name: z.string(), isMe: z.boolean() })),
  mediators: z.array(z.object({ name: z.string(), role: z.enum(['lead', 'helper']) })),
  sessions: z.array(z.object({ seq: z.number(), heldAt: z.string(), place: z.string() })),
  agreement: z
    .object({ text: z.string(), terms: z.array(z.string()), performanceDeadline: z.string().nullable(), signedOn: z.string().nullable(), performed: z.boolean().nullable() })
    .nullable(),
  acceptedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const ZMyCaseSummary = ZMyCase.pick({ id: true, number: true, category: true, status: true, statusLabel: true, orgNodeName: true, mySide: true, acceptedAt: true, closedAt: true });

export const ZStatistics = z.object({
  orgNodeId: z.string(),
  total: z.number(),
  byStatus: z.record(z.string(), z.number()),
  byCategory: z.record(z.string(), z.number()),
  /** 调解成功率: agreed / (agreed + failed) of decided cases (withdrawn ones left out); null before any. */
  successRate: z.number().nullable(),
});

export const ZCandidate = z.object({ userId: z.string(), name: z.string(), role: z.string(), orgNodeName: z.string() });
