import * as z from 'zod';
import { zIdNumber } from '../../platform/cn/zod.js';

/** Request and response shapes of the registry API (shared with the web app). */

export const ZPersonId = z.object({ id: z.string().min(1).max(32) });

/** Why the data is needed: required of department officers and to unmask, recorded in the audit log and the person's access log. */
export const zPurpose = () => z.string().trim().min(2).max(200);

const zFlag = () => z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const zTagList = () =>
  z
    .union([z.string().max(400), z.array(z.string().max(40)).max(20)])
    .transform((v) => [...new Set((Array.isArray(v) ? v : v.split(/[,，]/)).map((t) => t.trim()).filter(Boolean))])
    .refine((tags) => tags.length <= 20 && tags.every((t) => t.length <= 40), { message: 'too many or too long tags' });

export const PERSON_SORTS = ['address', 'name', 'age', 'created'] as const;

/** Filters shared by the people list and its export. */
export const ZPeopleFilters = z.object({
  /** A grid, building … inside the caller's scope. */
  orgNodeId: z.string().min(1).max(32).optional(),
  /**
   * What was typed in the search box: a name (汉字: one character is a surname prefix, more a
   * substring), pinyin (full, partial or initials: zs, zhangs, zhangsan), a full ID or mobile
   * number (blind index), the last four characters of either (within a grid), or an address
   * (3幢2单元501室, 3-2-501).
   */
  q: z.string().trim().min(1).max(50).optional(),
  /** Holds any of these tags today (repeat the parameter, or separate with commas). */
  tag: zTagList().optional(),
  minAge: z.coerce.number().int().min(0).max(150).optional(),
  maxAge: z.coerce.number().int().min(0).max(150).optional(),
  gender: z.enum(['男', '女']).optional(),
  residenceType: z.enum(['户籍人口', '流动人口', '境外人员']).optional(),
  /** Active people by default; `all` includes ended records. */
  status: z.enum(['active', 'moved_out', 'deceased', 'transferred', 'all']).default('active'),
  /** address (dwelling order), name (pinyin), age, created. */
  sort: z.enum(PERSON_SORTS).default('address'),
  order: z.enum(['asc', 'desc']).default('asc'),
  purpose: zPurpose().optional(),
});

export const ZPeopleQuery = ZPeopleFilters.extend({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const ZExportQuery = ZPeopleFilters.extend({
  /** Full ID and mobile numbers in the file: needs pii.unmask and a purpose; every person exported is logged. */
  unmask: zFlag().optional(),
});

export const ZPersonQuery = z.object({
  purpose: zPurpose().optional(),
  /** Show the full ID and mobile numbers: needs pii.unmask and a purpose. */
  unmask: zFlag().optional(),
});

export const ZLookupQuery = z.object({ idNumber: zIdNumber(), purpose: zPurpose().optional() });

/**
 * A person as a list shows it. Numbers are masked (330481********1234, 138****5678). Fields
 * outside a department officer's mandate are left out, not nulled, so "absent" never reads
 * as "unknown".
 */
export const ZPersonListItem = z.object({
  id: z.string(),
  name: z.string().optional(),
  gender: z.enum(['男', '女']).optional(),
  birthDate: z.string().nullable().optional(),
  age: z.number().int().nullable().optional(),
  idType: z.string().optional(),
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  residenceType: z.enum(['户籍人口', '流动人口', '境外人员']).optional(),
  status: z.enum(['active', 'moved_out', 'deceased', 'transferred']).optional(),
  dwellingId: z.string().nullable().optional(),
  householdId: z.string().nullable().optional(),
  /** Special-group tags held today (a department sees only its mandate's). */
  tags: z.array(z.string()).optional(),
});

export const ZPeoplePage = z.object({
  items: z.array(ZPersonListItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZPersonDetail = ZPersonListItem.extend({
  ethnicity: z.string().nullable().optional(),
  politicalStatus: z.string().nullable().optional(),
  education: z.string().nullable().optional(),
  maritalStatus: z.string().nullable().optional(),
  hukouAddress: z.string().nullable().optional(),
  householdResidenceStatus: z.string().nullable().optional(),
  relationToHead: z.string().nullable().optional(),
  occupation: z.string().nullable().optional(),
  end: z.object({ kind: z.string(), date: z.string().nullable(), reason: z.string().nullable() }).nullable().optional(),
  household: z.object({ id: z.string(), number: z.string(), isHead: z.boolean() }).nullable().optional(),
  dwelling: z.object({ use: z.string(), areaM2: z.number().nullable() }).nullable().optional(),
  /** True when idNumber and phone are shown in full (asked with a purpose, which was recorded). */
  unmasked: z.boolean(),
  /** What the caller may do with this record, so the web app shows only buttons that work. */
  abilities: z.object({ unmask: z.boolean() }),
});

export const ZLookupResult = z.object({ items: z.array(ZPersonListItem) });

/** What the caller may read (for the console: show the mandate, ask for a purpose up front). */
export const ZReadScope = z.object({
  /** Reads whole records somewhere (community staff, grid worker, dispatcher). */
  staff: z.boolean(),
  /** Lists, look-ups and exports need `purpose`. */
  purposeRequired: z.boolean(),
  departments: z.array(z.object({ code: z.string(), name: z.string(), orgNodeId: z.string(), tags: z.array(z.string()), fields: z.array(z.string()) })),
  /** Fields a search or filter may use; null = any. */
  filterableFields: z.array(z.string()).nullable(),
});

export type PeopleQuery = z.infer<typeof ZPeopleQuery>;
export type PeopleFilters = z.infer<typeof ZPeopleFilters>;
export type ExportQuery = z.infer<typeof ZExportQuery>;
export type PersonListItem = z.infer<typeof ZPersonListItem>;
export type PersonDetail = z.infer<typeof ZPersonDetail>;
