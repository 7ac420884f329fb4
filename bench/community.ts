/**
 * 舆情 ingest (the community section of `npm run bench`; BENCH_ONLY=community runs it alone and
 * splices it into docs/benchmarks.md). BENCH_OPINION_TEXTS (default 20,000) suggestions of
 * realistic length over eight weeks and twelve grids are written straight into the table, then
 * read by the real ingest (suggestions source, segmentation, upserts, watch words, watermark,
 * audit): time to ingest, a second run that finds nothing, and the trends query a dashboard makes.
 */
import os from 'node:os';
import type { Platform } from '../src/platform/bootstrap.js';
import { createUser } from '../src/platform/auth/users.service.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import { newId } from '../src/platform/ids.js';
import { mulberry32 } from '../src/demo/random.js';
import { ingestOpinion, trends } from '../src/modules/community/opinion.service.js';
import type { SuggestionTable } from '../src/modules/community/suggestions.table.js';

export interface CommunityFigures {
  dialect: 'sqlite' | 'postgres';
  texts: number;
  alerts: number;
  ingestMs: number;
  termWeekRows: number;
  secondRun: { items: number; ms: number };
  trendsP50Ms: number;
  trendsP95Ms: number;
  loadavg: [number, number];
}


const SUBJECTS = ['电梯', '楼道灯', '水管', '停车位', '垃圾桶', '广场舞音响', '电动车充电', '外墙', '消防通道', '下水道', '路灯', '门禁', '健身器材', '绿化带', '快递柜'];
const PROBLEMS = ['坏了好几天没人修', '经常漏水，墙面发霉', '晚上噪音太大影响休息', '被占用，老人出行不便', '存在安全隐患', '收费标准不透明', '气味很大，夏天招蚊虫', '维修不及时，物业推诿'];
const ASKS = ['希望社区尽快协调物业处理。', '建议增加巡查频次。', '请有关部门来现场看看。', '希望能公示处理结果。', '建议听取居民意见后再整改。'];

export async function benchCommunity(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { texts: number; log: (msg: string) => void },
): Promise<CommunityFigures> {
  const N = opts.texts;
  const load0 = os.loadavg()[0]!;
  const { platform, cleanup } = await openFresh(dialect);
  const start = new Date('2026-11-26T02:00:00Z');
  // The texts are placed in the eight weeks before `start`; the dashboard looks from there.
  const ctx = { ...platform.ctx, now: () => start };
  try {
    const k = ctx.db.kysely;
    const city = newNodeRow(null, 'city', '海宁市');
    const street = newNodeRow(city, 'street', '硖石街道');
    const community = newNodeRow(street, 'community', '西山社区');
    const grids = Array.from({ length: 12 }, (_, i) => newNodeRow(community, 'grid', `西山社区第${i + 1}网格`, { sort: i }));
    await insertNodes(k, [city, street, community, ...grids]);
    const author = await createUser(ctx, { username: 'bench01', displayName: '居民', password: 'Bench@2026x', mustChangePassword: false, isDemo: true, grants: [{ role: 'resident', orgNodeId: grids[0]!.id, departmentCode: null }] });
    const staffId = await createUser(ctx, { username: 'benchstaff', displayName: '社区工作人员', password: 'Bench@2026x', mustChangePassword: false, isDemo: true, grants: [{ role: 'community_staff', orgNodeId: community.id, departmentCode: null }] });

    const r = mulberry32(2026);
    const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
    const rows: SuggestionTable[] = [];
    for (let i = 0; i < N; i++) {
      const grid = grids[Math.floor(r() * grids.length)]!;
      const at = new Date(start.getTime() - Math.floor(r() * 56 * 86_400_000)).toISOString();
      const subject = pick(SUBJECTS);
      // About one text in two hundred uses a watch word.
      const extra = r() < 0.005 ? '邻居吵得厉害，差点打架。' : '';
      rows.push({
        id: newId(), org_node_id: grid.id, org_path: grid.path, author_user_id: author, author_person_id: null, author_label: '匿名', category: '其他',
        title: `${subject}${pick(PROBLEMS).slice(0, 4)}`, content: `我们${pick(['3幢', '5幢', '西山新村', '紫微苑'])}的${subject}${pick(PROBLEMS)}，${extra}${pick(ASKS)}`,
        public: 1, status: 'submitted', answer: null, answered_by: null, answered_by_name: null, answered_at: null, answer_due_at: at, answered_on_time: null,
        event_id: null, hidden_reason: null, version: 1, created_at: at, updated_at: at,
      });
    }
    for (let i = 0; i < rows.length; i += 500) await k.insertInto('suggestion').values(rows.slice(i, i + 500)).execute();

    let t = performance.now();
    const run = await ingestOpinion(ctx, start, { settleMs: 0 });
    const ingestMs = performance.now() - t;
    t = performance.now();
    const again = await ingestOpinion(ctx, start, { settleMs: 0 });
    const againMs = performance.now() - t;
    const actor = (await loadActor(k, staffId))!;
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      t = performance.now();
      await trends(ctx, actor, { weeks: 8, limit: 20 });
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const termRows = Number((await k.selectFrom('opinion_term_week').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const figures: CommunityFigures = {
      dialect,
      texts: run.items,
      alerts: run.alerts,
      ingestMs,
      termWeekRows: termRows,
      secondRun: { items: again.items, ms: againMs },
      trendsP50Ms: samples[Math.floor(samples.length * 0.5)]!,
      trendsP95Ms: samples[Math.floor(samples.length * 0.95)]!,
      loadavg: [load0, os.loadavg()[0]!],
    };
    opts.log(`[${dialect}] opinion: ${figures.texts} texts in ${(ingestMs / 1000).toFixed(1)} s`);
    return figures;
  } finally {
    await cleanup();
  }
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

export function communitySection(figs: CommunityFigures[], machine: string): string[] {
  const out: string[] = [];
  const f0 = figs[0]!;
  out.push('## Online community: opinion trends', '');
  out.push(
    `${machine}; ${new Date().toISOString().slice(0, 10)}. ${f0.texts.toLocaleString()} suggestions of realistic length over eight weeks and twelve grids, written straight into the table, then read by the real ingest (source since its watermark, Intl.Segmenter, stop words, per-week-and-grid upserts, watch words with alerts and notices, audit); the second run finds nothing new; the dashboard's trends query (8 weeks, top 20, per grid), 40 runs.`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' |');
  const row = (label: string, fn: (f: CommunityFigures) => string) => out.push(`| ${label} | ${figs.map(fn).join(' | ')} |`);
  row('ingest', (f) => `${(f.ingestMs / 1000).toFixed(2)} s (${Math.round(f.texts / (f.ingestMs / 1000)).toLocaleString()} texts/s, ${f.alerts} alerts, ${f.termWeekRows.toLocaleString()} term-week rows)`);
  row('second run (nothing new)', (f) => `${ms(f.secondRun.ms)} (${f.secondRun.items} texts)`);
  row('trends query p50 / p95', (f) => `${ms(f.trendsP50Ms)} / ${ms(f.trendsP95Ms)}`);
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  return out;
}
