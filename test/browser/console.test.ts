import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { currentTotp } from '../../src/platform/auth/totp.js';
import { DESKTOP, launchBrowser, openSession, PASSWORD, startServer, type TestServer } from './harness.js';

describe('staff console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the server’s Chinese message for a wrong password, with the attempts left', async () => {
    const { page, context } = await openSession(browser, DESKTOP);
    await page.goto(`${server.url}/console/`);
    await page.waitForURL(/\/console\/login$/);
    await page.getByTestId('login-username').fill('xishan');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    const alert = page.getByTestId('login-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('用户名或密码错误');
    expect(await alert.innerText()).toContain('还可尝试 4 次');
    // Still on the login page, no menu.
    expect(await page.getByTestId('side-menu').count()).toBe(0);
    await context.close();
  });

  it('logs in, browses the org tree with breadcrumbs, and draws one SVG path per grid on the map', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    const { nodes } = server.fixture;
    await page.goto(`${server.url}/console/login`);
    await page.getByTestId('login-username').fill('xishan');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();

    // Side menu with this module's entries; the auditor-only entry is hidden from community staff.
    const menu = page.getByTestId('side-menu');
    await menu.waitFor();
    const menuText = await menu.innerText();
    for (const label of ['组织架构', '网格地图', '居民', '消息']) expect(menuText).toContain(label);
    expect(menuText).not.toContain('审计日志');
    expect(await page.getByTestId('current-user').innerText()).toBe('西山社区 王秀英');
    expect(await page.getByTestId('current-role').first().innerText()).toBe('社区工作人员');

    // The org tree opens on the person's own community and lists its grids.
    await page.waitForURL(new RegExp(`/console/org/${nodes.xishan.id}$`));
    const table = page.getByTestId('org-table');
    await table.getByText('西山社区第一网格').waitFor();
    expect(await table.getByText('西山社区第二网格').count()).toBe(1);
    const crumbs = page.getByTestId('breadcrumbs');
    await crumbs.getByText('硖石街道').waitFor();
    expect(await crumbs.innerText()).toMatch(/海宁市[\s\S]*硖石街道[\s\S]*西山社区/);

    // Kind filter goes to the server: no buildings directly under a community.
    await page.getByTestId('org-filter-kind').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '楼栋' }).click();
    await table.locator('.ant-empty').waitFor();
    expect(await table.getByText('西山社区第一网格').count()).toBe(0);
    await page.getByTestId('org-filter-kind').locator('.ant-select-clear').click({ force: true });
    await table.getByText('西山社区第一网格').waitFor();

    // Drill down by clicking a grid: its buildings, and the community is now a breadcrumb link.
    await table.getByText('西山社区第一网格').click();
    await page.waitForURL(new RegExp(`/console/org/${nodes.grid01.id}$`));
    await table.getByText('1幢').waitFor();
    expect(await table.getByText('3幢').count()).toBe(1);
    await crumbs.getByRole('link', { name: '西山社区' }).click();
    await page.waitForURL(new RegExp(`/console/org/${nodes.xishan.id}$`));

    // The map: one path per grid with geometry, grid 1 drawn west of grid 2, legend with numbers.
    await menu.getByText('网格地图').click();
    await page.waitForURL(new RegExp(`/console/map/${nodes.xishan.id}$`));
    const map = page.getByTestId('grid-map');
    await map.locator('path.gm-shape').first().waitFor();
    const paths = map.locator('path');
    expect(await paths.count()).toBe(2);
    const ids = await paths.evaluateAll((els) => els.map((e) => e.getAttribute('data-feature-id')));
    expect(ids.sort()).toEqual([nodes.grid01.id, nodes.grid02.id].sort());
    // Geometry in the SVG's own units (no stroke, no layout): adjacent, north up, inside the view.
    const bbox = (id: string) =>
      map.locator(`path[data-feature-id="${id}"]`).evaluate((el) => {
        const b = (el as SVGGraphicsElement).getBBox();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      });
    const box1 = await bbox(nodes.grid01.id);
    const box2 = await bbox(nodes.grid02.id);
    expect(Math.abs(box1.x + box1.width - box2.x)).toBeLessThan(0.5); // grid 1 west of grid 2, sharing an edge
    expect(Math.abs(box1.y + box1.height - (box2.y + box2.height))).toBeLessThan(0.5); // same southern edge
    expect(box1.height / box2.height).toBeCloseTo(1.5, 1); // 0.006° vs 0.004° of latitude
    // Mercator keeps shapes true: at 30.5°N a degree of longitude is cos(30.5°) of a degree of latitude.
    expect(box2.width / box2.height).toBeCloseTo((0.008 / 0.004) * Math.cos((30.532 * Math.PI) / 180), 1);
    const [, , vbWidth, vbHeight] = (await map.getAttribute('viewBox'))!.split(' ').map(Number) as [number, number, number, number];
    for (const b of [box1, box2]) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(vbWidth);
      expect(b.y + b.height).toBeLessThanOrEqual(vbHeight);
    }
    // Colour by building count, repeated as numbers in the labels and the legend.
    const legend = page.getByTestId('grid-map-legend');
    await legend.waitFor();
    expect(await legend.innerText()).toContain('楼栋数');
    const labels = await map.locator('text').allTextContents();
    expect(labels.join('|')).toMatch(/楼栋数 2/);
    expect(labels.join('|')).toMatch(/楼栋数 1/);
    const fills = await paths.evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(new Set(fills).size).toBe(2);

    // Hover names the grid; clicking drills down to its buildings (points, not paths).
    await map.locator(`path[data-feature-id="${nodes.grid01.id}"]`).hover();
    expect(await page.getByTestId('grid-map-info').innerText()).toContain('西山社区第一网格');
    await map.locator(`path[data-feature-id="${nodes.grid01.id}"]`).click();
    await page.waitForURL(new RegExp(`/console/map/${nodes.grid01.id}$`));
    await map.locator('circle.gm-point').first().waitFor();
    expect(await map.locator('circle.gm-point').count()).toBe(2);
    expect(await map.locator('path').count()).toBe(0);

    // English switch: the menu and the header follow.
    await page.getByTestId('lang-switch').getByText('English').click();
    await menu.getByText('Organisation', { exact: true }).waitFor();
    expect(await page.getByTestId('logout').innerText()).toContain('Log out');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('forces a password change, then TOTP enrolment for an admin, then asks for the code at login', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    const { ctx } = server.platform;
    // Outside demo mode admin accounts must enrol a second factor.
    ctx.config.demo = false;
    try {
      await ctx.db.kysely.updateTable('app_user').set({ must_change_password: 1 }).where('username', '=', 'security').execute();
      await page.goto(`${server.url}/console/org`);
      await page.waitForURL(/\/console\/login$/);
      await page.getByTestId('login-username').fill('security');
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();

      await page.waitForURL(/\/console\/password$/);
      await page.getByLabel('当前密码').fill(PASSWORD);
      await page.getByLabel('新密码', { exact: true }).fill('Weak');
      await page.getByLabel('确认新密码').fill('Weak');
      await page.getByRole('button', { name: '保存新密码' }).click();
      // Too short: the form says so before asking the server.
      await page.getByText('至少 8 位', { exact: false }).first().waitFor();
      await page.getByLabel('新密码', { exact: true }).fill('Linli#2027new');
      await page.getByLabel('确认新密码').fill('Linli#2027new');
      await page.getByRole('button', { name: '保存新密码' }).click();

      await page.waitForURL(/\/console\/totp$/);
      await page.getByTestId('totp-qr').waitFor();
      expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
      const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      await page.getByTestId('totp-code').fill(currentTotp(secret, new Date()));
      await page.getByRole('button', { name: '确认绑定' }).click();
      await page.getByTestId('side-menu').waitFor();
      expect(await page.getByTestId('current-role').first().innerText()).toBe('安全管理员');

      // Next login: the server answers TOTP_REQUIRED and the form grows a code field.
      await page.getByTestId('logout').click();
      await page.waitForURL(/\/console\/login$/);
      await page.getByTestId('login-username').fill('security');
      await page.getByTestId('login-password').fill('Linli#2027new');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-totp').waitFor();
      expect(await page.getByTestId('login-error').innerText()).toContain('请输入动态口令');
      // The code of the next 30 s step: the enrolment code may not be replayed.
      await page.getByTestId('login-totp').fill(currentTotp(secret, new Date(Date.now() + 30_000)));
      await page.getByTestId('login-submit').click();
      await page.getByTestId('side-menu').waitFor();
      // Only the two expected 401s (TOTP_REQUIRED) may show in the browser console.
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    } finally {
      ctx.config.demo = true;
      await context.close();
    }
  });

  it('loads the login page with no console errors or CSP violations under the strict CSP', async () => {
    const { page, context, errors } = await openSession(browser, DESKTOP);
    const res = await page.goto(`${server.url}/console/login`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('login-username').waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
    await context.close();
  });
});
