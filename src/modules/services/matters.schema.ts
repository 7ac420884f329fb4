import * as z from 'zod';

/**
 * 办事指南: a matter's content as data (one version of it), and the API's request and response
 * shapes (shared with the web app). A version is stored as JSON; every edit is a new version.
 */

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() });
const text = (max: number) => z.string().trim().min(1).max(max);

export const MATTER_MODES = ['online', 'offline', 'both'] as const;
export const ZMatterMode = z.enum(MATTER_MODES);
export type MatterMode = z.infer<typeof ZMatterMode>;

/** 原件 / 复印件 / 原件和复印件 / 电子材料 (a photo or scan is enough). */
export const ZMaterialForm = z.enum(['original', 'copy', 'original_and_copy', 'electronic']);
export type MaterialForm = z.infer<typeof ZMaterialForm>;

export const ZMaterial = z.object({
  /** Stable within the matter: applications name missing materials by it. */
  code: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
  name: text(100),
  form: ZMaterialForm,
  /** 份数 (0 when only shown, never kept). */
  copies: z.number().int().min(0).max(20),
  required: z.boolean(),
  /** May be uploaded with an online application (a photo or scan). */
  online: z.boolean(),
  /** 样例: what a correct one looks like, or how to fill it in. */
  example: z.string().trim().max(500).optional(),
  /** 来源 / 说明: where to get it, when it is not needed. */
  note: z.string().trim().max(300).optional(),
});
export type Material = z.infer<typeof ZMaterial>;

/** Where a form field's value comes from the applicant's registry record (never retyped). */
export const PREFILL_SOURCES = ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'ethnicity', 'maritalStatus', 'hukouAddress', 'householdNumber'] as const;
export const ZPrefill = z.enum(PREFILL_SOURCES);
export type PrefillSource = z.infer<typeof ZPrefill>;

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'select', 'multiselect', 'checkbox', 'phone', 'idNumber'] as const;
export const ZFieldType = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof ZFieldType>;

export const ZFormField = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/),
  label: text(40),
  labelEn: z.string().trim().max(80).optional(),
  type: ZFieldType,
  required: z.boolean().default(false),
  /** Filled from the applicant's registry record and shown read-only. */
  prefill: ZPrefill.optional(),
  options: z.array(z.object({ value: text(40), label: text(60) })).max(50).optional(),
  minLength: z.number().int().min(0).max(2000).optional(),
  maxLength: z.number().int().min(1).max(2000).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** A regular expression the whole value must match, with the message shown when it does not. */
  pattern: z.string().max(200).optional(),
  patternMessage: z.string().max(100).optional(),
  help: z.string().trim().max(200).optional(),
  placeholder: z.string().trim().max(60).optional(),
});
export type FormField = z.infer<typeof ZFormField>;

export const ZForm = z.object({
  fields: z.array(ZFormField).min(1).max(40),
  /** Codes of the matter's materials to upload online; by default every material marked `online`. */
  materials: z.array(z.string()).max(30).optional(),
});
export type MatterForm = z.infer<typeof ZForm>;

export const ZMatterContent = z
  .object({
    name: text(60),
    nameEn: z.string().trim().max(120).optional(),
    summary: text(500),
    /** 实施主体 / 受理单位. */
    department: text(60),
    /** 申请条件. */
    conditions: z.array(text(300)).min(1).max(30),
    materials: z.array(ZMaterial).max(30),
    /** 办理流程. */
    steps: z.array(z.object({ title: text(40), description: z.string().trim().max(300).default('') })).min(1).max(20),
    /** 设定依据. */
    legalBasis: z.array(text(300)).max(20),
    fee: z.object({ free: z.boolean(), description: z.string().trim().max(200).optional() }),
    /** 承诺办结时限, working days from acceptance (0: 即办, done the same working day). */
    timeLimitDays: z.number().int().min(0).max(365),
    /** 法定办结时限, working days, when the law states one. */
    legalTimeLimitDays: z.number().int().min(0).max(365).optional(),
    /** 受理时限, working days from submission (0: the same working day). */
    acceptDays: z.number().int().min(0).max(10).default(1),
    place: z.object({
      address: text(120),
      window: z.string().trim().max(60).optional(),
      hours: text(120),
      phone: z.string().trim().max(40).optional(),
      /** A map link (高德/百度 URI) for 导航. */
      mapUrl: z.url({ protocol: /^https$/ }).max(500).optional(),
    }),
    mode: ZMatterMode,
    keywords: z.array(text(20)).max(20).default([]),
    faq: z.array(z.object({ q: text(200), a: text(1000) })).max(20).default([]),
    /** The online form; required unless the matter is done only at the window. */
    form: ZForm.nullable().default(null),
  })
  .superRefine((c, ctx) => {
    if (c.mode !== 'offline' && !c.form) ctx.addIssue({ code: 'custom', path: ['form'], message: 'a matter done online needs a form' });
    const codes = new Set<string>();
    c.materials.forEach((m, i) => {
      if (codes.has(m.code)) ctx.addIssue({ code: 'custom', path: ['materials', i, 'code'], message: `material code ${m.code} is used twice` });
      codes.add(m.code);
    });
    if (!c.form) return;
    const keys = new Set<string>();
    c.form.fields.forEach((f, i) => {
      if (keys.has(f.key)) ctx.addIssue({ code: 'custom', path: ['form', 'fields', i, 'key'], message: `field key ${f.key} is used twice` });
      keys.add(f.key);
      if ((f.type === 'select' || f.type === 'multiselect') && !f.options?.length) ctx.addIssue({ code: 'custom', path: ['form', 'fields', i, 'options'], message: 'a choice needs options' });
      if (f.pattern) {
        try {
          new RegExp(f.pattern, 'u');
        } catch {
          ctx.addIssue({ code: 'custom', path: ['form', 'fields', i, 'pattern'], message: 'not a valid regular expression' });
        }
      }
    });
    for (const [i, code] of (c.form.materials ?? []).entries()) {
      const m = c.materials.find((x) => x.code === code);
      if (!m || !m.online) ctx.addIssue({ code: 'custom', path: ['form', 'materials', i], message: `material ${code} is not a material that can be uploaded online` });
    }
  });
