import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Every in-app link a module puts into a notification (`link: '/m/…'`, `/console/…`) must open a
 * page of the web app: a resident tapping a message must never land on 页面不存在. Read from the
 * sources: the links modules write and the routes the two apps declare.
 */

const ROOT = path.resolve('src');

function files(dir: string, pattern: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p, pattern);
    return pattern.test(e.name) ? [p] : [];
  });
}

/** wouter patterns (`/me/events/:id`, `/community/notices/:id?`) as regular expressions. */
function routeRegex(base: string, pattern: string): RegExp {
  const body = pattern
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? (seg.endsWith('?') ? '(?:/[^/]+)?' : '/[^/]+') : `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return new RegExp(`^${base}${body || '/'}$`);
}

function residentRoutes(): RegExp[] {
  const app = fs.readFileSync(path.join(ROOT, 'web/resident/App.tsx'), 'utf8');
  return [...app.matchAll(/<Route path="([^"]+)"/g)].map((m) => routeRegex('/m', m[1]!));
}

function consoleRoutes(): RegExp[] {
  return files(path.join(ROOT, 'web/console/modules'), /^index\.tsx?$/).flatMap((f) =>
    [...fs.readFileSync(f, 'utf8').matchAll(/path: '([^']+)'/g)].map((m) => routeRegex('/console', m[1]!)),
  );
}

/** Links as written in module code, with `${…}` replaced by a sample id. */
function moduleLinks(): { link: string; file: string }[] {
  const out: { link: string; file: string }[] = [];
  for (const f of files(path.join(ROOT, 'modules'), /\.ts$/).filter((x) => !x.endsWith('.test.ts'))) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:link: |Link = \([^)]*\) => )[`']((?:\/m|\/console)\/[^`']*)[`']/g)) {
      out.push({ link: m[1]!.replace(/\$\{[^}]+\}/g, 'x1').split('?')[0]!, file: path.relative(ROOT, f) });
    }
  }
  return out;
}

describe('notification links open a page of the web app', () => {
  it('finds the links and the routes it checks', () => {
    expect(moduleLinks().length).toBeGreaterThan(15);
    expect(residentRoutes().length).toBeGreaterThan(10);
    expect(consoleRoutes().length).toBeGreaterThan(10);
  });

  it('every link matches a route', () => {
    const routes = [...residentRoutes(), ...consoleRoutes()];
    const broken = moduleLinks().filter(({ link }) => !routes.some((r) => r.test(link)));
    expect(broken).toEqual([]);
  });
});
