import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import { notify } from '../../platform/notify/notify.service.js';
import type { Actor } from '../../platform/policy/actor.js';
import { canAt, scopePaths } from '../../platform/policy/actor.js';
import * as repo from './opinion.repository.js';
import { OPINION_MANAGE, OPINION_READ, OPINION_STOP_WORDS } from './opinion.policy.js';
import type { TrendsQuery } from './opinion.schema.js';
import { addWeeks, beijingWeekStart, distinctTerms, excerptAround, matchWatchWords, normalizeText } from './opinion.segment.js';
import { opinionSource, opinionSources, type OpinionItem, type OpinionSource } from './opinion.sources.js';
import './opinion.sources.events.js';
import type { OpinionAlertTable, OpinionTermWeekTable, OpinionWatchWordTable, WatchLevel } from './opinion.table.js';

/**
 * 舆情 opinion trends. The ingest (job `community.opinion-ingest`, or `ingestOpinion` directly)
 * PULLS the texts of every registered source (opinion.sources.ts) written since that source's
 * watermark, a batch at a time; each batch is one transaction: segment, add the counts per term,
 * Beijing week, grid and source into `opinion_term_week`, raise an alert (and tell the grid's and
 * community's staff) for each watch word a text uses, audit, and advance the watermark — so
 * counts and watermark always agree, and running twice counts nothing twice. The texts themselves
 * are never stored here. The dashboard reads top terms of a week in a subtree, their rise over
 * the week before, the breakdown per grid and one term's weekly series.
 */

addMessages({
  'error.OPINION_WEEK_NOT_MONDAY': { 'zh-CN': '周起始日须为星期一：{week}', en: 'A week starts on a Monday: {week}' },
  'error.OPINION_UNKNOWN_SOURCE': { 'zh-CN': '未知的舆情来源：{source}', en: 'Unknown opinion source: {source}' },
  'error.OPINION_NODE_NOT_FOUND': { 'zh-CN': '组织节点不存在', en: 'No such organisation node' },
  'error.OPINION_ALERT_NOT_FOUND': { 'zh-CN': '预警不存在', en: 'No such alert' },
  'error.OPINION_ALERT_ACKNOWLEDGED': { 'zh-CN': '该预警已被处理', en: 'This alert has already been acknowledged' },
  'error.OPINION_WATCH_WORD_EXISTS': { 'zh-CN': '预警词“{word}”已在监测范围内', en: 'The watch word “{word}” is already watched here' },
  'error.OPINION_WATCH_WORD_NOT_FOUND': { 'zh-CN': '预警词不存在', en: 'No such watch word' },
  'error.OPINION_WATCH_WORD_GLOBAL': { 'zh-CN': '平台默认预警词只能由市级管理员删除', en: 'Platform-wide watch words can only be removed at city level' },
  'error.OPINION_STOP_WORD_EXISTS': { 'zh-CN': '停用词“{word}”已存在', en: 'The stop word “{word}” is already on the list' },
  'error.OPINION_WORD_INVALID': { 'zh-CN': '词语只能包含文字，不含空格、标点和符号', en: 'A word is letters only: no spaces, punctuation or symbols' },
  'error.OPINION_STOP_WORD_NOT_FOUND': { 'zh-CN': '停用词“{word}”不在列表中', en: 'The stop word “{word}” is not on the list' },
});

/** Items a batch reads (and one transaction writes). */
export const INGEST_BATCH = 500;
/**
 * Texts younger than this are left for the next run: a row whose transaction is still open when
 * a later row commits would otherwise be passed by the watermark and never counted.
 */
export const SETTLE_MS = 60_000;

export const ALERT_KIND = 'community.opinion.alert';

const LEVEL_LABEL: Record<WatchLevel, string> = { urgent: '紧急', attention: '关注' };

const beijingTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');

interface Place {
  id: string;
  path: string;
  name: string;
}

export interface IngestSummary {
  items: number;
  alerts: number;
  sources: { source: string; items: number; alerts: number }[];
}

/**
 * Reads every source since its watermark and counts what it finds. Idempotent; several processes
 * may run it at once (each batch locks its source's watermark row first).
 */
