import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newId } from '../../src/platform/ids.js';
import { seedRegistryFixture, type RegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { loginAs } from '../helpers/http.js';
import { chooseOption, consoleLoginAs, DESKTOP, launchBrowser, openSession, startServer, type TestServer } from './harness.js';

/*
 * 走访 in Chromium: a grid worker opens a resident's visits, turns the need found on a visit into
 * a service application made on the resident's behalf (代办) — the matter's form prefilled from
 * the registry, the ID card received on paper — and the visit then shows the application's number.
 */

describe('a need found on a visit becomes an application in one step', () => {
  let server: TestServer;
  let browser: Browser;
  let reg: RegistryFixture;
  let visitId: string;

  beforeAll(async () => {
    server = await startServer();
    reg = await seedRegistryFixture(server.platform.ctx, server.fixture.nodes);
    await server.platform.ctx.db.kysely
      .insertInto('person_tag')
      .values({ id: newId(), person_id: reg.people.zhu, tag: '独居老人', source: 'typed', department_code: null, valid_from: null, valid_to: null, note: null, created_by: null, created_at: '2026-01-01T00:00:00Z', ended_at: null, ended_by: null, end_reason: null })
      .execute();
    const staff = await loginAs(server.app, 'xishan');
    const plan = await server.app.inject({ method: 'POST', url: '/api/v1/visit-plans', headers: staff.headers, payload: { orgNodeId: server.fixture.nodes.xishan.id, title: '独居老人每周走访', tag: '独居老人', intervalDays: 7 } });
    expect(plan.statusCode, plan.body).toBe(201);
    const grid = await loginAs(server.app, 'grid01');
    const visit = await server.app.inject({
      method: 'POST',
      url: '/api/v1/visits',
      headers: grid.headers,
      payload: { personId: reg.people.zhu, kind: 'home', findings: '老人腿脚不便，自己做饭困难。', needs: [{ kind: '助餐', note: '希望每天送餐上门' }] },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    visitId = (visit.json() as { id: string }).id;
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the grid worker applies for 老年助餐 from the visit record', async () => {
    const staff = await openSession(browser, DESKTOP);
    const s = staff.page;
    await consoleLoginAs(s, server.url, 'grid01');
    await s.getByTestId('side-menu').getByText('走访关怀', { exact: true }).click();
    await s.locator('.ant-segmented').getByText('全部', { exact: true }).click();
    await s.locator('tr').filter({ hasText: '朱志强' }).getByRole('button', { name: '走访记录' }).click();
    const need = s.getByTestId('visit-need-0');
    await need.getByText('助餐：希望每天送餐上门').waitFor();
    await need.getByTestId('visit-need-apply-0').click();

    const matter = s.getByTestId('visit-apply-matter');
    const form = s.getByTestId('visit-apply-form');
    // A click that lands while the dropdown animates in can miss: search and pick until the form opens.
    await expect
      .poll(
        async () => {
          if (await form.count()) return true;
          const option = s.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '老年助餐服务登记' });
          if (await option.count()) await option.first().click({ timeout: 1_000 }).catch(() => undefined);
          else {
            await matter.click({ timeout: 1_000 }).catch(() => undefined);
            await s.keyboard.type('助餐');
          }
          return false;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await form.waitFor();
    expect(await s.getByTestId('visit-apply-reason').inputValue()).toBe('走访发现需求：助餐，希望每天送餐上门');
    await chooseOption(s, s.getByTestId('visit-apply-field-way'), '送餐上门');
    // Without the ID card the service hall refuses, and says which material is missing.
    await s.getByTestId('visit-apply-submit').click();
    await s.getByTestId('visit-apply-error').getByText('请上传“申请人居民身份证”').waitFor();
    await s.getByTestId('visit-apply-paper-id-card').check();
    await s.getByTestId('visit-apply-submit').click();

    const linked = s.getByTestId('visit-need-application-0');
    await linked.waitFor();
    const code = /BJ\d{8}-\d{4}/.exec(await linked.innerText())?.[0];
    expect(code).toBeTruthy();
    const row = await server.platform.ctx.db.kysely.selectFrom('service_application').selectAll().where('code', '=', code!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'submitted', channel: 'on_behalf', applicant_person_id: reg.people.zhu, matter_code: 'laonian-zhucan', org_node_id: server.fixture.nodes.grid01.id, agent_reason: '走访发现需求：助餐，希望每天送餐上门' });
    expect(JSON.parse(row.paper_materials)).toEqual(['id-card']);
    const visit = await server.platform.ctx.db.kysely.selectFrom('visit_record').select('needs').where('id', '=', visitId).executeTakeFirstOrThrow();
    expect(JSON.parse(visit.needs)).toEqual([{ kind: '助餐', note: '希望每天送餐上门', application: { id: row.id, code } }]);
    // The tag opens the application in the service hall.
    await linked.click();
    await s.waitForURL(new RegExp(`/console/service-applications/${row.id}$`));
    // The one refusal above (no ID card) is the only failed request.
    expect(staff.errors.filter((e) => !/status of 400 .*\/needs\/0\/application/.test(e))).toEqual([]);
    expect(staff.errors.filter((e) => /status of 400/.test(e))).toHaveLength(1);
    await staff.context.close();
  });
});
