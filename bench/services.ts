/**
 * The service hall section of `npm run bench` (BENCH_ONLY=services runs only this one): guide
 * search over the seeded catalogue through the service layer (the public list with `q`: terms
 * index, ranking, presenting), and application submissions per second with the workflow case,
 * its clock, the BJ number, notifications and audit — 代办 with paper materials and a
 * resident's own with uploaded files. Small runs; no HTTP.
 */
import os from 'node:os';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Platform } from '../src/platform/bootstrap.js';
import { createUser } from '../src/platform/auth/users.service.js';
import { storeAttachment } from '../src/platform/files/files.service.js';
import { insertNodes } from '../src/platform/org/org.repository.js';
import { newNodeRow } from '../src/platform/org/org.service.js';
import type { Actor } from '../src/platform/policy/actor.js';
import { renderQrPng } from '../src/platform/qr/qr.js';
import { composeIdNumber } from '../src/platform/cn/id-number.js';
import { mulberry32 } from '../src/demo/random.js';
import { loadActor } from '../src/platform/auth/auth.service.js';
import { insertPeople } from '../src/modules/registry/registry.repository.js';
import { personRow } from '../src/modules/registry/registry.service.js';
import { ATTACHMENT_PURPOSE, submitOnBehalf, submitOwn } from '../src/modules/services/applications.service.js';
import { formFor } from '../src/modules/services/services.demo.js';
import { getPublishedContent, listPublicMatters, uploadMaterialsOf } from '../src/modules/services/matters.service.js';
import type { MatterContent } from '../src/modules/services/matters.schema.js';

export interface Timing {
  p50: number;
  p95: number;
  n: number;
}

export interface ServicesFigures {
  dialect: 'sqlite' | 'postgres';
  matters: number;
  search: { label: string; t: Timing; hits: number }[];
  submit: { label: string; n: number; perSecond: number; t: Timing }[];
  loadavg: [number, number];
}

function percentiles(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), n: s.length };
}

/** What people type into the guide's search box: fragments, words, pinyin, initials, two words. */
export const GUIDE_QUERIES = ['低保', '居住证', '残疾', '老年', '高龄津贴', '医保', '公租房', '体检', '补贴', '证明', '生育', '老年 体检', 'dibao', 'gaoling', 'jzz', 'gzf', 'zdshbz', 'shengyu', 'yibao', 'cj'];

