import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import { prefixEnd } from '../../platform/db/dialect.js';
import * as peopleRepo from './people.repository.js';
import { placeLabel } from './people.write.js';
import type { PiiCipher } from '../../platform/crypto/pii.js';
import type { IdType } from './registry.table.js';
import { BLIND_ID_NUMBER, maskedIdNumber, maskedPhone } from './registry.service.js';
import { FIELD_LABELS } from './corrections.service.js';
import { lit, nullInt, nullText, openWhen, type DemandSource } from '../../platform/demands/demand-source.js';
import { inAnySubtree } from '../../platform/org/org.repository.js';

/**
 * What other modules may read of the registry (一次录入，多平台共享), without an actor: the caller
 * has already decided that its user may see this person (the resident themself, or staff whose
 * subtree holds them) and audits the read as its own use case. Numbers leave only encrypted or
 * masked. Modules use this instead of the registry's tables, so the registry can change its storage.
 */

export interface ResidentFacts {
  personId: string;
  name: string;
  gender: string | null;
  birthDate: string | null;
  /** 居民身份证, 港澳台居民居住证, 外国人永久居留身份证 or 护照. */
  idType: IdType;
  idMasked: string | null;
  idEnc: string | null;
  phoneMasked: string | null;
  phoneEnc: string | null;
  /** Where they live, as people say it (街道 社区 小区 幢-单元-室), or null without a dwelling. */
  address: string | null;
  ethnicity: string | null;
  maritalStatus: string | null;
  hukouAddress: string | null;
  householdNumber: string | null;
  /** The organisation path of their record: grid (or community) and dwelling. */
  orgPath: string;
  /** Organisation nodes on that path, top down. */
  chain: { id: string; kind: string; path: string; name: string }[];
}

/** An active (not moved out, not dead) person's facts; undefined otherwise. */
export async function residentFacts(db: Executor, personId: string): Promise<ResidentFacts | undefined> {
  const person = await peopleRepo.getPerson(db, personId);
  if (!person || person.status !== 'active' || person.ended_at) return undefined;
  const ids = person.org_path.split('/').filter(Boolean);
  const nodes = new Map((await peopleRepo.getNodes(db, ids)).map((n) => [n.id, n]));
  const chain = ids
    .map((id) => nodes.get(id))
    .filter((n): n is NonNullable<typeof n> => !!n)
    .map((n) => ({ id: n.id, kind: n.kind, path: n.path, name: n.name }));
  const household = person.household_id ? await peopleRepo.getHousehold(db, person.household_id) : undefined;
  return {
    personId: person.id,
    name: person.name,
    gender: person.gender ?? null,
    birthDate: person.birth_date,
    idType: person.id_type,
    idMasked: maskedIdNumber(person),
    idEnc: person.id_number_enc,
    phoneMasked: maskedPhone(person),
    phoneEnc: person.phone_enc,
    address: (await placeLabel(db, person.org_path)) || null,
    ethnicity: person.ethnicity,
    maritalStatus: person.marital_status,
    hukouAddress: person.hukou_address,
    householdNumber: household?.number ?? null,
    orgPath: person.org_path,
    chain,
  };
}

/**
 * The tags a person holds on a day (`YYYY-MM-DD`, Beijing): not ended, and the day within their
 * validity. Derived tags (高龄老人 …) are rows kept current by the registry's refresh job.
 */
export async function activeTagCodes(db: Executor, personId: string, day: string): Promise<string[]> {
  const rows = await db
    .selectFrom('person_tag')
    .select('tag')
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', day)]))
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', day)]))
    .execute();
  return [...new Set(rows.map((r) => r.tag))].sort();
}

export interface PersonBrief {
  personId: string;
  name: string;
  idMasked: string | null;
  phoneMasked: string | null;
  /** Not moved out, not dead (what `residentFacts` requires). */
  active: boolean;
  /** 幢-单元-室 of their dwelling, or the name of their grid. */
  place: string | null;
}

