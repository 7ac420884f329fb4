import type { Kysely, Migration } from 'kysely';

/**
 * Department ledgers (台账) as data, and the standard special-group tags with the built-in
 * ledgers built on them. The rows are written here (not by the demo seed) because every
 * deployment needs them; they are a snapshot as of this migration, later edits are data.
 */

const TAGS: { code: string; category: string; description: string; rule?: object; sensitive: boolean }[] = [
  { code: '低保', category: '社会救助', description: '城乡居民最低生活保障对象', sensitive: true },
  { code: '特困', category: '社会救助', description: '特困人员（特困供养对象）', sensitive: true },
  { code: '残疾人', category: '残疾人', description: '持有第二代《中华人民共和国残疾人证》', sensitive: true },
  { code: '独居老人', category: '老年人', description: '60周岁以上独自居住的老人', sensitive: true },
  { code: '高龄老人', category: '老年人', description: '80周岁以上，按出生日期自动计算', rule: { kind: 'age', min: 80 }, sensitive: false },
  { code: '空巢老人', category: '老年人', description: '60周岁以上、无子女共同生活的老人', sensitive: false },
  { code: '退役军人', category: '优抚', description: '退出现役的军人', sensitive: false },
  // 国家统计口径: women aged 15–49.
  { code: '育龄妇女', category: '计划生育', description: '15至49周岁女性（国家统计口径），按出生日期和性别自动计算', rule: { kind: 'age', min: 15, max: 49, gender: '女' }, sensitive: false },
  { code: '留守儿童', category: '未成年人', description: '父母双方外出务工或一方外出务工另一方无监护能力、不满16周岁的儿童', sensitive: true },
  { code: '党员', category: '党建', description: '政治面貌为中共党员或中共预备党员，自动计算', rule: { kind: 'political_status', values: ['中共党员', '中共预备党员'] }, sensitive: false },
  { code: '重点人员', category: '综治', description: '社区矫正、刑满释放、严重精神障碍等需重点关注的人员', sensitive: true },
];

type Column = { field: string; header: string; width: number };
const col = (field: string, header: string, width: number): Column => ({ field, header, width });
const SEQ = col('seq', '序号', 6);
const NAME = col('name', '姓名', 10);
const GENDER = col('gender', '性别', 6);
const BIRTH = col('birthDate', '出生日期', 12);
const AGE = col('age', '年龄', 6);
const ID = col('idNumber', '身份证号', 21);
const PHONE = col('phone', '联系电话', 14);
const ADDRESS = col('address', '住址', 26);
const GRID = col('grid', '所属网格', 18);
const NOTE = col('note', '备注', 16);
const BY_ADDRESS = [{ field: 'address', dir: 'asc' }];

const LEDGERS: { code: string; department: string | null; title: string; tags: string[]; conditions: object; columns: Column[] }[] = [
  {
    code: 'civil.dibao',
    department: 'civil',
    title: '低保对象台账',
    tags: ['低保'],
    conditions: {},
    columns: [SEQ, NAME, GENDER, BIRTH, ID, PHONE, ADDRESS, GRID, col('tagValidity', '保障期限', 24), col('tagNote', '保障情况', 18), NOTE],
  },
  {
    // 养老 (elderly care) is a section of 民政 in the demo's departments, hence civil.
    code: 'civil.over80',
    department: 'civil',
    title: '80岁以上高龄老人台账',
    tags: ['高龄老人'],
    conditions: { ageMin: 80 },
    columns: [SEQ, NAME, GENDER, BIRTH, AGE, ID, PHONE, ADDRESS, GRID, col('tags', '人员类别', 20), NOTE],
  },
  {
    code: 'health.fertile-women',
    department: 'health',
    title: '育龄妇女台账',
    tags: ['育龄妇女'],
    conditions: { gender: '女' },
    columns: [SEQ, NAME, BIRTH, AGE, ID, PHONE, ADDRESS, GRID, NOTE],
  },
  {
    code: 'civil.disabled',
    department: 'civil',
    title: '残疾人台账',
    tags: ['残疾人'],
    conditions: {},
    columns: [SEQ, NAME, GENDER, BIRTH, ID, PHONE, ADDRESS, GRID, col('tagNote', '残疾类别及等级', 18), col('tagValidity', '持证有效期', 24), NOTE],
  },
  {
    code: 'veterans.veterans',
    department: 'veterans',
    title: '退役军人台账',
    tags: ['退役军人'],
    conditions: {},
    columns: [SEQ, NAME, GENDER, BIRTH, ID, PHONE, ADDRESS, GRID, col('tagNote', '入伍及退役情况', 20), NOTE],
  },
  {
    code: 'civil.living-alone',
    department: 'civil',
    title: '独居老人关爱台账',
    tags: ['独居老人'],
    conditions: {},
    columns: [SEQ, NAME, GENDER, AGE, ID, PHONE, ADDRESS, GRID, col('tags', '人员类别', 20), col('tagNote', '紧急联系人', 18), col('note', '走访情况', 20)],
  },
];

export const createLedgers: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('ledger_definition')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      // null: a ledger of the community itself, not handed to a department.
      .addColumn('department_code', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      // 填报单位 template: {street} {community} {grid} {node} are filled from the ledger's node.
      .addColumn('unit_name', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull()) // JSON string[]: any of them
      .addColumn('conditions', 'text', (c) => c.notNull()) // JSON {ageMin, ageMax, gender, residenceTypes, statuses}
      .addColumn('columns', 'text', (c) => c.notNull()) // JSON [{field, header, width}], in order
      .addColumn('sort', 'text', (c) => c.notNull()) // JSON [{field, dir}]
      .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // Retired ledgers stay (their exports are on record) but are no longer offered.
      .addColumn('archived_at', 'text')
      .execute();
    await db.schema.createIndex('ledger_definition_department').on('ledger_definition').column('department_code').execute();

    const at = new Date().toISOString();
    const existing = new Set((await db.selectFrom('tag_definition').select('code').execute()).map((r: { code: string }) => r.code));
    const tagRows = TAGS.filter((t) => !existing.has(t.code)).map((t) => ({
      code: t.code,
      category: t.category,
      description: t.description,
      derived_rule: t.rule ? JSON.stringify(t.rule) : null,
      sensitive: t.sensitive ? 1 : 0,
      sort: (TAGS.indexOf(t) + 1) * 10,
      created_at: at,
    }));
    if (tagRows.length) await db.insertInto('tag_definition').values(tagRows).execute();

    // Fixed ids: built-ins are the same ledger on every deployment (links, bookmarks, tests).
    await db
      .insertInto('ledger_definition')
      .values(
        LEDGERS.map((l) => ({
          id: `builtin-${l.code}`,
          code: l.code,
          department_code: l.department,
          title: l.title,
          unit_name: '{street}{community}',
          tags: JSON.stringify(l.tags),
          conditions: JSON.stringify(l.conditions),
          columns: JSON.stringify(l.columns),
          sort: JSON.stringify(BY_ADDRESS),
          built_in: 1,
          created_by: null,
          created_at: at,
          updated_at: at,
          archived_at: null,
        })),
      )
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('ledger_definition').execute();
  },
};
