import * as z from 'zod';
import { zMobile } from '../../platform/cn/zod.js';

/** Request and response shapes of the people write path (forms, imports, corrections). */

export const ID_TYPES = ['居民身份证', '港澳台居民居住证', '外国人永久居留身份证', '护照'] as const;
export const RESIDENCE_TYPES = ['户籍人口', '流动人口', '境外人员'] as const;
export const HOUSEHOLD_RESIDENCE_STATUSES = ['人户同在', '户在人不在', '人在户不在', '空挂户'] as const;
export const END_KINDS = ['moved_out', 'deceased', 'transferred'] as const;
export const DWELLING_RELATIONS = ['owner', 'tenant', 'resident'] as const;

/**
 * A date as Chinese users write it: 1980-01-01, 1980/1/1, 1980.1.1, 1980年1月1日, 19800101.
 * Returns `YYYY-MM-DD`, or null when it is not a real calendar date.
 */
export function normaliseDate(input: string): string | null {
  const s = input.trim().replace(/\s+/g, '');
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1850 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export const zDate = () =>
  z
    .string()
    .trim()
    .min(8)
    .max(12)
    .transform((value, ctx) => {
      const d = normaliseDate(value);
      if (d === null) {
        ctx.issues.push({ code: 'custom', input: value, message: 'invalid date', params: { code: 'DATE_INVALID' } });
        return z.NEVER;
      }
      return d;
    });

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional();

/**
 * One person as a form or an import row gives it. The ID number is checked against its type
 * in the write path (GB 11643 for 居民身份证 and 港澳台居民居住证), code-list fields accept a
 * name, an alias or a code. Fields left out mean "not known / leave as is" (an upsert never
 * erases what a grid worker typed because an import column was empty).
 */
export const ZPersonInput = z.object({
  name: text(50).min(1),
  idType: z.enum(ID_TYPES).default('居民身份证'),
  /** Null for a person without a number yet (a newborn); required for upsert. */
  idNumber: text(40).min(1).nullable(),
  /** Derived from a GB 11643 number; if typed too, it must agree (GENDER_MISMATCH). */
  gender: z.enum(['男', '女']).optional(),
  /** Derived from a GB 11643 number; if typed too, it must agree (BIRTH_DATE_MISMATCH). */
  birthDate: zDate().nullable().optional(),
  /** 民族, GB 3304 (汉族, 汉, 01 …). */
  ethnicity: optionalText(30),
  /** 政治面貌, GB/T 4762. */
  politicalStatus: optionalText(30),
  /** 学历, GB/T 4658. */
  education: optionalText(30),
  /** 婚姻状况, GB/T 2261.2. */
  maritalStatus: optionalText(30),
  phone: zMobile().nullable().optional(),
  /** 户籍地. */
  hukouAddress: optionalText(200),
  residenceType: z.enum(RESIDENCE_TYPES),
  householdResidenceStatus: z.enum(HOUSEHOLD_RESIDENCE_STATUSES).nullable().optional(),
  /** 与户主关系, GB/T 4761 (name or code; stored as the code). */
  relationToHead: optionalText(30),
  occupation: optionalText(100),
  /** The dwelling (org node of kind dwelling); null → kept at community level, listed for placement. */
  dwellingId: z.string().min(1).max(32).nullable().optional(),
  /** Where the person is registered when there is no dwelling (community or grid node). */
  communityId: z.string().min(1).max(32).optional(),
  /** 户号: joins (or opens) that household of the community. */
  householdNumber: optionalText(30),
  /** Special-group tags given by the source (an import's 标签 column); added, never removed. */
  tags: z.array(text(30).min(1)).max(30).optional(),
});
export type PersonInput = z.output<typeof ZPersonInput>;

/** A change to a person; every field optional; `reason` goes to the change history. */
export const ZPersonPatch = ZPersonInput.omit({ tags: true, householdNumber: true })
  .partial()
  .extend({
    idType: z.enum(ID_TYPES).optional(),
    residenceType: z.enum(RESIDENCE_TYPES).optional(),
    reason: text(200).min(1).optional(),
  });
export type PersonPatch = z.output<typeof ZPersonPatch>;

export const ZEndPerson = z.object({
  kind: z.enum(END_KINDS),
  date: zDate(),
  reason: text(200).min(2),
});
export type EndPersonInput = z.output<typeof ZEndPerson>;

export const ZPlacePerson = z.object({ dwellingId: z.string().min(1).max(32), reason: text(200).min(1).optional() });

export const ZDwellingLinkInput = z.object({
  dwellingId: z.string().min(1).max(32),
  relation: z.enum(DWELLING_RELATIONS),
  fromDate: zDate().nullable().optional(),
});
export const ZEndDwellingLink = z.object({ toDate: zDate().nullable().optional() }).optional();

/** A person as the write path answers (masked; the writer holds write access on the node). */
export const ZPersonRecord = z.object({
  id: z.string(),
  name: z.string(),
  idType: z.string(),
  idNumber: z.string().nullable(),
  gender: z.enum(['男', '女']),
  birthDate: z.string().nullable(),
  ethnicity: z.string().nullable(),
  politicalStatus: z.string().nullable(),
  education: z.string().nullable(),
  maritalStatus: z.string().nullable(),
  phone: z.string().nullable(),
  hukouAddress: z.string().nullable(),
  residenceType: z.enum(RESIDENCE_TYPES),
  householdResidenceStatus: z.string().nullable(),
  relationToHead: z.string().nullable(),
  relationToHeadName: z.string().nullable(),
  occupation: z.string().nullable(),
  dwellingId: z.string().nullable(),
  /** The org node the person sits at (the dwelling, or the community/grid when unplaced). */
  orgNodeId: z.string(),
  householdId: z.string().nullable(),
  status: z.enum(['active', ...END_KINDS]),
  endDate: z.string().nullable(),
  endReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PersonRecord = z.infer<typeof ZPersonRecord>;

export const ZPersonChange = z.object({
  id: z.string(),
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  reason: z.string().nullable(),
  source: z.enum(['form', 'import', 'correction', 'system', 'party']),
  actorName: z.string().nullable(),
  at: z.string(),
});
export const ZPersonHistory = z.object({ items: z.array(ZPersonChange), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZDwellingLink = z.object({
  id: z.string(),
  personId: z.string(),
  dwellingId: z.string(),
  relation: z.enum(DWELLING_RELATIONS),
  fromDate: z.string().nullable(),
  toDate: z.string().nullable(),
  active: z.boolean(),
});

export const ZUnplacedQuery = ZPage.extend({ orgNodeId: z.string().min(1).max(32).optional() });
export const ZUnplacedPage = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), gender: z.enum(['男', '女']), birthDate: z.string().nullable(), idNumber: z.string().nullable(), phone: z.string().nullable(), orgNodeId: z.string(), orgNodeName: z.string(), residenceType: z.string(), createdAt: z.string() })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZCodeEntry = z.object({ code: z.string(), name: z.string(), aliases: z.array(z.string()) });
export const ZCodeLists = z.object({
  ethnicity: z.array(ZCodeEntry),
  relationToHead: z.array(ZCodeEntry),
  politicalStatus: z.array(ZCodeEntry),
  education: z.array(ZCodeEntry),
  maritalStatus: z.array(ZCodeEntry),
  idTypes: z.array(z.string()),
  residenceTypes: z.array(z.string()),
  householdResidenceStatuses: z.array(z.string()),
  dwellingUses: z.array(z.string()),
  dwellingRelations: z.array(z.string()),
  endKinds: z.array(z.string()),
  organisationKinds: z.array(z.string()),
});
