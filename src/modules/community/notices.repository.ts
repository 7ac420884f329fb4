import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import type { NoticeRecipientTable, NoticeStatus, NoticeTable } from './notices.table.js';
import './notices.table.js';
import { accountOfPerson, audiencePeople, countAudience, type AudienceFilter } from '../registry/registry.facts.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/** The only SQL of notices. */

export type NoticeRow = NoticeTable;

export { countAudience };
export type { AudienceFilter };

/** Writes one receipt row per person reached, in one statement; returns how many. */
export async function insertRecipients(db: Executor, noticeId: string, a: AudienceFilter): Promise<number> {
  const res = await db
    .insertInto('notice_recipient')
    .columns(['notice_id', 'person_id', 'user_id', 'org_path'])
    .expression(audiencePeople(db, a).select([sql<string>`cast(${noticeId} as text)`.as('notice_id'), 'p.id', accountOfPerson.as('user_id'), 'p.org_path']))
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

export async function recipientUsers(db: Executor, noticeId: string): Promise<string[]> {
  const rows = await db.selectFrom('notice_recipient').select('user_id').where('notice_id', '=', noticeId).where('user_id', 'is not', null).execute();
  return rows.map((r) => r.user_id!);
}

export function insertNotice(db: Executor, row: NoticeRow) {
  return db.insertInto('notice').values(row).execute();
}

export function getNotice(db: Executor, id: string) {
  return db.selectFrom('notice').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Optimistic update: only when the version is the one the caller saw; returns whether it applied. */
export async function updateNotice(db: Executor, id: string, version: number, patch: Partial<NoticeRow>): Promise<boolean> {
  const res = await db
    .updateTable('notice')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listForStaff(db: Executor, paths: string[], ancestorPaths: string[], f: { status?: NoticeStatus; under?: string; limit: number; offset: number }) {
  if (paths.length === 0) return { items: [], total: 0 };
  let q = db.selectFrom('notice as n').where((eb) =>
    eb.or([
      inAnySubtree(eb, 'n.org_path', paths),
      // Published above the caller: it reaches into their subtree (drafts up there are not theirs).
      ...(ancestorPaths.length ? [eb.and([eb('n.org_path', 'in', ancestorPaths), eb('n.status', '!=', 'draft')])] : []),
    ]),
  );
  if (f.status) q = q.where('n.status', '=', f.status);
  if (f.under) q = q.where('n.org_path', '>=', f.under).where('n.org_path', '<', prefixEnd(f.under));
  const [items, total] = await Promise.all([
    q.selectAll('n').orderBy('n.pinned', 'desc').orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Who the resident is to notices: their registry person (so an account made later still sees them), else the account. */
export interface Reader {
  personId: string | null;
  userId: string;
}

function mine(db: Executor, reader: Reader) {
  return db
    .selectFrom('notice_recipient as r')
    .innerJoin('notice as n', 'n.id', 'r.notice_id')
    .where('n.status', '=', 'published')
    .where((eb) => (reader.personId ? eb('r.person_id', '=', reader.personId) : eb('r.user_id', '=', reader.userId)));
}

export async function listMine(db: Executor, reader: Reader, page: { limit: number; offset: number }) {
  const q = mine(db, reader);
  const [items, counts] = await Promise.all([
    q
      .selectAll('n')
      .select('r.read_at')
      .orderBy('n.pinned', 'desc')
      .orderBy('n.published_at', 'desc')
      .orderBy('n.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select([sql<number>`count(*)`.as('total'), sql<number>`count(*) - count(r.read_at)`.as('unread')]).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(counts.total), unread: Number(counts.unread) };
}

export function getMine(db: Executor, reader: Reader, id: string) {
  return mine(db, reader).selectAll('n').select(['r.read_at', 'r.person_id']).where('n.id', '=', id).executeTakeFirst();
}

export async function markRead(db: Executor, noticeId: string, personId: string, at: string): Promise<boolean> {
  const res = await db
    .updateTable('notice_recipient')
    .set({ read_at: at })
    .where('notice_id', '=', noticeId)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function receiptCounts(db: Executor, noticeId: string, paths: string[]) {
  const row = await db
    .selectFrom('notice_recipient as r')
    .where('r.notice_id', '=', noticeId)
    .where((eb) => inAnySubtree(eb, 'r.org_path', paths))
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`count(r.read_at)`.as('read'),
      sql<number>`sum(case when r.read_at is null and r.informed_at is not null then 1 else 0 end)`.as('informed'),
      sql<number>`count(r.user_id)`.as('with_account'),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const read = Number(row.read);
  const informed = Number(row.informed ?? 0);
  return { total, read, informed, unreached: total - read - informed, withAccount: Number(row.with_account) };
}

/** The same counts for each of some nodes (grids), in one query: recipients joined to the node they live under. */
export async function receiptCountsPerNode(db: Executor, noticeId: string, nodes: { id: string; path: string }[]) {
  const out = new Map<string, { total: number; read: number; informed: number; unreached: number }>();
  if (nodes.length === 0) return out;
  const rows = await db
    .selectFrom('notice_recipient as r')
    .innerJoin('org_node as n', (j) => j.on(sql<boolean>`r.org_path >= n.path and r.org_path < n.path || ${prefixEnd('')}`))
    .where('r.notice_id', '=', noticeId)
    .where('n.id', 'in', nodes.map((n) => n.id))
    .groupBy('n.id')
    .select([
      'n.id',
      sql<number>`count(*)`.as('total'),
      sql<number>`count(r.read_at)`.as('read'),
      sql<number>`sum(case when r.read_at is null and r.informed_at is not null then 1 else 0 end)`.as('informed'),
    ])
    .execute();
  for (const r of rows) {
    const total = Number(r.total);
    const read = Number(r.read);
    const informed = Number(r.informed ?? 0);
    out.set(r.id, { total, read, informed, unreached: total - read - informed });
  }
  return out;
}

/** Grids (or, without grids, communities) under the given paths, for the per-node breakdown. */
export function nodesOfKind(db: Executor, paths: string[], kind: string) {
  return db
    .selectFrom('org_node as n')
    .select(['n.id', 'n.name', 'n.path'])
    .where('n.kind', '=', kind as never)
    .where((eb) => inAnySubtree(eb, 'n.path', paths))
    // Grids in their numbered order (the CJ/T 349 code ends with the sequence), then by name.
    .orderBy('n.code')
    .orderBy('n.name')
    .limit(500)
    .execute();
}

export async function unreachedPeople(db: Executor, noticeId: string, paths: string[], page: { limit: number; offset: number }) {
  const q = db
    .selectFrom('notice_recipient as r')
    .where('r.notice_id', '=', noticeId)
    .where('r.read_at', 'is', null)
    .where('r.informed_at', 'is', null)
    .where((eb) => inAnySubtree(eb, 'r.org_path', paths));
  const [items, total] = await Promise.all([
    q.select(['r.person_id', 'r.user_id']).orderBy('r.org_path').orderBy('r.person_id').limit(page.limit).offset(page.offset).execute(),
    q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function recipientsIn(db: Executor, noticeId: string, personIds: string[]) {
  return db.selectFrom('notice_recipient').select(['person_id', 'org_path', 'read_at', 'informed_at']).where('notice_id', '=', noticeId).where('person_id', 'in', personIds).execute();
}

export async function markInformed(db: Executor, noticeId: string, personIds: string[], by: Pick<NoticeRecipientTable, 'informed_at' | 'informed_by' | 'informed_how'>): Promise<number> {
  const res = await db
    .updateTable('notice_recipient')
    .set(by)
    .where('notice_id', '=', noticeId)
    .where('person_id', 'in', personIds)
    .where('read_at', 'is', null)
    .where('informed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export function nodeById(db: Executor, id: string) {
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', '=', id).executeTakeFirst();
}

export function nodesByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; name: string; path: string; kind: string }[]);
  return db.selectFrom('org_node').select(['id', 'name', 'path', 'kind']).where('id', 'in', ids).execute();
}

export function tagCodesKnown(db: Executor, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as { code: string }[]);
  return db.selectFrom('tag_definition').select('code').where('code', 'in', codes).execute();
}

export function attachmentsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachment').select(['id', 'original_name', 'mime', 'size', 'owner_user_id', 'purpose']).where('id', 'in', ids).execute();
}

/** Published notices (not withdrawn) holding this attachment that this person received. */
export async function personReceivedAttachment(db: Executor, reader: Reader, attachmentId: string): Promise<boolean> {
  const row = await mine(db, reader)
    .select('n.id')
    .where('n.id', 'in', (eb) => eb.selectFrom('attachment_use').select('owner_id').where('attachment_id', '=', attachmentId).where('owner_type', '=', 'notice'))
    .executeTakeFirst();
  return !!row;
}