export async function ingestOpinion(ctx: PlatformContext, now: Date = ctx.now(), opts: { batch?: number; settleMs?: number } = {}): Promise<IngestSummary> {
  const db = ctx.db.kysely;
  const run: Run = {
    ctx,
    now,
    batch: opts.batch ?? INGEST_BATCH,
    cutoff: new Date(now.getTime() - (opts.settleMs ?? SETTLE_MS)).toISOString(),
    stop: await repo.stopWords(db),
    watch: await repo.watchWords(db),
    places: new Map(),
    staff: new Map(),
  };
  const summary: IngestSummary = { items: 0, alerts: 0, sources: [] };
  const failures: unknown[] = [];
  for (const source of opinionSources()) {
    const done = { source: source.name, items: 0, alerts: 0 };
    try {
      await ingestSource(run, source, done);
    } catch (e) {
      // One broken source (its batch rolled back, its watermark unmoved) does not hold up the others.
      failures.push(e);
    }
    summary.items += done.items;
    summary.alerts += done.alerts;
    summary.sources.push(done);
  }
  // Then the run fails, so the scheduler logs it and tries again.
  if (failures.length) throw failures[0];
  return summary;
}

interface Run {
  ctx: PlatformContext;
  now: Date;
  batch: number;
  cutoff: string;
  stop: Set<string>;
  watch: OpinionWatchWordTable[];
  places: Map<string, Place | null>;
  staff: Map<string, string[]>;
}

/** One source, batch after batch, until nothing settled is left. */
async function ingestSource(run: Run, source: OpinionSource, done: { items: number; alerts: number }) {
  const { ctx, now, batch, cutoff, stop, watch, places, staff } = run;
  const db = ctx.db.kysely;
  await repo.ensureWatermark(db, source.name, now.toISOString());
  for (;;) {
    // A look without a transaction first: nothing new (the usual case) writes nothing.
    const w = await repo.readWatermark(db, source.name);
    const peek = await source.since(db, toWatermark(w), 1, ctx);
    if (peek.length === 0 || peek[0]!.at > cutoff) break;
    const result = await db.transaction().execute(async (trx) => {
      const locked = await repo.lockWatermark(trx, source.name, now.toISOString());
      const items = (await source.since(trx, toWatermark(locked), batch, ctx)).filter((i) => i.at <= cutoff);
      if (items.length === 0) return { read: 0, alerts: 0, full: false };
      const counts = new Map<string, OpinionTermWeekTable>();
      const alerts: OpinionAlertTable[] = [];
      for (const item of items) {
        const place = await placeFor(trx, places, item.orgNodeId);
        if (!place || !item.text) continue;
        const week = beijingWeekStart(item.occurredAt ?? item.at);
        for (const term of distinctTerms(item.text, stop)) {
          const key = `${term}\u0000${week}\u0000${place.id}`;
          const row = counts.get(key);
          if (row) row.count++;
          else counts.set(key, { term, week_start: week, org_node_id: place.id, org_path: place.path, source: source.name, count: 1 });
        }
        const applicable = watch.filter((x) => place.path.startsWith(x.org_path));
        for (const word of matchWatchWords(item.text, applicable.map((x) => x.word))) {
          const level = applicable.filter((x) => x.word === word).some((x) => x.level === 'urgent') ? 'urgent' : 'attention';
          alerts.push({ id: newId(), source: source.name, source_id: item.id, word, level, org_node_id: place.id, org_path: place.path, at: item.occurredAt ?? item.at, excerpt: excerptAround(item.text, word), status: 'open', acknowledged_by: null, acknowledged_by_name: null, acknowledged_at: null, note: null, created_at: now.toISOString() });
        }
      }
      await repo.addTermCounts(trx, [...counts.values()]);
      let raised = 0;
      for (const alert of alerts) {
        if (!(await repo.insertAlert(trx, alert))) continue;
        raised++;
        await tellStaff(trx, staff, source, alert, places.get(alert.org_node_id) ?? null, now);
      }
      const last = items[items.length - 1]!;
      await repo.advanceWatermark(trx, source.name, { at: last.at, id: last.id }, items.length, now.toISOString());
      await appendAudit(
        ctx.db,
        { actorId: null, actorName: 'system', action: 'community.opinion.ingest', targetType: 'opinion_source', targetId: source.name, details: { items: items.length, termRows: counts.size, alerts: raised, upTo: last.at } },
        trx,
      );
      return { read: items.length, alerts: raised, full: items.length === batch };
    });
    done.items += result.read;
    done.alerts += result.alerts;
    if (!result.full) break;
  }
}

function toWatermark(w: { at: string; last_id: string } | undefined) {
  return w && w.at !== '' ? { at: w.at, id: w.last_id } : null;
}

