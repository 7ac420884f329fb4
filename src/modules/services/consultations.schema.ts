import * as z from 'zod';

/** Request and response shapes of 咨询 (consultations) and their professionals. */

const zId = () => z.string().min(1).max(32);
const zBool = () => z.enum(['0', '1', 'true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'));

export const CONSULTATION_KINDS = ['legal', 'medical'] as const;
export const CONSULTATION_STATUSES = ['submitted', 'assigned', 'answered', 'closed'] as const;
export const CONSULTATION_RATINGS = ['满意', '基本满意', '不满意'] as const;

export const ZConsultationParams = z.object({ id: zId() });

export const ZAsk = z.object({
  /** legal 法律咨询 · medical 医疗健康咨询. */
  kind: z.enum(CONSULTATION_KINDS),
  subject: z.string().trim().min(2).max(100),
  question: z.string().trim().min(5).max(4000),
});

export const ZMessageBody = z.object({ body: z.string().trim().min(1).max(4000) });

export const ZCloseConsultation = z.object({ rating: z.enum(CONSULTATION_RATINGS).optional() });

export const ZAssign = z.object({
  /** A registered, active professional of the consultation's kind serving its area. */
  professionalUserId: zId(),
});

export const ZMyConsultationsQuery = z.object({
  status: z.enum(CONSULTATION_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZWorkQuery = z.object({
  /** `me`: assigned to me (with subjects); `any`: the assigning queue of my area (never the content). */
  assigned: z.enum(['me', 'any']).default('me'),
  status: z.enum(CONSULTATION_STATUSES).optional(),
  kind: z.enum(CONSULTATION_KINDS).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const ZProfessionalBrief = z.object({ userId: z.string(), name: z.string(), title: z.string(), organisation: z.string() });

export const ZConsultationSummary = z.object({
  id: z.string(),
  /** 咨询编号 ZX20261201-0003. */
  code: z.string(),
  kind: z.enum(CONSULTATION_KINDS),
  kindLabel: z.string(),
  status: z.enum(CONSULTATION_STATUSES),
  statusLabel: z.string(),
  /** Null in the assigning queue: staff who assign never see what was asked. */
  subject: z.string().nullable(),
  orgNodeName: z.string().nullable(),
  professional: ZProfessionalBrief.nullable(),
  messageCount: z.number().int(),
  createdAt: z.string(),
  assignedAt: z.string().nullable(),
  firstAnsweredAt: z.string().nullable(),
  lastMessageAt: z.string(),
  closedAt: z.string().nullable(),
  rating: z.string().nullable(),
  version: z.number().int(),
});

export const ZConsultationPage = z.object({ items: z.array(ZConsultationSummary), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ZConsultationDetail = ZConsultationSummary.extend({
  /** The asker's name, for the professional; null in the asker's own view. */
  askerName: z.string().nullable(),
  messages: z.array(
    z.object({
      seq: z.number().int(),
      role: z.enum(['asker', 'professional']),
      authorName: z.string(),
      body: z.string(),
      createdAt: z.string(),
      mine: z.boolean(),
    }),
  ),
  canReply: z.boolean(),
  canClose: z.boolean(),
});

export const ZProfessionalParams = z.object({ id: zId() });

export const ZProfessionalQuery = z.object({
  kind: z.enum(CONSULTATION_KINDS).optional(),
  /** A community or street: the professionals serving it (registered there or above). */
  orgNodeId: zId().optional(),
  includeInactive: zBool(),
});

export const ZCreateProfessional = z.object({
  /** The account that answers (a provider account of a law firm or clinic, or staff). */
  userId: zId(),
  kind: z.enum(CONSULTATION_KINDS),
  /** 执业律师, 全科医生, 健康管理师 … */
  title: z.string().trim().min(2).max(50),
  organisation: z.string().trim().min(2).max(100),
  intro: z.string().trim().max(1000).optional(),
  /** The community or street they serve. */
  orgNodeId: zId(),
});

export const ZUpdateProfessional = z
  .object({
    title: z.string().trim().min(2).max(50).optional(),
    organisation: z.string().trim().min(2).max(100).optional(),
    intro: z.string().trim().max(1000).nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });

export const ZProfessional = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  kind: z.enum(CONSULTATION_KINDS),
  kindLabel: z.string(),
  title: z.string(),
  organisation: z.string(),
  intro: z.string().nullable(),
  orgNodeId: z.string(),
  orgNodeName: z.string().nullable(),
  active: z.boolean(),
});

export const ZProfessionalList = z.object({ items: z.array(ZProfessional) });
