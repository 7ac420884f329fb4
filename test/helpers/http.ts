import type { LinliApp } from '../../src/platform/http/app.js';
import { DEMO_PASSWORD } from '../../src/demo/accounts.js';

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Logs in through the real endpoint and returns what a browser would hold. */
export async function loginAs(app: LinliApp, username: string, password = DEMO_PASSWORD, extra: Record<string, string> = {}): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password, ...extra } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'linli_sid');
  if (!setCookie) throw new Error('no session cookie');
  const body = res.json() as Record<string, unknown>;
  const cookie = `linli_sid=${setCookie.value}`;
  const csrf = String(body.csrfToken);
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf }, body };
}
