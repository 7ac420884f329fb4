import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL } from '../../../test/helpers/platform.js';
import { seedFixture } from '../../../test/helpers/fixture.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { getHistory } from '../../platform/workflow/workflow.service.js';
import { runDeadlineCheck, type DeadlineRun } from './events.deadlines.job.js';
import { loadEventActor } from './events.fixture.js';
import { reportEvent, takeStep } from './events.service.js';
import type { StepInput } from './events.service.js';
import type { GridEventTransition } from './events.workflow.js';

/** Beijing wall-clock time. */
const bj = (local: string) => new Date(`${local}+08:00`);

/**
 * A world of events on a fake clock: the fixture tree and accounts, a category with a 2-hour
 * response limit and an 8-hour handling limit, and helpers to walk events and read what the
 * deadline job told whom.
 */
async function eventWorld(start: Date) {
  const platform = await createTestPlatform({ start });
  const fx = await seedFixture(platform.ctx);
  const db = platform.ctx.db.kysely;
  const actors: Record<string, Actor> = {};
  for (const u of ['xishan', 'street', 'grid01', 'grid02', 'civil']) actors[u] = await loadEventActor(db, fx.users[u]!);
  const at = platform.ctx.now().toISOString();
  const groupId = newId();
  const categoryId = newId();
  const category = { name_en: null, description: null, keywords: null, default_unit: 'community' as const, default_department_code: null, attributes: '[]', public: 1, active: 1, version: 1, created_at: at, updated_at: at };
  await db.insertInto('event_category').values({ ...category, id: groupId, parent_id: null, code: 'T-DL', name: '时限测试', response_hours: 2, handling_hours: 8, sort: 90 }).execute();
  await db.insertInto('event_category').values({ ...category, id: categoryId, parent_id: groupId, code: 'T-DL-01', name: '路灯损坏', response_hours: 2, handling_hours: 8, sort: 1 }).execute();
  const usernames = new Map(Object.entries(fx.users).map(([name, id]) => [id, name]));

  const report = async (by = 'xishan', nodeId = fx.nodes.grid01.id) =>
    (await reportEvent(platform.ctx, { kind: 'user', actor: actors[by]! }, { categoryId, description: '5幢东侧路灯不亮', channel: 'phone', orgNodeId: nodeId }, {})).id;
  const step = (by: string, id: string, t: GridEventTransition, input: StepInput = {}) => takeStep(platform.ctx, actors[by]!, id, t, input, {});
  const event = (id: string) => db.selectFrom('grid_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Who got a notice of this kind about the event, by username, sorted (one entry per notification row). */
  const told = async (id: string, kind: string) => {
    const rows = await db.selectFrom('notification').select('user_id').where('link', '=', `/console/events/${id}`).where('kind', '=', kind).execute();
    return rows.map((r) => usernames.get(r.user_id) ?? r.user_id).sort();
  };
  const run = () => runDeadlineCheck(platform.ctx);
  return { platform, fx, db, actors, categoryId, report, step, event, told, run };
}

describe(`deadline job (${DIALECT_LABEL})`, () => {
  let w: Awaited<ReturnType<typeof eventWorld>>;

  beforeAll(async () => {
    // Tuesday 09:00.
    w = await eventWorld(bj('2026-12-01T09:00:00'));
  });
  afterAll(async () => {
    await w?.platform.close();
  });

  it('is a recurring job of the manifest, every minute', async () => {
    const { eventsModule } = await import('./events.module.js');
    expect(eventsModule.jobs?.find((j) => j.kind === 'events.deadline-check')).toMatchObject({ everySeconds: 60 });
  });

  it('the working-hours calendar: a limit across the 国庆 holiday and a weekend warns and falls due on the next working day', async () => {
    // Wednesday 30 September 16:30; 1 October to 7 October are holidays, then Thursday 8 October.
    w.platform.setNow(bj('2026-09-30T16:30:00'));
    const id = await w.report();
    await w.step('xishan', id, 'accept');
    const e = await w.event(id);
    // 2 working hours: 16:30–17:30, then 08:30–09:30 on 8 October; 80 % (1.6 h) at 09:06.
    expect(e.due_at).toBe(bj('2026-10-08T09:30:00').toISOString());
    expect(e.warn_at).toBe(bj('2026-10-08T09:06:00').toISOString());
    for (const t of ['2026-09-30T17:45:00', '2026-10-02T10:00:00', '2026-10-04T09:30:00', '2026-10-08T09:05:00']) {
      w.platform.setNow(bj(t));
      await w.run();
      expect((await w.event(id)).warned_at, t).toBeNull();
    }
    w.platform.setNow(bj('2026-10-08T09:07:00'));
    await w.run();
    expect((await w.event(id)).warned_at).toBe(bj('2026-10-08T09:07:00').toISOString());
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'xishan']);
    expect((await w.event(id)).overdue_at).toBeNull();
    w.platform.setNow(bj('2026-10-08T09:31:00'));
    await w.run();
    expect((await w.event(id)).overdue_at).toBe(bj('2026-10-08T09:31:00').toISOString());
  });

  it('warns at 80 % of a stage’s working time and marks it overdue at 100 %, once each, to the right people', async () => {
    w.platform.setNow(bj('2026-12-01T09:00:00'));
    const id = await w.report();
    await w.step('xishan', id, 'accept');
    await w.step('xishan', id, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.grid01.id, userId: w.fx.users.grid01 } });
    const e = await w.event(id);
    expect(e.due_at).toBe(bj('2026-12-01T11:00:00').toISOString());
    expect(e.warn_at).toBe(bj('2026-12-01T10:36:00').toISOString());

    w.platform.setNow(bj('2026-12-01T10:35:00'));
    await w.run();
    expect((await w.event(id)).warned_at).toBeNull();
    expect(await w.told(id, 'events.deadline.warning')).toEqual([]);

    w.platform.setNow(bj('2026-12-01T10:37:00'));
    const first = await w.run();
    expect(first.warned).toBeGreaterThanOrEqual(1);
    expect((await w.event(id)).warned_at).toBe(bj('2026-12-01T10:37:00').toISOString());
    // The community's staff (the handling unit's supervisor) and the street's dispatcher; not the
    // grid worker it was dispatched to, nor anyone of another grid or a department.
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'xishan']);
    const notice = await w.db.selectFrom('notification').selectAll().where('link', '=', `/console/events/${id}`).where('kind', '=', 'events.deadline.warning').executeTakeFirstOrThrow();
    expect(notice.title).toMatch(/^事件即将超时：SJ20261201-\d{4}$/);
    expect(notice.body).toBe(`${e.title}：“待处置”环节将于12月1日 11:00到期，请抓紧办理。`);

    // Again at once, and a minute later: nobody is told twice.
    await w.run();
    w.platform.setNow(bj('2026-12-01T10:38:00'));
    await w.run();
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'xishan']);
    expect((await w.event(id)).overdue_at).toBeNull();

    w.platform.setNow(bj('2026-12-01T11:01:00'));
    await w.run();
    expect((await w.event(id)).overdue_at).toBe(bj('2026-12-01T11:01:00').toISOString());
    // Overdue: the same people and the assignee.
    expect(await w.told(id, 'events.deadline.overdue')).toEqual(['grid01', 'street', 'xishan']);
    await w.run();
    w.platform.setNow(bj('2026-12-01T11:30:00'));
    await w.run();
    expect(await w.told(id, 'events.deadline.overdue')).toEqual(['grid01', 'street', 'xishan']);
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'xishan']);
    // A dispatched event is not escalated: the community did act.
    expect((await w.event(id)).escalated_at).toBeNull();
    const audit = await w.db.selectFrom('audit_log').select(['action', 'actor_name']).where('target_id', '=', id).where('action', 'like', 'events.deadline.%').orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'events.deadline.warned', actor_name: 'system' },
      { action: 'events.deadline.overdue', actor_name: 'system' },
    ]);

    // The worker takes it up: the handling stage has a clock of its own (to the close limit,
    // Wednesday 09:30), which warns and falls due once more.
    await w.step('grid01', id, 'take');
    const handling = await w.event(id);
    expect(handling).toMatchObject({ state: 'handling', warned_at: null, overdue_at: null, due_at: bj('2026-12-02T09:30:00').toISOString() });
    w.platform.setNow(new Date(Date.parse(handling.warn_at!) + 60_000));
    await w.run();
    await w.run();
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'street', 'xishan', 'xishan']);
    w.platform.setNow(bj('2026-12-02T09:31:00'));
    await w.run();
    expect(await w.told(id, 'events.deadline.overdue')).toEqual(['grid01', 'grid01', 'street', 'street', 'xishan', 'xishan']);
  });

  it('an event dispatched to a department: its officers supervise, not the community', async () => {
    w.platform.setNow(bj('2026-12-03T09:00:00'));
    const id = await w.report('xishan', w.fx.nodes.grid02.id);
    await w.step('street', id, 'accept');
    await w.step('street', id, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.street.id, departmentCode: 'civil' } });
    w.platform.setNow(bj('2026-12-03T10:40:00'));
    await w.run();
    expect(await w.told(id, 'events.deadline.warning')).toEqual(['civil', 'street']);
    w.platform.setNow(bj('2026-12-03T11:10:00'));
    await w.run();
    // The officer is supervisor and assignee at once: told once.
    expect(await w.told(id, 'events.deadline.overdue')).toEqual(['civil', 'street']);
  });

  it('a community’s event overdue before dispatch is escalated to the sub-district once, by the system', async () => {
    w.platform.setNow(bj('2026-12-04T09:00:00'));
    const id = await w.report();
    await w.step('xishan', id, 'accept');

    w.platform.setNow(bj('2026-12-04T11:02:00'));
    const run = await w.run();
    expect(run.escalated).toBe(1);
    const e = await w.event(id);
    expect(e).toMatchObject({ state: 'accepted', escalated_at: bj('2026-12-04T11:02:00').toISOString(), overdue_at: bj('2026-12-04T11:02:00').toISOString() });
    expect(await w.told(id, 'events.deadline.overdue')).toEqual(['street', 'xishan']);
    expect(await w.told(id, 'events.escalated')).toEqual(['street']);
    // The notice is written by the escalation step itself (in its transaction), dated with it.
    const notice = await w.db.selectFrom('notification').selectAll().where('link', '=', `/console/events/${id}`).where('kind', '=', 'events.escalated').executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ title: `事件上报街道：${e.code}`, created_at: e.escalated_at, read_at: null });
    expect(notice.body).toBe(`${e.title}：西山社区受理后超过时限（12月4日 11:00）仍未派遣，系统已上报街道，请及时派遣。`);
    const history = await getHistory(w.db, e.workflow_instance_id!);
    expect(history.at(-1)).toMatchObject({ transition: 'escalate', actorId: null, actorRole: 'system', fromState: 'accepted', toState: 'accepted' });

    w.platform.setNow(bj('2026-12-04T11:03:00'));
    expect((await w.run()).escalated).toBe(0);
    expect((await getHistory(w.db, e.workflow_instance_id!)).filter((s) => s.transition === 'escalate')).toHaveLength(1);
    expect(await w.told(id, 'events.escalated')).toEqual(['street']);

    // The street can still dispatch the escalated event.
    await w.step('street', id, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.grid01.id } });
    expect((await w.event(id)).state).toBe('dispatched');
  });

  it('an event suspended (挂账) or closed is left alone', async () => {
    w.platform.setNow(bj('2026-12-07T09:00:00'));
    const id = await w.report();
    await w.step('xishan', id, 'accept');
    await w.step('xishan', id, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.grid01.id, userId: w.fx.users.grid01 } });
    await w.step('grid01', id, 'take');
    await w.step('xishan', id, 'suspend', { comment: '等待产权单位确认' });
    w.platform.setNow(bj('2026-12-21T09:00:00'));
    await w.run();
    const e = await w.event(id);
    expect(e).toMatchObject({ state: 'suspended', warned_at: null, overdue_at: null });
    expect(await w.told(id, 'events.deadline.warning')).toEqual([]);
  });
});

