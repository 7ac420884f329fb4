import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { addWorkingDays, addWorkingHours, localDateOf, workingHoursBetween, type WorkCalendar } from '../../platform/calendar/working-time.js';
import type { Database } from '../../platform/db/schema.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { notify } from '../../platform/notify/notify.service.js';
import { beijingShort, claimDeadlineMarks, type DeadlineMark } from '../../platform/workflow/deadline-marks.js';
import * as repo from './applications.repository.js';
import type { ServiceApplicationTable } from './applications.table.js';
import { serviceApplicationWorkflow } from './services.workflow.js';

/**
 * 时限预警 / 超时 of applications. Every minute, on whichever server process claims the job:
 * applications whose running stage (受理时限, or the promised 办结时限 from acceptance) has
 * passed 80 % of its working time are marked warned_at and their handlers told; those past
 * due are marked overdue_at and told again. Marks are claimed by the platform's
 * claimDeadlineMarks in the same transaction as the notifications and audit rows, so two
 * processes never warn twice and a crash warns nobody (the next run does). The service clears the marks whenever a new stage
 * clock starts, so each stage warns and goes overdue once.
 */

export const SERVICE_DEADLINE_CHECK = 'services.deadline-check';

/** The share of a stage's working time after which its handlers are warned (预警). */
export const WARN_SHARE = 0.8;

/** Applications claimed per transaction. */
const BATCH = 200;

// ---------------------------------------------------------------- time limits in working days

/** The end of office hours on the local day of `at` (17:30 Beijing time by default). */
export function endOfWorkingDay(cal: WorkCalendar, at: Date): Date {
  const date = localDateOf(cal, at);
  const midnightUtc = Date.parse(`${date}T00:00:00Z`) - cal.officeHours.utcOffsetMinutes * 60_000;
  const periods = cal.officeHours.periods;
  return new Date(midnightUtc + periods[periods.length - 1]!.end * 60_000);
}

/**
 * "N个工作日内": the end of office hours on the N-th working day after `from` (0: the same
 * working day, or the next one when `from` is after hours or on a day off).
 */
export function dueAfterWorkingDays(cal: WorkCalendar, from: Date, days: number): Date {
  if (days <= 0) {
    // The first working minute at or after `from`, then the end of that day.
    const firstWorking = addWorkingHours(cal, from, 1 / 60);
    return endOfWorkingDay(cal, firstWorking);
  }
  return endOfWorkingDay(cal, addWorkingDays(cal, from, days));
}

/** When a stage that started at `start` and is due at `due` reaches its warning point, on the working-hours calendar. */
export function warnAtFor(cal: WorkCalendar, start: Date, due: Date): Date {
  const hours = workingHoursBetween(cal, start, due);
  if (!(hours > 0)) return due;
  return addWorkingHours(cal, start, hours * WARN_SHARE);
}

// ---------------------------------------------------------------- the job

export interface DeadlineRun {
  warned: number;
  overdue: number;
}

export const serviceDeadlineJob: JobHandlerDefinition = {
  kind: SERVICE_DEADLINE_CHECK,
  everySeconds: 60,
  handler: async (ctx) => {
    await runServiceDeadlineCheck(ctx);
  },
};

/** One pass over every clock that has run past a mark; safe to run in several processes at once. */
export async function runServiceDeadlineCheck(ctx: PlatformContext, opts: { batchSize?: number } = {}): Promise<DeadlineRun> {
  const now = ctx.now();
  const spec = { table: 'service_application', clockedStates: repo.CLOCKED_STATES, columns: MARKED_COLUMNS, batchSize: opts.batchSize ?? BATCH } as const;
  type Column = (typeof MARKED_COLUMNS)[number];
  const warned = await claimDeadlineMarks<'service_application', Column, Marked>(ctx, spec, 'warning', now, (trx, rows) => tell(ctx, trx, 'warning', rows, now));
  const overdue = await claimDeadlineMarks<'service_application', Column, Marked>(ctx, spec, 'overdue', now, (trx, rows) => tell(ctx, trx, 'overdue', rows, now));
  return { warned, overdue };
}

type Marked = Pick<ServiceApplicationTable, 'id' | 'code' | 'matter_name' | 'applicant_name' | 'state' | 'org_node_id' | 'org_path' | 'assignee_user_id' | 'due_at'>;
const MARKED_COLUMNS = ['id', 'code', 'matter_name', 'applicant_name', 'state', 'org_node_id', 'org_path', 'assignee_user_id', 'due_at'] as const;

/** Tells the handlers of applications just marked, in the claiming transaction (see claimDeadlineMarks). */
async function tell(ctx: PlatformContext, trx: Transaction<Database>, mark: DeadlineMark, rows: Marked[], now: Date): Promise<void> {
  // Handlers of each application's area: community staff at or above its node, and the assignee.
  const byPath = new Map<string, string[]>();
  for (const r of rows) {
    if (!byPath.has(r.org_path)) byPath.set(r.org_path, (await repo.grantHoldersAbove(trx, r.org_path, ['community_staff'])).map((g) => g.user_id));
  }
  for (const r of rows) {
    const recipients = [...(byPath.get(r.org_path) ?? []), ...(r.assignee_user_id ? [r.assignee_user_id] : [])];
    const stage = stageName(r.state);
    await notify(trx, {
      recipients,
      kind: mark === 'warning' ? 'services.deadline.warning' : 'services.deadline.overdue',
      title: mark === 'warning' ? `服务申请即将超时：${r.code}` : `服务申请已超时：${r.code}`,
      body: (mark === 'warning'
        ? `${r.applicant_name}申请的“${r.matter_name}”（${stage}）将于${beijing(r.due_at)}到期，请抓紧办理。`
        : `${r.applicant_name}申请的“${r.matter_name}”（${stage}）已于${beijing(r.due_at)}到期，请立即办理。`
      ).slice(0, 4000),
      link: `/console/service-applications/${r.id}`,
      at: now,
    });
    await appendAudit(
      ctx.db,
      {
        actorId: null,
        actorName: 'system',
        action: mark === 'warning' ? 'services.deadline.warned' : 'services.deadline.overdue',
        targetType: 'service_application',
        targetId: r.id,
        orgNodeId: r.org_node_id,
        details: { code: r.code, state: r.state, dueAt: r.due_at, notified: new Set(recipients).size },
      },
      trx,
    );
  }
}

function stageName(state: string): string {
  return (serviceApplicationWorkflow.states as Record<string, { label?: { 'zh-CN': string } }>)[state]?.label?.['zh-CN'] ?? state;
}

/** `12月3日 17:30`, Beijing time. */
export const beijing = beijingShort;
