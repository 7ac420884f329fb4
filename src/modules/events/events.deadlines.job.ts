import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/schema.js';
import type { Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { notify } from '../../platform/notify/notify.service.js';
import { beijingShort, claimDeadlineMarks, type DeadlineMark } from '../../platform/workflow/deadline-marks.js';
import type { EventState, GridEventTable } from './events.table.js';
import { gridEventWorkflow } from './events.workflow.js';
import { takeStep } from './events.service.js';

/**
 * 时限预警 / 超时 / 上报街道. Every minute, on whichever server process claims the job:
 *
 * - 预警: events whose running stage has passed 80 % of its working time (warn_at) are marked
 *   warned_at and the handling unit's supervisor and the street's dispatchers are told;
 * - 超时: events past due_at are marked overdue_at and the same people plus the assignee told;
 * - 上报街道: an event of a community still `accepted` (not dispatched) when overdue is
 *   escalated to the sub-district by the system (takeStep tells the street's dispatchers in
 *   the step's transaction).
 *
 * Marks are claimed by the platform's claimDeadlineMarks, in the same transaction as the
 * notifications, so two processes never warn twice and a crash warns nobody. The event service clears the marks and moves warn_at whenever a new stage clock
 * starts, so each stage warns and goes overdue once.
 */

export const DEADLINE_CHECK = 'events.deadline-check';

/** States with a running clock (suspended stops it; the rest have none). */
export const CLOCKED_STATES: EventState[] = ['reported', 'accepted', 'dispatched', 'handling', 'extension_requested', 'checking'];

/** Events claimed per transaction. */
const BATCH = 200;

type Marked = Pick<
  GridEventTable,
  'id' | 'code' | 'title' | 'state' | 'urgency' | 'org_node_id' | 'org_path' | 'assignee_node_id' | 'assignee_department_code' | 'assignee_user_id' | 'due_at' | 'version'
>;

const MARKED_COLUMNS = ['id', 'code', 'title', 'state', 'urgency', 'org_node_id', 'org_path', 'assignee_node_id', 'assignee_department_code', 'assignee_user_id', 'due_at', 'version'] as const;

export interface DeadlineRun {
  warned: number;
  overdue: number;
  escalated: number;
}

export const deadlineCheckJob: JobHandlerDefinition = {
  kind: DEADLINE_CHECK,
  everySeconds: 60,
  handler: async (ctx) => {
    await runDeadlineCheck(ctx);
  },
};

/** One pass over every clock that has run past a mark; safe to run in several processes at once. */
export async function runDeadlineCheck(ctx: PlatformContext, opts: { batchSize?: number } = {}): Promise<DeadlineRun> {
  const now = ctx.now();
  const spec = { table: 'grid_event', clockedStates: CLOCKED_STATES, columns: MARKED_COLUMNS, batchSize: opts.batchSize ?? BATCH } as const;
  const warned = await claimDeadlineMarks<'grid_event', (typeof MARKED_COLUMNS)[number], Marked>(ctx, spec, 'warning', now, (trx, rows) => tell(ctx, trx, 'warning', rows, now));
  const overdue = await claimDeadlineMarks<'grid_event', (typeof MARKED_COLUMNS)[number], Marked>(ctx, spec, 'overdue', now, (trx, rows) => tell(ctx, trx, 'overdue', rows, now));
  const escalated = await escalateOverdueAccepted(ctx, now, spec.batchSize);
  return { warned, overdue, escalated };
}

// ---------------------------------------------------------------- marks

/** Tells the people of events just marked (in the claiming transaction; see claimDeadlineMarks). */
async function tell(ctx: PlatformContext, trx: Transaction<Database>, mark: DeadlineMark, rows: Marked[], now: Date): Promise<void> {
  const people = await peopleOf(trx, rows);
  for (const e of rows) {
    const p = people.get(e.id)!;
    const recipients = mark === 'warning' ? [...p.supervisors, ...p.dispatchers] : [...p.supervisors, ...p.dispatchers, ...p.assignees];
    const stage = stageName(e.state);
    await notify(trx, {
      recipients,
      kind: mark === 'warning' ? 'events.deadline.warning' : 'events.deadline.overdue',
      title: mark === 'warning' ? `事件即将超时：${e.code}` : `事件已超时：${e.code}`,
      body: (mark === 'warning'
        ? `${e.title}：“${stage}”环节将于${beijingShort(e.due_at)}到期，请抓紧办理。`
        : `${e.title}：“${stage}”环节已于${beijingShort(e.due_at)}到期，请立即办理。`
      ).slice(0, 4000),
      link: `/console/events/${e.id}`,
      at: now,
    });
    await appendAudit(
      ctx.db,
      {
        actorId: null,
        actorName: 'system',
        action: mark === 'warning' ? 'events.deadline.warned' : 'events.deadline.overdue',
        targetType: 'grid_event',
        targetId: e.id,
        orgNodeId: e.org_node_id,
        details: { code: e.code, state: e.state, dueAt: e.due_at, notified: new Set(recipients).size },
      },
      trx,
    );
  }
}

// ---------------------------------------------------------------- escalation

/**
 * 上报街道: a community's event still waiting for dispatch past its limit goes to the street
 * (the workflow's `escalate` step, taken by the system; it sets escalated_at, keeps the clock
 * and notifies the street's dispatchers in its own transaction). The step is taken at the
 * version read, so of two processes one wins and the other gets WORKFLOW_CONFLICT and moves on.
 */
async function escalateOverdueAccepted(ctx: PlatformContext, now: Date, batch: number): Promise<number> {
  const at = now.toISOString();
  const db = ctx.db.kysely;
  let escalated = 0;
  const tried = new Set<string>();
  for (;;) {
    const candidates = await db
      .selectFrom('grid_event')
      .innerJoin('org_node', 'org_node.id', 'grid_event.org_node_id')
      .select(MARKED_COLUMNS.map((c) => `grid_event.${c}` as const))
      .where('grid_event.state', '=', 'accepted')
      .where('grid_event.due_at', '<=', at)
      .where('grid_event.overdue_at', 'is not', null)
      .where('grid_event.escalated_at', 'is', null)
      // Located in a community (its grids and addresses): an event of the street itself has nowhere to go up.
      .where('org_node.kind', 'in', ['community', 'grid', 'building', 'unit', 'dwelling'])
      .orderBy('grid_event.due_at')
      .limit(batch)
      .execute();
    const fresh = candidates.filter((c) => !tried.has(c.id));
    if (fresh.length === 0) break;
    for (const e of fresh) {
      tried.add(e.id);
      try {
        await takeStep(ctx, 'system', e.id, 'escalate', { comment: '社区受理后超过时限未派遣，系统自动上报街道', expectedVersion: Number(e.version) }, {});
      } catch (err) {
        // Another process escalated it, or a person moved it on meanwhile.
        if (err instanceof AppError && (err.code === 'WORKFLOW_CONFLICT' || err.code === 'WORKFLOW_INVALID_TRANSITION')) continue;
        throw err;
      }
      escalated++;
    }
  }
  return escalated;
}

// ---------------------------------------------------------------- who is told

interface People {
  /** 处置单位负责人: the community's staff, or the department's officers, at or above the unit. */
  supervisors: Set<string>;
  /** The street's dispatchers (街道指挥中心), at or above the street. */
  dispatchers: Set<string>;
  /** The person dispatched to, or everyone handling at the unit dispatched to. */
  assignees: Set<string>;
}

const idsOf = (path: string) => path.split('/').filter(Boolean);

/** Recipients for a batch of events in a few queries (nodes, then grants on them). */
async function peopleOf(trx: Transaction<Database> | Executor, events: Marked[]): Promise<Map<string, People>> {
  const assigneeNodeIds = [...new Set(events.map((e) => e.assignee_node_id).filter((x): x is string => !!x))];
  const assigneeNodes = assigneeNodeIds.length ? await trx.selectFrom('org_node').select(['id', 'path']).where('id', 'in', assigneeNodeIds).execute() : [];
  const assigneePath = new Map(assigneeNodes.map((n) => [n.id, n.path]));
  const nodeIds = new Set<string>();
  for (const e of events) idsOf(e.org_path).forEach((id) => nodeIds.add(id));
  for (const n of assigneeNodes) idsOf(n.path).forEach((id) => nodeIds.add(id));
  const nodes = new Map<string, { kind: string; name: string; path: string }>();
  const grants: { user_id: string; role: string; org_node_id: string; department_code: string | null }[] = [];
  const all = [...nodeIds];
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    for (const n of await trx.selectFrom('org_node').select(['id', 'kind', 'name', 'path']).where('id', 'in', chunk).execute()) nodes.set(n.id, n);
    grants.push(
      ...(await trx
        .selectFrom('role_grant')
        .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
        .select(['role_grant.user_id', 'role_grant.role', 'role_grant.org_node_id', 'role_grant.department_code'])
        .where('role_grant.org_node_id', 'in', chunk)
        .where('role_grant.role', 'in', ['community_staff', 'dispatcher', 'department_officer', 'grid_worker'])
        .where('app_user.disabled', '=', 0)
        .execute()),
    );
  }
  const ancestorOfKind = (path: string, kind: string) => idsOf(path).map((id) => nodes.get(id)).find((n) => n?.kind === kind);
  const grantsOn = (ids: string[], role: string, department?: string | null) =>
    grants.filter((g) => g.role === role && ids.includes(g.org_node_id) && (department === undefined || g.department_code === department)).map((g) => g.user_id);

  const out = new Map<string, People>();
  for (const e of events) {
    const unitPath = (e.assignee_node_id && assigneePath.get(e.assignee_node_id)) || e.org_path;
    const community = ancestorOfKind(unitPath, 'community') ?? ancestorOfKind(e.org_path, 'community');
    const supervisors = e.assignee_department_code
      ? grantsOn(idsOf(unitPath), 'department_officer', e.assignee_department_code)
      : community
        ? grantsOn(idsOf(community.path), 'community_staff')
        : [];
    const street = ancestorOfKind(e.org_path, 'street');
    const dispatchers = grantsOn(idsOf(street?.path ?? e.org_path), 'dispatcher');
    let assignees: string[] = [];
    if (e.assignee_user_id) assignees = [e.assignee_user_id];
    else if (e.assignee_node_id) {
      // Everyone who handles at the unit itself (for a department, only its own officers).
      assignees = grants
        .filter((g) => g.org_node_id === e.assignee_node_id)
        .filter((g) => (g.role === 'department_officer' ? !!e.assignee_department_code && g.department_code === e.assignee_department_code : g.role !== 'dispatcher' && !e.assignee_department_code))
        .map((g) => g.user_id);
    }
    out.set(e.id, { supervisors: new Set(supervisors), dispatchers: new Set(dispatchers), assignees: new Set(assignees) });
  }
  return out;
}

function stageName(state: string): string {
  return (gridEventWorkflow.states as Record<string, { label?: { 'zh-CN': string } }>)[state]?.label?.['zh-CN'] ?? state;
}