/** Names, masked phones and places of a page of people (for lists staff work through). */
export async function peopleBriefs(db: Executor, personIds: string[]): Promise<PersonBrief[]> {
  if (personIds.length === 0) return [];
  const people = await db
    .selectFrom('person')
    .select(['id', 'name', 'id_type', 'id_number_region', 'id_number_tail', 'phone_prefix', 'phone_tail', 'org_path', 'status', 'ended_at'])
    .where('id', 'in', personIds)
    .execute();
  const nodeIds = [...new Set(people.flatMap((p) => p.org_path.split('/').filter(Boolean)))];
  const nodes = new Map((await peopleRepo.getNodes(db, nodeIds)).map((n) => [n.id, n]));
  const place = (path: string) => {
    const chain = path.split('/').filter(Boolean).map((id) => nodes.get(id));
    const parts = chain.filter((n) => n && (n.kind === 'building' || n.kind === 'unit' || n.kind === 'dwelling'));
    if (parts.length) return parts.map((n) => n!.name).join('');
    return chain[chain.length - 1]?.name ?? null;
  };
  const byId = new Map(people.map((p) => [p.id, p]));
  return personIds
    .map((id) => byId.get(id))
    .filter((p): p is NonNullable<typeof p> => !!p)
    .map((p) => ({ personId: p.id, name: p.name, idMasked: maskedIdNumber(p), phoneMasked: maskedPhone(p), active: p.status === 'active' && !p.ended_at, place: place(p.org_path) }));
}

/** Which of these tag codes the registry defines (rules and audiences name tags by code). */
export async function knownTagCodes(db: Executor, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('tag_definition').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

/** Active people under these subtrees holding a tag on a day (for plans such as weekly visits to 独居老人). */
export async function peopleHoldingTag(db: Executor, paths: string[], tag: string, day: string): Promise<{ personId: string; orgPath: string }[]> {
  if (paths.length === 0) return [];
  const rows = await db
    .selectFrom('person as p')
    .innerJoin('person_tag as t', 't.person_id', 'p.id')
    .select(['p.id', 'p.org_path'])
    .where('p.status', '=', 'active')
    .where('p.ended_at', 'is', null)
    .where('t.tag', '=', tag)
    .where('t.ended_at', 'is', null)
    .where((eb) => eb.or([eb('t.valid_from', 'is', null), eb('t.valid_from', '<=', day)]))
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', day)]))
    .where((eb) => inAnySubtree(eb, 'p.org_path', paths))
    .orderBy('p.org_path')
    .orderBy('p.id')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).map((r) => ({ personId: r.id, orgPath: r.org_path }));
}

/** Who an audience reaches: people living in subtrees, holding registry tags (any / all) on a day. */
export interface AudienceFilter {
  paths: string[];
  tags: string[];
  tagMode: 'any' | 'all';
  /** `YYYY-MM-DD`: tags valid that day. */
  day: string;
}

/**
 * The active people of an audience as a query on `person as p`, for modules that reach people
 * (notices, surveys) to select from or INSERT … SELECT in one statement.
 */
export function audiencePeople(db: Executor, a: AudienceFilter) {
  let q = db
    .selectFrom('person as p')
    .where('p.status', '=', 'active')
    .where('p.ended_at', 'is', null)
    .where((eb) => eb.or(a.paths.map((p) => eb.and([eb('p.org_path', '>=', p), eb('p.org_path', '<', prefixEnd(p))]))));
  const holds = (eb: ExpressionBuilder<Database & { p: Database['person'] }, 'p'>, tags: string[]) =>
    eb.exists(
      eb
        .selectFrom('person_tag as t')
        .select(sql.lit(1).as('one'))
        .whereRef('t.person_id', '=', 'p.id')
        .where('t.tag', 'in', tags)
        .where('t.ended_at', 'is', null)
        .where((w) => w.or([w('t.valid_from', 'is', null), w('t.valid_from', '<=', a.day)]))
        .where((w) => w.or([w('t.valid_to', 'is', null), w('t.valid_to', '>=', a.day)])),
    );
  if (a.tags.length > 0) {
    if (a.tagMode === 'any') q = q.where((eb) => holds(eb as never, a.tags));
    else for (const tag of a.tags) q = q.where((eb) => holds(eb as never, [tag]));
  }
  return q;
}