/** The grid (or community) a text is placed in, cached for the run (keyed by the source's node and by the place). */
async function placeFor(db: Parameters<typeof repo.placeOf>[0], cache: Map<string, Place | null>, nodeId: string): Promise<Place | null> {
  if (!cache.has(nodeId)) {
    const place = await repo.placeOf(db, nodeId);
    cache.set(nodeId, place);
    if (place) cache.set(place.id, place);
  }
  return cache.get(nodeId) ?? null;
}

/** The in-app message to the grid's and its community's staff (no text of the item: only the word and where). */
async function tellStaff(db: Parameters<typeof repo.staffOn>[0], cache: Map<string, string[]>, source: OpinionSource, alert: OpinionAlertTable, place: Place | null, now: Date) {
  let recipients = cache.get(alert.org_path);
  if (!recipients) {
    recipients = await repo.staffOn(db, await repo.gridAndCommunityOf(db, alert.org_path));
    cache.set(alert.org_path, recipients);
  }
  await notify(db, {
    recipients,
    kind: ALERT_KIND,
    title: `舆情预警（${LEVEL_LABEL[alert.level]}）：“${alert.word}”`,
    body: `${place?.name ?? ''} · ${source.label ?? source.name} · ${beijingTime(alert.at)}。请到舆情监测查看并处理。`,
    // The console dashboard (written out so test/notification-links.test.ts checks it).
    link: '/console/community/opinion',
    at: now,
  });
}

// ---- reading -------------------------------------------------------------------------------------

/** The node asked for (default: the caller's first area), if the caller holds `permission` there. */
async function nodeFor(ctx: PlatformContext, actor: Actor, permission: string, orgNodeId: string | undefined) {
  const db = ctx.db.kysely;
  const paths = scopePaths(actor, permission);
  if (paths.length === 0) throw forbidden();
  const id = orgNodeId ?? paths[0]!.split('/').filter(Boolean).pop()!;
  const node = await repo.getNodeById(db, id);
  if (!node) throw notFound('OPINION_NODE_NOT_FOUND');
  if (!canAt(actor, permission, node.path)) throw forbidden();
  return node;
}

function checkSource(source: string | undefined) {
  if (source !== undefined && !opinionSource(source)) throw badRequest('OPINION_UNKNOWN_SOURCE', { source });
}

const byCountThenTerm = (a: { term: string; count: number }, b: { term: string; count: number }) => b.count - a.count || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0);
const riseOf = (count: number, previous: number) => (previous > 0 ? Math.round(((count - previous) / previous) * 1000) / 1000 : null);

