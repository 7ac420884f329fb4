/**
 * National code lists the registry's forms use. Each entry is the standard's code and its
 * name; `aliases` are what staff actually type (全称, 简称, spoken forms), so an import or a
 * form accepts them and stores the canonical name (or code, for relation to head).
 */

export interface CodeEntry {
  code: string;
  name: string;
  aliases?: readonly string[];
}

export interface CodeList {
  /** The standard the list follows. */
  standard: string;
  entries: readonly CodeEntry[];
}

/** GB 3304-91 中国各民族名称的罗马字母拼写法和代码 (56 groups, plus 97 其他 and 98 外国血统). */
export const ETHNICITY: CodeList = {
  standard: 'GB 3304',
  entries: [
    '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
    '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
    '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
    '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
    '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
    '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
  ]
    .map((name, i): CodeEntry => ({ code: String(i + 1).padStart(2, '0'), name, aliases: shortEthnicName(name) }))
    .concat([
      { code: '97', name: '其他', aliases: ['其他未识别民族', '未识别民族'] },
      { code: '98', name: '外国血统中国籍人士', aliases: ['入籍', '外国人入籍'] },
    ]),
};

/** "汉族" is often written "汉", "蒙古族" "蒙古": the name without 族 is accepted too. */
function shortEthnicName(name: string): string[] {
  return [name.slice(0, -1)];
}

/** GB/T 4761-2008 家庭关系代码 (relation to the head of household). '02' 户主 is the head itself; '01' 本人 is accepted as the head too. */
export const RELATION_TO_HEAD: CodeList = {
  standard: 'GB/T 4761',
  entries: [
    { code: '01', name: '本人' },
    { code: '02', name: '户主' },
    { code: '10', name: '配偶', aliases: ['爱人'] },
    { code: '11', name: '夫', aliases: ['丈夫'] },
    { code: '12', name: '妻', aliases: ['妻子'] },
    { code: '20', name: '子', aliases: ['儿子'] },
    { code: '21', name: '独生子' },
    { code: '22', name: '长子' },
    { code: '23', name: '次子' },
    { code: '24', name: '三子' },
    { code: '25', name: '四子' },
    { code: '26', name: '五子' },
    { code: '27', name: '养子或继子', aliases: ['养子', '继子'] },
    { code: '28', name: '女婿' },
    { code: '29', name: '其他儿子' },
    { code: '30', name: '女', aliases: ['女儿'] },
    { code: '31', name: '独生女' },
    { code: '32', name: '长女' },
    { code: '33', name: '次女' },
    { code: '34', name: '三女' },
    { code: '35', name: '四女' },
    { code: '36', name: '五女' },
    { code: '37', name: '养女或继女', aliases: ['养女', '继女'] },
    { code: '38', name: '儿媳', aliases: ['媳妇'] },
    { code: '39', name: '其他女儿' },
    { code: '40', name: '孙子、孙女或外孙子、外孙女' },
    { code: '41', name: '孙子' },
    { code: '42', name: '孙女' },
    { code: '43', name: '外孙子', aliases: ['外孙'] },
    { code: '44', name: '外孙女' },
    { code: '45', name: '孙媳妇或外孙媳妇', aliases: ['孙媳妇'] },
    { code: '46', name: '孙女婿或外孙女婿', aliases: ['孙女婿'] },
    { code: '47', name: '曾孙子或外曾孙子', aliases: ['曾孙子'] },
    { code: '48', name: '曾孙女或外曾孙女', aliases: ['曾孙女'] },
    { code: '49', name: '其他孙子、孙女或外孙子、外孙女' },
    { code: '50', name: '父母' },
    { code: '51', name: '父亲', aliases: ['父'] },
    { code: '52', name: '母亲', aliases: ['母'] },
    { code: '53', name: '公公' },
    { code: '54', name: '婆婆' },
    { code: '55', name: '岳父' },
    { code: '56', name: '岳母' },
    { code: '57', name: '继父或养父', aliases: ['继父', '养父'] },
    { code: '58', name: '继母或养母', aliases: ['继母', '养母'] },
    { code: '59', name: '其他父母关系' },
    { code: '60', name: '祖父母或外祖父母' },
    { code: '61', name: '祖父', aliases: ['爷爷'] },
    { code: '62', name: '祖母', aliases: ['奶奶'] },
    { code: '63', name: '外祖父', aliases: ['外公'] },
    { code: '64', name: '外祖母', aliases: ['外婆'] },
    { code: '65', name: '配偶的祖父母或外祖父母' },
    { code: '66', name: '曾祖父' },
    { code: '67', name: '曾祖母' },
    { code: '68', name: '配偶的曾祖父母或外曾祖父母' },
    { code: '69', name: '其他祖父母或外祖父母关系' },
    { code: '70', name: '兄弟姐妹' },
    { code: '71', name: '兄', aliases: ['哥哥'] },
    { code: '72', name: '嫂', aliases: ['嫂子'] },
    { code: '73', name: '弟', aliases: ['弟弟'] },
    { code: '74', name: '弟媳' },
    { code: '75', name: '姐姐', aliases: ['姐'] },
    { code: '76', name: '姐夫' },
    { code: '77', name: '妹妹', aliases: ['妹'] },
    { code: '78', name: '妹夫' },
    { code: '79', name: '其他兄弟姐妹' },
    { code: '80', name: '其他' },
    { code: '81', name: '伯父' },
    { code: '82', name: '伯母' },
    { code: '83', name: '叔父', aliases: ['叔叔'] },
    { code: '84', name: '婶母', aliases: ['婶婶'] },
    { code: '85', name: '舅父', aliases: ['舅舅'] },
    { code: '86', name: '舅母', aliases: ['舅妈'] },
    { code: '87', name: '姨父' },
    { code: '88', name: '姨母', aliases: ['阿姨'] },
    { code: '89', name: '姑父' },
    { code: '90', name: '姑母', aliases: ['姑姑'] },
    { code: '91', name: '堂兄弟、堂姐妹' },
    { code: '92', name: '表兄弟、表姐妹' },
    { code: '93', name: '侄子' },
    { code: '94', name: '侄女' },
    { code: '95', name: '外甥' },
    { code: '96', name: '外甥女' },
    { code: '97', name: '其他亲属' },
    { code: '99', name: '非亲属', aliases: ['保姆', '租客'] },
  ],
};

