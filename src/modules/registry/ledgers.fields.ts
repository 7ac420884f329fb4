/**
 * What a ledger column may show: the allow-list staff choose from when they define a ledger,
 * with the header and width a clerk expects, and the department-mandate field (see
 * registry.policy.ts PERSON_FIELDS) that must be granted for a department officer to see it:
 * `null` = always (序号, blank 备注), `'full'` = whole-record readers only.
 */
export const LEDGER_FIELDS = {
  seq: { header: '序号', width: 6, mandate: null },
  name: { header: '姓名', width: 10, mandate: 'name' },
  gender: { header: '性别', width: 6, mandate: 'gender' },
  birthDate: { header: '出生日期', width: 12, mandate: 'birthDate' },
  age: { header: '年龄', width: 6, mandate: 'birthDate' },
  idType: { header: '证件类型', width: 12, mandate: 'idNumber' },
  idNumber: { header: '身份证号', width: 21, mandate: 'idNumber' },
  phone: { header: '联系电话', width: 14, mandate: 'phone' },
  address: { header: '住址', width: 26, mandate: 'address' },
  grid: { header: '所属网格', width: 18, mandate: 'address' },
  community: { header: '所属社区', width: 12, mandate: 'address' },
  householdNumber: { header: '户号', width: 12, mandate: 'full' },
  ethnicity: { header: '民族', width: 8, mandate: 'full' },
  residenceType: { header: '人员类型', width: 10, mandate: 'full' },
  politicalStatus: { header: '政治面貌', width: 12, mandate: 'full' },
  education: { header: '文化程度', width: 10, mandate: 'full' },
  maritalStatus: { header: '婚姻状况', width: 10, mandate: 'full' },
  hukouAddress: { header: '户籍地', width: 24, mandate: 'full' },
  occupation: { header: '职业', width: 12, mandate: 'full' },
  /** Every tag the person holds today that the reader may see. */
  tags: { header: '人员类别', width: 20, mandate: 'tags' },
  /** Validity of the ledger's own tags (标签有效期). */
  tagValidity: { header: '标签有效期', width: 24, mandate: 'tags' },
  /** Note written on the ledger's tags (残疾类别, 保障情况 …). */
  tagNote: { header: '标签备注', width: 18, mandate: 'tags' },
  /** Who recorded the ledger's tags: 社区录入, 部门认定 … */
  tagSource: { header: '认定来源', width: 14, mandate: 'tags' },
  /** Left blank for the clerk's pen. */
  note: { header: '备注', width: 16, mandate: null },
} as const satisfies Record<string, { header: string; width: number; mandate: string | null }>;

export type LedgerField = keyof typeof LEDGER_FIELDS;
export const LEDGER_FIELD_NAMES = Object.keys(LEDGER_FIELDS) as [LedgerField, ...LedgerField[]];

/** Orders a ledger may be sorted by (name order differs between databases' collations, so it is not offered). */
export const LEDGER_SORT_FIELDS = ['address', 'birthDate', 'age', 'gender', 'residenceType'] as const;
export type LedgerSortField = (typeof LEDGER_SORT_FIELDS)[number];

/** Placeholders of the 填报单位 template, filled from the ledger's node and its ancestors. */
export const UNIT_PLACEHOLDERS = ['city', 'district', 'street', 'community', 'grid', 'node'] as const;

export const PERSON_STATUSES = ['active', 'moved_out', 'deceased', 'transferred'] as const;
export const RESIDENCE_TYPES = ['户籍人口', '流动人口', '境外人员'] as const;

export const SOURCE_LABELS: Record<string, string> = {
  typed: '社区录入',
  imported: '批量导入',
  derived: '自动计算',
  department: '部门认定',
};
