import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { loginAs, type Session as ApiSession } from '../helpers/http.js';
import { buildApp, type LinliApp } from '../../src/platform/http/app.js';
import { modules } from '../../src/modules/index.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';
import { assertBuilt, consoleLoginAs, DESKTOP, launchBrowser, openSession, WEB_DIR } from './harness.js';

/*
 * 数据驾驶舱 in Chromium over the demo community: the city's cockpit draws its charts with the
 * numbers the API gives (read back from the accessible tables), the map shows 硖石街道, clicks
 * drill down city → 硖石街道 → 西山社区 → 第一网格, the indicator switch recolours the map, and
 * the wall display opens from the URL and leaves with Esc.
 */

interface Overview {
  node: { id: string; name: string; kind: string };
  trail: { id: string; name: string }[];
  children: { id: string; name: string; kind: string }[];
  population: { residents: number; households: number; pyramid: { band: string; male: number; female: number }[]; residence: { type: string; count: number }[] };
  events: { reported: number[] };
}

const fmt = (n: number) => new Intl.NumberFormat('zh-CN').format(n);
const ignorable = (e: string) => /favicon/.test(e);

describe('cockpit page', () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let url: string;
  let browser: Browser;
  let admin: ApiSession;

  const overview = async (nodeId?: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/cockpit/overview${nodeId ? `?nodeId=${nodeId}` : ''}`, headers: admin.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Overview;
  };
  const feature = (page: Page, name: string) => page.getByTestId('grid-map').getByRole('button', { name: new RegExp(`^${name}(：|$)`) });
  const residentsShown = (page: Page) => page.getByTestId('ck-residents-value').textContent();

  beforeAll(async () => {
    assertBuilt();
    platform = await createTestPlatform();
    // The whole demo community; the cockpit module's demo seed computes the statistics.
    await seedDemoIfEmpty(platform.ctx, modules, () => undefined);
    app = await buildApp(platform.ctx, modules, { webDir: WEB_DIR, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('server did not listen on a TCP port');
    url = `http://127.0.0.1:${address.port}`;
    admin = await loginAs(app, 'admin');
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await platform?.close();
  });

  it('draws the city’s charts and map with the demo numbers and drills down to a grid', async () => {
    const city = await overview();
    expect(city.node.name).toBe('海宁市');
    const street = city.children.find((c) => c.name === '硖石街道')!;
    expect(street).toBeDefined();
    expect(city.population.residents).toBeGreaterThan(13_000);

    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, url, 'admin');
    await page.getByTestId('side-menu').getByText('驾驶舱', { exact: true }).click();
    await page.getByTestId('cockpit-page').waitFor();
    await expect.poll(() => residentsShown(page)).toBe(fmt(city.population.residents));
    expect(await page.getByTestId('ck-households-value').textContent()).toBe(fmt(city.population.households));
    expect(await page.getByTestId('cockpit-as-of').textContent()).toMatch(/^数据更新于 /);

    // Six charts on canvas, each with its numbers in a table too.
    await expect.poll(() => page.getByTestId('cockpit-page').locator('canvas').count()).toBeGreaterThanOrEqual(6);
    const pyramidRows = page.getByTestId('ck-pyramid-table').locator('tbody tr');
    expect(await pyramidRows.count()).toBe(18);
    const band = city.population.pyramid[7]!;
    expect(await pyramidRows.nth(7).locator('th, td').allTextContents()).toEqual([band.band, String(band.male), String(band.female)]);
    const residence = await page.getByTestId('ck-residence-table').locator('tbody tr').allTextContents();
    expect(residence).toEqual(city.population.residence.map((r) => `${r.type}${r.count}`));
    expect(await page.getByTestId('ck-events-table').locator('tbody tr').count()).toBe(12);
    expect(await page.getByTestId('ck-fund-value').textContent()).toMatch(/^¥[\d,]+\.\d{2}$/);

    // The city's map: the street drawn from the demo geometry, coloured by residents.
    await feature(page, '硖石街道').waitFor();
    await expect.poll(() => page.getByTestId('grid-map-legend').textContent()).toContain('实有人口');

    // Drill down: street …
    await feature(page, '硖石街道').click();
    await expect.poll(() => page.getByTestId('cockpit-trail').textContent()).toBe('海宁市/硖石街道');
    const streetView = await overview(street.id);
    await expect.poll(() => residentsShown(page)).toBe(fmt(streetView.population.residents));
    expect(page.url()).toBe(`${url}/console/cockpit/${street.id}`);

    // … community: twelve grids, recoloured when the indicator changes …
    await feature(page, '西山社区').click();
    await expect.poll(() => page.getByTestId('cockpit-trail').textContent()).toBe('海宁市/硖石街道/西山社区');
    await expect.poll(() => page.getByTestId('grid-map').locator('path[data-feature-id]').count()).toBe(12);
    await expect.poll(() => page.getByTestId('grid-map-legend').locator('strong').textContent()).toBe('实有人口（人）');
    const fillsBefore = await page.getByTestId('grid-map').locator('path[data-feature-id]').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    await page.getByTestId('ck-indicator').click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^户数$/ }).click();
    await expect.poll(() => page.getByTestId('grid-map-legend').locator('strong').textContent()).toMatch(/^户数/);
    await expect.poll(() => feature(page, '第一网格').getAttribute('aria-label')).toMatch(/^第一网格：户数/);
    const fillsAfter = await page.getByTestId('grid-map').locator('path[data-feature-id]').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(fillsAfter.every((f) => f?.startsWith('url(#'))).toBe(true);
    expect(fillsBefore.every((f) => f?.startsWith('url(#'))).toBe(true);

    // … and a grid (labelled without its community's name): its own figures, the trail back up, its buildings on the map.
    await feature(page, '第一网格').click();
    await expect.poll(() => page.getByTestId('cockpit-trail').textContent()).toBe('海宁市/硖石街道/西山社区/西山社区第一网格');
    const xishan = (await overview(street.id)).children.find((c) => c.name === '西山社区')!;
    const grid = (await overview(xishan.id)).children.find((c) => c.name === '西山社区第一网格')!;
    const gridView = await overview(grid.id);
    expect(gridView.children).toEqual([]);
    expect(gridView.population.residents).toBeGreaterThan(0);
    expect(gridView.population.residents).toBeLessThan(streetView.population.residents);
    await expect.poll(() => residentsShown(page)).toBe(fmt(gridView.population.residents));
    await expect.poll(() => page.getByTestId('grid-map').locator('circle[data-feature-id]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('ck-indicator').count()).toBe(0);

    // The trail climbs back up.
    await page.getByTestId('cockpit-trail').getByText('硖石街道', { exact: true }).click();
    await expect.poll(() => residentsShown(page)).toBe(fmt(streetView.population.residents));

    expect(errors.filter((e) => !ignorable(e))).toEqual([]);
    await page.context().close();
  });

  it('opens as a dark wall display from the URL for the street dispatcher, and Esc leaves it', async () => {
    const { page, errors } = await openSession(browser, DESKTOP);
    await consoleLoginAs(page, url, 'street');
    await page.goto(`${url}/console/cockpit?wall=1`);
    const cockpit = page.getByTestId('cockpit-page');
    await cockpit.waitFor();
    expect(await cockpit.getAttribute('data-wall')).toBe('1');
    await expect.poll(() => page.getByTestId('cockpit-trail').textContent()).toBe('硖石街道');
    // Dark, large type, covering the whole window (the side menu is under it).
    const look = await cockpit.evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { bg: s.backgroundColor, size: parseFloat(getComputedStyle(el.querySelector('.ck-figure-value')!).fontSize), width: r.width, height: r.height };
    });
    expect(look.bg).toBe('rgb(11, 20, 38)');
    expect(look.size).toBeGreaterThanOrEqual(34);
    expect(look.width).toBe(DESKTOP.viewport.width);
    expect(look.height).toBe(DESKTOP.viewport.height);
    await feature(page, '西山社区').waitFor();
    await expect.poll(() => cockpit.locator('canvas').count()).toBeGreaterThanOrEqual(6);

    await page.keyboard.press('Escape');
    await expect.poll(() => cockpit.getAttribute('data-wall')).toBe('0');
    expect(new URL(page.url()).search).toBe('');

    // The button enters the wall display again (full screen where the browser allows it).
    await page.getByTestId('cockpit-wall').click();
    await expect.poll(() => cockpit.getAttribute('data-wall')).toBe('1');
    await page.getByTestId('cockpit-wall-leave').click();
    await expect.poll(() => cockpit.getAttribute('data-wall')).toBe('0');

    expect(errors.filter((e) => !ignorable(e))).toEqual([]);
    await page.context().close();
  });
});
