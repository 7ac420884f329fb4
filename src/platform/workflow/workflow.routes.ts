import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { canAt } from '../policy/actor.js';
import { registerPermissions } from '../policy/roles.js';
import { registerCalendarRoutes } from '../calendar/calendar.routes.js';
import { getDefinition } from './workflow.definition.js';
import { availableTransitions, getHistory, getInstance } from './workflow.service.js';

registerPermissions({
  /** Read a case's state and history on one's own subtree (modules add their own checks on the subject). */
  'workflow.read': ['dispatcher', 'community_staff', 'grid_worker', 'department_officer', 'party_secretary'],
});

const ZLabel = z.object({ 'zh-CN': z.string(), en: z.string() }).optional();
const ZId = z.object({ id: z.string().min(1).max(32) });

/** Routes of the workflow engine and the working-day calendar (holidays, 调休). */
export function registerWorkflowRoutes(app: LinliApp, ctx: PlatformContext) {
  registerCalendarRoutes(app, ctx);

  const readable = async (actor: Parameters<typeof canAt>[0], id: string) => {
    const instance = await getInstance(ctx.db.kysely, id);
    if (!instance) throw notFound('WORKFLOW_NOT_FOUND');
    if (!canAt(actor, 'workflow.read', instance.orgPath)) throw forbidden();
    return instance;
  };

  app.get(
    '/api/v1/workflow/instances/:id',
    {
      config: { policy: { permission: 'workflow.read' } },
      schema: {
        tags: ['workflow'],
        summary: '流程状态与可执行操作 / A case: state, time limit and the steps you may take',
        params: ZId,
      },
    },
    async (request) => {
      const instance = await readable(request.actor, request.params.id);
      const { orgPath: _orgPath, ...view } = instance;
      return { ...view, availableTransitions: availableTransitions(request.actor!, instance) };
    },
  );

  app.get(
    '/api/v1/workflow/instances/:id/history',
    {
      config: { policy: { permission: 'workflow.read' } },
      schema: { tags: ['workflow'], summary: '流程记录 / A case’s history, oldest first', params: ZId },
    },
    async (request) => {
      await readable(request.actor, request.params.id);
      return { items: await getHistory(ctx.db.kysely, request.params.id) };
    },
  );

  app.get(
    '/api/v1/workflow/definitions/:name',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['workflow'],
        summary: '流程定义（状态与步骤的名称）/ A workflow’s states and steps, for labels',
        params: z.object({ name: z.string().min(1).max(100) }),
        response: {
          200: z.object({
            name: z.string(),
            label: ZLabel,
            initial: z.string(),
            terminal: z.array(z.string()),
            states: z.array(z.object({ name: z.string(), label: ZLabel, workingHours: z.number().nullable(), suspended: z.boolean() })),
            transitions: z.array(z.object({ name: z.string(), label: ZLabel, from: z.array(z.string()), to: z.string(), requiresComment: z.boolean() })),
          }),
        },
      },
    },
    async (request) => {
      const def = getDefinition(request.params.name);
      if (!def) throw notFound('NOT_FOUND');
      return {
        name: def.name,
        label: def.label,
        initial: def.initial,
        terminal: [...def.terminal],
        states: Object.entries(def.states).map(([name, s]) => ({ name, label: s.label, workingHours: s.deadline?.workingHours ?? null, suspended: s.clock === 'paused' })),
        transitions: def.transitions.map((t) => ({ name: t.name, label: t.label, from: [...t.from], to: t.to, requiresComment: !!t.requires?.comment })),
      };
    },
  );
}
