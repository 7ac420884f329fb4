import { randomBytes } from 'node:crypto';
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

/** Uploads a file through the platform's files endpoint, as the console's upload widget does; returns the attachment id. */
export async function uploadFile(app: LinliApp, session: Session, purpose: string, file: { name: string; mime: string; bytes: Buffer }): Promise<string> {
  const boundary = `----linli${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.mime}\r\n\r\n`),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({ method: 'POST', url: `/api/v1/files?purpose=${encodeURIComponent(purpose)}`, payload, headers: { ...session.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  if (res.statusCode !== 201) throw new Error(`upload ${file.name} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