/** In a query on `person as p`: the person's own enabled account, if any (the oldest). */
export const accountOfPerson = sql<string | null>`(select u.id from app_user u where u.person_id = p.id and u.disabled = 0 order by u.created_at limit 1)`;

/** How many people an audience reaches now, and how many of them have an account. */
export async function countAudience(db: Executor, a: AudienceFilter): Promise<{ people: number; withAccount: number }> {
  const row = await audiencePeople(db, a)
    .select([sql<number>`count(*)`.as('people'), sql<number>`count(${accountOfPerson})`.as('with_account')])
    .executeTakeFirstOrThrow();
  return { people: Number(row.people), withAccount: Number(row.with_account) };
}

/**
 * Active people holding these ID numbers (already normalised, e.g. by a `zIdNumber` field or
 * `normaliseIdNumber`), found through the registry's blind index — for modules that match a
 * roster or a form by ID number (party members). Per number, the people holding it (normally
 * one), with their record's path so the caller keeps to its own subtree. The numbers never
 * leave this function.
 */
export async function activePeopleByIdNumbers(
  pii: Pick<PiiCipher, 'blindIndex'>,
  db: Executor,
  idNumbers: string[],
): Promise<Map<string, { personId: string; name: string; gender: string | null; orgPath: string }[]>> {
  const out = new Map<string, { personId: string; name: string; gender: string | null; orgPath: string }[]>();
  const byIdx = new Map<string, string>();
  for (const n of new Set(idNumbers)) byIdx.set(pii.blindIndex(BLIND_ID_NUMBER, n), n);
  const idxs = [...byIdx.keys()];
  for (let i = 0; i < idxs.length; i += 1000) {
    const rows = await db
      .selectFrom('person')
      .select(['id', 'name', 'gender', 'org_path', 'id_number_idx'])
      .where('id_number_idx', 'in', idxs.slice(i, i + 1000))
      .where('status', '=', 'active')
      .where('ended_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const n = byIdx.get(r.id_number_idx!)!;
      out.set(n, [...(out.get(n) ?? []), { personId: r.id, name: r.name, gender: r.gender ?? null, orgPath: r.org_path }]);
    }
  }
  return out;
}

/**
 * 全响应: a resident's 信息更正申请 as demands (the common shape of src/platform/demands/demand-source.ts).
 * The title names the field only (never the requested value); no deadline and no rating.
 */
export function correctionDemandSource(db: Executor): DemandSource {
  return db.selectFrom('correction_request').select([
    lit('correction').as('kind'),
    'id',
    nullText().as('code'),
    sql<string>`'信息更正：' || case field ${sql.join(Object.entries(FIELD_LABELS).map(([k, v]) => sql`when ${sql.lit(k)} then ${sql.lit(v)}`), sql` `)} else field end`.as('title'),
    lit('resident_app').as('channel'),
    sql<string>`status`.as('state'),
    'org_path',
    nullText().as('org_node_id'),
    'created_at',
    nullText().as('due_at'),
    sql<string | null>`handled_at`.as('responded_at'),
    sql<string | null>`handled_at`.as('closed_at'),
    nullInt().as('on_time'),
    nullInt().as('satisfaction'),
    sql<string | null>`person_id`.as('person_id'),
    sql<string | null>`requester_user_id`.as('user_id'),
    openWhen('status', ['open']).as('is_open'),
  ]);
}

/* 驾驶舱 and open data (src/modules/cockpit): counts for the statistics cells, grouped by the first
 * `prefixLength` characters of the record's org path (the caller maps a prefix to its grid or
 * community). Active people only; run by the refresh job, never per request. */

