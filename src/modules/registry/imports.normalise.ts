import { CODE_LISTS, findCode, type CodeListName } from '../../platform/cn/codes.js';
import { idCheckChar, parseIdNumber, type Gender, type IdNumberInfo, type IdNumberProblem } from '../../platform/cn/id-number.js';
import { normaliseMobile } from '../../platform/cn/phone.js';
import { maskIdNumber, maskPhone, maskSensitiveText } from '../../platform/crypto/mask.js';
import type { OrgNodeKind } from '../../platform/platform.table.js';
import { cellText, type CellValue } from '../../platform/files/spreadsheet.js';
import { FIELD_HEADERS, type Header, type ImportField } from './imports.parse.js';
import { HOUSEHOLD_RESIDENCE_STATUSES, ID_TYPES, normaliseDate, RESIDENCE_TYPES } from './people.schema.js';
import type { HouseholdResidenceStatus, IdType, ResidenceType } from './registry.table.js';

/**
 * One row of a roster, made into what the people write path takes, or the reason (in Chinese,
 * as staff read it) why it cannot be. Everything here is pure: no database, so a resumed import
 * can re-read the rows it already committed and rebuild its duplicate check cheaply.
 */

/** What a row says about a person, normalised; `undefined` = the file did not say. */
export interface RowPerson {
  name: string;
  idType: IdType;
  idNumber: string;
  gender?: Gender;
  birthDate?: string;
  ethnicity?: string;
  phone?: string;
  hukouAddress?: string;
  relationToHead?: string;
  residenceType?: ResidenceType;
  politicalStatus?: string;
  education?: string;
  maritalStatus?: string;
  occupation?: string;
  householdResidenceStatus?: HouseholdResidenceStatus;
  tags?: string[];
  /** 楼栋/单元/房号 as typed (normalised); null when all three are empty. */
  place: PlaceText | null;
}

export interface PlaceText {
  building: string;
  unit: string;
  room: string;
}

export type RowResult = { ok: true; person: RowPerson } | { ok: false; reason: string; idNumber?: string };

// ---------------------------------------------------------------------------------------------
// text

/** Full-width digits, letters and spaces folded (NFKC), zero-width characters dropped, trimmed. */
export function cleanText(v: CellValue): string {
  const text = cellText(v);
  // Most cells are printable ASCII and CJK unified ideographs without spaces, which NFKC and
  // the rest leave as they are: skip the work (a roster has over a million cells).
  if (PLAIN.test(text)) return text;
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const PLAIN = /^[\x21-\x7e\u4e00-\u9fff]*$/;

const CJK = '\u3400-\u9fff\uf900-\ufaff·';

/** A name: spaces between Chinese characters removed (张 三 → 张三), the dot of minority names unified (买买提·艾力). */
export function cleanName(v: CellValue): string {
  return cleanText(v)
    .replace(/[•・‧∙●]/g, '·')
    .replace(new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'g'), '')
    .replace(/\s*·\s*/g, '·');
}

/** Text with every space removed (numbers, codes, 楼栋/单元/房号). */
function compact(v: CellValue): string {
  return cleanText(v).replace(/\s+/g, '');
}

// ---------------------------------------------------------------------------------------------
// ID numbers

export const REASON_SCIENTIFIC =
  '身份证号被 Excel 按科学计数法保存（如 3.30481E+17），后几位已丢失，请将该列设为文本后重新填写';
export const REASON_DIGITS_LOST = '身份证号被 Excel 按数字保存，末三位已丢失，请将该列设为文本后重新导出';

const ID_PROBLEM: Record<IdNumberProblem, string> = {
  format: '身份证号应为 18 位（最后一位可为 X）或 15 位数字',
  region: '身份证号前 6 位地区码无效',
  birth_date: '身份证号中的出生日期无效',
  check_digit: '身份证号校验位错误，请核对',
};

const GB11643: readonly IdType[] = ['居民身份证', '港澳台居民居住证'];

