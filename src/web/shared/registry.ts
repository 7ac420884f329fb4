/**
 * Words and shapes of the registry (社区信息管理) that both apps show: the console's people
 * pages and the resident's 我的档案. The shapes follow the server's zod schemas in
 * src/modules/registry/*.schema.ts and *.routes.ts (type-only, so no server code is bundled).
 */
import { addMessages } from './i18n.js';

addMessages({
  'person.name': { 'zh-CN': '姓名', en: 'Name' },
  'person.gender': { 'zh-CN': '性别', en: 'Gender' },
  'person.birthDate': { 'zh-CN': '出生日期', en: 'Date of birth' },
  'person.age': { 'zh-CN': '年龄', en: 'Age' },
  'person.idType': { 'zh-CN': '证件类型', en: 'ID type' },
  'person.idNumber': { 'zh-CN': '证件号码', en: 'ID number' },
  'person.phone': { 'zh-CN': '联系电话', en: 'Phone' },
  'person.ethnicity': { 'zh-CN': '民族', en: 'Ethnic group' },
  'person.politicalStatus': { 'zh-CN': '政治面貌', en: 'Political status' },
  'person.education': { 'zh-CN': '学历', en: 'Education' },
  'person.maritalStatus': { 'zh-CN': '婚姻状况', en: 'Marital status' },
  'person.hukouAddress': { 'zh-CN': '户籍地', en: 'Hukou address' },
  'person.residenceType': { 'zh-CN': '人口类型', en: 'Residence type' },
  'person.householdResidenceStatus': { 'zh-CN': '人户状态', en: 'Household residence' },
  'person.occupation': { 'zh-CN': '职业', en: 'Occupation' },
  'person.relationToHead': { 'zh-CN': '与户主关系', en: 'Relation to head' },
  'person.address': { 'zh-CN': '居住地址', en: 'Address' },
  'person.status': { 'zh-CN': '状态', en: 'Status' },
  'person.tags': { 'zh-CN': '标签', en: 'Tags' },
  'person.household': { 'zh-CN': '户', en: 'Household' },
  'person.householdNumber': { 'zh-CN': '户号', en: 'Household no.' },
  'person.other': { 'zh-CN': '其他', en: 'Other' },
  'person.status.active': { 'zh-CN': '在册', en: 'Registered' },
  'person.status.moved_out': { 'zh-CN': '已迁出', en: 'Moved out' },
  'person.status.deceased': { 'zh-CN': '已死亡', en: 'Deceased' },
  'person.status.transferred': { 'zh-CN': '已转出', en: 'Transferred' },
  'person.head': { 'zh-CN': '户主', en: 'Head' },
  'person.self': { 'zh-CN': '本人', en: 'You' },

  'access.kind.view': { 'zh-CN': '查看档案', en: 'Viewed the record' },
  'access.kind.unmask': { 'zh-CN': '查看完整号码', en: 'Viewed full numbers' },
  'access.kind.list': { 'zh-CN': '名单查询', en: 'Listed' },
  'access.kind.export': { 'zh-CN': '导出名单', en: 'Exported' },
  'access.kind.ledger': { 'zh-CN': '生成台账', en: 'Ledger' },
  'access.kind.lookup': { 'zh-CN': '按证件号查询', en: 'Looked up by ID' },

  'correction.status.open': { 'zh-CN': '待处理', en: 'Open' },
  'correction.status.done': { 'zh-CN': '已办结', en: 'Done' },
  'correction.status.rejected': { 'zh-CN': '未予更正', en: 'Rejected' },
});

/** Fields a resident may ask to correct (CORRECTION_FIELDS in corrections.service.ts), in form order. */
export const CORRECTION_FIELDS = [
  'name',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'politicalStatus',
  'education',
  'maritalStatus',
  'phone',
  'hukouAddress',
  'occupation',
  'relationToHead',
  'address',
  'other',
] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

export type CorrectionStatus = 'open' | 'done' | 'rejected';

/** A correction request (ZCorrection in corrections.routes.ts); numbers in it come masked. */
export interface Correction {
  id: string;
  personId: string;
  personName: string | null;
  field: string;
  fieldLabel: string;
  requestedValue: string | null;
  note: string | null;
  status: CorrectionStatus;
  createdAt: string;
  handledAt: string | null;
  response: string | null;
}

export type AccessKind = 'view' | 'unmask' | 'list' | 'export' | 'ledger' | 'lookup';

/** One row of GET /api/v1/me/access-log: who read the resident's data, for which department, why. */
export interface AccessLogEntry {
  id: string;
  at: string;
  actorName: string | null;
  departmentCode: string | null;
  departmentName: string | null;
  kind: AccessKind;
  purpose: string | null;
}

/** GET /api/v1/me/record. */
export interface MyRecord {
  person: {
    id: string;
    name: string;
    gender: '男' | '女';
    birthDate: string | null;
    idType: string;
    idNumber: string | null;
    phone: string | null;
    ethnicity: string | null;
    politicalStatus: string | null;
    education: string | null;
    maritalStatus: string | null;
    hukouAddress: string | null;
    residenceType: string;
    householdResidenceStatus: string | null;
    occupation: string | null;
    relationToHead: string | null;
    relationToHeadName: string | null;
    address: string;
    status: string;
    updatedAt: string;
  };
  household: {
    id: string;
    number: string;
    members: { name: string; relationToHead: string | null; relationToHeadName: string | null; isHead: boolean; isSelf: boolean }[];
  } | null;
}