export type MatterContent = z.infer<typeof ZMatterContent>;
/** What an author writes (defaults not yet applied). */
export type MatterContentInput = z.input<typeof ZMatterContent>;

// ---------------------------------------------------------------- requests

/** `groups` and `staff` name routes beside /api/v1/service-matters/:code, so no matter may take them. */
export const ZMatterCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/, 'letters, digits, - and _ (2–32)')
  .refine((c) => c !== 'groups' && c !== 'staff', 'reserved word');
export const ZGroupCode = z.string().regex(/^[a-z][a-z0-9-]{1,31}$/);
const ZId = z.string().min(1).max(32);

export const ZMatterParams = z.object({ code: ZMatterCode });
export const ZMatterVersionParams = z.object({ code: ZMatterCode, version: z.coerce.number().int().min(1).max(100_000) });

export const ZMatterListQuery = z.object({
  /** Words of the name, keywords, conditions or materials; pinyin (全拼) or initials (首字母) of the name. */
  q: z.string().trim().max(40).optional(),
  group: ZGroupCode.optional(),
  /** The community whose own matters are listed besides the deployment-wide catalogue. */
  communityId: ZId.optional(),
  mode: z.enum(['online', 'offline', 'both', 'online_any']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const ZCreateMatter = z.object({
  code: ZMatterCode,
  groupCode: ZGroupCode,
  /** The community (or street) that owns the matter; without it the deployment-wide catalogue. */
  orgNodeId: ZId.optional(),
  sort: z.number().int().min(0).max(100_000).optional(),
  content: ZMatterContent,
  note: z.string().trim().max(200).optional(),
  publish: z.boolean().default(false),
});

export const ZNewVersion = z.object({
  content: ZMatterContent,
  /** 修改说明. */
  note: z.string().trim().max(200).optional(),
  publish: z.boolean().default(false),
  /** The latest version the editor started from; another edit meanwhile answers 409. */
  baseVersion: z.number().int().min(1).optional(),
});

export const ZUpdateMatter = z
  .object({
    groupCode: ZGroupCode.optional(),
    sort: z.number().int().min(0).max(100_000).optional(),
    /** 停办 (withdrawn from the guide, no new applications) or back in service. */
    status: z.enum(['published', 'withdrawn']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const ZPosterQuery = z.object({ lang: z.enum(['zh-CN', 'en']).optional() });

// ---------------------------------------------------------------- responses

export const ZGroup = z.object({ code: z.string(), name: z.string(), nameEn: z.string(), icon: z.string().nullable(), sort: z.number(), matterCount: z.number() });
export const ZGroupList = z.object({ items: z.array(ZGroup) });

export const ZMatterSummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  summary: z.string(),
  groupCode: z.string(),
  groupName: z.string(),
  mode: ZMatterMode,
  onlineApply: z.boolean(),
  timeLimitDays: z.number(),
  free: z.boolean(),
  department: z.string(),
  orgNodeId: z.string().nullable(),
  orgNodeName: z.string().nullable(),
  status: z.string(),
  publishedVersion: z.number().nullable(),
  latestVersion: z.number(),
  /** The matter's mobile page (what its QR code opens). */
  mobilePath: z.string(),
  /** When searched: which parts matched (name, pinyin, initials, keyword, group, condition, material). */
  matched: z.array(z.string()).optional(),
});
export const ZMatterList = z.object({ items: z.array(ZMatterSummary), total: z.number() });

const ZMaterialOut = ZMaterial.extend({ formLabel: ZLabel, example: z.string().nullable(), note: z.string().nullable() });

export const ZMatterDetail = ZMatterSummary.extend({
  version: z.number(),
  content: z.object({
    name: z.string(),
    nameEn: z.string().optional(),
    summary: z.string(),
    department: z.string(),
    conditions: z.array(z.string()),
    materials: z.array(ZMaterialOut),
    steps: z.array(z.object({ title: z.string(), description: z.string() })),
    legalBasis: z.array(z.string()),
    fee: z.object({ free: z.boolean(), description: z.string().optional() }),
    timeLimitDays: z.number(),
    legalTimeLimitDays: z.number().optional(),
    acceptDays: z.number(),
    place: z.object({ address: z.string(), window: z.string().optional(), hours: z.string(), phone: z.string().optional(), mapUrl: z.string().optional() }),
    mode: ZMatterMode,
    keywords: z.array(z.string()),
    faq: z.array(z.object({ q: z.string(), a: z.string() })),
    form: z.object({ fields: z.array(ZFormField), materials: z.array(z.string()).optional() }).nullable(),
  }),
  /** The materials the online form asks to upload (codes), in order. */
  uploadMaterials: z.array(z.string()),
  qrPath: z.string(),
  posterPath: z.string(),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
});

export const ZMatterVersion = z.object({
  version: z.number(),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  published: z.boolean(),
  name: z.string(),
});
export const ZMatterVersions = z.object({ code: z.string(), publishedVersion: z.number().nullable(), latestVersion: z.number(), items: z.array(ZMatterVersion) });