const ID_TYPE_ALIASES: Record<string, IdType> = {
  身份证: '居民身份证',
  居民身份证: '居民身份证',
  二代身份证: '居民身份证',
  第二代居民身份证: '居民身份证',
  中华人民共和国居民身份证: '居民身份证',
  港澳台居民居住证: '港澳台居民居住证',
  港澳居民居住证: '港澳台居民居住证',
  台湾居民居住证: '港澳台居民居住证',
  居住证: '港澳台居民居住证',
  护照: '护照',
  外国护照: '护照',
  外国人永久居留身份证: '外国人永久居留身份证',
  外国人永久居留证: '外国人永久居留身份证',
  永久居留证: '外国人永久居留身份证',
  永久居留身份证: '外国人永久居留身份证',
};

export function normaliseIdType(v: CellValue): { ok: true; value: IdType } | { ok: false; reason: string } {
  const s = compact(v);
  if (!s) return { ok: true, value: '居民身份证' };
  const t = ID_TYPE_ALIASES[s] ?? (ID_TYPES as readonly string[]).find((x) => x === s);
  if (t) return { ok: true, value: t as IdType };
  return { ok: false, reason: `证件类型“${s}”无法识别（可填：${ID_TYPES.join('、')}）` };
}

/**
 * An ID number as a roster holds it. Excel keeps 15 significant digits of a number, so an
 * 18-digit number that went through a number cell has lost its last three: rejected with the
 * fix, never guessed. A 15-digit first-generation number is upgraded to 18.
 */
export function normaliseIdNumber(v: CellValue, idType: IdType, today: Date): { ok: true; value: string; info?: IdNumberInfo } | { ok: false; reason: string } {
  if (v === null || v === '') return { ok: false, reason: '证件号码为空' };
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) return { ok: false, reason: REASON_SCIENTIFIC };
    // Beyond 15 digits a double (and Excel) no longer holds every digit. A number with only a
    // handful of significant digits was typed or pasted as Excel displayed it: 3.30481E+17.
    if (v >= 1e15) return { ok: false, reason: v % 1e9 === 0 ? REASON_SCIENTIFIC : REASON_DIGITS_LOST };
    v = String(v);
  }
  if (v instanceof Date) return { ok: false, reason: '证件号码被保存成了日期，请将该列设为文本后重新填写' };
  let s = compact(v).toUpperCase();
  // Tricks people use to keep Excel off a number: ="330…", a leading apostrophe, a trailing ".0".
  const formula = /^="?([^"]*)"?$/.exec(s);
  if (formula) s = formula[1]!;
  s = s.replace(/^['‘’`]+/, '').replace(/^(\d{15}|\d{17}[\dX])\.0+$/, '$1');
  if (/^\d+(\.\d+)?E\+?\d+$/.test(s)) return { ok: false, reason: REASON_SCIENTIFIC };
  if (!GB11643.includes(idType)) {
    if (!/^[A-Z0-9]{5,20}$/.test(s)) return { ok: false, reason: `${idType}号码“${maskIdNumber(s)}”格式不正确` };
    return { ok: true, value: s };
  }
  s = s.replace(/-/g, '');
  const parsed = parseIdNumber(s, today);
  if (!parsed.ok) {
    // A number that went through Excel as a number and came back as text (a CSV saved by Excel).
    if (parsed.problem === 'check_digit' && /^\d{15}000$/.test(s)) return { ok: false, reason: REASON_DIGITS_LOST };
    return { ok: false, reason: `${ID_PROBLEM[parsed.problem]}（${maskIdNumber(s)}）` };
  }
  const permit = /^8[123]0000$/.test(parsed.info.region);
  if (permit && idType === '居民身份证') return { ok: false, reason: '该号码是港澳台居民居住证号码，请把证件类型填为“港澳台居民居住证”' };
  if (!permit && idType === '港澳台居民居住证') return { ok: false, reason: '港澳台居民居住证号码应以 810000、820000 或 830000 开头' };
  return { ok: true, value: parsed.info.number, info: parsed.info };
}

/** The template's example row: never imported (staff forget to delete it). */
export const EXAMPLE_ID_NUMBER = (() => {
  const first17 = '33048119900101123';
  return first17 + idCheckChar(first17);
})();

// ---------------------------------------------------------------------------------------------
// dates, gender, phone, codes

const DAY_MS = 86_400_000;
/** Day 0 of Excel's 1900 date system as it counts from day 61 on (it believes 1900 was a leap year). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function isoDay(ms: number): string {
  return new Date(Math.round(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A date as a roster holds it: a date cell, an Excel serial number (32874 = 1990-01-01),
 * 19900101 typed as a number, or text: 1990-01-01, 1990/1/1, 1990.1.1, 1990年1月1日, 19900101.
 */
export function normaliseBirthDate(v: CellValue, today: Date): { ok: true; value: string | undefined } | { ok: false; reason: string } {
  if (v === null || v === '') return { ok: true, value: undefined };
  let iso: string | null = null;
  if (v instanceof Date) {
    iso = Number.isNaN(v.getTime()) ? null : isoDay(v.getTime());
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 18_500_101 && v <= 29_991_231) iso = normaliseDate(String(v));
    else if (v >= 61 && v < 2_958_466) iso = isoDay(EXCEL_EPOCH + Math.floor(v) * DAY_MS);
  } else {
    const s = compact(v).replace(/(\d)[T ]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/, '$1');
    iso = normaliseDate(s);
  }
  const shown = v instanceof Date ? '' : `“${cellText(v)}”`;
  if (!iso) return { ok: false, reason: `出生日期${shown}无法识别，请写作 1990-01-01 或 1990年1月1日` };
  if (iso < '1850-01-01' || iso > today.toISOString().slice(0, 10)) return { ok: false, reason: `出生日期 ${iso} 不合理` };
  return { ok: true, value: iso };
}

