import * as z from 'zod';
import { PERSON_FIELDS } from '../registry/registry.policy.js';

export const zId = () => z.string().min(1).max(32);
const zDay = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD / date as YYYY-MM-DD');
export const LIFE_EVENTS = ['person.born', 'person.died'] as const;

export const ZClientInput = z.object({
  departmentCode: z.string().trim().min(1).max(40),
  name: z.string().trim().min(2).max(60),
  contact: z.string().trim().min(2).max(120),
  orgNodeId: zId(),
  lifeEvents: z.array(z.enum(LIFE_EVENTS)).max(2).default([]),
  legalBasis: z.string().trim().min(4).max(500),
});
export type ClientInput = z.infer<typeof ZClientInput>;

export const ZKeyInput = z.object({
  name: z.string().trim().min(2).max(60),
  tags: z.array(z.string().trim().min(1).max(40)).min(1).max(30),
  fields: z.array(z.enum(PERSON_FIELDS)).min(1).max(PERSON_FIELDS.length),
  orgNodeId: zId(),
  purpose: z.string().trim().min(2).max(200),
  ratePerMinute: z.number().int().min(1).max(6000).default(60),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type KeyInput = z.infer<typeof ZKeyInput>;

export const ZConsentInput = z.object({
  personId: zId(),
  departmentCode: z.string().trim().min(1).max(40),
  field: z.enum(PERSON_FIELDS),
  validFrom: zDay(),
  validTo: zDay().optional(),
  evidence: z.string().trim().min(2).max(200),
  /** The signed form (PDF or picture) the caller uploaded to /api/v1/files with purpose `exchange.consent`. */
  evidenceAttachmentId: zId().optional(),
});
export type ConsentInput = z.infer<typeof ZConsentInput>;

export const ZConsentWithdrawInput = z.object({
  /** Why the resident withdrew (kept on the consent; ID and phone numbers are masked). */
  reason: z.string().trim().min(2).max(200),
});

export const ZClient = z.object({
  id: z.string(),
  departmentCode: z.string(),
  departmentName: z.string(),
  name: z.string(),
  contact: z.string(),
  status: z.enum(['active', 'suspended']),
  orgNodeId: z.string(),
  orgNodeName: z.string(),
  lifeEvents: z.array(z.string()),
  legalBasis: z.string(),
  createdAt: z.string(),
});

export const ZKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  tags: z.array(z.string()),
  fields: z.array(z.string()),
  consentFields: z.array(z.string()),
  orgNodeId: z.string(),
  purpose: z.string(),
  ratePerMinute: z.number(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  replacedBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  state: z.enum(['active', 'expiring', 'expired', 'revoked']),
});

export const ZConsent = z.object({
  id: z.string(),
  personId: z.string(),
  departmentCode: z.string(),
  field: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  evidence: z.string(),
  /** The signed form, downloadable at /api/v1/files/{id} by staff who may see the consent. */
  evidenceAttachment: z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number() }).nullable(),
  recordedAt: z.string(),
  withdrawnAt: z.string().nullable(),
  /** Why it was withdrawn (numbers masked); null while it stands. */
  withdrawnReason: z.string().nullable(),
});

/** A person as a key reads them: only the key's fields (left out, not nulled), numbers masked. */
export const ZSharedPerson = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    gender: z.string().nullable().optional(),
    birthDate: z.string().nullable().optional(),
    age: z.number().nullable().optional(),
    idType: z.string().optional(),
    idNumber: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    address: z.string().nullable().optional(),
    dwellingId: z.string().nullable().optional(),
    tags: z.array(z.string()).optional(),
    consentedFields: z.array(z.string()).optional(),
  })
  .strip();
