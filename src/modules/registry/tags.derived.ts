import type { Executor } from '../../platform/db/database.js';
import type { PlatformContext } from '../../platform/context.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { parseJson } from '../../platform/db/dialect.js';
import { newId } from '../../platform/ids.js';
import { chinaToday } from './tags.filter.js';
import * as repo from './tags.repository.js';
import type { PersonTagTable } from './tags.table.js';

/**
 * A tag computed from the record itself (`tag_definition.derived_rule`), never typed:
 * - `age`: aged `min` … `max` full years (周岁) on today's date, optionally of one gender;
 * - `political_status`: 政治面貌 is one of `values`.
 */
export type DerivedRule =
  | { kind: 'age'; min?: number; max?: number; gender?: '男' | '女' }
  | { kind: 'political_status'; values: string[] };

/** What a derived rule reads of a person. */
export interface RuleSubject {
  id: string;
  gender: string;
  birth_date: string | null;
  political_status: string | null;
  status: string;
}

/** When the rule holds: the validity dates a derived tag row carries (inclusive; null = open). */
export interface Window {
  from: string | null;
  to: string | null;
}

export const RULE_NO_LONGER_MET = '规则不再满足';
export const RULE_BASIS_CHANGED = '依据已变更，按新依据重新计算';
export const DUPLICATE_ROW = '重复记录';

// ── dates as `YYYY-MM-DD` text ──────────────────────────────────────────────

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The day someone born on `date` turns `years` (周岁): a 29 February birthday falls on 1 March
 * in common years, as full years are counted (`ageOnDate` agrees).
 */
export function anniversary(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(5);
  if (md === '02-29' && !isLeap(y)) return `${pad(y, 4)}-03-01`;
  return `${pad(y, 4)}${date.slice(4)}`;
}