/** One child process: a server's platform on the same database, its scheduler, and the check. */
const CHILD = `
const { loadConfig } = await import('./src/platform/config.js');
const { openPlatform } = await import('./src/platform/bootstrap.js');
const { openDatabase } = await import('./src/platform/db/database.js');
const { modules } = await import('./src/modules/index.js');
const { Scheduler } = await import('./src/platform/scheduler/scheduler.js');
const { deadlineCheckJob, runDeadlineCheck } = await import('./src/modules/events/events.deadlines.job.js');
const env = JSON.parse(process.env.LINLI_DEADLINE_CHILD);
const db = openDatabase(env.url, { schema: env.schema, poolSize: 4 });
const config = loadConfig({ NODE_ENV: 'test' }, { dataDir: env.dataDir, databaseUrl: env.url, demo: true });
const platform = await openPlatform(config, modules, { db, migrate: false, now: () => new Date(env.now) });
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
// The manifest's job (its run's figures kept for the parent) and, as a worker whose lease ran
// out would, the check run besides in small batches so the processes' claims interleave.
const checks = [];
const job = { ...deadlineCheckJob, handler: async (ctx) => void checks.push(await runDeadlineCheck(ctx)) };
const scheduler = new Scheduler(platform.ctx, [job], { workerId: env.worker, log: { error: (o, m) => process.stderr.write(m + '\\n') } });
const [summary] = await Promise.all([scheduler.runDueJobs(), runDeadlineCheck(platform.ctx, { batchSize: 1 }).then((r) => checks.push(r)), runDeadlineCheck(platform.ctx, { batchSize: 2 }).then((r) => checks.push(r))]);
process.stdout.write(JSON.stringify({ job: summary, checks }) + '\\n');
await platform.close();
`;

