import * as z from 'zod';

/** Request and response shapes of the tag API (shared with the web app). */

/** `YYYY-MM-DD`, a real calendar date. */
export const zDate = () => z.iso.date();

/** `?history=1` / `true`. */
export const zFlag = () =>
  z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true');

export const zPurpose = () => z.string().trim().min(2).max(200);

export const ZTagsQuery = z.object({
  /** Count holders under this node only (it must lie in the caller's subtree). */
  orgNodeId: z.string().min(1).max(32).optional(),
});

export const ZTagDefinition = z.object({
  code: z.string(),
  category: z.string(),
  description: z.string().nullable(),
  /** Computed from the record (age, political status …): cannot be given or ended by hand. */
  derived: z.boolean(),
  /** The rule in words, e.g. 年满80周岁. */
  rule: z.string().nullable(),
  sensitive: z.boolean(),
  sort: z.number().int(),
  /** People of active records in the caller's subtree holding the tag today; null when the caller may not count it. */
  count: z.number().int().nullable(),
});

export const ZTagList = z.object({
  items: z.array(ZTagDefinition),
  abilities: z.object({ define: z.boolean() }),
});

export const ZDefineTag = z.object({
  /** The tag's name is its code: 低保, 高龄老人 … */
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[^\s/\\,，、;；]+$/),
  category: z.string().trim().min(1).max(20),
  description: z.string().trim().max(200).optional(),
  sensitive: z.boolean().default(true),
});

export const ZPersonTagParams = z.object({ id: z.string().min(1).max(32) });
export const ZPersonTagRowParams = z.object({ id: z.string().min(1).max(32), tagId: z.string().min(1).max(32) });

export const ZAddPersonTag = z
  .object({
    tag: z.string().trim().min(1).max(20),
    validFrom: zDate().optional(),
    validTo: zDate().optional(),
    note: z.string().trim().max(200).optional(),
    /** `department`: granted by a department (its officer only), recorded with its code. */
    source: z.enum(['typed', 'department']).default('typed'),
    /** Which department grants it, when the officer acts for several. */
    departmentCode: z.string().min(1).max(40).optional(),
  })
  .refine((b) => !b.validFrom || !b.validTo || b.validFrom <= b.validTo, { message: 'validFrom after validTo', path: ['validTo'] });

export const ZEndPersonTag = z.object({ reason: z.string().trim().min(2).max(200) });

export const ZPersonTagsQuery = z.object({
  /** Include ended rows. */
  history: zFlag(),
  /** Required of department officers: why they read this person's tags (audited). */
  purpose: zPurpose().optional(),
});

const ZWho = z.object({ id: z.string(), name: z.string() }).nullable();

export const ZPersonTag = z.object({
  id: z.string(),
  tag: z.string(),
  category: z.string().nullable(),
  source: z.enum(['typed', 'imported', 'derived', 'department']),
  departmentCode: z.string().nullable(),
  departmentName: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  note: z.string().nullable(),
  createdBy: ZWho,
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  endedBy: ZWho,
  endReason: z.string().nullable(),
  /** Not ended and today inside its validity dates. */
  activeToday: z.boolean(),
});

export const ZPersonTags = z.object({
  items: z.array(ZPersonTag),
  abilities: z.object({
    /** Typed tags may be given and ended. */
    typed: z.boolean(),
    /** Departments whose tags the caller may give and end here. */
    departments: z.array(z.string()),
  }),
});

export type PersonTag = z.infer<typeof ZPersonTag>;
export type TagDefinition = z.infer<typeof ZTagDefinition>;
