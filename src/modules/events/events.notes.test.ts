import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { verifyAuditChain } from '../../platform/audit/audit.js';
import { AppError } from '../../platform/errors.js';
import type { LinliApp } from '../../platform/http/app.js';
import { t } from '../../platform/i18n/i18n.js';
import type { Actor } from '../../platform/policy/actor.js';
import { giveFixturePolygons, loadEventActor, POINTS } from './events.fixture.js';
import { addEventNote } from './events.notes.js';
import type { EventNoteInput } from './events.schema.js';

/*
 * 事件关联记录: another module writes an entry on an event's timeline in its own transaction
 * (events.notes.ts). Audited, shown on the event page and, when the writer gave a text for them,
 * in the reporter's own view; refused to whoever may not read the event.
 */

const bj = (local: string) => new Date(`${local}+08:00`);
const META = { ip: '127.0.0.1', requestId: 'notes-test' };

interface TimelineEntry {
  entry: 'step' | 'note';
  version: number | null;
  transition: string;
  label: { 'zh-CN': string; en: string };
  toState: string;
  actorName: string | null;
  actorRole: string | null;
  comment: string | null;
  at: string;
  link: { kind: string; id: string; label: string; href: string | null } | null;
}

describe(`grid events: linked records on the timeline (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  const s: Record<string, Session> = {};
  const a: Record<string, Actor> = {};
  const db = () => platform.ctx.db.kysely;

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers });
  const noteRows = (eventId: string) => db().selectFrom('event_note').selectAll().where('event_id', '=', eventId).execute();
  const noteAudits = (eventId: string) =>
    db().selectFrom('audit_log').select(['seq', 'actor_id', 'details', 'outcome']).where('action', '=', 'events.event.note').where('target_id', '=', eventId).orderBy('seq').execute();
  /** As another module calls it: in its own transaction. */
  const write = (who: string, eventId: string, input: EventNoteInput) => db().transaction().execute((trx) => addEventNote(platform.ctx, trx, a[who]!, eventId, input, META));
  const caseNote = (id: string, number: string): EventNoteInput => ({
    kind: 'mediation.case',
    recordId: id,
    label: number,
    title: { 'zh-CN': '转人民调解', en: 'Sent to mediation' },
    text: `已转人民调解，案件编号 ${number}`,
    reporterText: `您反映的纠纷已转社区人民调解委员会调解，案件编号 ${number}`,
    link: `/console/community/mediation/${id}`,
  });
  async function refusal(p: Promise<unknown>) {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, 'expected a refusal').toBeInstanceOf(AppError);
    return err as AppError;
  }
  const workflowVersion = async (eventId: string) =>
    Number(
      (
        await db()
          .selectFrom('workflow_instance')
          .innerJoin('grid_event', 'grid_event.workflow_instance_id', 'workflow_instance.id')
          .select('workflow_instance.version as v')
          .where('grid_event.id', '=', eventId)
          .executeTakeFirstOrThrow()
      ).v,
    );
  async function report(): Promise<string> {
    const res = await call('resident01', 'POST', '/api/v1/events', { categoryCode: '0401', description: '楼上住户空调外机滴水到我家阳台，多次沟通无果', ...POINTS.grid01, attributes: { parties: '2' } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }

  beforeAll(async () => {
    platform = await createTestPlatform({ start: bj('2026-11-30T09:00:00') });
    fx = await seedFixture(platform.ctx);
    await giveFixturePolygons(platform.ctx, fx.nodes);
    app = await createTestApp(platform);
    for (const u of ['resident01', 'xishan', 'grid01', 'grid02', 'street']) {
      s[u] = await loginAs(app, u);
      a[u] = await loadEventActor(db(), fx.users[u]!);
    }
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('writes the entry in the caller’s transaction, audited, on the event page and in the reporter’s view', async () => {
    const id = await report();
    const accepted = await call('xishan', 'POST', `/api/v1/events/${id}/steps/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    const before = (await call('xishan', 'GET', `/api/v1/events/${id}`)).json() as { version: number; state: string; timeline: TimelineEntry[] };
    const versionBefore = await workflowVersion(id);

    platform.advance(60_000);
    const written = await write('grid01', id, caseNote('case0001', '西调〔2026〕第7号'));
    expect(written).toMatchObject({ eventId: id, created: true });
    // A second, staff-only entry (no text for the reporter).
    platform.advance(60_000);
    await write('xishan', id, { kind: 'services.application', recordId: 'app0001', label: 'BJ20261130-0001', title: { 'zh-CN': '转办事申请', en: 'Sent to the service hall' }, text: '已转为办事申请 BJ20261130-0001' });

    // The console's event page: both entries after the steps, with who, the state, the link.
    const staff = (await call('grid01', 'GET', `/api/v1/events/${id}`)).json() as { state: string; timeline: TimelineEntry[] };
    expect(staff.timeline.map((e) => `${e.entry}:${e.transition}`)).toEqual(['step:start', 'step:accept', 'note:note', 'note:note']);
    expect(staff.timeline[2]).toMatchObject({
      entry: 'note',
      version: null,
      label: { 'zh-CN': '转人民调解', en: 'Sent to mediation' },
      toState: 'accepted',
      actorName: '网格员 李建华',
      actorRole: 'grid_worker',
      comment: '已转人民调解，案件编号 西调〔2026〕第7号',
      link: { kind: 'mediation.case', id: 'case0001', label: '西调〔2026〕第7号', href: '/console/community/mediation/case0001' },
    });
    expect(staff.timeline[3]).toMatchObject({ actorRole: 'community_staff', link: { kind: 'services.application', href: null } });
    expect(staff.timeline[2]!.at > staff.timeline[1]!.at).toBe(true);
    // The street reads the same page.
    expect(((await call('street', 'GET', `/api/v1/events/${id}`)).json() as { timeline: TimelineEntry[] }).timeline.filter((e) => e.entry === 'note')).toHaveLength(2);

    // The reporter sees that it went to mediation, in their words, without who wrote it or the console link;
    // the staff-only entry is not shown to them.
    const own = (await call('resident01', 'GET', `/api/v1/me/events/${id}`)).json() as { timeline: TimelineEntry[] };
    const ownNotes = own.timeline.filter((e) => e.entry === 'note');
    expect(ownNotes).toEqual([
      expect.objectContaining({ comment: '您反映的纠纷已转社区人民调解委员会调解，案件编号 西调〔2026〕第7号', actorName: null, link: { kind: 'mediation.case', id: 'case0001', label: '西调〔2026〕第7号', href: null } }),
    ]);
    expect(JSON.stringify(own)).not.toContain('BJ20261130-0001');

    // Nothing else of the event moved: state, workflow version, the steps offered.
    const after = (await call('xishan', 'GET', `/api/v1/events/${id}`)).json() as { version: number; state: string };
    expect(after.state).toBe(before.state);
    expect(after.version).toBe(before.version);
    const versionAfter = await workflowVersion(id);
    expect(versionAfter).toBe(versionBefore);

    // Audited once each, with the record and its number, never the texts.
    const audits = await noteAudits(id);
    expect(audits).toHaveLength(2);
    expect(audits[0]!.actor_id).toBe(fx.users.grid01);
    const details = JSON.parse(audits[0]!.details!) as Record<string, unknown>;
    expect(details).toMatchObject({ kind: 'mediation.case', recordId: 'case0001', label: '西调〔2026〕第7号', shownToReporter: true });
    expect(audits[0]!.details).not.toContain('您反映');
    expect((await verifyAuditChain(platform.ctx.db)).ok).toBe(true);

    // The same record again adds nothing (no second entry, no second audit).
    const again = await write('xishan', id, caseNote('case0001', '西调〔2026〕第7号'));
    expect(again).toMatchObject({ id: written.id, created: false });
    expect(await noteRows(id)).toHaveLength(2);
    expect(await noteAudits(id)).toHaveLength(2);

    // A step after the entries still goes through with the version the page had.
    const dispatched = await call('xishan', 'POST', `/api/v1/events/${id}/steps/dispatch`, { assignee: { orgNodeId: fx.nodes.grid01.id }, expectedVersion: before.version });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
  });

  it('commits with the caller or not at all', async () => {
    const id = await report();
    const failed = await db()
      .transaction()
      .execute(async (trx) => {
        await addEventNote(platform.ctx, trx, a.grid01!, id, caseNote('case0002', '西调〔2026〕第8号'), META);
        throw new Error('the caller’s own write failed');
      })
      .then(
        () => null,
        (e: Error) => e.message,
      );
    expect(failed).toBe('the caller’s own write failed');
    expect(await noteRows(id)).toEqual([]);
    expect(await noteAudits(id)).toEqual([]);
    expect(((await call('grid01', 'GET', `/api/v1/events/${id}`)).json() as { timeline: TimelineEntry[] }).timeline.filter((e) => e.entry === 'note')).toEqual([]);
    expect((await verifyAuditChain(platform.ctx.db)).ok).toBe(true);
  });

  it('is refused to whoever may not read the event: a grid worker of another grid, the reporter themself', async () => {
    const id = await report();
    const other = await refusal(write('grid02', id, caseNote('case0003', '西调〔2026〕第9号')));
    expect([other.status, other.code]).toEqual([404, 'EVENT_NOT_FOUND']);
    const reporter = await refusal(write('resident01', id, caseNote('case0003', '西调〔2026〕第9号')));
    expect([reporter.status, reporter.code]).toEqual([404, 'EVENT_NOT_FOUND']);
    const unknown = await refusal(write('grid01', 'nosuchevent00000', caseNote('case0003', '西调〔2026〕第9号')));
    expect([unknown.status, unknown.code]).toEqual([404, 'EVENT_NOT_FOUND']);
    expect(await noteRows(id)).toEqual([]);
    expect(await noteAudits(id)).toEqual([]);
    // grid01 of the event's grid may.
    expect((await write('grid01', id, caseNote('case0003', '西调〔2026〕第9号'))).created).toBe(true);
  });

  it('checks what the calling module passes (400 EVENT_NOTE_INVALID, in Chinese and English)', async () => {
    const id = await report();
    const good = caseNote('case0004', '西调〔2026〕第10号');
    for (const [field, bad] of [
      ['kind', { ...good, kind: 'Mediation' }],
      ['label', { ...good, label: '  ' }],
      ['text', { ...good, text: '' }],
      ['title.en', { ...good, title: { 'zh-CN': '转人民调解', en: '' } }],
      ['link', { ...good, link: 'https://example.com/x' }],
      ['link', { ...good, link: '/console/../api/v1/audit' }],
    ] as const) {
      const e = await refusal(write('grid01', id, bad as EventNoteInput));
      expect([e.status, e.code], field).toEqual([400, 'EVENT_NOTE_INVALID']);
      expect((e.details as { field: string }[]).map((d) => d.field), field).toContain(field);
      expect(t('zh-CN', `error.${e.code}`, e.params)).toContain(field);
      expect(t('zh-CN', `error.${e.code}`, e.params)).toMatch(/事件关联记录/);
      expect(t('en', `error.${e.code}`, e.params)).toMatch(/linked record/);
    }
    expect(await noteRows(id)).toEqual([]);
  });
});
