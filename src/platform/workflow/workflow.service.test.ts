import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { AppError } from '../errors.js';
import { lookupSession, login } from '../auth/auth.service.js';
import type { Actor } from '../policy/actor.js';
import { countAudit } from '../audit/audit.js';
import { defineWorkflow, validateDefinition } from './workflow.definition.js';
import { availableTransitions, getHistory, getInstance, listOverdue, startWorkflow, transition, type WorkflowInstance } from './workflow.service.js';

/**
 * A grid-event loop like the events module's: 上报 → 受理 → 派遣 → 处置 → 核查 → 结案, with
 * rework when the check fails, and suspension (挂起) that stops the clock.
 */
const gridEvent = defineWorkflow({
  name: 'test.grid-event',
  states: {
    reported: { deadline: { workingHours: 2 } },
    accepted: { deadline: { workingHours: 4 } },
    dispatched: { deadline: { workingHours: 8 } },
    handling: { deadline: { workingHours: 16 } },
    suspended: { clock: 'paused' },
    checking: { deadline: { workingHours: 4 } },
    closed: {},
    rejected: {},
  },
  initial: 'reported',
  terminal: ['closed', 'rejected'],
  transitions: [
    { name: 'accept', from: ['reported'], to: 'accepted', roles: ['community_staff', 'grid_worker'] },
    { name: 'reject', from: ['reported'], to: 'rejected', roles: ['community_staff'], requires: { comment: true } },
    { name: 'dispatch', from: ['accepted'], to: 'dispatched', roles: ['dispatcher', 'community_staff'] },
    { name: 'start-handling', from: ['dispatched'], to: 'handling', roles: ['department_officer', 'grid_worker'] },
    { name: 'suspend', from: ['handling'], to: 'suspended', roles: ['department_officer', 'grid_worker'], requires: { comment: true } },
    { name: 'resume', from: ['suspended'], to: 'handling', roles: ['department_officer', 'grid_worker'] },
    { name: 'finish', from: ['handling'], to: 'checking', roles: ['department_officer', 'grid_worker'] },
    { name: 'rework', from: ['checking'], to: 'handling', roles: ['community_staff'], requires: { comment: true } },
    { name: 'close', from: ['checking'], to: 'closed', roles: ['community_staff'] },
    { name: 'escalate', from: ['accepted'], to: 'dispatched', roles: [], bySystem: true, deadline: 'keep' },
  ],
});

const bj = (local: string) => new Date(`${local}+08:00`);

async function expectAppError(p: Promise<unknown>, status: number, code: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect({ status: (err as AppError).status, code: (err as AppError).code }).toEqual({ status, code });
}

