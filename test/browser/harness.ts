/**
 * Shared setup of the browser tests: a real server on a free loopback port serving the built
 * web app (dist/web) over a fresh database with the fixture tree plus map geometry, and
 * Debian's Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { seedFixture, type Fixture } from '../helpers/fixture.js';
import { buildApp, type LinliApp } from '../../src/platform/http/app.js';
import { modules } from '../../src/modules/index.js';
import { newNodeRow } from '../../src/platform/org/org.service.js';
import { insertNodes } from '../../src/platform/org/org.repository.js';
import { Scheduler } from '../../src/platform/scheduler/scheduler.js';

export const WEB_DIR = path.resolve('dist/web');
export const BUILD_REPORT = path.resolve('dist/web-build-report.json');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'Linli@2026';

/** Two neighbouring grids in 西山社区 (海宁 硖石), grid 1 west of grid 2; lon/lat as GeoJSON has them. */
export const GRID01_POLYGON = {
  type: 'Polygon',
  coordinates: [
    [
      [120.68, 30.53],
      [120.686, 30.53],
      [120.686, 30.536],
      [120.68, 30.536],
      [120.68, 30.53],
    ],
  ],
};
export const GRID02_POLYGON = {
  type: 'Polygon',
  coordinates: [
    [
      [120.686, 30.53],
      [120.694, 30.53],
      [120.694, 30.534],
      [120.686, 30.534],
      [120.686, 30.53],
    ],
  ],
};

export interface TestServer {
  url: string;
  platform: TestPlatform;
  fixture: Fixture;
  /** The extra building this setup adds to grid 1 (so the grids have 2 and 1 buildings). */
  building03Id: string;
  /** The running app, for API calls from the test (`app.inject` with `loginAs`). */
  app: LinliApp;
  close(): Promise<void>;
}

export interface ServerOptions {
  /**
   * Run background jobs (imports, derived tags …) while the server is up, polling this often,
   * as the real server's scheduler does. Off by default: most browser tests need no jobs.
   */
  runJobsEveryMs?: number;
}

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(WEB_DIR, 'resident', 'index.html')) || !fs.existsSync(BUILD_REPORT)) {
    throw new Error('dist/web is missing: run `npx vite build --config vite.config.ts` before the browser tests');
  }
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  assertBuilt();
  const platform = await createTestPlatform();
  const fixture = await seedFixture(platform.ctx);
  const db = platform.ctx.db.kysely;
  const setGeometry = (id: string, geometry: unknown) => db.updateTable('org_node').set({ geometry: JSON.stringify(geometry) }).where('id', '=', id).execute();
  await setGeometry(fixture.nodes.grid01.id, GRID01_POLYGON);
  await setGeometry(fixture.nodes.grid02.id, GRID02_POLYGON);
  await setGeometry(fixture.nodes.building01.id, { type: 'Point', coordinates: [120.682, 30.532] });
  await setGeometry(fixture.nodes.building02.id, { type: 'Point', coordinates: [120.69, 30.532] });
  const grid01 = await db.selectFrom('org_node').selectAll().where('id', '=', fixture.nodes.grid01.id).executeTakeFirstOrThrow();
  const building03 = newNodeRow(grid01, 'building', '3幢', { geometry: JSON.stringify({ type: 'Point', coordinates: [120.684, 30.534] }) });
  await insertNodes(db, [building03]);

  const app: LinliApp = await buildApp(platform.ctx, modules, { webDir: WEB_DIR, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a TCP port');
  const scheduler = options.runJobsEveryMs ? Scheduler.forModules(platform.ctx, modules, { pollIntervalMs: options.runJobsEveryMs, workerId: 'browser-test' }) : null;
  scheduler?.start();
  return {
    url: `http://127.0.0.1:${address.port}`,
    platform,
    fixture,
    building03Id: building03.id,
    app,
    close: async () => {
      // Jobs in hand finish before the database closes under them.
      await scheduler?.stop();
      await app.close();
      await platform.close();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-zenhei)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations, as they happened. */
  errors: string[];
  /** Every URL the page asked for, in order. */
  requests: string[];
}

export const DESKTOP = { viewport: { width: 1366, height: 900 } };
export const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export async function openSession(browser: Browser, device: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<Session> {
  const context = await browser.newContext({ ...device, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // Runs before the page's own scripts (through the DevTools protocol, so the CSP does not block it).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message} ${e.stack}`));
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, errors, requests };
}

export interface BuildReport {
  chunks: Record<string, { name: string; isEntry: boolean; isDynamicEntry: boolean; imports: string[]; dynamicImports: string[]; modules: string[] }>;
}

export function readBuildReport(): BuildReport {
  return JSON.parse(fs.readFileSync(BUILD_REPORT, 'utf8')) as BuildReport;
}

/** Modules that only the console may load. */
export function isConsoleModule(id: string): boolean {
  return id.startsWith('src/web/console/') || /(^|\/)node_modules\/(antd|@ant-design)\//.test(id);
}

/** The chunk files an entry can ever load: its static imports and, if asked, its lazy ones. */
export function reachableChunks(report: BuildReport, entryFile: string, withDynamic = true): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !report.chunks[file]) return;
    seen.add(file);
    const c = report.chunks[file]!;
    for (const f of c.imports) visit(f);
    if (withDynamic) for (const f of c.dynamicImports) visit(f);
  };
  visit(entryFile);
  return seen;
}

export function entryChunk(report: BuildReport, name: 'console' | 'resident'): string {
  const hit = Object.entries(report.chunks).find(([, c]) => c.isEntry && c.name === name);
  if (!hit) throw new Error(`no entry chunk ${name} in the build report`);
  return hit[0];
}

/** `/assets/x.js` from a full URL, or null for anything else. */
export function assetPath(url: string): string | null {
  const p = new URL(url).pathname;
  return p.startsWith('/assets/') && p.endsWith('.js') ? p.slice(1) : null;
}

/** WCAG contrast ratio of two CSS rgb()/rgba() colours. */
export function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Logs into the staff console through its login page. */
export async function consoleLoginAs(page: Page, url: string, username: string) {
  await page.goto(`${url}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

/** Logs into the resident pages (/m/) and waits for the greeting of the home page. */
export async function residentLoginAs(page: Page, url: string, username: string, displayName: string) {
  await page.goto(`${url}/m/login`);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByText(`您好，${displayName}`).waitFor();
}

/**
 * Chooses an option of an antd Select and waits until its dropdown has gone. A click that lands
 * while the dropdown is still animating in can miss (the dropdown then stays open over the form):
 * this clicks again until the select shows the choice.
 */
export async function chooseOption(page: Page, select: Locator, text: string): Promise<void> {
  await select.click();
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
  await expect
    .poll(
      async () => {
        if ((await select.textContent())?.includes(text)) return true;
        if (await option.count()) await option.click({ timeout: 1_000 }).catch(() => undefined);
        else await select.click({ timeout: 1_000 }).catch(() => undefined);
        return false;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  await expect.poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
}