/** `years` before `date`, a missing 29 February falling back to the 28th (for "born on or before"). */
export function yearsBefore(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) - years;
  const md = date.slice(5);
  if (md === '02-29' && !isLeap(y)) return `${pad(y, 4)}-02-28`;
  return `${pad(y, 4)}${date.slice(4)}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Full years (周岁) on `today`. */
export function ageOnDate(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

// ── rules ───────────────────────────────────────────────────────────────────

export function parseRule(text: string | null): DerivedRule | null {
  const rule = parseJson<DerivedRule | null>(text, null);
  if (!rule || (rule.kind !== 'age' && rule.kind !== 'political_status')) return null;
  return rule;
}

/** The window in which the rule holds for this person, if it holds today; null otherwise. */
export function ruleWindow(rule: DerivedRule, p: RuleSubject, today: string): Window | null {
  if (p.status !== 'active') return null;
  if (rule.kind === 'political_status') return p.political_status && rule.values.includes(p.political_status) ? { from: null, to: null } : null;
  if (!p.birth_date) return null;
  if (rule.gender && p.gender !== rule.gender) return null;
  const from = rule.min !== undefined ? anniversary(p.birth_date, rule.min) : null;
  // Aged at most `max`: until the day before the (max + 1)th birthday.
  const to = rule.max !== undefined ? addDays(anniversary(p.birth_date, rule.max + 1), -1) : null;
  if (from && today < from) return null;
  if (to && today > to) return null;
  return { from, to };
}

/** Human wording of a rule, for the tag list. */
export function describeRule(rule: DerivedRule): string {
  if (rule.kind === 'political_status') return `政治面貌为${rule.values.join('或')}`;
  const who = rule.gender === '女' ? '女性' : rule.gender === '男' ? '男性' : '';
  if (rule.min !== undefined && rule.max !== undefined) return `${rule.min}至${rule.max}周岁${who}`;
  if (rule.min !== undefined) return `年满${rule.min}周岁${who}`;
  if (rule.max !== undefined) return `不满${rule.max + 1}周岁${who}`;
  return who || '全部';
}

export interface RefreshResult {
  people: number;
  added: number;
  ended: number;
}

type ActiveDerived = Pick<PersonTagTable, 'id' | 'person_id' | 'tag' | 'valid_from' | 'valid_to'>;

/** What to insert and what to end so the active derived rows of these people match the rules today. */
export function planRefresh(
  rules: { code: string; rule: DerivedRule }[],
  people: RuleSubject[],
  active: ActiveDerived[],
  today: string,
): { add: { personId: string; tag: string; window: Window }[]; end: { id: string; reason: string }[] } {
  const byPerson = new Map<string, ActiveDerived[]>();
  for (const row of active) {
    const list = byPerson.get(row.person_id) ?? [];
    list.push(row);
    byPerson.set(row.person_id, list);
  }
  const add: { personId: string; tag: string; window: Window }[] = [];
  const end: { id: string; reason: string }[] = [];
  for (const p of people) {
    const held = byPerson.get(p.id) ?? [];
    for (const { code, rule } of rules) {
      const rows = held.filter((r) => r.tag === code);
      const want = ruleWindow(rule, p, today);
      if (!want) {
        for (const r of rows) end.push({ id: r.id, reason: RULE_NO_LONGER_MET });
        continue;
      }
      const same = rows.find((r) => r.valid_from === want.from && r.valid_to === want.to);
      // A corrected birth date moves the window: end the old row, keep its history, start a new one.
      for (const r of rows) if (r !== same) end.push({ id: r.id, reason: same ? DUPLICATE_ROW : RULE_BASIS_CHANGED });
      if (!same) add.push({ personId: p.id, tag: code, window: want });
    }
  }
  return { add, end };
}

/** The derived rules of the tag definitions (read once per run of writes). */
export async function derivedRules(executor: Executor): Promise<{ code: string; rule: DerivedRule }[]> {
  const defs = await repo.listDefinitions(executor);
  return defs.flatMap((d) => {
    const rule = parseRule(d.derived_rule);
    return rule ? [{ code: d.code, rule }] : [];
  });
}

async function refreshBatch(executor: Executor, rules: { code: string; rule: DerivedRule }[], people: RuleSubject[], today: string, at: string) {
  if (people.length === 0 || rules.length === 0) return { added: 0, ended: 0 };
  const active = await repo.activeDerivedTags(
    executor,
    people.map((p) => p.id),
    rules.map((r) => r.code),
  );
  const plan = planRefresh(rules, people, active, today);
  const reasons = new Map<string, string[]>();
  for (const e of plan.end) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), e.id]);
  for (const [reason, ids] of reasons) await repo.endPersonTags(executor, ids, { at, by: null, reason });
  await repo.insertPersonTags(
    executor,
    plan.add.map((a) => ({
      id: newId(),
      person_id: a.personId,
      tag: a.tag,
      source: 'derived',
      department_code: null,
      valid_from: a.window.from,
      valid_to: a.window.to,
      note: null,
      created_by: null,
      created_at: at,
      ended_at: null,
      ended_by: null,
      end_reason: null,
    })),
  );
  return { added: plan.add.length, ended: plan.end.length };
}

/**
 * The derived tag rows of people written just now for the first time: they hold no derived
 * rows yet, so nothing is read or ended, only the rows their rules call for are returned (the
 * caller inserts them with the rest of its batch). Same plan as `refreshDerivedTags`.
 */
export function derivedTagsOfNewPeople(rules: { code: string; rule: DerivedRule }[], people: RuleSubject[], today: string, at: string): PersonTagTable[] {
  if (people.length === 0 || rules.length === 0) return [];
  return planRefresh(rules, people, [], today).add.map((a) => ({
    id: newId(),
    person_id: a.personId,
    tag: a.tag,
    source: 'derived',
    department_code: null,
    valid_from: a.window.from,
    valid_to: a.window.to,
    note: null,
    created_by: null,
    created_at: at,
    ended_at: null,
    ended_by: null,
    end_reason: null,
  }));
}

/**
 * Brings the derived tags (高龄老人 from the birth date, 育龄妇女 …) of these people up to date:
 * adds a `derived` row where a rule holds today (in China) and ends, with the reason
 * 规则不再满足, a row whose rule no longer holds. Idempotent. Called by every write of a person
 * inside its transaction; the scheduled job calls `refreshAllDerivedTags`.
 */
export async function refreshDerivedTags(ctx: PlatformContext, executor: Executor, personIds: string[]): Promise<RefreshResult> {
  const ids = [...new Set(personIds)];
  const total: RefreshResult = { people: 0, added: 0, ended: 0 };
  if (ids.length === 0) return total;
  const rules = await derivedRules(executor);
  const today = chinaToday(ctx.now());
  const at = ctx.now().toISOString();
  for (let i = 0; i < ids.length; i += 500) {
    const people = await repo.ruleSubjects(executor, ids.slice(i, i + 500));
    const r = await refreshBatch(executor, rules, people, today, at);
    total.people += people.length;
    total.added += r.added;
    total.ended += r.ended;
  }
  return total;
}

/**
 * Recomputes the derived tags of everyone, a batch of people per transaction (so a large
 * city neither holds one long transaction nor loses finished batches). Ages only cross a
 * line at midnight, so running it daily (or every few hours) keeps every tag exact; rows'
 * validity dates already make a reader's "has the tag today" exact in between.
 */
export async function refreshAllDerivedTags(ctx: PlatformContext, opts: { batchSize?: number } = {}): Promise<RefreshResult & { ms: number }> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? 2000;
  const rules = await derivedRules(ctx.db.kysely);
  const today = chinaToday(ctx.now());
  const at = ctx.now().toISOString();
  const total: RefreshResult = { people: 0, added: 0, ended: 0 };
  let after = '';
  for (;;) {
    const people = await repo.ruleSubjectsAfter(ctx.db.kysely, after, batchSize);
    if (people.length === 0) break;
    after = people[people.length - 1].id;
    const r = await ctx.db.kysely.transaction().execute((trx) => refreshBatch(trx, rules, people, today, at));
    total.people += people.length;
    total.added += r.added;
    total.ended += r.ended;
  }
  if (total.added + total.ended > 0) {
    await appendAudit(ctx.db, { action: 'registry.tag.derive', targetType: 'person_tag', details: { today, ...total } });
  }
  return { ...total, ms: Math.round(performance.now() - started) };
}

/** For the registry manifest: keep derived tags exact as birthdays pass. */
export const derivedTagJobs: JobHandlerDefinition[] = [
  {
    kind: 'registry.derived-tags',
    everySeconds: 6 * 3600,
    handler: async (ctx) => {
      await refreshAllDerivedTags(ctx);
    },
  },
];
