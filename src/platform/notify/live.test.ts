import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, IS_PG, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { openDatabase } from '../db/database.js';
import type { LinliApp } from '../http/app.js';
import { LiveHub } from './live.js';
import { notify } from './notify.service.js';

/** Reads Server-Sent Events off a fetch body, one parsed event at a time. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 8000): Promise<{ event: string; data: any }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const cut = buffer.indexOf('\n\n');
        if (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith(':')) continue; // heartbeat
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
          return { event, data };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no event in time');
        const chunk = await Promise.race([reader.read(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no event in time')), left))]);
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

describe(`live notifications over SSE (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;
  let resident: Session;
  let base: string;

  beforeAll(async () => {
    platform = await createTestPlatform();
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    resident = await loginAs(app, 'resident01');
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('refuses a stream without a session', async () => {
    const res = await fetch(`${base}/api/v1/live`);
    expect(res.status).toBe(401);
  });

  it('sends the unread count, then each committed notification, never a rolled-back one', async () => {
    const db = platform.ctx.db.kysely;
    const r = fixture.users.resident01!;
    await notify(db, { recipients: [r], kind: 'test.before', title: '连接前的消息', body: '' });
    const res = await fetch(`${base}/api/v1/live`, { headers: { cookie: resident.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseReader(res.body!);
    const hello = await sse.next();
    expect(hello).toEqual({ event: 'hello', data: { unread: 1 } });

    // A use case that fails after notifying: nothing reaches the page.
    await expect(
      db.transaction().execute(async (trx) => {
        await notify(trx, { recipients: [r], kind: 'test.rolled-back', title: '不该出现', body: '' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // Someone else's notification does not reach this page either.
    await notify(db, { recipients: [fixture.users.volunteer01!], kind: 'test.other', title: '别人的消息', body: '' });
    await db.transaction().execute(async (trx) => {
      await notify(trx, { recipients: [r], kind: 'notices.new', title: '停水通知', body: '明日停水', link: '/m/notices/1' });
    });
    const ev = await sse.next();
    expect(ev.event).toBe('notification');
    expect(ev.data.unread).toBe(2);
    expect(ev.data.latest.title).toBe('停水通知');
    await sse.cancel();
  });

  it.runIf(IS_PG)('reaches a page held by another server process (LISTEN/NOTIFY)', async () => {
    // A second "process": its own pool and its own LISTEN connection on the same schema.
    const other = openDatabase(platform.config.databaseUrl, { schema: platform.schema, poolSize: 2 });
    const hub = new LiveHub({ ...platform.ctx, db: other });
    try {
      const heard: string[] = [];
      let resolve!: () => void;
      const got = new Promise<void>((r) => (resolve = r));
      // subscribe() returns once the LISTEN is in place.
      await hub.subscribe(fixture.users.resident01!, () => {
        heard.push('resident01');
        resolve();
      });
      await notify(platform.ctx.db.kysely, { recipients: [fixture.users.resident01!], kind: 'test.cross', title: '跨进程', body: '' });
      await got;
      expect(heard).toEqual(['resident01']);
    } finally {
      await hub.close();
      await other.destroy();
    }
  });
});