interface ChildResult {
  job: { claimed: number; succeeded: number; retried: number; failed: number };
  checks: DeadlineRun[];
}

function startChild(env: Record<string, unknown>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: process.cwd(),
    env: { ...process.env, LINLI_DEADLINE_CHILD: JSON.stringify(env) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('ready\n') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${err}`)));
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as ChildResult);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe(`deadline job in two server processes (${DIALECT_LABEL})`, () => {
  let w: Awaited<ReturnType<typeof eventWorld>>;

  beforeAll(async () => {
    w = await eventWorld(bj('2026-12-08T09:00:00'));
  });
  afterAll(async () => {
    await w?.platform.close();
  });

  it('two processes, each with its scheduler and the check run besides, warn, mark and escalate each event once', { timeout: 180_000 }, async () => {
    const N = 8;
    const warnOnly: string[] = [];
    const overdue: string[] = [];
    const escalate: string[] = [];
    // Dispatched at 09:00: due 11:00. Accepted at 09:00: due 11:00, then escalated. Dispatched at 09:30: due 11:30, warned at 11:06.
    for (let i = 0; i < N; i++) {
      const a = await w.report();
      await w.step('xishan', a, 'accept');
      await w.step('xishan', a, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.grid01.id, userId: w.fx.users.grid01 } });
      overdue.push(a);
      const b = await w.report('xishan', w.fx.nodes.grid02.id);
      await w.step('xishan', b, 'accept');
      escalate.push(b);
    }
    w.platform.setNow(bj('2026-12-08T09:30:00'));
    for (let i = 0; i < N; i++) {
      const c = await w.report();
      await w.step('xishan', c, 'accept');
      await w.step('xishan', c, 'dispatch', { assignee: { orgNodeId: w.fx.nodes.grid01.id, userId: w.fx.users.grid01 } });
      warnOnly.push(c);
    }

    const now = bj('2026-12-08T11:10:00').toISOString();
    const base = { url: w.platform.config.databaseUrl, schema: w.platform.schema, dataDir: w.platform.config.dataDir, now };
    const children = [startChild({ ...base, worker: 'server-one' }), startChild({ ...base, worker: 'server-two' })];
    await Promise.all(children.map((c) => c.ready));
    children.forEach((c) => c.go());
    const results = await Promise.all(children.map((c) => c.done));

    // The recurring job ran in one process; the check ran five times in all, in two processes at once.
    expect(results.reduce((n, r) => n + r.job.claimed, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.job.succeeded, 0)).toBe(1);
    const runs = results.flatMap((r) => r.checks);
    expect(runs).toHaveLength(5);
    // Each event was claimed by exactly one of the five runs.
    const totals = runs.reduce((t, c) => ({ warned: t.warned + c.warned, overdue: t.overdue + c.overdue, escalated: t.escalated + c.escalated }), { warned: 0, overdue: 0, escalated: 0 });
    expect(totals).toEqual({ warned: N, overdue: 2 * N, escalated: N });

    for (const id of warnOnly) {
      expect((await w.event(id)).warned_at).toBe(now);
      expect(await w.told(id, 'events.deadline.warning')).toEqual(['street', 'xishan']);
      expect(await w.told(id, 'events.deadline.overdue')).toEqual([]);
    }
    for (const id of overdue) {
      expect((await w.event(id)).overdue_at).toBe(now);
      expect(await w.told(id, 'events.deadline.overdue')).toEqual(['grid01', 'street', 'xishan']);
      expect(await w.told(id, 'events.deadline.warning')).toEqual([]);
    }
    for (const id of escalate) {
      const e = await w.event(id);
      expect(e).toMatchObject({ state: 'accepted', overdue_at: now, escalated_at: now });
      expect(await w.told(id, 'events.deadline.overdue')).toEqual(['street', 'xishan']);
      expect(await w.told(id, 'events.escalated')).toEqual(['street']);
      expect((await getHistory(w.db, e.workflow_instance_id!)).filter((s) => s.transition === 'escalate')).toHaveLength(1);
    }
    const audits = await w.db.selectFrom('audit_log').select('action').where('action', 'in', ['events.deadline.warned', 'events.deadline.overdue']).execute();
    expect(audits.filter((a) => a.action === 'events.deadline.warned')).toHaveLength(N);
    expect(audits.filter((a) => a.action === 'events.deadline.overdue')).toHaveLength(2 * N);
  });
});
