import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedRegistryFixture } from '../../src/modules/registry/registry.fixture.js';
import { tagPeople } from '../../src/modules/registry/scope.fixture.js';
import { captureChanges, deliverDue } from '../../src/modules/exchange/deliveries.job.js';
import { loginAs } from '../helpers/http.js';
import { consoleLoginAs, DESKTOP, launchBrowser, openSession, startServer, type TestServer } from './harness.js';

/*
 * 数据共享交换 in Chromium: the 民政 officer sees what its department may read and what it has
 * read (a refusal included) and the dead-letter list, without admin buttons; the system admin
 * issues a key (shown once) and replays the dead delivery.
 */
describe('exchange console page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    const { ctx } = server.platform;
    const reg = await seedRegistryFixture(ctx, server.fixture.nodes);
    await tagPeople(ctx, [{ personId: reg.people.zhu, tag: '低保' }]);
    const admin = await loginAs(server.app, 'admin');
    const post = async (url: string, payload: unknown) => {
      const res = await server.app.inject({ method: 'POST', url, payload: payload as never, headers: admin.headers });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const client = await post('/api/v1/exchange/clients', { departmentCode: 'civil', name: '民政社会救助系统', contact: '救助科 王科长', orgNodeId: server.fixture.nodes.city.id, lifeEvents: ['person.died'], legalBasis: '《社会救助暂行办法》第十一条' });
    const key = await post(`/api/v1/exchange/clients/${client.id}/keys`, { name: '救助系统密钥', tags: ['低保'], fields: ['name', 'idNumber', 'tags'], orgNodeId: server.fixture.nodes.xishan.id, purpose: '低保动态核查' });
    const get = (url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key.key}` } });
    expect((await get('/api/v1/exchange/data/people')).statusCode).toBe(200);
    expect((await get(`/api/v1/exchange/data/people?orgNodeId=${server.fixture.nodes.dongshan.id}`)).statusCode).toBe(403);
    // A subscription whose receiver never answers (port 9 on loopback): one try, then the dead-letter list.
    await post(`/api/v1/exchange/clients/${client.id}/subscriptions`, { event: 'tag.gained', tags: ['特困'], orgNodeId: server.fixture.nodes.xishan.id, url: 'http://127.0.0.1:9/hook', purpose: '特困新增同步' });
    await tagPeople(ctx, [{ personId: reg.people.xu, tag: '特困' }]);
    expect(await captureChanges(ctx)).toMatchObject({ deliveries: 1 });
    expect(await deliverDue(ctx, { maxAttempts: 1, timeoutMs: 2000 })).toMatchObject({ dead: 1 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the 民政 officer what it may read, what it has read and the dead letters', async () => {
    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'civil');
    await page.getByTestId('side-menu').getByText('数据共享交换', { exact: true }).click();
    await page.getByText('民政社会救助系统').first().waitFor();
    await page.getByText('《社会救助暂行办法》第十一条').waitFor();
    await page.getByText('低保动态核查').first().waitFor();
    await page.getByRole('tab', { name: '读取记录' }).click();
    await page.getByText('共 2 次读取，涉及 1 人次；被拒绝 1 次').waitFor();
    await page.locator('.ant-tag').getByText('拒绝').first().waitFor();
    await page.getByRole('tab', { name: '变更订阅' }).click();
    await page.getByText('获得标签：特困').waitFor();
    await page.getByText(/fetch failed/).waitFor();
    expect(await page.getByRole('button', { name: /重\s?放/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '签发密钥' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets the system admin issue a key (shown once) and replay the dead delivery', async () => {
    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, server.url, 'admin');
    await page.getByTestId('side-menu').getByText('数据共享交换', { exact: true }).click();
    await page.getByText('民政社会救助系统').first().waitFor();
    await page.getByLabel('密钥名称').fill('备用密钥');
    await page.getByLabel('用途').fill('低保复核');
    await page.getByRole('button', { name: '签发密钥' }).click();
    const shown = page.getByTestId('exchange-new-key');
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/^lx_/);
    await page.getByText('备用密钥').waitFor();
    await page.getByRole('tab', { name: '变更订阅' }).click();
    await page.getByRole('button', { name: /重\s?放/ }).click();
    await page.getByText('没有死信').waitFor();
    // Registers 卫健's system through the form.
    const form = page.locator('.ant-card').filter({ hasText: '登记接入部门' });
    await form.getByLabel('部门').click();
    await page.locator('.ant-select-item-option').getByText('卫健', { exact: true }).click();
    await form.getByLabel('系统名称').fill('卫健人口监测系统');
    await form.getByLabel('联系人').fill('妇幼健康科');
    await form.getByLabel('辖区').click();
    await page.locator('.ant-select-item-option').getByText('海宁市', { exact: true }).click();
    await form.getByLabel('法律依据').fill('《母婴保健法》出生医学证明管理');
    await form.getByRole('button', { name: /登\s?记/ }).click();
    await page.getByText('卫健人口监测系统').first().waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
