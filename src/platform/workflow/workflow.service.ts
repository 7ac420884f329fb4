import type { Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Executor } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { parseJson } from '../db/dialect.js';
import { preparedQuery } from '../db/prepared-query.js';
import { appendAudit } from '../audit/audit.js';
import type { RequestMeta } from '../auth/auth.service.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { addMessages } from '../i18n/i18n.js';
import type { Actor } from '../policy/actor.js';
import type { Role } from '../policy/roles.js';
import { getWorkCalendar } from '../calendar/calendar.service.js';
import { addWorkingHours, workingHoursBetween, type WorkCalendar } from '../calendar/working-time.js';
import { getDefinition, type Label, type TransitionSpec, type WorkflowDefinition } from './workflow.definition.js';
import type { WorkflowInstanceTable, WorkflowTransitionTable } from './workflow.table.js';
import './workflow.table.js';

/** Who takes a step: a signed-in person, or the scheduler on a `bySystem` step. */
export type WorkflowActor = Actor | 'system';

export interface WorkflowInstance {
  id: string;
  definition: string;
  subjectType: string;
  subjectId: string;
  state: string;
  orgNodeId: string;
  /** Path of the case's node; roles are checked against it. */
  orgPath: string;
  dueAt: string | null;
  clockPausedAt: string | null;
  deadlineFactor: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowStep {
  id: string;
  version: number;
  fromState: string | null;
  toState: string;
  transition: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  comment: string | null;
  at: string;
  data: Record<string, unknown> | null;
}

export interface AvailableTransition {
  name: string;
  label?: Label;
  to: string;
  requiresComment: boolean;
}

type InstanceRow = WorkflowInstanceTable & { org_path: string };

function present(row: InstanceRow): WorkflowInstance {
  return {
    id: row.id,
    definition: row.definition,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    state: row.state,
    orgNodeId: row.org_node_id,
    orgPath: row.org_path,
    dueAt: row.due_at,
    clockPausedAt: row.clock_paused_at,
    deadlineFactor: Number(row.deadline_factor),
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function definitionOf(name: string): WorkflowDefinition {
  const def = getDefinition(name);
  // A stored case whose definition no module registers is a deployment error, not a user error.
  if (!def) throw new Error(`workflow definition ${name} is not registered`);
  return def;
}

/** The role a person acts in for a step: one of its roles, granted on the case's node or above. */
function actingRole(actor: Actor, roles: readonly Role[], orgPath: string): Role | null {
  for (const role of roles) {
    if (actor.grants.some((g) => g.role === role && orgPath.startsWith(g.orgPath))) return role;
  }
  return null;
}

function mayTake(actor: WorkflowActor, spec: TransitionSpec, instance: WorkflowInstance, data?: Record<string, unknown>): string | null {
  let role: string | null;
  if (actor === 'system') role = spec.bySystem ? 'system' : null;
  else role = actingRole(actor, spec.roles, instance.orgPath);
  if (!role) return null;
  if (spec.guard && !spec.guard({ actor, instance, data })) return null;
  return role;
}

export async function getInstance(executor: Executor, id: string): Promise<WorkflowInstance | undefined> {
  const row = await executor
    .selectFrom('workflow_instance')
    .innerJoin('org_node', 'org_node.id', 'workflow_instance.org_node_id')
    .selectAll('workflow_instance')
    .select('org_node.path as org_path')
    .where('workflow_instance.id', '=', id)
    .executeTakeFirst();
  return row ? present(row) : undefined;
}

export async function findInstanceBySubject(executor: Executor, definition: string, subjectType: string, subjectId: string): Promise<WorkflowInstance | undefined> {
  const row = await executor
    .selectFrom('workflow_instance')
    .innerJoin('org_node', 'org_node.id', 'workflow_instance.org_node_id')
    .selectAll('workflow_instance')
    .select('org_node.path as org_path')
    .where('workflow_instance.definition', '=', definition)
    .where('workflow_instance.subject_type', '=', subjectType)
    .where('workflow_instance.subject_id', '=', subjectId)
    .orderBy('workflow_instance.created_at', 'desc')
    .executeTakeFirst();
  return row ? present(row) : undefined;
}

/** The steps a person may take now: what a UI shows as buttons. */
export function availableTransitions(actor: WorkflowActor, instance: WorkflowInstance): AvailableTransition[] {
  const def = definitionOf(instance.definition);
  return def.transitions
    .filter((t) => t.from.includes(instance.state) && mayTake(actor, t, instance) !== null)
    .map((t) => ({ name: t.name, label: t.label, to: t.to, requiresComment: !!t.requires?.comment }));
}

interface Clock {
  dueAt: string | null;
  clockPausedAt: string | null;
}

/**
 * The time limit after a step. Entering a suspended state freezes the limit; leaving it adds
 * back the working time that was left (a case already overdue when suspended stays overdue).
 */
function clockAfter(
  def: WorkflowDefinition,
  current: Clock & { deadlineFactor: number },
  to: string,
  mode: TransitionSpec['deadline'],
  now: Date,
  calendar: WorkCalendar,
  dueInWorkingHours?: number,
): Clock {
  const target = def.states[to]!;
  if (target.clock === 'paused') return { dueAt: current.dueAt, clockPausedAt: current.clockPausedAt ?? now.toISOString() };
  if (def.terminal.includes(to)) return { dueAt: null, clockPausedAt: null };
  if (dueInWorkingHours !== undefined) return { dueAt: addWorkingHours(calendar, now, dueInWorkingHours).toISOString(), clockPausedAt: null };
  const effective = mode ?? (current.clockPausedAt ? 'resume' : 'restart');
  if (effective === 'keep') return { dueAt: current.dueAt, clockPausedAt: null };
  if (effective === 'resume') {
    if (!current.clockPausedAt || !current.dueAt) return { dueAt: current.dueAt, clockPausedAt: null };
    const left = workingHoursBetween(calendar, new Date(current.clockPausedAt), new Date(current.dueAt));
    return { dueAt: left > 0 ? addWorkingHours(calendar, now, left).toISOString() : current.dueAt, clockPausedAt: null };
  }
  const hours = target.deadline ? target.deadline.workingHours * current.deadlineFactor : undefined;
  return { dueAt: hours !== undefined ? addWorkingHours(calendar, now, hours).toISOString() : null, clockPausedAt: null };
}

function inTransaction<T>(executor: Executor, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return executor.isTransaction ? work(executor as Transaction<Database>) : executor.transaction().execute(work);
}

// Opening a case runs with every report (thousands a second): its statements are compiled once.
const selectNodeQuery = preparedQuery<{ id: string; path: string }, { id: string }>((db, p) => db.selectFrom('org_node').select(['id', 'path']).where('id', '=', p<string>('id')));
const INSTANCE_COLUMNS: { [K in keyof WorkflowInstanceTable]: true } = {
  id: true, definition: true, subject_type: true, subject_id: true, state: true, org_node_id: true, due_at: true,
  clock_paused_at: true, deadline_factor: true, version: true, created_at: true, updated_at: true,
};
const insertInstanceQuery = preparedQuery<unknown, WorkflowInstanceTable>((db, p) =>
  db.insertInto('workflow_instance').values(Object.fromEntries((Object.keys(INSTANCE_COLUMNS) as (keyof WorkflowInstanceTable)[]).map((c) => [c, p(c)])) as unknown as WorkflowInstanceTable),
);
const TRANSITION_COLUMNS: { [K in keyof WorkflowTransitionTable]: true } = {
  id: true, instance_id: true, version: true, from_state: true, to_state: true, transition: true, actor_id: true,
  actor_role: true, comment: true, at: true, data: true,
};
const insertTransitionQuery = preparedQuery<unknown, WorkflowTransitionTable>((db, p) =>
  db.insertInto('workflow_transition').values(Object.fromEntries((Object.keys(TRANSITION_COLUMNS) as (keyof WorkflowTransitionTable)[]).map((c) => [c, p(c)])) as unknown as WorkflowTransitionTable),
);

export interface StartInput {
  definition: WorkflowDefinition | string;
  subjectType: string;
  subjectId: string;
  orgNodeId: string;
  /** Who opened the case (a resident reporting, a grid worker, the system). */
  actor?: WorkflowActor;
  comment?: string;
  data?: Record<string, unknown>;
  /** Multiplies every time limit of the case: 0.5 halves them for an urgent case. */
  deadlineFactor?: number;
  /** Overrides the initial state's limit (e.g. a category's own time limit). */
  dueInWorkingHours?: number;
  meta?: RequestMeta;
}

/**
 * Opens a case in its initial state. Pass the transaction that creates the subject so both
 * commit together; the first history row and an audit record are written with it.
 */
export async function startWorkflow(ctx: PlatformContext, executor: Executor, input: StartInput): Promise<WorkflowInstance> {
  const def = typeof input.definition === 'string' ? definitionOf(input.definition) : input.definition;
  if (getDefinition(def.name) !== def) throw new Error(`workflow ${def.name} is not registered (use defineWorkflow)`);
  const factor = input.deadlineFactor ?? 1;
  if (!(factor > 0)) throw badRequest('BAD_REQUEST', {}, { reason: 'deadlineFactor must be positive' });
  const now = ctx.now();
  const at = now.toISOString();
  return inTransaction(executor, async (trx) => {
    const node = (await selectNodeQuery(trx, { id: input.orgNodeId })).rows[0];
    if (!node) throw notFound('NOT_FOUND');
    const calendar = await getWorkCalendar(ctx, trx);
    const clock = clockAfter(def, { dueAt: null, clockPausedAt: null, deadlineFactor: factor }, def.initial, 'restart', now, calendar, input.dueInWorkingHours);
    const row: WorkflowInstanceTable = {
      id: newId(now.getTime()),
      definition: def.name,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      state: def.initial,
      org_node_id: node.id,
      due_at: clock.dueAt,
      clock_paused_at: clock.clockPausedAt,
      deadline_factor: factor,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    const actor = input.actor;
    const actorRole = actor === 'system' ? 'system' : actor ? (actor.grants.find((g) => node.path.startsWith(g.orgPath))?.role ?? actor.grants[0]?.role ?? null) : null;
    await insertInstanceQuery(trx, row);
    await insertTransitionQuery(trx, {
      id: newId(now.getTime()),
      instance_id: row.id,
      version: 1,
      from_state: null,
      to_state: def.initial,
      transition: 'start',
      actor_id: actor && actor !== 'system' ? actor.userId : null,
      actor_role: actorRole,
      comment: input.comment ?? null,
      at,
      data: input.data ? JSON.stringify(input.data) : null,
    });
    await appendAudit(
      ctx.db,
      {
        actorId: actor && actor !== 'system' ? actor.userId : null,
        actorName: actor === 'system' ? 'system' : (actor?.username ?? null),
        action: 'workflow.start',
        targetType: input.subjectType,
        targetId: input.subjectId,
        orgNodeId: node.id,
        ip: input.meta?.ip,
        requestId: input.meta?.requestId,
        details: { instanceId: row.id, definition: def.name, state: def.initial, dueAt: row.due_at },
      },
      trx,
    );
    return present({ ...row, org_path: node.path });
  });
}

export interface TransitionOptions {
  /** The reason or opinion; required by steps that say so. */
  comment?: string;
  data?: Record<string, unknown>;
  /** The version the person saw: a step on a case that changed since answers 409. */
  expectedVersion?: number;
  /** Overrides the target state's time limit. */
  dueInWorkingHours?: number;
  /** Run inside this transaction (the module's own), instead of one of the engine's. */
  trx?: Executor;
  /** Called inside the step's transaction, e.g. to mirror the state on the subject's row. */
  apply?: (trx: Transaction<Database>, result: TransitionResult) => Promise<void>;
  meta?: RequestMeta;
}

export interface TransitionResult {
  instance: WorkflowInstance;
  step: WorkflowStep;
}

/**
 * Takes a step on a case. Checks, in order: the step exists, the case is still at the version
 * the caller saw, the step leaves the current state, the actor holds one of its roles on the
 * case's subtree (and the module's guard agrees), the required comment is there. Then moves
 * the state, the time limit and the clock, and writes history and audit in one transaction.
 * Two people taking a step at once: one wins, the other gets 409 WORKFLOW_CONFLICT.
 */
export async function transition(
  ctx: PlatformContext,
  actor: WorkflowActor,
  instanceId: string,
  transitionName: string,
  opts: TransitionOptions = {},
): Promise<TransitionResult> {
  const executor = opts.trx ?? ctx.db.kysely;
  const instance = await getInstance(executor, instanceId);
  if (!instance) throw notFound('WORKFLOW_NOT_FOUND');
  const def = definitionOf(instance.definition);
  const spec = def.transitions.find((t) => t.name === transitionName);
  if (!spec) throw badRequest('WORKFLOW_UNKNOWN_TRANSITION', { transition: transitionName });
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== instance.version) throw conflict('WORKFLOW_CONFLICT');
  if (!spec.from.includes(instance.state)) throw conflict('WORKFLOW_INVALID_TRANSITION', { state: instance.state, transition: spec.name });
  const role = mayTake(actor, spec, instance, opts.data);
  if (!role) throw forbidden('WORKFLOW_FORBIDDEN', { transition: spec.name });
  const comment = opts.comment?.trim() || null;
  if (spec.requires?.comment && !comment) throw badRequest('WORKFLOW_COMMENT_REQUIRED', { transition: spec.name });

  const now = ctx.now();
  const at = now.toISOString();
  const calendar = await getWorkCalendar(ctx, executor);
  const clock = clockAfter(def, instance, spec.to, spec.deadline, now, calendar, opts.dueInWorkingHours);
  const version = instance.version + 1;
  const actorId = actor === 'system' ? null : actor.userId;

  return inTransaction(executor, async (trx) => {
    const updated = await trx
      .updateTable('workflow_instance')
      .set({ state: spec.to, due_at: clock.dueAt, clock_paused_at: clock.clockPausedAt, version, updated_at: at })
      .where('id', '=', instance.id)
      .where('version', '=', instance.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict('WORKFLOW_CONFLICT');
    const step: WorkflowStep = {
      id: newId(now.getTime()),
      version,
      fromState: instance.state,
      toState: spec.to,
      transition: spec.name,
      actorId,
      actorName: actor === 'system' ? null : actor.displayName,
      actorRole: role,
      comment,
      at,
      data: opts.data ?? null,
    };
    await trx
      .insertInto('workflow_transition')
      .values({
        id: step.id,
        instance_id: instance.id,
        version,
        from_state: step.fromState,
        to_state: step.toState,
        transition: step.transition,
        actor_id: actorId,
        actor_role: role,
        comment,
        at,
        data: opts.data ? JSON.stringify(opts.data) : null,
      })
      .execute();
    await appendAudit(
      ctx.db,
      {
        actorId,
        actorName: actor === 'system' ? 'system' : actor.username,
        action: 'workflow.transition',
        targetType: instance.subjectType,
        targetId: instance.subjectId,
        orgNodeId: instance.orgNodeId,
        ip: opts.meta?.ip,
        requestId: opts.meta?.requestId,
        details: { instanceId: instance.id, definition: def.name, transition: spec.name, from: instance.state, to: spec.to, role, dueAt: clock.dueAt },
      },
      trx,
    );
    const result: TransitionResult = {
      instance: { ...instance, state: spec.to, dueAt: clock.dueAt, clockPausedAt: clock.clockPausedAt, version, updatedAt: at },
      step,
    };
    if (opts.apply) await opts.apply(trx, result);
    return result;
  });
}

/** A case's history, oldest first, with the names of the people who acted. */
export async function getHistory(executor: Executor, instanceId: string): Promise<WorkflowStep[]> {
  const rows = await executor
    .selectFrom('workflow_transition')
    .leftJoin('app_user', 'app_user.id', 'workflow_transition.actor_id')
    .selectAll('workflow_transition')
    .select('app_user.display_name as actor_name')
    .where('workflow_transition.instance_id', '=', instanceId)
    .orderBy('workflow_transition.version')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    fromState: r.from_state,
    toState: r.to_state,
    transition: r.transition,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    comment: r.comment,
    at: r.at,
    data: parseJson<Record<string, unknown> | null>(r.data, null),
  }));
}

/** Running cases whose time limit has passed (clock not stopped): for escalation jobs. */
export async function listOverdue(executor: Executor, opts: { now: Date; definition?: string; limit?: number }): Promise<WorkflowInstance[]> {
  let q = executor
    .selectFrom('workflow_instance')
    .innerJoin('org_node', 'org_node.id', 'workflow_instance.org_node_id')
    .selectAll('workflow_instance')
    .select('org_node.path as org_path')
    .where('workflow_instance.due_at', 'is not', null)
    .where('workflow_instance.due_at', '<', opts.now.toISOString())
    .where('workflow_instance.clock_paused_at', 'is', null);
  if (opts.definition) q = q.where('workflow_instance.definition', '=', opts.definition);
  const rows = await q.orderBy('workflow_instance.due_at').limit(opts.limit ?? 500).execute();
  return rows.map(present);
}

addMessages({
  'error.WORKFLOW_NOT_FOUND': { 'zh-CN': '未找到该流程', en: 'No such case' },
  'error.WORKFLOW_UNKNOWN_TRANSITION': { 'zh-CN': '流程中没有“{transition}”这一步', en: 'This workflow has no step "{transition}"' },
  'error.WORKFLOW_INVALID_TRANSITION': {
    'zh-CN': '当前状态（{state}）下不能执行“{transition}”，请刷新后查看',
    en: 'Step "{transition}" cannot be taken in state {state}; refresh to see the current state',
  },
  'error.WORKFLOW_FORBIDDEN': { 'zh-CN': '您无权在该事项所属区域执行“{transition}”', en: 'You may not take step "{transition}" on this case' },
  'error.WORKFLOW_COMMENT_REQUIRED': { 'zh-CN': '执行“{transition}”须填写原因或意见', en: 'Step "{transition}" requires a reason or comment' },
  'error.WORKFLOW_CONFLICT': { 'zh-CN': '该事项刚被他人处理，请刷新后重试', en: 'Someone else just changed this case; refresh and try again' },
});
