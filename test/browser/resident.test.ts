import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  assetPath,
  contrast,
  entryChunk,
  isConsoleModule,
  launchBrowser,
  openSession,
  PASSWORD,
  PHONE,
  readBuildReport,
  reachableChunks,
  startServer,
  WEB_DIR,
  type TestServer,
} from './harness.js';

/** The JS budget of the resident home page, gzip -9, in bytes. */
const HOME_JS_BUDGET = 150 * 1000;

async function px(page: Page, selector: string, prop: 'fontSize' | 'lineHeight'): Promise<number> {
  return page.locator(selector).first().evaluate((el, p) => parseFloat(getComputedStyle(el)[p]), prop);
}

async function expectElderlyTargets(page: Page) {
  const rects = (sel: string) => page.locator(sel).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  const tabs = await rects('nav.r-tabbar a');
  expect(tabs).toHaveLength(4);
  const buttons = await rects('main button');
  expect(buttons.length).toBeGreaterThanOrEqual(3);
  for (const b of [...tabs, ...buttons]) {
    expect(b.height).toBeGreaterThanOrEqual(60);
    expect(b.width).toBeGreaterThanOrEqual(60);
  }
}

async function loginAsResident(page: Page, url: string) {
  await page.goto(`${url}/m/login`);
  await page.locator('#login-username').fill('resident01');
  await page.locator('#login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByText('您好，居民 朱志强').waitFor();
}

describe('resident mobile pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('elderly mode from the home page: ≥18 px text up to ≥30 px, line height ≥1.3, 60 px targets, contrast, survives a reload', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    // Records whether <html> already had the class when React first put content into #root.
    await context.addInitScript(() => {
      const w = window as unknown as { __elderlyAtFirstRender?: boolean };
      new MutationObserver((_, obs) => {
        const root = document.getElementById('root');
        if (root && root.childElementCount > 0) {
          w.__elderlyAtFirstRender = document.documentElement.classList.contains('elderly');
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await loginAsResident(page, server.url);
    await page.waitForURL(/\/m\/$/);

    // Bottom tabs, standard mode: four links of at least 44×44 px at the bottom of the screen.
    const tabs = page.locator('nav.r-tabbar a');
    expect(await tabs.allInnerTexts()).toEqual(['首页', '办事', '社区', '我的']);
    for (const box of await tabs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.bottom).toBeLessThanOrEqual(667);
      expect(box.bottom).toBeGreaterThan(600);
    }
    expect(await px(page, 'body', 'fontSize')).toBeLessThan(18);

    // The elderly-mode entry is prominent: inside the first screen, above the other sections.
    const entry = page.getByTestId('elderly-entry');
    const entryBox = (await entry.boundingBox())!;
    expect(entryBox.y + entryBox.height).toBeLessThan(667 - 56);
    expect(await entry.innerText()).toContain('长辈模式');
    await page.getByTestId('elderly-toggle').click();
    await page.getByTestId('font-larger').waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains('elderly'))).toBe(true);

    // Touch targets at the default elderly size: tab bar items and every button at least 60×60 px.
    await expectElderlyTargets(page);

    for (const sel of ['body', 'main', '.r-sample', '.r-quick a']) {
      expect(await px(page, sel, 'fontSize')).toBeGreaterThanOrEqual(18);
      expect((await px(page, sel, 'lineHeight')) / (await px(page, sel, 'fontSize'))).toBeGreaterThanOrEqual(1.3);
    }

    // A+ steps up to at least 30 px, each step larger than the one before.
    let previous = await px(page, 'main', 'fontSize');
    while (await page.getByTestId('font-larger').isEnabled()) {
      await page.getByTestId('font-larger').click();
      const now = await px(page, 'main', 'fontSize');
      expect(now).toBeGreaterThan(previous);
      previous = now;
    }
    const largest = previous;
    expect(largest).toBeGreaterThanOrEqual(30);
    expect((await px(page, '.r-sample', 'lineHeight')) / (await px(page, '.r-sample', 'fontSize'))).toBeGreaterThanOrEqual(1.3);
    expect(await page.getByTestId('font-current').innerText()).toContain(String(largest));

    // Touch targets at the largest size too.
    await expectElderlyTargets(page);

    // Text contrast at least 4.5:1 against what is behind it (body, muted text, tab labels).
    const pairs = await page.evaluate(() => {
      const bgOf = (el: Element | null): string => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (c && c !== 'transparent' && !c.endsWith(', 0)')) return c;
        }
        return 'rgb(255, 255, 255)';
      };
      return ['main h2', 'main .r-muted', '.r-sample', 'nav.r-tabbar a', 'nav.r-tabbar a[aria-current="page"]', '.r-quick a'].map((s) => {
        const el = document.querySelector(s)!;
        return { s, fg: getComputedStyle(el).color, bg: bgOf(el) };
      });
    });
    for (const p of pairs) expect(contrast(p.fg, p.bg), p.s).toBeGreaterThanOrEqual(4.5);

    // The current tab is marked by more than colour.
    expect(await page.locator('nav.r-tabbar a[aria-current="page"]').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('700');

    // No pop-ups: nothing modal appeared.
    expect(await page.locator('[role="dialog"], .adm-mask, .adm-toast-main').count()).toBe(0);

    // Survives a reload, and is on <html> before the first render.
    await page.reload();
    await page.getByTestId('font-current').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __elderlyAtFirstRender?: boolean }).__elderlyAtFirstRender)).toBe(true);
    expect(await px(page, 'main', 'fontSize')).toBe(largest);

    // A- goes back down; turning it off restores the standard size.
    await page.getByTestId('font-smaller').click();
    expect(await px(page, 'main', 'fontSize')).toBeLessThan(largest);
    await page.getByTestId('elderly-toggle').click();
    expect(await px(page, 'main', 'fontSize')).toBeLessThan(18);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('loads no console chunk and no antd, stays within the JS budget, and switches to English', async () => {
    const report = readBuildReport();
    const residentEntry = entryChunk(report, 'resident');
    const consoleEntry = entryChunk(report, 'console');
    const residentAll = reachableChunks(report, residentEntry);
    const consoleAll = reachableChunks(report, consoleEntry);
    // Sanity: the console does use antd, so the checks below can fail.
    expect([...consoleAll].some((f) => report.chunks[f]!.modules.some(isConsoleModule))).toBe(true);
    // Statically: nothing the resident pages can ever load holds console code or antd …
    for (const f of residentAll) expect(report.chunks[f]!.modules.filter(isConsoleModule), f).toEqual([]);
    // … and what both apps share is React, the router and src/web/shared only.
    const sharedOk = /^(src\/web\/shared\/|node_modules\/(react|react-dom|scheduler|wouter|regexparam|use-sync-external-store)\/|node_modules\/vite\/|node_modules\/rolldown\/|vite\/|rolldown\/|\0?rolldown)/;
    for (const f of [...residentAll].filter((x) => consoleAll.has(x))) {
      for (const m of report.chunks[f]!.modules) expect(m, `${f} is shared by both apps`).toMatch(sharedOk);
    }

    const { page, context, requests, errors } = await openSession(browser, PHONE);
    await page.goto(`${server.url}/m/`);
    await page.getByTestId('elderly-entry').waitFor();
    await page.waitForLoadState('networkidle');
    const homeJs = requests.map(assetPath).filter((p): p is string => !!p);

    // The budget: every JS file the home page downloaded, each gzip -9.
    const gz = homeJs.reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(WEB_DIR, f)), { level: 9 }).length, 0);
    console.log(`resident home JS: ${homeJs.length} files, ${gz} bytes gzip -9`);
    expect(gz).toBeLessThan(HOME_JS_BUDGET);
    // Non-home tabs are not part of it.
    expect(homeJs.some((f) => /MePage|ServicesPage|CommunityPage|LoginPage/.test(f))).toBe(false);

    // Visit every tab and the login page, then check every JS file the browser fetched.
    for (const tab of ['/services', '/community', '/me']) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForURL(new RegExp(`/m${tab}$`));
      await page.waitForLoadState('networkidle');
    }
    const allJs = requests.map(assetPath).filter((p): p is string => !!p);
    expect(allJs.some((f) => /MePage/.test(f))).toBe(true);
    for (const f of allJs) {
      expect(f).not.toMatch(/^assets\/console/);
      expect(report.chunks[f], `${f} is in the build report`).toBeTruthy();
      expect(report.chunks[f]!.modules.filter(isConsoleModule), f).toEqual([]);
    }

    // The English switch on 我的: visible text changes, and the server's messages follow.
    await page.getByTestId('lang-en').click();
    await page.locator('nav.r-tabbar').getByText('Services').waitFor();
    expect(await page.locator('nav.r-tabbar a').allInnerTexts()).toEqual(['Home', 'Services', 'Community', 'Me']);
    expect(await page.getByTestId('elderly-entry').innerText()).toContain('Elderly mode');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect((await context.cookies()).find((c) => c.name === 'lang')?.value).toBe('en');
    await page.goto(`${server.url}/m/login`);
    await page.locator('#login-username').fill('resident01');
    await page.locator('#login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('message-error').waitFor();
    expect(await page.getByTestId('message-error').innerText()).toContain('Wrong username or password');
    expect(await page.locator('nav.r-tabbar a').first().innerText()).toBe('Home');

    // Only the failed login may have logged an error (the browser reports the 401 response).
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await context.close();
  });

  it('loads /m/ with no console errors or CSP violations under the strict CSP', async () => {
    const { page, context, errors } = await openSession(browser, PHONE);
    const res = await page.goto(`${server.url}/m/`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('elderly-entry').waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
    await context.close();
  });
});