/** Active people by path prefix, sex and 5-year age band (0 = 0-4 … 17 = 85+, -1 = unknown) on `asOf` (`YYYY-MM-DD`). */
export async function populationCellsByGrid(db: Executor, asOf: string, prefixLength: number): Promise<{ path: string; sex: string; band: number; n: number }[]> {
  const year = Number(asOf.slice(0, 4));
  const md = asOf.slice(5, 10);
  const age = sql`(${sql.lit(year)} - cast(substr(birth_date, 1, 4) as integer) - (case when substr(birth_date, 6, 5) > ${sql.lit(md)} then 1 else 0 end))`;
  const band = sql`(case when birth_date is null then -1 when ${age} < 0 then -1 when ${age} >= 85 then 17 else ${age} / 5 end)`;
  const r = await sql<{ path: string; sex: string | null; band: number; n: number }>`
    select substr(org_path, 1, ${sql.lit(prefixLength)}) as path, gender as sex, ${band} as band, count(*) as n
    from person where status = 'active' and ended_at is null
    group by 1, 2, 3`.execute(db);
  return r.rows.map((x) => ({ path: x.path, sex: x.sex ?? '', band: Number(x.band), n: Number(x.n) }));
}

/** Active people by path prefix and residence type (户籍人口 / 流动人口 / 境外人员). */
export async function residenceCellsByGrid(db: Executor, prefixLength: number): Promise<{ path: string; type: string; n: number }[]> {
  const r = await sql<{ path: string; type: string; n: number }>`
    select substr(org_path, 1, ${sql.lit(prefixLength)}) as path, residence_type as type, count(*) as n
    from person where status = 'active' and ended_at is null
    group by 1, 2`.execute(db);
  return r.rows.map((x) => ({ path: x.path, type: x.type, n: Number(x.n) }));
}

/** Tag categories that describe everyone of an age or status rather than a group needing care. */
export const NOT_SPECIAL_GROUP_CATEGORIES = ['计划生育', '党建'];

/**
 * Active people holding each tag on `day`, by path prefix; `sensitive` from the tag's definition.
 * Also `tag = ''`: people holding at least one special-group tag (categories other than
 * NOT_SPECIAL_GROUP_CATEGORIES), each counted once.
 */
export async function tagCellsByGrid(db: Executor, day: string, prefixLength: number): Promise<{ path: string; tag: string; sensitive: boolean; n: number }[]> {
  const active = sql`t.ended_at is null and (t.valid_from is null or t.valid_from <= ${sql.lit(day)}) and (t.valid_to is null or t.valid_to >= ${sql.lit(day)}) and p.status = 'active' and p.ended_at is null`;
  const perTag = await sql<{ path: string; tag: string; sensitive: number | null; n: number }>`
    select substr(p.org_path, 1, ${sql.lit(prefixLength)}) as path, t.tag as tag, max(d.sensitive) as sensitive, count(distinct p.id) as n
    from person_tag t join person p on p.id = t.person_id left join tag_definition d on d.code = t.tag
    where ${active}
    group by 1, 2`.execute(db);
  const special = await sql<{ path: string; n: number }>`
    select substr(p.org_path, 1, ${sql.lit(prefixLength)}) as path, count(distinct p.id) as n
    from person_tag t join person p on p.id = t.person_id left join tag_definition d on d.code = t.tag
    where ${active} and (d.category is null or d.category not in (${sql.join(NOT_SPECIAL_GROUP_CATEGORIES.map((c) => sql.lit(c)))}))
    group by 1`.execute(db);
  return [
    ...perTag.rows.map((x) => ({ path: x.path, tag: x.tag, sensitive: Number(x.sensitive ?? 1) === 1, n: Number(x.n) })),
    ...special.rows.map((x) => ({ path: x.path, tag: '', sensitive: false, n: Number(x.n) })),
  ];
}

/** Households with at least one active member, by path prefix of the household's record. */
export async function householdCellsByGrid(db: Executor, prefixLength: number): Promise<{ path: string; n: number }[]> {
  const r = await sql<{ path: string; n: number }>`
    select substr(h.org_path, 1, ${sql.lit(prefixLength)}) as path, count(*) as n
    from household h
    where exists (select 1 from person p where p.household_id = h.id and p.status = 'active' and p.ended_at is null)
    group by 1`.execute(db);
  return r.rows.map((x) => ({ path: x.path, n: Number(x.n) }));
}