const GENDERS: Record<string, Gender> = { 男: '男', 女: '女', 男性: '男', 女性: '女', M: '男', F: '女', MALE: '男', FEMALE: '女', '1': '男', '2': '女' };

export function normaliseGender(v: CellValue): { ok: true; value: Gender | undefined } | { ok: false; reason: string } {
  const s = compact(v).toUpperCase();
  if (!s) return { ok: true, value: undefined };
  const g = GENDERS[s];
  return g ? { ok: true, value: g } : { ok: false, reason: `性别“${s}”无法识别（请填 男 或 女）` };
}

/**
 * A mainland mobile number; a cell with two numbers ("138…/139…") gives its first mobile.
 * Landlines are refused: the registry keeps mobiles, which it can validate and reach by SMS.
 */
export function normalisePhone(v: CellValue): { ok: true; value: string | undefined } | { ok: false; reason: string } {
  if (v === null || v === '') return { ok: true, value: undefined };
  const s = typeof v === 'number' ? String(Math.round(v)) : cleanText(v);
  if (!s) return { ok: true, value: undefined };
  const whole = normaliseMobile(s);
  if (whole) return { ok: true, value: whole };
  for (const part of s.split(/[/、,，;；|\\]+|\s{2,}/)) {
    const m = normaliseMobile(part);
    if (m) return { ok: true, value: m };
  }
  const shown = /^\d{7,}$/.test(s.replace(/\D/g, '')) ? maskPhone(s.replace(/[^\d-]/g, '')) : maskSensitiveText(s).slice(0, 20);
  return { ok: false, reason: `联系电话“${shown}”不是有效的手机号码（仅支持 11 位手机号）` };
}

const RESIDENCE_ALIASES: Record<string, ResidenceType> = {
  户籍人口: '户籍人口',
  户籍: '户籍人口',
  本地户籍: '户籍人口',
  本地: '户籍人口',
  常住户籍人口: '户籍人口',
  流动人口: '流动人口',
  流动: '流动人口',
  外来人口: '流动人口',
  外来: '流动人口',
  外地: '流动人口',
  境外人员: '境外人员',
  境外: '境外人员',
  境外人口: '境外人员',
  外籍: '境外人员',
  外籍人员: '境外人员',
  港澳台: '境外人员',
  港澳台人员: '境外人员',
};

export function normaliseResidenceType(v: CellValue): { ok: true; value: ResidenceType | undefined } | { ok: false; reason: string } {
  const s = compact(v);
  if (!s) return { ok: true, value: undefined };
  const r = RESIDENCE_ALIASES[s];
  return r ? { ok: true, value: r } : { ok: false, reason: `人员类型“${s}”无法识别（可填：${RESIDENCE_TYPES.join('、')}）` };
}

function normaliseHouseholdStatus(v: CellValue): { ok: true; value: HouseholdResidenceStatus | undefined } | { ok: false; reason: string } {
  const s = compact(v);
  if (!s) return { ok: true, value: undefined };
  if ((HOUSEHOLD_RESIDENCE_STATUSES as readonly string[]).includes(s)) return { ok: true, value: s as HouseholdResidenceStatus };
  return { ok: false, reason: `人户状态“${s}”无法识别（可填：${HOUSEHOLD_RESIDENCE_STATUSES.join('、')}）` };
}

