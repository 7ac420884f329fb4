import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import type { LinliApp } from '../../platform/http/app.js';
import { newId } from '../../platform/ids.js';
import { closeExpiredSurveys } from './surveys.service.js';
import { seedRegistryFixture, type RegistryFixture } from '../registry/registry.fixture.js';

/** Reads Server-Sent Events off a fetch body, one parsed event at a time. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 8000): Promise<{ event: string; data: any }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const cut = buffer.indexOf('\n\n');
        if (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith(':')) continue;
          return { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no event in time');
        const chunk = await Promise.race([reader.read(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no event in time')), left))]);
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

const QUESTIONS = [
  { kind: 'single', title: '您对社区环境的满意度', required: true, options: ['满意', '一般', '不满意'] },
  { kind: 'multiple', title: '希望增加的活动', required: true, options: ['讲座', '书画', '舞蹈', '亲子'], minPicks: 1, maxPicks: 2 },
  { kind: 'rating', title: '给网格员打分', required: true },
  { kind: 'text', title: '其他建议', required: false, maxLength: 10 },
];

describe(`surveys 民意调查 (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fx: Fixture;
  let reg: RegistryFixture;
  let base: string;
  const s: Record<string, Session> = {};

  const call = (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, lang?: string) =>
    app.inject({ method, url, payload: payload as never, headers: { ...(method === 'GET' ? { cookie: s[who]!.cookie } : s[who]!.headers), ...(lang ? { 'accept-language': lang } : {}) } });

  const audits = async (action: string, targetId: string) =>
    (await platform.ctx.db.kysely.selectFrom('audit_log').select('seq').where('action', '=', action).where('target_id', '=', targetId).execute()).length;

  async function tag(personId: string, code: string, opts: { ended?: boolean; validTo?: string } = {}) {
    await platform.ctx.db.kysely
      .insertInto('person_tag')
      .values({ id: newId(), person_id: personId, tag: code, source: 'typed', department_code: null, valid_from: null, valid_to: opts.validTo ?? null, note: null, created_by: null, created_at: '2026-01-01T00:00:00Z', ended_at: opts.ended ? '2026-06-01T00:00:00Z' : null, ended_by: null, end_reason: opts.ended ? '已退出' : null })
      .execute();
  }

  async function published(body: Record<string, unknown> = {}) {
    const res = await call('xishan', 'POST', '/api/v1/surveys', {
      orgNodeId: fx.nodes.xishan.id,
      title: '社区满意度调查',
      questions: QUESTIONS,
      audience: { nodeIds: [fx.nodes.xishan.id] },
      resultsPublic: true,
      opensAt: '2026-11-26T00:00:00Z',
      closesAt: '2026-12-10T00:00:00Z',
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    const draft = res.json() as { id: string; version: number; status: string };
    expect(draft.status).toBe('draft');
    const pub = await call('xishan', 'POST', `/api/v1/surveys/${draft.id}/publish`, { expectedVersion: draft.version });
    expect(pub.statusCode, pub.body).toBe(200);
    return pub.json() as { id: string; eligibleCount: number; status: string; questions: { id: string; options?: { id: string }[] }[] };
  }

  const good = { answers: [{ questionId: 'q1', optionIds: ['a'] }, { questionId: 'q2', optionIds: ['a', 'c'] }, { questionId: 'q3', rating: 4 }, { questionId: 'q4', text: '多种树' }] };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fx = await seedFixture(platform.ctx);
    reg = await seedRegistryFixture(platform.ctx, fx.nodes);
    const db = platform.ctx.db.kysely;
    await db.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', fx.users.resident01!).execute();
    await db.updateTable('app_user').set({ person_id: reg.people.xu }).where('id', '=', fx.users.volunteer01!).execute();
    await tag(reg.people.xu, '低保');
    await tag(reg.people.wang, '低保');
    await tag(reg.people.chen, '低保'); // 东山社区: outside
    await tag(reg.people.child, '低保', { ended: true });
    await tag(reg.people.zhu, '低保', { validTo: '2026-10-31' });
    app = await createTestApp(platform);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const u of ['xishan', 'grid01', 'resident01', 'volunteer01', 'street']) s[u] = await loginAs(app, u);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('targets by tag: exactly the people holding it on the day, told in their inbox', async () => {
    const sv = await published({ title: '低保家庭需求调查', audience: { nodeIds: [fx.nodes.xishan.id], tags: ['低保'] } });
    expect(sv.eligibleCount).toBe(2);
    const rows = await platform.ctx.db.kysely.selectFrom('survey_eligible').select('person_id').where('survey_id', '=', sv.id).execute();
    expect(rows.map((r) => r.person_id).sort()).toEqual([reg.people.xu, reg.people.wang].sort());
    const mine = (await call('volunteer01', 'GET', '/api/v1/me/surveys')).json() as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).toContain(sv.id);
    const inbox = await platform.ctx.db.kysely.selectFrom('notification').select(['link']).where('user_id', '=', fx.users.volunteer01!).where('kind', '=', 'community.survey.published').execute();
    expect(inbox.map((n) => n.link)).toContain(`/m/surveys/${sv.id}`);
    // 朱志强's tag expired: not eligible, the survey does not exist for him.
    expect((await call('resident01', 'GET', `/api/v1/me/surveys/${sv.id}`)).statusCode).toBe(404);
    expect((await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good)).statusCode).toBe(404);
    // grid workers may not manage surveys; staff of another area do not see them.
    expect((await call('grid01', 'GET', `/api/v1/surveys/${sv.id}`)).statusCode).toBe(403);
  });

  it('validates each question, with a message per question in zh and en', async () => {
    const sv = await published({ title: '校验测试' });
    const bad = {
      answers: [
        { questionId: 'q1', optionIds: ['a', 'b'] }, // single with two
        { questionId: 'q2', optionIds: ['a', 'b', 'c'] }, // too many
        { questionId: 'q3', rating: 6 },
        { questionId: 'q4', text: '这条建议明显超过了十个字' },
        { questionId: 'q9', text: 'x' },
      ],
    };
    const zh = await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, bad);
    expect(zh.statusCode).toBe(400);
    const body = zh.json() as { error: { code: string; details: { questionId: string; code: string; message: string }[] } };
    expect(body.error.code).toBe('SURVEY_ANSWER_INVALID');
    const by = Object.fromEntries(body.error.details.map((d) => [d.questionId, d]));
    expect(by.q1!.code).toBe('SURVEY_ANSWER_SINGLE');
    expect(by.q2!).toMatchObject({ code: 'SURVEY_ANSWER_TOO_MANY', message: '第2题最多选 2 项' });
    expect(by.q3!.message).toBe('第3题请打 1–5 分');
    expect(by.q4!.message).toBe('第4题最多 10 字');
    expect(by.q9!.code).toBe('SURVEY_ANSWER_UNKNOWN_QUESTION');
    const en = await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, { answers: [{ questionId: 'q1', optionIds: ['z'] }, { questionId: 'q3', text: 'five' }] }, 'en');
    expect(en.statusCode).toBe(400);
    const enBy = Object.fromEntries((en.json() as typeof body).error.details.map((d) => [d.questionId, d.message]));
    expect(enBy).toEqual({ q1: 'Question 1: no such option', q2: 'Question 2 must be answered', q3: 'Question 3: wrong kind of answer' });
    // Nothing was stored by the refused attempts.
    const n = await platform.ctx.db.kysely.selectFrom('survey_participation').select('person_id').where('survey_id', '=', sv.id).execute();
    expect(n).toEqual([]);
    // The builder's own rules.
    const wrong = await call('xishan', 'POST', '/api/v1/surveys', { orgNodeId: fx.nodes.xishan.id, title: '坏问卷', questions: [{ kind: 'multiple', title: '选', options: ['甲', '乙'], minPicks: 2, maxPicks: 1 }], audience: { nodeIds: [fx.nodes.xishan.id] }, opensAt: '2026-11-26T00:00:00Z', closesAt: '2026-12-10T00:00:00Z' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('SURVEY_QUESTION_PICKS');
  });

  it('edits a draft: only the fields sent change; a published survey is no longer editable', async () => {
    const res = await call('xishan', 'POST', '/api/v1/surveys', { orgNodeId: fx.nodes.xishan.id, title: '草稿问卷', description: '说明', questions: QUESTIONS, audience: { nodeIds: [fx.nodes.xishan.id] }, anonymous: true, opensAt: '2026-11-26T00:00:00Z', closesAt: '2026-12-10T00:00:00Z' });
    const d = res.json() as { id: string; version: number };
    const edited = await call('xishan', 'PATCH', `/api/v1/surveys/${d.id}`, { title: '改过的草稿', expectedVersion: d.version });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ title: '改过的草稿', description: '说明', anonymous: true, version: d.version + 1 });
    expect((await call('xishan', 'PATCH', `/api/v1/surveys/${d.id}`, { title: '旧版本', expectedVersion: d.version })).statusCode).toBe(409);
    expect((await call('xishan', 'POST', `/api/v1/surveys/${d.id}/publish`, { expectedVersion: d.version + 1 })).statusCode).toBe(200);
    const late = await call('xishan', 'PATCH', `/api/v1/surveys/${d.id}`, { title: '发布后', expectedVersion: d.version + 2 });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('SURVEY_NOT_DRAFT');
  });

  it('takes one response per person: the second is refused, also when two arrive at once; results and turnout', async () => {
    const sv = await published({ title: '一人一答' });
    expect(sv.eligibleCount).toBe(4); // 朱志强, 徐美玲, 朱浩然, 王秀英
    const first = await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().responded).toBe(true);
    const again = await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SURVEY_ALREADY_ANSWERED');

    const other = { answers: [{ questionId: 'q1', optionIds: ['c'] }, { questionId: 'q2', optionIds: ['a'] }, { questionId: 'q3', rating: 2 }] };
    const both = await Promise.all([1, 2].map(() => call('volunteer01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, other)));
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);

    const res = (await call('xishan', 'GET', `/api/v1/surveys/${sv.id}/results`)).json() as any;
    expect(res.eligible).toBe(4);
    expect(res.responses).toBe(2);
    expect(res.turnout).toBe(0.5);
    expect(res.questions[0].options.map((o: any) => o.count)).toEqual([1, 0, 1]);
    expect(res.questions[1].options.map((o: any) => o.count)).toEqual([2, 0, 1, 0]);
    expect(res.questions[2]).toMatchObject({ ratingCounts: [0, 1, 0, 1, 0], average: 3, answered: 2 });
    expect(res.questions[3]).toMatchObject({ texts: 1, answered: 1 });
    // The resident who answered sees the public results; the staff list shows the count.
    const mine = await call('resident01', 'GET', `/api/v1/me/surveys/${sv.id}/results`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().responses).toBe(2);
    const list = (await call('xishan', 'GET', '/api/v1/surveys')).json() as { items: { id: string; responseCount: number }[] };
    expect(list.items.find((i) => i.id === sv.id)!.responseCount).toBe(2);
    const stored = await platform.ctx.db.kysely.selectFrom('survey_response').select(['person_id']).where('survey_id', '=', sv.id).execute();
    expect(stored.map((r) => r.person_id).sort()).toEqual([reg.people.zhu, reg.people.xu].sort());
    expect(await audits('community.survey.respond', sv.id)).toBe(2);

    // Closed: no more answers.
    expect((await call('xishan', 'POST', `/api/v1/surveys/${sv.id}/close`)).statusCode).toBe(200);
    const late = await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('SURVEY_NOT_OPEN');
  });

  it('keeps an anonymous survey’s answers apart from the person; the xlsx has the rows', async () => {
    const sv = await published({ title: '匿名调查', anonymous: true, resultsPublic: false });
    expect((await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good)).statusCode).toBe(201);
    expect((await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good)).statusCode).toBe(409);
    const db = platform.ctx.db.kysely;
    const responses = await db.selectFrom('survey_response').selectAll().where('survey_id', '=', sv.id).execute();
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ person_id: null, user_id: null, submitted_at: '2026-11-26T00:00:00+08:00' });
    const part = await db.selectFrom('survey_participation').selectAll().where('survey_id', '=', sv.id).execute();
    expect(part).toEqual([{ survey_id: sv.id, person_id: reg.people.zhu, responded_on: '2026-11-26' }]);
    // Results not public: the resident may not read them.
    expect((await call('resident01', 'GET', `/api/v1/me/surveys/${sv.id}/results`)).statusCode).toBe(403);

    const x = await call('xishan', 'GET', `/api/v1/surveys/${sv.id}/export.xlsx`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as never);
    const sheet = wb.getWorksheet('答卷')!;
    expect(sheet.rowCount).toBe(2);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header[0]).toBe('序号');
    expect(header).not.toContain('姓名');
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([1, '满意', '讲座、舞蹈', 4, '多种树']);
    const text = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    expect(text).not.toContain('朱志强');
    expect(await audits('community.survey.export', sv.id)).toBe(1);
  });

  it('exports a named survey with names and text answers', async () => {
    const sv = await published({ title: '实名调查' });
    expect((await call('resident01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good)).statusCode).toBe(201);
    const x = await call('xishan', 'GET', `/api/v1/surveys/${sv.id}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as never);
    const row = (wb.getWorksheet('答卷')!.getRow(2).values as unknown[]).slice(1);
    expect(row[0]).toBe(1);
    expect(row[1]).toBe('朱志强');
    expect(row.slice(3)).toEqual(['满意', '讲座、舞蹈', 4, '多种树']);
    const summary = wb.getWorksheet('汇总')!;
    expect(String(summary.getRow(2).getCell(1).value)).toContain('参与率 25.0%');
  });

  it('signals open results pages live (topic survey:<id>) after commit, only to those allowed', async () => {
    const sv = await published({ title: '实时结果' });
    // A resident who has not answered may not listen; nor may staff of another area (no such topic for them).
    expect((await fetch(`${base}/api/v1/live/topics?topic=survey:${sv.id}`, { headers: { cookie: s.volunteer01!.cookie } })).status).toBe(404);
    expect((await fetch(`${base}/api/v1/live/topics?topic=nothing:${sv.id}`, { headers: { cookie: s.xishan!.cookie } })).status).toBe(404);
    const res = await fetch(`${base}/api/v1/live/topics?topic=survey:${sv.id}`, { headers: { cookie: s.xishan!.cookie } });
    expect(res.status).toBe(200);
    const sse = sseReader(res.body!);
    expect(await sse.next()).toEqual({ event: 'hello', data: { topic: `survey:${sv.id}` } });
    // A refused response (validation) sends nothing; the real one does.
    expect((await call('volunteer01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, { answers: [] })).statusCode).toBe(400);
    expect((await call('volunteer01', 'POST', `/api/v1/me/surveys/${sv.id}/responses`, good)).statusCode).toBe(201);
    expect(await sse.next()).toEqual({ event: 'signal', data: { topic: `survey:${sv.id}` } });
    const results = (await call('xishan', 'GET', `/api/v1/surveys/${sv.id}/results`)).json();
    expect(results.responses).toBe(1);
    await sse.cancel();
    // Having answered a survey with public results, the resident may listen too.
    const r2 = await fetch(`${base}/api/v1/live/topics?topic=survey:${sv.id}`, { headers: { cookie: s.volunteer01!.cookie } });
    expect(r2.status).toBe(200);
    await r2.body!.cancel();
  });

  it('closes surveys whose closing time has passed, once, by the job', async () => {
    const sv = await published({ title: '到期自动结束', closesAt: '2026-11-27T00:00:00Z' });
    expect(await closeExpiredSurveys(platform.ctx)).toBe(0); // not yet
    platform.setNow(new Date('2026-11-27T00:00:01Z'));
    expect(await closeExpiredSurveys(platform.ctx)).toBe(1);
    expect(await closeExpiredSurveys(platform.ctx)).toBe(0); // once
    const row = await platform.ctx.db.kysely.selectFrom('survey').select(['status', 'closed_at']).where('id', '=', sv.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'closed', closed_at: '2026-11-27T00:00:01.000Z' });
    expect(await audits('community.survey.close', sv.id)).toBe(1);
    // The others run to 10 December: still open.
    const open = await platform.ctx.db.kysely.selectFrom('survey').select('id').where('status', '=', 'published').execute();
    expect(open.length).toBeGreaterThan(0);
  });
});
