import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/schema.js';
import { appendAudit } from '../../platform/audit/audit.js';
import type { RequestMeta } from '../../platform/auth/auth.service.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { addMessages } from '../../platform/i18n/i18n.js';
import { newId } from '../../platform/ids.js';
import type { Actor } from '../../platform/policy/actor.js';
import { rolesWith } from '../../platform/policy/roles.js';
import * as repo from './events.repository.js';
import { ZEventNoteInput, type EventNoteInput } from './events.schema.js';
import { EVENT_READ, mayReadEvent } from './events.service.js';

/**
 * 事件关联记录: what other modules may write on a grid event — an entry on its timeline naming a
 * record of theirs that took the event up (a mediation case opened from it: "转人民调解, 案件编号
 * 西调〔2026〕第3号"), with who and when. The entry changes nothing else of the event: not its
 * state, not its workflow version, not its clocks, so it never collides with a step.
 *
 * The caller passes its own transaction: the entry commits with the caller's record or not at
 * all. The actor must be able to read the event (`events.event.read` on its subtree, or it was
 * dispatched to them): anyone else gets 404 EVENT_NOT_FOUND, as on the event page, and the
 * caller's transaction rolls back. Every entry is audited (`events.event.note`) in the same
 * transaction. One entry per event and record: writing the same link again adds nothing.
 *
 * Everyone who may read the event reads `text`: no confidential facts in it, only that the
 * record exists and its number. The reporter reads `reporterText` in their own view (without
 * the writer's name or the console link); without it the entry is not shown to them.
 */

addMessages({
  'error.EVENT_NOTE_INVALID': {
    'zh-CN': '事件关联记录的内容不完整或格式不对：{fields}',
    en: 'The linked record for the event is incomplete or malformed: {fields}',
  },
});

export interface EventNoteWritten {
  id: string;
  eventId: string;
  eventCode: string;
  /** False when the event already named this record (nothing was written). */
  created: boolean;
}

/** The role the actor reads the event as, for the timeline (the nearest grant wins). */
function readingRole(actor: Actor, path: string): string | null {
  const readers = rolesWith(EVENT_READ);
  const grants = actor.grants.filter((g) => readers.has(g.role) && path.startsWith(g.orgPath)).sort((a, b) => b.orgPath.length - a.orgPath.length);
  return grants[0]?.role ?? actor.grants.find((g) => readers.has(g.role))?.role ?? null;
}

/**
 * Appends a linked record to an event's timeline in the caller's transaction `trx`, audited.
 * Throws 400 EVENT_NOTE_INVALID for input the schema refuses, 404 EVENT_NOT_FOUND when the
 * event does not exist or the actor may not read it.
 */
export async function addEventNote(
  ctx: PlatformContext,
  trx: Transaction<Database>,
  actor: Actor,
  eventId: string,
  input: EventNoteInput,
  meta: RequestMeta,
): Promise<EventNoteWritten> {
  const parsed = ZEventNoteInput.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message }));
    throw badRequest('EVENT_NOTE_INVALID', { fields: details.map((d) => d.field).join(', ') }, details);
  }
  const note = parsed.data;
  const event = await repo.getEvent(trx, eventId);
  if (!event || !(await mayReadEvent(ctx, actor, event, trx))) throw notFound('EVENT_NOT_FOUND');
  const id = newId();
  const at = ctx.now().toISOString();
  const created = await repo.insertEventNote(trx, {
    id,
    event_id: event.id,
    kind: note.kind,
    record_id: note.recordId,
    label: note.label,
    title_zh: note.title['zh-CN'],
    title_en: note.title.en,
    text: note.text,
    reporter_text: note.reporterText ?? null,
    link: note.link ?? null,
    event_state: event.state,
    actor_id: actor.userId,
    actor_name: actor.displayName,
    actor_role: readingRole(actor, event.org_path),
    created_at: at,
  });
  if (!created) {
    const existing = await repo.getEventNoteByRecord(trx, event.id, note.kind, note.recordId);
    return { id: existing!.id, eventId: event.id, eventCode: event.code, created: false };
  }
  await appendAudit(
    ctx.db,
    {
      actorId: actor.userId,
      actorName: actor.username,
      action: 'events.event.note',
      targetType: 'grid_event',
      targetId: event.id,
      orgNodeId: event.org_node_id,
      ip: meta.ip,
      requestId: meta.requestId,
      // The record's kind, id and number; never the texts.
      details: { code: event.code, noteId: id, kind: note.kind, recordId: note.recordId, label: note.label, shownToReporter: note.reporterText != null },
    },
    trx,
  );
  return { id, eventId: event.id, eventCode: event.code, created: true };
}
