import type { Executor } from '../../platform/db/database.js';
import type { EventCategoryTable } from './events.table.js';
import './events.table.js';

export type CategoryRow = EventCategoryTable;

/** The whole tree is small (tens of rows): one query, ordered for display. */
export function listCategories(db: Executor, opts: { includeInactive?: boolean } = {}) {
  let q = db.selectFrom('event_category').selectAll();
  if (!opts.includeInactive) q = q.where('active', '=', 1);
  return q.orderBy('sort').orderBy('code').execute();
}

export function getCategory(db: Executor, id: string) {
  return db.selectFrom('event_category').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getCategoryByCode(db: Executor, code: string) {
  return db.selectFrom('event_category').selectAll().where('code', '=', code).executeTakeFirst();
}

export function getCategoriesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as CategoryRow[]);
  return db.selectFrom('event_category').selectAll().where('id', 'in', ids).execute();
}

export async function countChildren(db: Executor, id: string): Promise<number> {
  const rows = await db.selectFrom('event_category').select('id').where('parent_id', '=', id).limit(1).execute();
  return rows.length;
}

export function insertCategory(db: Executor, row: CategoryRow) {
  return db.insertInto('event_category').values(row).execute();
}

/** Optimistic: moves the version by one only if it is still the one the editor saw. */
export async function updateCategory(db: Executor, id: string, expectedVersion: number, patch: Partial<CategoryRow>): Promise<boolean> {
  const r = await db
    .updateTable('event_category')
    .set({ ...patch, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function departmentExists(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('department').select('code').where('code', '=', code).executeTakeFirst());
}

export function listDepartments(db: Executor) {
  return db.selectFrom('department').select(['code', 'name']).orderBy('code').execute();
}

/** Sets a category's department where none is set yet (defaults linked once departments exist). */
export async function linkDepartment(db: Executor, code: string, departmentCode: string, at: string): Promise<number> {
  const r = await db
    .updateTable('event_category')
    .set({ default_department_code: departmentCode, updated_at: at })
    .where('code', '=', code)
    .where('default_department_code', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
