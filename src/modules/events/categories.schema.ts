import * as z from 'zod';

/** Request and response shapes of the category tree (shared with the web app). */

const ATTRIBUTE_CODE = /^[a-z][a-z0-9_]{0,31}$/;
/** ASCII, stable: it is the Open311 service_code. */
const CATEGORY_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export const ZAttributeDatatype = z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']);

export const ZCategoryAttribute = z
  .object({
    code: z.string().regex(ATTRIBUTE_CODE, 'lower-case letters, digits and _; starts with a letter'),
    label: z.string().trim().min(1).max(40),
    labelEn: z.string().trim().max(80).optional(),
    datatype: ZAttributeDatatype,
    required: z.boolean(),
    description: z.string().trim().max(200).optional(),
    order: z.number().int().min(0).max(999),
    values: z
      .array(z.object({ key: z.string().trim().min(1).max(40), name: z.string().trim().min(1).max(60) }))
      .max(50)
      .optional(),
  })
  .refine((a) => !a.datatype.endsWith('valuelist') || (a.values?.length ?? 0) > 0, { message: 'a list attribute needs values', path: ['values'] })
  .refine((a) => !a.values || new Set(a.values.map((v) => v.key)).size === a.values.length, { message: 'value keys must be unique', path: ['values'] });

const ZAttributes = z
  .array(ZCategoryAttribute)
  .max(20)
  .refine((list) => new Set(list.map((a) => a.code)).size === list.length, { message: 'attribute codes must be unique' });

export const ZHandlingUnit = z.enum(['community', 'street', 'department']);
const ZHours = z.number().positive().max(24 * 365);

export const ZCategory = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  keywords: z.string().nullable(),
  defaultUnit: ZHandlingUnit,
  defaultDepartmentCode: z.string().nullable(),
  responseHours: z.number(),
  handlingHours: z.number(),
  attributes: z.array(
    z.object({
      code: z.string(),
      label: z.string(),
      labelEn: z.string().optional(),
      datatype: ZAttributeDatatype,
      required: z.boolean(),
      description: z.string().optional(),
      order: z.number(),
      values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
    }),
  ),
  public: z.boolean(),
  sort: z.number(),
  active: z.boolean(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CategoryView = z.infer<typeof ZCategory>;

/** Two levels: groups (大类) and their leaves (小类); events are reported on leaves. */
export const ZCategoryGroup = ZCategory.extend({ children: z.array(ZCategory) });
export const ZCategoryTree = z.object({ items: z.array(ZCategoryGroup) });

export const ZCategoryTreeQuery = z.object({
  includeInactive: z.enum(['1', '0', 'true', 'false']).optional(),
});

export const ZCategoryParams = z.object({ id: z.string().min(1).max(32) });

export const ZCreateCategory = z.object({
  parentId: z.string().min(1).max(32).nullish(),
  code: z.string().trim().regex(CATEGORY_CODE, 'letters, digits, _ . -; at most 32'),
  name: z.string().trim().min(1).max(40),
  nameEn: z.string().trim().max(80).nullish(),
  description: z.string().trim().max(500).nullish(),
  keywords: z.string().trim().max(200).nullish(),
  defaultUnit: ZHandlingUnit,
  defaultDepartmentCode: z.string().trim().min(1).max(40).nullish(),
  responseHours: ZHours,
  handlingHours: ZHours,
  attributes: ZAttributes.optional(),
  public: z.boolean().optional(),
  sort: z.number().int().min(0).max(9999).optional(),
});
export type CreateCategoryInput = z.infer<typeof ZCreateCategory>;

/** Every field optional but the version the editor saw (a stale edit answers 409). */
export const ZUpdateCategory = z.object({
  expectedVersion: z.number().int().positive(),
  name: z.string().trim().min(1).max(40).optional(),
  nameEn: z.string().trim().max(80).nullish(),
  description: z.string().trim().max(500).nullish(),
  keywords: z.string().trim().max(200).nullish(),
  defaultUnit: ZHandlingUnit.optional(),
  defaultDepartmentCode: z.string().trim().min(1).max(40).nullish(),
  responseHours: ZHours.optional(),
  handlingHours: ZHours.optional(),
  attributes: ZAttributes.optional(),
  public: z.boolean().optional(),
  sort: z.number().int().min(0).max(9999).optional(),
  active: z.boolean().optional(),
});
export type UpdateCategoryInput = z.infer<typeof ZUpdateCategory>;

/** What the resident form and Open311 see: public leaves of active groups, nothing internal. */
export const ZPublicCategory = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  attributes: ZCategory.shape.attributes,
});
export const ZPublicCategoryTree = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), children: z.array(ZPublicCategory) })),
});
