import * as z from 'zod';
import { zIdNumber } from '../../platform/cn/zod.js';

/** Request and response shapes of the registry API (shared with the web app). */

export const ZPersonId = z.object({ id: z.string().min(1).max(32) });

export const ZPeopleQuery = z.object({
  orgNodeId: z.string().min(1).max(32).optional(),
  /** A name fragment, a full ID or mobile number (matched by blind index), or the last four characters of either. */
  q: z.string().trim().min(1).max(50).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const ZPersonQuery = z.object({
  /** Why the full ID and phone numbers are needed; required to unmask, recorded in the audit log. */
  purpose: z.string().trim().min(2).max(200).optional(),
});

export const ZLookupQuery = z.object({ idNumber: zIdNumber() });

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
});

export const ZPeoplePage = z.object({
  items: z.array(ZPersonListItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const ZPersonDetail = ZPersonListItem.extend({
  ethnicity: z.string().nullable().optional(),
  household: z.object({ id: z.string(), number: z.string(), isHead: z.boolean() }).nullable().optional(),
  dwelling: z.object({ use: z.string(), areaM2: z.number().nullable() }).nullable().optional(),
  /** True when idNumber and phone are shown in full (a purpose was given and recorded). */
  unmasked: z.boolean(),
  /** What the caller may do with this record, so the web app shows only buttons that work. */
  abilities: z.object({ unmask: z.boolean() }),
});

export const ZLookupResult = z.object({ items: z.array(ZPersonListItem) });

export type PersonListItem = z.infer<typeof ZPersonListItem>;
export type PersonDetail = z.infer<typeof ZPersonDetail>;
