import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/schema.js';
import type { JobHandlerDefinition } from '../../platform/module.js';
import { notify } from '../../platform/notify/notify.service.js';
import { beijingShort, claimDeadlineMarks, type DeadlineMark } from '../../platform/workflow/deadline-marks.js';
import { accountsOfPeople } from './organisations.repository.js';
import * as repo from './transfers.repository.js';
import { handlersOf, STATE_LABELS } from './transfers.service.js';
import { CLOCKED_TRANSFER_STATES } from './transfers.table.js';

/**
 * 转接时限提醒. Every 5 minutes, on whichever server process claims the job: transfers whose
 * running stage (支部审批, 党委审批 — 5 working days each — or 接收 within the letter's validity)
 * passed 80 % of its time are marked `warned_at` and whoever must act is reminded; those past
 * due are marked `overdue_at` and reminded again, and the member is told it is late. Marks are
 * claimed with the platform's claimDeadlineMarks in the same transaction as the notifications
 * and audit rows: two processes never remind twice, a crash reminds nobody (the next run does).
 * Each step restarts the stage clock with fresh marks, so every stage warns and is late once.
 */

export const PARTY_TRANSFER_DEADLINES = 'party.transfer-deadlines';
const BATCH = 100;

export const transferDeadlineJob: JobHandlerDefinition = {
  kind: PARTY_TRANSFER_DEADLINES,
  everySeconds: 300,
  handler: async (ctx) => {
    await runTransferDeadlines(ctx);
  },
};

const COLUMNS = ['id'] as const;

export async function runTransferDeadlines(ctx: PlatformContext, opts: { batchSize?: number } = {}): Promise<{ warned: number; overdue: number }> {
  const now = ctx.now();
  const spec = { table: 'party_transfer', clockedStates: CLOCKED_TRANSFER_STATES, columns: COLUMNS, batchSize: opts.batchSize ?? BATCH } as const;
  const warned = await claimDeadlineMarks<'party_transfer', 'id', { id: string }>(ctx, spec, 'warning', now, (trx, rows) => remind(ctx, trx, 'warning', rows, now));
  const overdue = await claimDeadlineMarks<'party_transfer', 'id', { id: string }>(ctx, spec, 'overdue', now, (trx, rows) => remind(ctx, trx, 'overdue', rows, now));
  return { warned, overdue };
}

async function remind(ctx: PlatformContext, trx: Transaction<Database>, mark: DeadlineMark, rows: { id: string }[], now: Date) {
  for (const { id } of rows) {
    const t = (await repo.getTransfer(trx, id))!;
    const handlers = await handlersOf(ctx, trx, t);
    const stage = STATE_LABELS[t.state]['zh-CN'];
    await notify(trx, {
      recipients: handlers,
      kind: mark === 'warning' ? 'party.transfer.warning' : 'party.transfer.overdue',
      title: mark === 'warning' ? `组织关系转接即将到期：${t.member_name}` : `组织关系转接已超时：${t.member_name}`,
      body: `${t.from_org_name} → ${t.to_org_name}（${stage}）${mark === 'warning' ? '将于' : '已于'}${beijingShort(t.due_at)}到期，请及时办理。`,
      link: '/console/party/transfers',
      at: now,
    });
    if (mark === 'overdue') {
      const member = (await accountsOfPeople(trx, [t.person_id])).get(t.person_id) ?? [];
      if (member.length) await notify(trx, { recipients: member, kind: 'party.transfer.overdue', title: '您的组织关系转接已超过办理时限', body: `${stage}已于${beijingShort(t.due_at)}到期，我们已提醒经办人。`, link: '/m/party/transfers', at: now });
    }
    await appendAudit(
      ctx.db,
      { actorId: null, actorName: 'system', action: mark === 'warning' ? 'party.transfer.warned' : 'party.transfer.overdue', targetType: 'party_transfer', targetId: t.id, details: { state: t.state, dueAt: t.due_at, notified: handlers.length } },
      trx,
    );
  }
}
