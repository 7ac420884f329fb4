import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../http/app.js';
import { lookupSession } from '../auth/auth.service.js';
import type { Actor } from '../policy/actor.js';
import { defineWorkflow } from './workflow.definition.js';
import { startWorkflow, transition, type WorkflowInstance } from './workflow.service.js';

const repair = defineWorkflow({
  name: 'test.repair',
  label: { 'zh-CN': '报修', en: 'Repair request' },
  states: {
    reported: { label: { 'zh-CN': '已上报', en: 'Reported' }, deadline: { workingHours: 4 } },
    handling: { label: { 'zh-CN': '处置中', en: 'Handling' }, deadline: { workingHours: 8 } },
    closed: { label: { 'zh-CN': '已结案', en: 'Closed' } },
  },
  initial: 'reported',
  terminal: ['closed'],
  transitions: [
    { name: 'accept', label: { 'zh-CN': '受理', en: 'Accept' }, from: ['reported'], to: 'handling', roles: ['grid_worker', 'community_staff'] },
    { name: 'close', label: { 'zh-CN': '结案', en: 'Close' }, from: ['handling'], to: 'closed', roles: ['community_staff'], requires: { comment: true } },
  ],
});

describe(`workflow API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;
  let grid01: Session;
  let grid02: Session;
  let xishan: Session;
  let resident: Session;
  let inst: WorkflowInstance;

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-12-01T09:00:00+08:00') });
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    [grid01, grid02, xishan, resident] = await Promise.all(['grid01', 'grid02', 'xishan', 'resident01'].map((u) => loginAs(app, u)));
    inst = await startWorkflow(platform.ctx, platform.ctx.db.kysely, {
      definition: repair,
      subjectType: 'test_repair',
      subjectId: 'r-1',
      orgNodeId: fixture.nodes.building01.id,
      comment: '楼道灯不亮',
    });
    const cookie = grid01.cookie.split('=')[1]!;
    const s = await lookupSession(platform.ctx, cookie);
    await transition(platform.ctx, (s as { actor: Actor }).actor, inst.id, 'accept', { comment: '明天上午处理' });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}` });
    expect(res.statusCode).toBe(401);
    const history = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}/history` });
    expect(history.statusCode).toBe(401);
  });

  it('shows a case with the steps the caller may take', async () => {
    const staff = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}`, headers: xishan.headers });
    expect(staff.statusCode).toBe(200);
    expect(staff.json()).toMatchObject({
      id: inst.id,
      state: 'handling',
      version: 2,
      subjectType: 'test_repair',
      // 8 working hours from Tue 1 Dec 2026 09:00: 3 + 4 = 7, Wed 2 Dec 08:30 + 1 h.
      dueAt: '2026-12-02T01:30:00.000Z',
      availableTransitions: [{ name: 'close', to: 'closed', requiresComment: true, label: { 'zh-CN': '结案', en: 'Close' } }],
    });
    expect(staff.json().orgPath).toBeUndefined();
    const worker = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}`, headers: grid01.headers });
    expect(worker.json().availableTransitions).toEqual([]);
  });

  it('shows the history, oldest first, with who acted', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}/history`, headers: grid01.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((s: Record<string, unknown>) => [s.transition, s.toState, s.actorName, s.actorRole, s.comment])).toEqual([
      ['start', 'reported', null, null, '楼道灯不亮'],
      ['accept', 'handling', '网格员 李建华', 'grid_worker', '明天上午处理'],
    ]);
  });

  it('keeps cases of other subtrees and residents out', async () => {
    const other = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}/history`, headers: grid02.headers });
    expect(other.statusCode).toBe(403);
    const res = await app.inject({ method: 'GET', url: `/api/v1/workflow/instances/${inst.id}`, headers: resident.headers });
    expect(res.statusCode).toBe(403);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/workflow/instances/nope', headers: xishan.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('describes a definition so screens can show state names', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/workflow/definitions/test.repair', headers: resident.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'test.repair',
      initial: 'reported',
      terminal: ['closed'],
      states: [
        { name: 'reported', label: { 'zh-CN': '已上报', en: 'Reported' }, workingHours: 4, suspended: false },
        { name: 'handling', label: { 'zh-CN': '处置中', en: 'Handling' }, workingHours: 8, suspended: false },
        { name: 'closed', label: { 'zh-CN': '已结案', en: 'Closed' }, workingHours: null, suspended: false },
      ],
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/workflow/definitions/nope', headers: resident.headers })).statusCode).toBe(404);
  });
});
