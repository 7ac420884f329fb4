import * as z from 'zod';
import { LEDGER_FIELD_NAMES, LEDGER_SORT_FIELDS, PERSON_STATUSES, RESIDENCE_TYPES, UNIT_PLACEHOLDERS } from './ledgers.fields.js';
import { zFlag, zPurpose } from './tags.schema.js';

/** Request and response shapes of the ledger (台账) API (shared with the web app). */

export const ZLedgerId = z.object({ id: z.string().min(1).max(64) });

/** Which people, beyond the ledger's tags. Ages are full years (周岁) on today's date in China. */
export const ZLedgerConditions = z
  .object({
    ageMin: z.number().int().min(0).max(150).optional(),
    ageMax: z.number().int().min(0).max(150).optional(),
    gender: z.enum(['男', '女']).optional(),
    residenceTypes: z.array(z.enum(RESIDENCE_TYPES)).min(1).optional(),
    /** Default: active records only. */
    statuses: z.array(z.enum(PERSON_STATUSES)).min(1).optional(),
    politicalStatuses: z.array(z.string().trim().min(1).max(20)).min(1).max(20).optional(),
  })
  .strict()
  .refine((c) => c.ageMin === undefined || c.ageMax === undefined || c.ageMin <= c.ageMax, { message: 'ageMin > ageMax', path: ['ageMax'] });

export const ZLedgerColumnInput = z.object({
  field: z.enum(LEDGER_FIELD_NAMES),
  /** Defaults to the field's usual header (序号, 姓名 …). */
  header: z.string().trim().min(1).max(30).optional(),
  /** Excel column width in characters. */
  width: z.number().int().min(3).max(80).optional(),
});

export const ZLedgerColumn = z.object({ field: z.enum(LEDGER_FIELD_NAMES), header: z.string(), width: z.number().int() });

export const ZLedgerSort = z.object({ field: z.enum(LEDGER_SORT_FIELDS), dir: z.enum(['asc', 'desc']).default('asc') });

const placeholders = new Set<string>(UNIT_PLACEHOLDERS);
const zUnitName = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(60)
    .refine((s) => [...s.matchAll(/\{([^{}]*)\}/g)].every((m) => placeholders.has(m[1])), { message: `placeholders: ${UNIT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` });

const columnsList = () =>
  z
    .array(ZLedgerColumnInput)
    .min(1)
    .max(40)
    .refine((cols) => {
      const seen = cols.filter((c) => c.field !== 'note').map((c) => c.field);
      return new Set(seen).size === seen.length;
    }, { message: 'a field appears twice' });

export const ZLedgerInput = z.object({
  /** A stable short name (e.g. civil.dibao); generated when left out. */
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,39}$/)
    .optional(),
  title: z.string().trim().min(2).max(60),
  /** The department it is for (its officers see it); null or absent = the community's own. */
  departmentCode: z.string().min(1).max(40).nullable().optional(),
  /** 填报单位 template, default `{street}{community}`. */
  unitName: zUnitName().optional(),
  /** People holding any of these tags today; empty = no tag filter. */
  tags: z.array(z.string().trim().min(1).max(20)).max(20).default([]),
  conditions: ZLedgerConditions.default({}),
  columns: columnsList(),
  sort: z.array(ZLedgerSort).max(5).default([{ field: 'address', dir: 'asc' }]),
});

export const ZLedgerPatch = z
  .object({
    title: z.string().trim().min(2).max(60),
    departmentCode: z.string().min(1).max(40).nullable(),
    unitName: zUnitName(),
    tags: z.array(z.string().trim().min(1).max(20)).max(20),
    conditions: ZLedgerConditions,
    columns: columnsList(),
    sort: z.array(ZLedgerSort).max(5),
    /** Retire (true) or bring back (false); a ledger is never deleted. */
    archived: z.boolean(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

export const ZLedger = z.object({
  id: z.string(),
  code: z.string(),
  departmentCode: z.string().nullable(),
  departmentName: z.string().nullable(),
  title: z.string(),
  unitName: z.string(),
  tags: z.array(z.string()),
  conditions: z.record(z.string(), z.unknown()),
  columns: z.array(ZLedgerColumn),
  sort: z.array(z.object({ field: z.string(), dir: z.enum(['asc', 'desc']) })),
  builtIn: z.boolean(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZLedgerList = z.object({
  items: z.array(ZLedger),
  abilities: z.object({ manage: z.boolean() }),
});

export const ZLedgerListQuery = z.object({ archived: zFlag() });

export const ZLedgerFields = z.object({
  fields: z.array(z.object({ field: z.string(), header: z.string(), width: z.number().int(), mandateField: z.string().nullable() })),
  sortFields: z.array(z.string()),
  unitPlaceholders: z.array(z.string()),
});

export const ZLedgerRowsQuery = z.object({
  orgNodeId: z.string().min(1).max(32).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  /** Why the ledger is read: required of department officers and to unmask; audited. */
  purpose: zPurpose().optional(),
  /** Show full ID and phone numbers (needs pii.unmask on the people and a purpose). */
  unmask: zFlag(),
});

export const ZLedgerExportQuery = ZLedgerRowsQuery.omit({ page: true, pageSize: true });

export const ZLedgerCell = z.union([z.string(), z.number(), z.null()]);

export const ZLedgerRows = z.object({
  ledger: z.object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    departmentCode: z.string().nullable(),
    /** 填报单位, filled in. */
    unit: z.string(),
    /** 制表日期, e.g. 2026年11月26日. */
    date: z.string(),
  }),
  columns: z.array(ZLedgerColumn),
  rows: z.array(z.record(z.string(), ZLedgerCell)),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Columns of the definition left out because the caller's department mandate does not cover them. */
  hiddenColumns: z.array(z.string()),
  unmasked: z.boolean(),
});

export type LedgerConditions = z.infer<typeof ZLedgerConditions>;
export type LedgerColumn = z.infer<typeof ZLedgerColumn>;
export type LedgerSort = z.infer<typeof ZLedgerSort>;
export type LedgerInput = z.infer<typeof ZLedgerInput>;
export type LedgerPatch = z.infer<typeof ZLedgerPatch>;
export type Ledger = z.infer<typeof ZLedger>;
export type LedgerRows = z.infer<typeof ZLedgerRows>;