export async function benchServices(
  dialect: 'sqlite' | 'postgres',
  openFresh: (dialect: 'sqlite' | 'postgres') => Promise<{ platform: Platform; cleanup: () => Promise<void> }>,
  opts: { searches: number; submissions: number; log: (msg: string) => void },
): Promise<ServicesFigures> {
  const { log } = opts;
  const load0 = os.loadavg()[0]!;
  const { platform, cleanup } = await openFresh(dialect);
  const ctx = platform.ctx;
  const db = ctx.db.kysely;
  try {
    const matters = Number((await db.selectFrom('service_matter').select(sql<number>`count(*)`.as('n')).where('status', '=', 'published').executeTakeFirstOrThrow()).n);

    // ---------------------------------------------- guide search
    log(`\n[${dialect}] services: guide search over ${matters} published matters…`);
    const search: ServicesFigures['search'] = [];
    for (const [label, queries] of [
      ['Chinese fragments and words', GUIDE_QUERIES.filter((q) => /\p{Script=Han}/u.test(q))],
      ['pinyin and initials', GUIDE_QUERIES.filter((q) => !/\p{Script=Han}/u.test(q))],
    ] as const) {
      let hits = 0;
      for (const q of queries) hits += (await listPublicMatters(ctx, { q, limit: 20 })).total; // warm-up
      const samples: number[] = [];
      for (let i = 0; i < opts.searches; i++) {
        const q = queries[i % queries.length]!;
        const t = performance.now();
        await listPublicMatters(ctx, { q, limit: 20 });
        samples.push(performance.now() - t);
      }
      const t = percentiles(samples);
      search.push({ label, t, hits: Math.round(hits / queries.length) });
      log(`[${dialect}]   ${label}: p50 ${t.p50.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms (${Math.round(hits / queries.length)} matters per query)`);
    }

    // ---------------------------------------------- a community to apply in
    const at = ctx.now().toISOString();
    const city = newNodeRow(null, 'city', '海宁市', { at });
    const street = newNodeRow(city, 'street', '硖石街道', { at });
    const community = newNodeRow(street, 'community', '西山社区', { at });
    const grid = newNodeRow(community, 'grid', '西山社区第一网格', { at });
    const building = newNodeRow(grid, 'building', '1幢', { at });
    const unit = newNodeRow(building, 'unit', '1单元', { at });
    const dwelling = newNodeRow(unit, 'dwelling', '101室', { at });
    await insertNodes(db, [city, street, community, grid, building, unit, dwelling]);
    const online: { code: string; content: MatterContent }[] = [];
    for (const m of (await listPublicMatters(ctx, { mode: 'online_any', limit: 200 })).items) {
      const found = await getPublishedContent(ctx, m.code);
      if (found?.content.form) online.push({ code: m.code, content: found.content });
    }
    // One person per (matter, submission round): a person has one open application per matter.
    const peopleNeeded = Math.ceil((opts.submissions * 2 + 10) / online.length) + 1;
    const rnd = mulberry32(505);
    const people = Array.from({ length: peopleNeeded }, (_, i) =>
      personRow(ctx, { name: `测试${i}`, idNumber: composeIdNumber('330481', '1950-03-15', 100 + i), phone: `139${String(10_000_000 + i).padStart(8, '0')}`, residenceType: '户籍人口', dwellingId: dwelling.id, orgPath: dwelling.path }, at),
    );
    for (let i = 0; i < people.length; i += 200) await insertPeople(db, people.slice(i, i + 200));
    const staffId = await createUser(ctx, { username: 'bench_staff', displayName: '社区 测试', password: 'Bench@2026x', mustChangePassword: false, grants: [{ role: 'community_staff', orgNodeId: community.id }] });
    const staff: Actor = { ...(await loadActor(db, staffId))!, via: 'session' };
    const residentId = await createUser(ctx, { username: 'bench_resident', displayName: '居民 测试', password: 'Bench@2026x', mustChangePassword: false, personId: people[0]!.id, grants: [{ role: 'resident', orgNodeId: grid.id }] });
    const resident: Actor = { ...(await loadActor(db, residentId))!, via: 'session' };
    const png = await renderQrPng('linli-bench-material');

    // ---------------------------------------------- submissions
    const submit: ServicesFigures['submit'] = [];
    let k = 0;
    /** The next (matter, person) pair nobody has applied for yet. */
    const nextPair = () => {
      const matter = online[k % online.length]!;
      const person = people[1 + Math.floor(k / online.length)]!;
      k++;
      return { matter, person };
    };
    const behalf = async () => {
      const { matter, person } = nextPair();
      const required = matter.content.materials.filter((m) => m.required && uploadMaterialsOf(matter.content).includes(m.code)).map((m) => m.code);
      await submitOnBehalf(ctx, staff, { matterCode: matter.code, personId: person.id, reason: '行动不便，工作人员代办', form: formFor(rnd, matter.content.form!.fields), files: [], paperMaterials: required }, {});
    };
    log(`[${dialect}] services: ${opts.submissions} 代办 submissions (workflow, number, notifications, audit)…`);
    for (const [label, fn, n] of [['代办 (on behalf), paper materials, in a row', behalf, opts.submissions]] as const) {
      await fn();
      const samples: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      const perSecond = n / ((performance.now() - t0) / 1000);
      submit.push({ label, n, perSecond, t: percentiles(samples) });
      log(`[${dialect}]   ${label}: ${perSecond.toFixed(0)}/s, p95 ${percentiles(samples).p95.toFixed(1)} ms`);
    }
    {
      // A resident's own, with its files uploaded before (the upload is the phone's, not the submission's).
      const n = Math.min(online.length, opts.submissions);
      const prepared: { code: string; form: Record<string, unknown>; files: { materialCode: string; attachmentId: string }[] }[] = [];
      for (const m of online.slice(0, n)) {
        const files = [];
        for (const mat of m.content.materials.filter((x) => x.required && uploadMaterialsOf(m.content).includes(x.code))) {
          const stored = await storeAttachment(ctx, resident, { stream: Readable.from([png]), originalName: 'IMG.png', purpose: ATTACHMENT_PURPOSE }, {});
          files.push({ materialCode: mat.code, attachmentId: stored.id });
        }
        prepared.push({ code: m.code, form: formFor(rnd, m.content.form!.fields), files });
      }
      const samples: number[] = [];
      const t0 = performance.now();
      for (const p of prepared) {
        const t = performance.now();
        await submitOwn(ctx, resident, { matterCode: p.code, form: p.form, files: p.files }, {});
        samples.push(performance.now() - t);
      }
      const perSecond = prepared.length / ((performance.now() - t0) / 1000);
      const label = "a resident's own, with uploaded files (one per matter), in a row";
      submit.push({ label, n: prepared.length, perSecond, t: percentiles(samples) });
      log(`[${dialect}]   ${label}: ${perSecond.toFixed(0)}/s, p95 ${percentiles(samples).p95.toFixed(1)} ms`);
    }
    {
      const label = '代办, 8 in flight';
      const n = opts.submissions;
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          await behalf();
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const perSecond = n / ((performance.now() - t0) / 1000);
      submit.push({ label, n, perSecond, t: { p50: NaN, p95: NaN, n } });
      log(`[${dialect}]   ${label}: ${perSecond.toFixed(0)}/s`);
    }
    const audits = Number((await db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).where('action', 'like', 'services.application.submit%').executeTakeFirstOrThrow()).n);
    const made = submit.reduce((s, x) => s + x.n, 0) + 1;
    if (audits < made) throw new Error(`expected an audit row per submission, found ${audits} for ${made}`);
    return { dialect, matters, search, submit, loadavg: [load0, os.loadavg()[0]!] };
  } finally {
    await cleanup();
  }
}

