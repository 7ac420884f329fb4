import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loadActor } from '../../src/platform/auth/auth.service.js';
import * as mediation from '../../src/modules/community/mediation.service.js';
import { loginAs } from '../helpers/http.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, PHONE, residentLoginAs, startServer, type TestServer } from './harness.js';

/*
 * 纠纷调解 in Chromium: the lead mediator works a case in the console and opens another from a
 * 矛盾纠纷 event by its number; a grid worker not on the case finds nothing; the applicant
 * follows the case on a phone (长辈模式 too) without the other party's phone number.
 */

describe('mediation pages', () => {
  let server: TestServer;
  let browser: Browser;
  let caseId: string;
  let caseNumber: string;
  let eventCode: string;
  let eventId: string;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await ctx.db.kysely.updateTable('app_user').set({ person_id: reg.people.zhu }).where('id', '=', server.fixture.users.resident01!).execute();
    const meta = { ip: '127.0.0.1', requestId: 'browser-test' };
    const xishan = (await loadActor(ctx.db.kysely, server.fixture.users.xishan!))!;
    const grid01 = (await loadActor(ctx.db.kysely, server.fixture.users.grid01!))!;
    let c = await mediation.createCase(
      ctx,
      xishan,
      {
        orgNodeId: server.fixture.nodes.grid01.id,
        category: '邻里纠纷',
        summary: '楼上卫生间渗水到楼下吊顶，双方多次争吵，申请人要求修复并赔偿。',
        source: 'walk_in',
        parties: [
          { side: 'applicant', personId: reg.people.zhu },
          { side: 'respondent', name: '沈建国', phone: '13957301234' },
        ],
        leadUserId: grid01.userId,
        helperUserIds: [],
      },
      meta,
    );
    c = await mediation.takeStep(ctx, grid01, c.id, { action: 'start', expectedVersion: c.version }, meta);
    await mediation.addSession(
      ctx,
      grid01,
      c.id,
      { heldAt: new Date(Date.now() - 3_600_000).toISOString(), place: '西山社区人民调解室', attendees: '朱志强、沈建国、李建华', record: '双方陈述了渗水经过，被申请人情绪激动，约定下周再谈。', expectedVersion: c.version },
      meta,
    );
    caseId = c.id;
    caseNumber = c.number;
    // A 矛盾纠纷 event reported by the resident, for the console's "from an event" button.
    const s = await loginAs(server.app, 'resident01');
    const ev = await server.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: s.headers,
      payload: { categoryCode: '0401', description: '楼上住户空调外机滴水到我家阳台，多次沟通无果', lat: 30.533, lng: 120.683, attributes: { parties: '2' } },
    });
    expect(ev.statusCode, ev.body).toBe(201);
    eventCode = (ev.json() as { code: string }).code;
    eventId = (ev.json() as { id: string }).id;
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the lead mediator works the case and opens another from an event number', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'grid01');
    await page.getByTestId('side-menu').getByText('纠纷调解', { exact: true }).click();
    await page.getByTestId('mediation-row').filter({ hasText: caseNumber }).click();
    const detail = page.getByTestId('mediation-detail');
    await detail.getByTestId('mediation-summary-text').getByText('楼上卫生间渗水').waitFor();
    // Numbers masked in the parties' table.
    await detail.getByTestId('mediation-parties').getByText('139****1234').waitFor();
    expect(await detail.getByTestId('mediation-parties').textContent()).not.toContain('13957301234');
    // A step: 调解不成 needs a note; the history records it.
    await detail.getByTestId('mediation-step-withdraw').waitFor();
    await detail.getByTestId('mediation-step-fail').click();
    await page.getByTestId('mediation-step-note').fill('双方分歧较大，已告知可向海宁市人民法院起诉');
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await detail.locator('.ant-tag').getByText('调解不成').waitFor();
    await detail.getByText('双方分歧较大，已告知可向海宁市人民法院起诉').first().waitFor();
    await page.locator('.ant-drawer-close').click();
    await detail.waitFor({ state: 'detached' });

    // From an event: by its number, in the registration dialog.
    await page.getByTestId('mediation-new').click();
    await page.getByTestId('mediation-event-code').fill(eventCode);
    await page.getByTestId('mediation-from-event').click();
    await page.getByTestId('mediation-detail').getByText('楼上住户空调外机滴水到我家阳台').waitFor();
    await page.getByTestId('mediation-detail').getByTestId('mediation-parties').getByText('朱志强').waitFor();
    const stored = await server.platform.ctx.db.kysely.selectFrom('mediation_case').select(['id', 'source', 'number']).where('source', 'like', 'event:%').execute();
    expect(stored).toHaveLength(1);
    const fromEvent = stored[0]!;

    // The case names its event; the event's page says it went to mediation, with the case number.
    await page.getByTestId('mediation-detail').getByTestId('mediation-source-event').click();
    await page.getByTestId('event-page').waitFor();
    const note = page.getByTestId('event-timeline').locator('[data-testid="timeline-entry"][data-transition="note"]');
    await note.getByText(`已转人民调解，案件编号 ${fromEvent.number}`).waitFor();
    expect(await note.innerText()).toContain('转人民调解');
    expect(await note.innerText()).toContain('李建华');
    await expect.poll(() => page.getByTestId('event-links').innerText()).toContain(fromEvent.number);
    // Steps come first, the note after them.
    await expect
      .poll(() => page.getByTestId('event-timeline').locator('[data-testid="timeline-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-transition'))))
      .toEqual(['start', 'note']);
    // And back to the case from the timeline.
    await note.getByTestId('timeline-link').click();
    await page.getByTestId('mediation-detail').getByText('楼上住户空调外机滴水到我家阳台').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/community/mediation/${fromEvent.id}`);
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('mediation-detail').waitFor({ state: 'detached' });

    // The same event again: 409, and the dialog offers the case it already went to.
    await page.getByTestId('mediation-new').click();
    await page.getByTestId('mediation-event-code').fill(eventCode);
    await page.getByTestId('mediation-from-event').click();
    await page.getByTestId('mediation-event-taken').getByText('该事件已转人民调解').waitFor();
    expect(await page.getByTestId('mediation-error').count()).toBe(0);
    await page.getByTestId('mediation-open-existing').click();
    await page.getByTestId('mediation-detail').getByText('楼上住户空调外机滴水到我家阳台').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/community/mediation/${fromEvent.id}`);
    expect(await server.platform.ctx.db.kysely.selectFrom('mediation_case').select('id').where('source', 'like', 'event:%').execute()).toHaveLength(1);
    expect(errors.filter((e) => !/409 \(Conflict\)/.test(e))).toEqual([]);
    await context.close();
  });

  it('a grid worker not on the case sees no case and gets “does not exist” by its address', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'grid02');
    await page.getByTestId('side-menu').getByText('纠纷调解', { exact: true }).click();
    await page.getByTestId('mediation-list').getByText('暂无您经办的调解案件').waitFor();
    await page.goto(`${server.url}/console/community/mediation/${caseId}`);
    await page.getByText('调解案件不存在').first().waitFor();
    expect(await page.getByTestId('mediation-detail').count()).toBe(0);
    expect(errors.filter((e) => !/404 \(Not Found\)/.test(e))).toEqual([]);
    await context.close();
  });

  it('the applicant follows the case on a phone, in 长辈模式, without the other party’s number', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    await context.addInitScript(() => localStorage.setItem('linli.elderly', JSON.stringify({ on: true, size: 20 })));
    await residentLoginAs(page, server.url, 'resident01', '居民 朱志强');
    await page.goto(`${server.url}/m/me`);
    await page.getByTestId('me-mediation-link').click();
    await page.getByTestId('mediation-item').filter({ hasText: caseNumber }).click();
    const detail = page.getByTestId('mediation-detail');
    await detail.getByTestId('mediation-status').getByText('调解不成').waitFor();
    await detail.getByTestId('mediation-parties').getByText('被申请人：沈建国').waitFor();
    await detail.getByTestId('mediation-sessions').getByText('西山社区人民调解室', { exact: false }).waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).not.toContain('1234');
    expect(text).not.toContain('情绪激动');
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);
    const sizes = await detail.locator('p, li, h2, h3').evaluateAll((els) =>
      els.map((e) => ({ what: e.textContent?.slice(0, 16), size: parseFloat(getComputedStyle(e).fontSize), line: parseFloat(getComputedStyle(e).lineHeight) })),
    );
    expect(sizes.length).toBeGreaterThan(5);
    for (const x of sizes) {
      expect(x.size, x.what ?? '').toBeGreaterThanOrEqual(18);
      expect(x.line / x.size, x.what ?? '').toBeGreaterThanOrEqual(1.3);
    }
    const back = await detail.locator('a.r-nav-link').boundingBox();
    expect(back!.height).toBeGreaterThanOrEqual(60);

    // Their event's progress says it went to mediation (no staff names on it).
    await page.goto(`${server.url}/m/me/events/${eventId}`);
    const step = page.getByTestId('my-event-timeline').locator('[data-testid="my-event-step"][data-transition="note"]');
    await step.getByText('您反映的纠纷已转社区人民调解委员会调解', { exact: false }).waitFor();
    expect(await step.innerText()).toContain('转人民调解');
    expect(await step.innerText()).not.toContain('李建华');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await context.close();
  });
});