describe(`workflow engine (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fixture: Fixture;
  const actors: Record<string, Actor> = {};

  const open = async (node: keyof Fixture['nodes'] = 'grid01', extra: { deadlineFactor?: number } = {}) =>
    startWorkflow(platform.ctx, platform.ctx.db.kysely, {
      definition: gridEvent,
      subjectType: 'test_event',
      subjectId: `ev-${Math.random().toString(36).slice(2, 8)}`,
      orgNodeId: fixture.nodes[node].id,
      actor: actors.grid01,
      comment: '3号楼下水道堵塞',
      ...extra,
    });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-09-30T09:00:00') });
    fixture = await seedFixture(platform.ctx);
    // Real actors, built the way a request gets them: log in, then look the session up.
    for (const username of ['grid01', 'grid02', 'xishan', 'street', 'civil', 'admin']) {
      const r = await login(platform.ctx, { username, password: 'Linli@2026' }, {});
      const s = await lookupSession(platform.ctx, r.sessionToken);
      if (s.status !== 'ok') throw new Error(`no session for ${username}`);
      actors[username] = s.actor;
    }
  });
  afterAll(async () => {
    await platform.close();
  });

  it('refuses a definition with a step to nowhere, or out of a terminal state', () => {
    expect(() =>
      validateDefinition({ name: 'bad', states: { a: {}, b: {} }, initial: 'a', terminal: ['b'], transitions: [{ name: 'go', from: ['a'], to: 'c', roles: ['grid_worker'] }] }),
    ).toThrow(/target c is not a state/);
    expect(() =>
      validateDefinition({ name: 'bad', states: { a: {}, b: {} }, initial: 'a', terminal: ['b'], transitions: [{ name: 'back', from: ['b'], to: 'a', roles: ['grid_worker'] }] }),
    ).toThrow(/leaves terminal state b/);
    expect(() => validateDefinition({ name: 'bad', states: { a: { clock: 'paused', deadline: { workingHours: 1 } } }, initial: 'a', terminal: [], transitions: [] })).toThrow(
      /suspended state cannot have a time limit/,
    );
  });

  it('starts a case in its initial state with a time limit in working hours', async () => {
    platform.setNow(bj('2026-09-30T16:00:00'));
    const audits = await countAudit(platform.ctx.db, 'workflow.start');
    const inst = await open();
    expect(inst.state).toBe('reported');
    expect(inst.version).toBe(1);
    // 2 working hours from Wed 30 Sep 16:00: 1.5 h that day, National Day week off, Thu 8 Oct 09:00.
    expect(inst.dueAt).toBe(bj('2026-10-08T09:00:00').toISOString());
    expect(await countAudit(platform.ctx.db, 'workflow.start')).toBe(audits + 1);
    const history = await getHistory(platform.ctx.db.kysely, inst.id);
    expect(history).toEqual([
      expect.objectContaining({ version: 1, fromState: null, toState: 'reported', transition: 'start', actorId: actors.grid01!.userId, actorRole: 'grid_worker', comment: '3号楼下水道堵塞' }),
    ]);
  });

  it('an urgent case gets a shorter limit (deadline factor)', async () => {
    platform.setNow(bj('2026-10-08T09:00:00'));
    const inst = await open('grid01', { deadlineFactor: 0.5 });
    // 2 h × 0.5 = 1 h from 09:00.
    expect(inst.dueAt).toBe(bj('2026-10-08T10:00:00').toISOString());
    const next = await transition(platform.ctx, actors.grid01!, inst.id, 'accept');
    // 4 h × 0.5 = 2 h from 09:00.
    expect(next.instance.dueAt).toBe(bj('2026-10-08T11:00:00').toISOString());
  });

  it('lets only the roles of a step, on the case’s subtree, take it', async () => {
    platform.setNow(bj('2026-10-08T09:00:00'));
    const inst = await open('grid01');
    // grid02's worker holds the right role, but on another grid.
    await expectAppError(transition(platform.ctx, actors.grid02!, inst.id, 'accept'), 403, 'WORKFLOW_FORBIDDEN');
    // The street's dispatcher covers the grid, but "accept" is not a dispatcher's step.
    await expectAppError(transition(platform.ctx, actors.street!, inst.id, 'accept'), 403, 'WORKFLOW_FORBIDDEN');
    // The system admin runs the system, not the cases.
    await expectAppError(transition(platform.ctx, actors.admin!, inst.id, 'accept'), 403, 'WORKFLOW_FORBIDDEN');
    // A step only the scheduler may take.
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'escalate'), 409, 'WORKFLOW_INVALID_TRANSITION');
    // Community staff on 西山 cover grid01 from above.
    const ok = await transition(platform.ctx, actors.xishan!, inst.id, 'accept');
    expect(ok.step.actorRole).toBe('community_staff');
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'escalate'), 403, 'WORKFLOW_FORBIDDEN');
    const escalated = await transition(platform.ctx, 'system', inst.id, 'escalate');
    expect(escalated.instance.state).toBe('dispatched');
    // 'keep': the escalation does not give the case a fresh limit.
    expect(escalated.instance.dueAt).toBe(ok.instance.dueAt);
    expect(escalated.step).toMatchObject({ actorId: null, actorRole: 'system' });
  });

  it('offers each person the steps they may take', async () => {
    const inst = await open('grid01');
    expect(availableTransitions(actors.xishan!, inst).map((t) => t.name)).toEqual(['accept', 'reject']);
    expect(availableTransitions(actors.grid01!, inst).map((t) => t.name)).toEqual(['accept']);
    expect(availableTransitions(actors.grid02!, inst)).toEqual([]);
    expect(availableTransitions(actors.street!, inst)).toEqual([]);
    expect(availableTransitions(actors.xishan!, inst).find((t) => t.name === 'reject')).toEqual({ name: 'reject', label: undefined, to: 'rejected', requiresComment: true });
  });

  it('refuses a step from the wrong state and a step that does not exist', async () => {
    const inst = await open('grid01');
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'close'), 409, 'WORKFLOW_INVALID_TRANSITION');
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'teleport'), 400, 'WORKFLOW_UNKNOWN_TRANSITION');
    await expectAppError(transition(platform.ctx, actors.xishan!, 'no-such-case', 'accept'), 404, 'WORKFLOW_NOT_FOUND');
  });

  it('requires a reason where the step says so', async () => {
    const inst = await open('grid01');
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'reject'), 400, 'WORKFLOW_COMMENT_REQUIRED');
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'reject', { comment: '   ' }), 400, 'WORKFLOW_COMMENT_REQUIRED');
    const r = await transition(platform.ctx, actors.xishan!, inst.id, 'reject', { comment: '重复上报，已并入前一事件' });
    expect(r.instance.state).toBe('rejected');
    expect(r.instance.dueAt).toBeNull();
    // Terminal: nothing more may happen.
    expect(availableTransitions(actors.xishan!, r.instance)).toEqual([]);
  });

  it('runs the whole loop with rework, suspension and working-hour limits, and keeps the history', async () => {
    platform.setNow(bj('2026-09-30T16:00:00'));
    const inst = await open('grid01');
    const id = inst.id;
    const step = async (who: string, name: string, at: string, comment?: string, data?: Record<string, unknown>) => {
      platform.setNow(bj(at));
      return (await transition(platform.ctx, actors[who]!, id, name, { comment, data })).instance;
    };

    let i = await step('grid01', 'accept', '2026-09-30T16:30:00');
    // 4 h from 16:30: 1 h on 30 Sep, then 8 Oct 08:30 + 3 h.
    expect(i.dueAt).toBe(bj('2026-10-08T11:30:00').toISOString());

    i = await step('street', 'dispatch', '2026-10-08T10:00:00', undefined, { department: 'civil' });
    // 8 h from Thu 8 Oct 10:00: 2 h morning, 4 h afternoon (6), Fri 9 Oct 08:30 + 2 h.
    expect(i.dueAt).toBe(bj('2026-10-09T10:30:00').toISOString());

    i = await step('civil', 'start-handling', '2026-10-08T14:00:00');
    // 16 h from Thu 8 Oct 14:00: 3.5 h (8 Oct), 7.5 h (9 Oct) = 11, Sat 10 Oct make-up day 08:30 + 3.5 = 12:00, then 1.5 h → 15:00.
    expect(i.dueAt).toBe(bj('2026-10-10T15:00:00').toISOString());

    // Suspended on Fri 9 Oct at 09:00 with 12 h left: 3 h + 4 h on 9 Oct, 3.5 h + 1.5 h on Sat 10 Oct.
    i = await step('civil', 'suspend', '2026-10-09T09:00:00', '等待业主提供维修许可');
    expect(i.state).toBe('suspended');
    expect(i.clockPausedAt).toBe(bj('2026-10-09T09:00:00').toISOString());
    expect(i.dueAt).toBe(bj('2026-10-10T15:00:00').toISOString());
    // While the clock is stopped the case is not overdue, however late it gets.
    expect((await listOverdue(platform.ctx.db.kysely, { now: bj('2026-10-20T09:00:00'), definition: gridEvent.name })).map((x) => x.id)).not.toContain(id);

    // Resumed Mon 19 Oct 09:00 with 12 h left: 3 h (→12:00) + 4 h (→17:30) = 7, Tue 20 Oct: 3.5 h (→12:00) + 1.5 h → 15:00.
    i = await step('civil', 'resume', '2026-10-19T09:00:00');
    expect(i.state).toBe('handling');
    expect(i.clockPausedAt).toBeNull();
    expect(i.dueAt).toBe(bj('2026-10-20T15:00:00').toISOString());

    i = await step('civil', 'finish', '2026-10-19T15:00:00', undefined, { result: '已疏通' });
    // 4 h from Mon 19 Oct 15:00: 2.5 h, Tue 20 Oct 08:30 + 1.5 h.
    expect(i.dueAt).toBe(bj('2026-10-20T10:00:00').toISOString());

    i = await step('xishan', 'rework', '2026-10-20T09:00:00', '现场仍有积水');
    // Rework starts a fresh 16 h: Tue 20 Oct 09:00: 3 + 4 = 7, Wed 21 Oct 7.5 = 14.5, Thu 22 Oct 08:30 + 1.5 → 10:00.
    expect(i.dueAt).toBe(bj('2026-10-22T10:00:00').toISOString());

    i = await step('civil', 'finish', '2026-10-21T10:00:00');
    i = await step('xishan', 'close', '2026-10-21T11:00:00', '居民确认已解决');
    expect(i.state).toBe('closed');
    expect(i.dueAt).toBeNull();
    expect(i.version).toBe(10);

    const history = await getHistory(platform.ctx.db.kysely, id);
    expect(history.map((h) => [h.version, h.fromState, h.toState, h.transition, h.actorRole])).toEqual([
      [1, null, 'reported', 'start', 'grid_worker'],
      [2, 'reported', 'accepted', 'accept', 'grid_worker'],
      [3, 'accepted', 'dispatched', 'dispatch', 'dispatcher'],
      [4, 'dispatched', 'handling', 'start-handling', 'department_officer'],
      [5, 'handling', 'suspended', 'suspend', 'department_officer'],
      [6, 'suspended', 'handling', 'resume', 'department_officer'],
      [7, 'handling', 'checking', 'finish', 'department_officer'],
      [8, 'checking', 'handling', 'rework', 'community_staff'],
      [9, 'handling', 'checking', 'finish', 'department_officer'],
      [10, 'checking', 'closed', 'close', 'community_staff'],
    ]);
    expect(history[2]).toMatchObject({ actorId: actors.street!.userId, actorName: '硖石街道指挥中心 周建国', data: { department: 'civil' }, at: bj('2026-10-08T10:00:00').toISOString() });
    expect(history[4]!.comment).toBe('等待业主提供维修许可');
    expect(history[7]!.comment).toBe('现场仍有积水');
    expect(history[6]!.data).toEqual({ result: '已疏通' });

    const stored = (await getInstance(platform.ctx.db.kysely, id)) as WorkflowInstance;
    expect(stored).toMatchObject({ state: 'closed', version: 10, dueAt: null, clockPausedAt: null, subjectType: 'test_event' });

    const audit = await platform.ctx.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'target_type', 'org_node_id', 'details'])
      .where('action', '=', 'workflow.transition')
      .where('target_id', '=', inst.subjectId)
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(9);
    expect(audit[0]).toMatchObject({ target_type: 'test_event', org_node_id: fixture.nodes.grid01.id });
    expect(JSON.parse(audit[8]!.details!)).toMatchObject({ instanceId: id, transition: 'close', from: 'checking', to: 'closed' });
  });

  it('a case overdue when suspended stays overdue when resumed', async () => {
    platform.setNow(bj('2026-10-12T09:00:00'));
    const inst = await open('grid01');
    const t = (who: string, name: string, comment?: string) => transition(platform.ctx, actors[who]!, inst.id, name, { comment });
    await t('grid01', 'accept');
    await t('xishan', 'dispatch');
    const handling = (await t('grid01', 'start-handling')).instance;
    platform.setNow(bj('2026-10-30T09:00:00'));
    expect((await listOverdue(platform.ctx.db.kysely, { now: platform.ctx.now(), definition: gridEvent.name })).map((x) => x.id)).toContain(inst.id);
    await t('grid01', 'suspend', '等待物业');
    platform.setNow(bj('2026-11-02T09:00:00'));
    const resumed = (await t('grid01', 'resume')).instance;
    expect(resumed.dueAt).toBe(handling.dueAt);
  });

  it('lets one of two simultaneous steps win; the other gets 409', async () => {
    platform.setNow(bj('2026-10-12T09:00:00'));
    const inst = await open('grid01');
    const results = await Promise.allSettled([
      transition(platform.ctx, actors.grid01!, inst.id, 'accept'),
      transition(platform.ctx, actors.xishan!, inst.id, 'accept'),
      transition(platform.ctx, actors.xishan!, inst.id, 'reject', { comment: '重复' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(AppError);
      expect((l.reason as AppError).status).toBe(409);
    }
    const history = await getHistory(platform.ctx.db.kysely, inst.id);
    expect(history).toHaveLength(2);
    expect((await getInstance(platform.ctx.db.kysely, inst.id))!.version).toBe(2);
  });

  it('answers 409 to a step based on a version someone else has moved on from', async () => {
    const inst = await open('grid01');
    await transition(platform.ctx, actors.grid01!, inst.id, 'accept', { expectedVersion: 1 });
    // xishan's screen still shows version 1 ("reported"): dispatching from it would be a blind step.
    await expectAppError(transition(platform.ctx, actors.xishan!, inst.id, 'dispatch', { expectedVersion: 1 }), 409, 'WORKFLOW_CONFLICT');
    const ok = await transition(platform.ctx, actors.xishan!, inst.id, 'dispatch', { expectedVersion: 2 });
    expect(ok.instance.version).toBe(3);
  });

  it('runs a module’s own write in the step’s transaction, and rolls the step back with it', async () => {
    const inst = await open('grid01');
    await expectAppError(
      transition(platform.ctx, actors.grid01!, inst.id, 'accept', {
        apply: async () => {
          throw new AppError(422, 'SUBJECT_LOCKED');
        },
      }),
      422,
      'SUBJECT_LOCKED',
    );
    const after = await getInstance(platform.ctx.db.kysely, inst.id);
    expect(after).toMatchObject({ state: 'reported', version: 1 });
    expect(await getHistory(platform.ctx.db.kysely, inst.id)).toHaveLength(1);
  });

  it('keeps the history append-only, even for direct SQL', async () => {
    const inst = await open('grid01');
    const db = platform.ctx.db.kysely;
    await expect(db.updateTable('workflow_transition').set({ comment: 'changed' }).where('instance_id', '=', inst.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('workflow_transition').where('instance_id', '=', inst.id).execute()).rejects.toThrow(/append-only/);
    expect((await getHistory(db, inst.id))[0]!.comment).toBe('3号楼下水道堵塞');
  });
});
