import { pinyin } from 'pinyin-pro';
import type { Executor } from '../../platform/db/database.js';
import type { PersonSearchTable } from './registry.table.js';

/**
 * Name search that works for two-character names (below FTS5 trigram's minimum): the index
 * keeps the name, its full pinyin ("zhangsan") and initials ("zs"), each a prefix-searchable
 * b-tree column beside the person's path.
 */
export function searchTermsOf(name: string): { name_pinyin: string; name_initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''));
  return { name_pinyin: syllables.join(''), name_initials: syllables.map((s) => s[0] ?? '').join('') };
}

/** Rebuilds the search rows of these people from the registry (call after every write). */
export async function reindexPeople(executor: Executor, personIds: string[]): Promise<void> {
  if (personIds.length === 0) return;
  for (let i = 0; i < personIds.length; i += 500) {
    const ids = personIds.slice(i, i + 500);
    const people = await executor.selectFrom('person').select(['id', 'name', 'org_path']).where('id', 'in', ids).execute();
    await executor.deleteFrom('person_search').where('person_id', 'in', ids).execute();
    const rows: PersonSearchTable[] = people.map((p) => ({ person_id: p.id, org_path: p.org_path, name: p.name, ...searchTermsOf(p.name), address: null }));
    if (rows.length) await executor.insertInto('person_search').values(rows).execute();
  }
}