/** Codes of GB/T 4761 that mean "this person is the head of household". */
export const HEAD_RELATIONS: ReadonlySet<string> = new Set(['01', '02']);

/** GB/T 4762-1984 政治面貌代码; the short names are what forms show. */
export const POLITICAL_STATUS: CodeList = {
  standard: 'GB/T 4762',
  entries: [
    { code: '01', name: '中共党员', aliases: ['中国共产党党员', '党员'] },
    { code: '02', name: '中共预备党员', aliases: ['中国共产党预备党员', '预备党员'] },
    { code: '03', name: '共青团员', aliases: ['中国共产主义青年团团员', '团员'] },
    { code: '04', name: '民革党员', aliases: ['中国国民党革命委员会会员', '民革会员'] },
    { code: '05', name: '民盟盟员', aliases: ['中国民主同盟盟员'] },
    { code: '06', name: '民建会员', aliases: ['中国民主建国会会员'] },
    { code: '07', name: '民进会员', aliases: ['中国民主促进会会员'] },
    { code: '08', name: '农工党党员', aliases: ['中国农工民主党党员'] },
    { code: '09', name: '致公党党员', aliases: ['中国致公党党员'] },
    { code: '10', name: '九三学社社员' },
    { code: '11', name: '台盟盟员', aliases: ['台湾民主自治同盟盟员'] },
    { code: '12', name: '无党派人士', aliases: ['无党派民主人士'] },
    { code: '13', name: '群众', aliases: ['无'] },
  ],
};

/** GB/T 4658-2006 学历代码, at the level a community form asks for. */
export const EDUCATION: CodeList = {
  standard: 'GB/T 4658',
  entries: [
    { code: '10', name: '研究生', aliases: ['研究生教育', '博士', '博士研究生', '硕士', '硕士研究生'] },
    { code: '20', name: '大学本科', aliases: ['本科', '大学本科教育', '大学'] },
    { code: '30', name: '大学专科', aliases: ['大专', '专科', '大学专科教育'] },
    { code: '40', name: '中等职业教育', aliases: ['中专', '中技', '中专/中技', '职高', '职业高中', '技校', '技工学校'] },
    { code: '60', name: '普通高中', aliases: ['高中', '普通高级中学教育'] },
    { code: '70', name: '初中', aliases: ['初级中学教育'] },
    { code: '80', name: '小学', aliases: ['小学教育'] },
    { code: '90', name: '其他', aliases: ['文盲', '半文盲', '文盲或半文盲', '学龄前', '无'] },
  ],
};

/** GB/T 2261.2-2003 婚姻状况代码. */
export const MARITAL_STATUS: CodeList = {
  standard: 'GB/T 2261.2',
  entries: [
    { code: '10', name: '未婚' },
    { code: '20', name: '已婚', aliases: ['在婚', '有配偶'] },
    { code: '21', name: '初婚' },
    { code: '22', name: '再婚' },
    { code: '23', name: '复婚' },
    { code: '30', name: '丧偶' },
    { code: '40', name: '离婚', aliases: ['离异'] },
    { code: '90', name: '未说明的婚姻状况', aliases: ['不详', '未说明'] },
  ],
};

export const CODE_LISTS = {
  ethnicity: ETHNICITY,
  relationToHead: RELATION_TO_HEAD,
  politicalStatus: POLITICAL_STATUS,
  education: EDUCATION,
  maritalStatus: MARITAL_STATUS,
} as const;
export type CodeListName = keyof typeof CODE_LISTS;

const lookups = new Map<CodeList, Map<string, CodeEntry>>();

function lookupOf(list: CodeList): Map<string, CodeEntry> {
  let m = lookups.get(list);
  if (!m) {
    m = new Map();
    // Names and aliases first, codes last: a code never shadows a name.
    for (const e of list.entries) for (const a of e.aliases ?? []) m.set(a, e);
    for (const e of list.entries) m.set(e.name, e);
    for (const e of list.entries) if (!m.has(e.code)) m.set(e.code, e);
    lookups.set(list, m);
  }
  return m;
}

/** The entry a typed value names (its name, an alias, or its code), ignoring spaces; undefined when none. */
export function findCode(list: CodeList, value: string | null | undefined): CodeEntry | undefined {
  if (value == null) return undefined;
  const key = value.replace(/\s+/g, '').replace(/[（）]/g, (c) => (c === '（' ? '(' : ')'));
  if (!key) return undefined;
  return lookupOf(list).get(key);
}

/** The name of a code (`relationName('10')` → 配偶), or the value itself when it is not a code of the list. */
export function codeName(list: CodeList, code: string | null | undefined): string | null {
  if (code == null) return null;
  return list.entries.find((e) => e.code === code)?.name ?? code;
}
