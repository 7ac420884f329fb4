/**
 * Shapes of the registry API as the console reads them. They follow the server's zod schemas
 * (src/modules/registry/registry.schema.ts, people.schema.ts, tags.schema.ts, ledgers.schema.ts,
 * imports.schema.ts and the *.routes.ts files); written out here so no server code is bundled.
 */

export type Gender = '男' | '女';
export type PersonStatus = 'active' | 'moved_out' | 'deceased' | 'transferred';

/** A person in a list (ZPersonListItem): numbers masked, fields outside a department's mandate absent. */
export interface PersonListItem {
  id: string;
  name?: string;
  gender?: Gender;
  birthDate?: string | null;
  age?: number | null;
  idType?: string;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
  residenceType?: string;
  status?: PersonStatus;
  dwellingId?: string | null;
  householdId?: string | null;
  tags?: string[];
}

export interface PersonDetail extends PersonListItem {
  ethnicity?: string | null;
  household?: { id: string; number: string; isHead: boolean } | null;
  dwelling?: { use: string; areaM2: number | null } | null;
  unmasked: boolean;
  abilities: { unmask: boolean };
}

/** What the write path answers (ZPersonRecord). */
export interface PersonRecord {
  id: string;
  name: string;
  idType: string;
  idNumber: string | null;
  gender: Gender;
  birthDate: string | null;
  ethnicity: string | null;
  politicalStatus: string | null;
  education: string | null;
  maritalStatus: string | null;
  phone: string | null;
  hukouAddress: string | null;
  residenceType: string;
  householdResidenceStatus: string | null;
  relationToHead: string | null;
  relationToHeadName: string | null;
  occupation: string | null;
  dwellingId: string | null;
  orgNodeId: string;
  householdId: string | null;
  status: PersonStatus;
  endDate: string | null;
  endReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ReadScope {
  staff: boolean;
  purposeRequired: boolean;
  departments: { code: string; name: string; orgNodeId: string; tags: string[]; fields: string[] }[];
  filterableFields: string[] | null;
}

export interface CodeEntry {
  code: string;
  name: string;
  aliases: string[];
}

export interface CodeLists {
  ethnicity: CodeEntry[];
  relationToHead: CodeEntry[];
  politicalStatus: CodeEntry[];
  education: CodeEntry[];
  maritalStatus: CodeEntry[];
  idTypes: string[];
  residenceTypes: string[];
  householdResidenceStatuses: string[];
  dwellingUses: string[];
  dwellingRelations: string[];
  endKinds: string[];
  organisationKinds: string[];
}

export interface PersonChange {
  id: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
  source: 'form' | 'import' | 'correction' | 'system' | 'party';
  actorName: string | null;
  at: string;
}

export type DwellingRelation = 'owner' | 'tenant' | 'resident';

export interface DwellingLink {
  id: string;
  personId: string;
  dwellingId: string;
  relation: DwellingRelation;
  fromDate: string | null;
  toDate: string | null;
  active: boolean;
}

export interface UnplacedPerson {
  id: string;
  name: string;
  gender: Gender;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  orgNodeId: string;
  orgNodeName: string;
  residenceType: string;
  createdAt: string;
}

export interface PersonTag {
  id: string;
  tag: string;
  category: string | null;
  source: 'typed' | 'imported' | 'derived' | 'department';
  departmentCode: string | null;
  departmentName: string | null;
  validFrom: string | null;
  validTo: string | null;
  note: string | null;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
  endedAt: string | null;
  endedBy: { id: string; name: string } | null;
  endReason: string | null;
  activeToday: boolean;
}

export interface PersonTags {
  items: PersonTag[];
  abilities: { typed: boolean; departments: string[] };
}

export interface TagDefinition {
  code: string;
  category: string;
  description: string | null;
  derived: boolean;
  rule: string | null;
  sensitive: boolean;
  sort: number;
  count: number | null;
}

export interface TagList {
  items: TagDefinition[];
  abilities: { define: boolean };
}

export interface HouseholdMember {
  id: string;
  name: string;
  gender: Gender;
  birthDate: string | null;
  age: number | null;
  idNumber: string | null;
  relationToHead: string | null;
  relationToHeadName: string | null;
  isHead: boolean;
}

export interface Household {
  id: string;
  number: string;
  headPersonId: string | null;
  dwellingId: string | null;
  orgNodeId: string;
  address: string;
  createdAt: string;
  members: HouseholdMember[];
}

export interface HouseholdListItem {
  id: string;
  number: string;
  headPersonId: string | null;
  headName: string | null;
  dwellingId: string | null;
  address: string;
  memberCount: number;
}

export interface DwellingInfo {
  use: string | null;
  areaM2: number | null;
  rentalStart: string | null;
  rentalEnd: string | null;
  rentalNote: string | null;
}

export interface DwellingListItem extends DwellingInfo {
  id: string;
  name: string;
  address: string;
  occupants: number;
}

export interface DwellingDetail extends DwellingInfo {
  id: string;
  name: string;
  address: string;
  updatedAt: string | null;
  occupants: { id: string; name: string; gender: Gender; age: number | null; idNumber: string | null; phone: string | null; residenceType: string; householdId: string | null }[];
  links: { id: string; personId: string; name: string; relation: DwellingRelation; fromDate: string | null }[];
  households: { id: string; number: string; headPersonId: string | null }[];
}

export interface Organisation {
  id: string;
  name: string;
  kind: string;
  creditCode: string | null;
  orgNodeId: string;
  place: string;
  address: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  employees: number | null;
  note: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export interface OrganisationDetail extends Organisation {
  unmasked: boolean;
  abilities: { unmask: boolean; write: boolean };
}

export interface LedgerColumn {
  field: string;
  header: string;
  width: number;
}

export interface Ledger {
  id: string;
  code: string;
  departmentCode: string | null;
  departmentName: string | null;
  title: string;
  unitName: string;
  tags: string[];
  conditions: Record<string, unknown>;
  columns: LedgerColumn[];
  sort: { field: string; dir: 'asc' | 'desc' }[];
  builtIn: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LedgerList {
  items: Ledger[];
  abilities: { manage: boolean };
}

export interface LedgerFields {
  fields: { field: string; header: string; width: number; mandateField: string | null }[];
  sortFields: string[];
  unitPlaceholders: string[];
}

export interface LedgerRows {
  ledger: { id: string; code: string; title: string; departmentCode: string | null; unit: string; date: string };
  columns: LedgerColumn[];
  rows: Record<string, string | number | null>[];
  total: number;
  page: number;
  pageSize: number;
  hiddenColumns: string[];
  unmasked: boolean;
}

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ImportJob {
  id: string;
  kind: string;
  status: ImportStatus;
  dryRun: boolean;
  fileName: string;
  format: 'xlsx' | 'csv';
  communityId: string;
  orgNodeId: string;
  orgNodeName: string | null;
  totalRows: number | null;
  processedRows: number;
  counts: { created: number; updated: number; unchanged: number; rejected: number };
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Rejection {
  rowNumber: number;
  reason: string;
  raw: Record<string, string>;
}

export interface ImportDetail extends ImportJob {
  rejections: Paged<Rejection>;
}