export async function trends(ctx: PlatformContext, actor: Actor, q: TrendsQuery) {
  const db = ctx.db.kysely;
  const node = await nodeFor(ctx, actor, OPINION_READ, q.orgNodeId);
  checkSource(q.source);
  const week = q.week ?? beijingWeekStart(ctx.now());
  if (beijingWeekStart(`${week}T12:00:00+08:00`) !== week) throw badRequest('OPINION_WEEK_NOT_MONDAY', { week });
  const previousWeek = addWeeks(week, -1);

  // The week's terms (with a margin, sorted here so both databases order ties alike), then their week before.
  const current = (await repo.termTotals(db, { path: node.path, weeks: [week], source: q.source, limit: 500 })).sort(byCountThenTerm);
  const before = new Map((await repo.termTotals(db, { path: node.path, weeks: [previousWeek], source: q.source, terms: current.map((c) => c.term) })).map((r) => [r.term, r.count]));
  const withRise = current.map((c) => ({ term: c.term, count: c.count, previous: before.get(c.term) ?? 0, rise: riseOf(c.count, before.get(c.term) ?? 0) }));
  const terms = withRise.slice(0, q.limit);
  // New terms first, then the steepest rise; ties by count, then term.
  const rising = withRise
    .filter((t) => t.count >= 2 && (t.rise === null || t.rise > 0))
    .sort((a, b) => (b.rise ?? Infinity) - (a.rise ?? Infinity) || byCountThenTerm(a, b))
    .slice(0, 10);

  // Per grid (busiest first): its top five.
  const perNode = new Map<string, { orgNodeId: string; name: string; path: string; mentions: number; terms: { term: string; count: number }[] }>();
  for (const r of await repo.nodeTermCounts(db, { path: node.path, week, source: q.source })) {
    const g = perNode.get(r.orgNodeId) ?? { orgNodeId: r.orgNodeId, name: r.name, path: r.path, mentions: 0, terms: [] };
    g.mentions += r.count;
    g.terms.push({ term: r.term, count: r.count });
    perNode.set(r.orgNodeId, g);
  }
  const grids = [...perNode.values()]
    // Busiest first; ties by name.
    .sort((a, b) => b.mentions - a.mentions || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((g) => ({ orgNodeId: g.orgNodeId, name: g.name, mentions: g.mentions, terms: g.terms.sort(byCountThenTerm).slice(0, 5) }));

  // The series of the chosen term (or the top one).
  const term = q.term ? normalizeText(q.term) : (terms[0]?.term ?? null);
  const from = addWeeks(week, -(q.weeks - 1));
  const counts = term ? await repo.termSeries(db, { path: node.path, term, from, to: week, source: q.source }) : new Map<string, number>();
  const points = Array.from({ length: q.weeks }, (_, i) => addWeeks(from, i)).map((w) => ({ week: w, count: counts.get(w) ?? 0 }));

  return {
    orgNode: { id: node.id, name: node.name },
    week,
    previousWeek,
    source: q.source ?? null,
    sources: opinionSources().map((s) => ({ name: s.name, label: s.label ?? s.name })),
    terms,
    rising,
    grids,
    series: { term, points },
    ingestedAt: await repo.lastIngestAt(db),
  };
}

// ---- alerts --------------------------------------------------------------------------------------

function presentAlert(a: OpinionAlertTable & { org_node_name?: string }) {
  const source = opinionSource(a.source);
  return {
    id: a.id,
    source: a.source,
    sourceLabel: source?.label ?? a.source,
    sourceId: a.source_id,
    link: source?.consoleLink ? source.consoleLink(a.source_id) : null,
    word: a.word,
    level: a.level,
    orgNodeId: a.org_node_id,
    orgNodeName: a.org_node_name ?? '',
    at: a.at,
    excerpt: a.excerpt,
    status: a.status,
    acknowledgedByName: a.acknowledged_by_name,
    acknowledgedAt: a.acknowledged_at,
    note: a.note,
  };
}

/** Alerts of the caller's area, open (urgent first) by default. Excerpts are residents' words: the read is audited. */
export async function listAlerts(ctx: PlatformContext, actor: Actor, q: { status: 'open' | 'acknowledged' | 'all'; orgNodeId?: string; page: number; pageSize: number }, meta: RequestMeta) {
  const node = await nodeFor(ctx, actor, OPINION_READ, q.orgNodeId);
  const res = await repo.listAlerts(ctx.db.kysely, { path: node.path, status: q.status, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.alerts.read', targetType: 'org_node', targetId: node.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { status: q.status, shown: res.items.length } });
  return { items: res.items.map(presentAlert), total: res.total, open: res.open, page: q.page, pageSize: q.pageSize };
}

export async function acknowledge(ctx: PlatformContext, actor: Actor, id: string, input: { note?: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const alert = await repo.getAlert(db, id);
  if (!alert || !canAt(actor, OPINION_READ, alert.org_path)) throw notFound('OPINION_ALERT_NOT_FOUND');
  const at = ctx.now().toISOString();
  await db.transaction().execute(async (trx) => {
    const ok = await repo.acknowledgeAlert(trx, id, { userId: actor.userId, name: actor.displayName, note: input.note || null, at });
    if (!ok) throw conflict('OPINION_ALERT_ACKNOWLEDGED');
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.alert.acknowledge', targetType: 'opinion_alert', targetId: id, orgNodeId: alert.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { word: alert.word, source: alert.source } }, trx);
  });
  const names = await repo.nodeNames(db, [alert.org_node_id]);
  return presentAlert({ ...(await repo.getAlert(db, id))!, org_node_name: names.get(alert.org_node_id) ?? '' });
}

// ---- watch words ---------------------------------------------------------------------------------

/** Whether the actor may change a watch word placed at this path (`/` = everywhere: city level only). */
function mayEditWatch(actor: Actor, orgPath: string) {
  if (orgPath === '/') return scopePaths(actor, OPINION_MANAGE).some((p) => p.split('/').filter(Boolean).length === 1);
  return canAt(actor, OPINION_MANAGE, orgPath);
}

function presentWatch(w: OpinionWatchWordTable, names: Map<string, string>, actor: Actor) {
  return {
    id: w.id,
    word: w.word,
    level: w.level,
    orgNodeId: w.org_node_id,
    orgNodeName: w.org_node_id ? (names.get(w.org_node_id) ?? '') : '全部',
    createdByName: w.created_by_name,
    createdAt: w.created_at,
    editable: mayEditWatch(actor, w.org_path),
  };
}

/** The watch words in force in the caller's area: everywhere's, those above it and those inside it. */
export async function listWatchWords(ctx: PlatformContext, actor: Actor) {
  const paths = scopePaths(actor, OPINION_READ);
  if (paths.length === 0) throw forbidden();
  const rows = (await repo.watchWords(ctx.db.kysely)).filter((w) => paths.some((p) => p.startsWith(w.org_path) || w.org_path.startsWith(p)));
  const names = await repo.nodeNames(ctx.db.kysely, [...new Set(rows.map((r) => r.org_node_id).filter((x): x is string => !!x))]);
  return { items: rows.map((r) => presentWatch(r, names, actor)) };
}

export async function addWatchWord(ctx: PlatformContext, actor: Actor, input: { word: string; level: WatchLevel; orgNodeId: string }, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const node = await repo.getNodeById(db, input.orgNodeId);
  if (!node) throw notFound('OPINION_NODE_NOT_FOUND');
  if (!canAt(actor, OPINION_MANAGE, node.path)) throw forbidden();
  const word = normalizeText(input.word);
  if (await repo.watchWordCovering(db, word, node.path)) throw conflict('OPINION_WATCH_WORD_EXISTS', { word });
  const row: OpinionWatchWordTable = { id: newId(), word, level: input.level, org_node_id: node.id, org_path: node.path, created_by: actor.userId, created_by_name: actor.displayName, created_at: ctx.now().toISOString() };
  await db.transaction().execute(async (trx) => {
    await repo.insertWatchWord(trx, row);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.watch-word.add', targetType: 'opinion_watch_word', targetId: row.id, orgNodeId: node.id, ip: meta.ip, requestId: meta.requestId, details: { word, level: row.level } }, trx);
  });
  return presentWatch(row, new Map([[node.id, node.name]]), actor);
}

export async function removeWatchWord(ctx: PlatformContext, actor: Actor, id: string, meta: RequestMeta) {
  const db = ctx.db.kysely;
  const row = await repo.getWatchWord(db, id);
  if (!row || !scopePaths(actor, OPINION_READ).some((p) => p.startsWith(row.org_path) || row.org_path.startsWith(p))) throw notFound('OPINION_WATCH_WORD_NOT_FOUND');
  if (!mayEditWatch(actor, row.org_path)) throw forbidden(row.org_path === '/' ? 'OPINION_WATCH_WORD_GLOBAL' : 'FORBIDDEN');
  await db.transaction().execute(async (trx) => {
    await repo.deleteWatchWord(trx, id);
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.watch-word.remove', targetType: 'opinion_watch_word', targetId: id, orgNodeId: row.org_node_id, ip: meta.ip, requestId: meta.requestId, details: { word: row.word } }, trx);
  });
  return { ok: true as const };
}

// ---- stop words ----------------------------------------------------------------------------------

export async function listStopWords(ctx: PlatformContext) {
  const rows = await repo.listStopWords(ctx.db.kysely);
  return { items: rows.map((r) => r.word) };
}

export async function addStopWord(ctx: PlatformContext, actor: Actor, input: { word: string }, meta: RequestMeta) {
  if (scopePaths(actor, OPINION_STOP_WORDS).length === 0) throw forbidden();
  const word = normalizeText(input.word);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.insertStopWord(trx, word, actor.userId, ctx.now().toISOString()))) throw conflict('OPINION_STOP_WORD_EXISTS', { word });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.stop-word.add', targetType: 'opinion_stop_word', targetId: word, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return { word };
}

export async function removeStopWord(ctx: PlatformContext, actor: Actor, word: string, meta: RequestMeta) {
  if (scopePaths(actor, OPINION_STOP_WORDS).length === 0) throw forbidden();
  const w = normalizeText(word.trim());
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.deleteStopWord(trx, w))) throw notFound('OPINION_STOP_WORD_NOT_FOUND', { word: w });
    await appendAudit(ctx.db, { actorId: actor.userId, actorName: actor.username, action: 'community.opinion.stop-word.remove', targetType: 'opinion_stop_word', targetId: w, ip: meta.ip, requestId: meta.requestId }, trx);
  });
  return { ok: true as const };
}

export type { OpinionItem };