/** A code-list value (name, alias or code), stored as the write path will store it. */
function normaliseCode(list: CodeListName, field: ImportField, v: CellValue): { ok: true; value: string | undefined } | { ok: false; reason: string } {
  const s = compact(v);
  if (!s) return { ok: true, value: undefined };
  // A code typed into a number cell loses its leading zero: 1 → 01.
  const key = /^\d$/.test(s) ? `0${s}` : s;
  const entry = findCode(CODE_LISTS[list], key) ?? findCode(CODE_LISTS[list], s);
  if (!entry) return { ok: false, reason: `${FIELD_HEADERS[field]}“${s}”不在 ${CODE_LISTS[list].standard} 代码表中（见模板“填写说明”页）` };
  return { ok: true, value: list === 'relationToHead' ? entry.code : entry.name };
}

/** 标签: separated by 、 , ， ; ； or spaces. */
export function splitTags(v: CellValue): string[] {
  return [
    ...new Set(
      cleanText(v)
        .split(/[、,，;；\s/|]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// the row

/** The row's value for a field: the first non-empty of its columns. */
export function fieldValue(header: Header, cells: CellValue[], field: ImportField): CellValue {
  for (const i of header.byField.get(field) ?? []) {
    const v = cells[i] ?? null;
    if (v !== null && !(typeof v === 'string' && v.trim() === '')) return v;
  }
  return null;
}

/**
 * Normalises one data row. Checks that need the database (dwelling, tags, scope, the person
 * already registered) come later; this decides only what the row itself says.
 */
export function normaliseRow(header: Header, cells: CellValue[], today: Date): RowResult {
  const get = (f: ImportField) => fieldValue(header, cells, f);

  const idType = normaliseIdType(get('idType'));
  if (!idType.ok) return idType;
  const id = normaliseIdNumber(get('idNumber'), idType.value, today);
  if (!id.ok) return id;
  const idNumber = id.value;
  const fail = (reason: string): RowResult => ({ ok: false, reason, idNumber });
  if (idNumber === EXAMPLE_ID_NUMBER) return fail('这是导入模板中的示例行，请删除后再导入');

  const name = cleanName(get('name'));
  if (!name) return fail('姓名为空');
  if ([...name].length > 50) return fail('姓名超过 50 个字');

  const gender = normaliseGender(get('gender'));
  if (!gender.ok) return fail(gender.reason);
  const birth = normaliseBirthDate(get('birthDate'), today);
  if (!birth.ok) return fail(birth.reason);
  const info = id.info;
  if (info) {
    if (gender.value && gender.value !== info.gender) return fail(`性别“${gender.value}”与身份证号不符（号码中为${info.gender}）`);
    if (birth.value && birth.value !== info.birthDate) return fail(`出生日期 ${birth.value} 与身份证号不符（号码中为 ${info.birthDate}）`);
  } else if (!gender.value) {
    return fail(`${idType.value}号码中没有性别，请填写性别`);
  }

  const phone = normalisePhone(get('phone'));
  if (!phone.ok) return fail(phone.reason);
  const residence = normaliseResidenceType(get('residenceType'));
  if (!residence.ok) return fail(residence.reason);
  const householdStatus = normaliseHouseholdStatus(get('householdResidenceStatus'));
  if (!householdStatus.ok) return fail(householdStatus.reason);

  const person: RowPerson = { name, idType: idType.value, idNumber, place: null };
  if (gender.value) person.gender = gender.value;
  if (birth.value) person.birthDate = birth.value;
  if (phone.value) person.phone = phone.value;
  if (residence.value) person.residenceType = residence.value;
  if (householdStatus.value) person.householdResidenceStatus = householdStatus.value;

  const codes: [CodeListName, ImportField, 'ethnicity' | 'relationToHead' | 'politicalStatus' | 'education' | 'maritalStatus'][] = [
    ['ethnicity', 'ethnicity', 'ethnicity'],
    ['relationToHead', 'relationToHead', 'relationToHead'],
    ['politicalStatus', 'politicalStatus', 'politicalStatus'],
    ['education', 'education', 'education'],
    ['maritalStatus', 'maritalStatus', 'maritalStatus'],
  ];
  for (const [list, field, key] of codes) {
    const r = normaliseCode(list, field, get(field));
    if (!r.ok) return fail(r.reason);
    if (r.value) person[key] = r.value;
  }

  const hukou = cleanText(get('hukouAddress'));
  if (hukou) {
    if ([...hukou].length > 200) return fail('户籍地址超过 200 个字');
    person.hukouAddress = hukou;
  }
  const occupation = cleanText(get('occupation'));
  if (occupation) {
    if ([...occupation].length > 100) return fail('职业超过 100 个字');
    person.occupation = occupation;
  }
  const tags = splitTags(get('tags'));
  if (tags.length > 30) return fail('标签超过 30 个');
  const long = tags.find((t) => [...t].length > 30);
  if (long) return fail(`标签“${long.slice(0, 30)}…”超过 30 个字`);
  if (tags.length) person.tags = tags;

  const place = placeText(compact(get('building')), compact(get('unit')), compact(get('room')));
  if (!place.ok) return fail(place.reason);
  person.place = place.value;
  return { ok: true, person };
}

/** 楼栋/单元/房号: all empty → none; "3-2-501" in the room column alone is read as all three. */
function placeText(building: string, unit: string, room: string): { ok: true; value: PlaceText | null } | { ok: false; reason: string } {
  if (!building && !unit && !room) return { ok: true, value: null };
  if (!building && !unit) {
    const combined = /^(.+?)[-－—](.+?)[-－—](.+)$/.exec(room);
    if (combined) return { ok: true, value: { building: combined[1]!, unit: combined[2]!, room: combined[3]! } };
  }
  if (!building) return { ok: false, reason: '填写了单元或房号，但楼栋为空（楼栋、单元、房号要么填写完整，要么都不填）' };
  if (!room) return { ok: false, reason: `填写了楼栋 ${building}，但房号为空（楼栋、单元、房号要么填写完整，要么都不填）` };
  return { ok: true, value: { building, unit, room } };
}

// ---------------------------------------------------------------------------------------------
// dwellings: 楼栋/单元/房号 → the dwelling node under the target community

export interface PlaceNode {
  id: string;
  parent_id: string | null;
  kind: OrgNodeKind;
  name: string;
  path: string;
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 三 → 3, 十二 → 12, 二十 → 20 (building and unit numbers are small). */
function chineseNumber(s: string): string {
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return s;
  if (!s.includes('十')) return [...s].map((c) => CN_DIGITS[c]).join('');
  const [tens, ones] = s.split('十');
  return String((tens ? CN_DIGITS[tens]! : 1) * 10 + (ones ? CN_DIGITS[ones]! : 0));
}

function baseKey(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** '3', '3幢', '3号楼', '3栋', '第三幢' → '3'; '东山路2号' → '东山路2'. */
export function buildingKey(name: string): string {
  const s = baseKey(name).replace(/^第/, '').replace(/(号楼|号幢|号栋|幢|栋|座|号|楼)$/, '');
  return chineseNumber(s);
}

/** '2', '2单元', '二单元' → '2'. */
export function unitKey(name: string): string {
  return chineseNumber(baseKey(name).replace(/^第/, '').replace(/(单元|单)$/, ''));
}

/** '501', '501室', '501号' → '501'. */
export function roomKey(name: string): string {
  return baseKey(name).replace(/(室|号|房)$/, '');
}

export type PlaceResult = { ok: true; id: string; path: string; label: string } | { ok: false; reason: string };

/**
 * Buildings, units and dwellings of one community, indexed by the keys above, so a row's
 * 楼栋/单元/房号 resolve in memory. An exact name beats a key match; two nodes on one key are
 * reported, never guessed between.
 */
export class DwellingIndex {
  private readonly buildings = new Map<string, PlaceNode[]>();
  private readonly children = new Map<string, PlaceNode[]>();

  constructor(nodes: PlaceNode[]) {
    for (const n of nodes) {
      if (n.kind === 'building') push(this.buildings, buildingKey(n.name), n);
      if (n.parent_id && (n.kind === 'unit' || n.kind === 'dwelling')) push(this.children, n.parent_id, n);
    }
  }

  resolve(place: PlaceText): PlaceResult {
    const building = pick(this.buildings.get(buildingKey(place.building)) ?? [], place.building);
    if (building === 'none') return { ok: false, reason: `未找到楼栋 ${place.building}` };
    if (building === 'many') return { ok: false, reason: `楼栋“${place.building}”在本社区有多处同名，请写全称` };
    const under = this.children.get(building.id) ?? [];
    let candidates: { unit: PlaceNode | null; dwelling: PlaceNode }[];
    if (place.unit) {
      const unit = pick(
        under.filter((n) => n.kind === 'unit' && unitKey(n.name) === unitKey(place.unit)),
        place.unit,
      );
      if (unit === 'none') return { ok: false, reason: `楼栋 ${building.name} 下未找到单元 ${place.unit}` };
      if (unit === 'many') return { ok: false, reason: `楼栋 ${building.name} 下单元“${place.unit}”有多个，请核对` };
      candidates = (this.children.get(unit.id) ?? []).filter((d) => d.kind === 'dwelling').map((d) => ({ unit, dwelling: d }));
    } else {
      // No unit typed: a dwelling right under the building, or under any one of its units.
      candidates = [
        ...under.filter((n) => n.kind === 'dwelling').map((d) => ({ unit: null, dwelling: d })),
        ...under.filter((n) => n.kind === 'unit').flatMap((u) => (this.children.get(u.id) ?? []).filter((d) => d.kind === 'dwelling').map((d) => ({ unit: u, dwelling: d }))),
      ];
    }
    const key = roomKey(place.room);
    const exact = candidates.filter((c) => baseKey(c.dwelling.name) === baseKey(place.room));
    const matches = exact.length ? exact : candidates.filter((c) => roomKey(c.dwelling.name) === key);
    const where = `${building.name}${place.unit ? (matches[0]?.unit?.name ?? place.unit) : ''}`;
    if (matches.length === 0) return { ok: false, reason: `${where} 下未找到房号 ${place.room}` };
    if (matches.length > 1) return { ok: false, reason: `${building.name} 有多个单元都有房号 ${place.room}，请填写单元` };
    const m = matches[0]!;
    return { ok: true, id: m.dwelling.id, path: m.dwelling.path, label: `${building.name}${m.unit?.name ?? ''}${m.dwelling.name}` };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pick(nodes: PlaceNode[], typed: string): PlaceNode | 'none' | 'many' {
  if (nodes.length === 0) return 'none';
  if (nodes.length === 1) return nodes[0]!;
  const exact = nodes.filter((n) => baseKey(n.name) === baseKey(typed));
  return exact.length === 1 ? exact[0]! : 'many';
}

// ---------------------------------------------------------------------------------------------
// what a rejected row keeps

/**
 * The key each column's cells go under in a rejected row: its header text, or its letter when
 * the header cell is empty; a header used twice gets its letter appended.
 */
export function rawKeys(header: Header): string[] {
  const used = new Set<string>();
  return header.columns.map((c, i) => {
    let key = c.text || columnLetter(i);
    if (used.has(key)) key = `${key}(${columnLetter(i)})`;
    used.add(key);
    return key;
  });
}

/**
 * The row as it was, for the rejected-rows report: under its headers, with ID and phone
 * numbers masked (and anything number-like elsewhere too: people type IDs into 备注).
 */
export function maskedRaw(header: Header, cells: CellValue[], keys: string[] = rawKeys(header)): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i] ?? null;
    const text = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'number' ? numberText(v) : cellText(v);
    if (!text) continue;
    const key = keys[i] ?? columnLetter(i);
    const field = header.columns[i]?.field;
    // A number Excel already cut to 3.30481E+17 shows its region at most: kept as Excel shows it, so staff recognise it.
    const lost = typeof v === 'number' && Math.abs(v) >= 1e15;
    if (field === 'idNumber') out[key] = lost ? text : (maskIdNumber(text.replace(/\s+/g, '')) ?? '');
    else if (field === 'phone') out[key] = maskPhone(text.replace(/\s+/g, '')) ?? '';
    else out[key] = lost ? text : maskSensitiveText(text);
  }
  return out;
}

/** A number as Excel would show it in a General cell (3.30481E+17 rather than 330481199001011000). */
function numberText(v: number): string {
  if (Math.abs(v) >= 1e15) return v.toExponential(5).replace(/\.?0+e/, 'e').toUpperCase();
  return String(v);
}

export function columnLetter(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