const ms = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

export function servicesSection(figs: ServicesFigures[], machine: string): string[] {
  const out: string[] = [];
  const f0 = figs[0]!;
  const date = new Date().toISOString().slice(0, 10);
  out.push(`## Service hall: guide search and applications`, '');
  out.push(
    `Run on **${date}**, ${machine}. Through the service layer, no HTTP. Guide search: the public list with a query (\`listPublicMatters\`: terms index of the ${f0.matters} published matters of the seeded catalogue — characters, bigrams, pinyin and initials — ranking and presenting; ${f0.search[0]!.t.n} queries per row, cycling through ${GUIDE_QUERIES.length} typical ones such as 低保, 居住证, 老年 体检, dibao, gzf). Submissions: \`submitOnBehalf\` / \`submitOwn\` (matter and form checked, registry prefill, BJ number, workflow case with its working-day clock, material links, notifications to handlers and applicant, audit rows), each in its transaction.`,
    '',
  );
  out.push('| figure | ' + figs.map((f) => f.dialect).join(' | ') + ' | target |');
  out.push('| --- | ' + figs.map(() => '---').join(' | ') + ' | --- |');
  const row = (label: string, f: (x: ServicesFigures) => string, target = '') => out.push(`| ${label} | ${figs.map(f).join(' | ')} | ${target} |`);
  for (let k = 0; k < f0.search.length; k++) {
    row(`**guide search p95** — ${f0.search[k]!.label} (~${f0.search[k]!.hits} matters found per query)`, (f) => `**${ms(f.search[k]!.t.p95)}** (p50 ${ms(f.search[k]!.t.p50)})`, '< 20 ms');
  }
  for (let k = 0; k < f0.submit.length; k++) {
    const s = f0.submit[k]!;
    row(`**applications per second** — ${s.label} (${s.n})`, (f) => `**${f.submit[k]!.perSecond.toFixed(0)}/s**${Number.isNaN(f.submit[k]!.t.p95) ? '' : ` (p50 ${ms(f.submit[k]!.t.p50)}, p95 ${ms(f.submit[k]!.t.p95)})`}`);
  }
  row('load average (1 min) before / after', (f) => `${f.loadavg[0].toFixed(2)} / ${f.loadavg[1].toFixed(2)}`);
  out.push('');
  return out;
}
