import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import {
  ChannelNotConfiguredError,
  ConsoleChannel,
  defaultChannels,
  FileChannel,
  SmsChannel,
  WechatChannel,
  type NotificationChannel,
  type OutboundMessage,
} from './channels.js';
import { notify } from './notify.service.js';
import { OutboxDispatcher } from './outbox.js';

/** A channel that fails its first `failures` sends, then accepts; remembers what it was given. */
class ScriptedChannel implements NotificationChannel {
  calls: OutboundMessage[] = [];
  constructor(
    readonly name: string,
    private failures = Infinity,
  ) {}
  async send(msg: OutboundMessage) {
    this.calls.push(msg);
    if (this.calls.length <= this.failures) throw new Error('gateway timeout (HTTP 504)');
  }
}

describe(`notification outbox (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let fixture: Fixture;
  const outboxRows = () => platform.ctx.db.kysely.selectFrom('notification_outbox').selectAll().orderBy('id').execute();
  const send = (channels: string[], recipients = [fixture.users.resident01!]) =>
    notify(platform.ctx.db.kysely, { recipients, kind: 'events.accepted', title: '您反映的问题已受理', body: '联系电话 13812345678', link: '/m/events/1', channels, at: platform.ctx.now() });

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fixture = await seedFixture(platform.ctx);
  });
  beforeEach(async () => {
    // Each case looks at its own messages: clear what earlier cases queued (the outbox is not append-only).
    await platform.ctx.db.kysely.deleteFrom('notification_outbox').execute();
  });
  afterAll(async () => {
    await platform.close();
  });

  it('writes one outbox row per recipient and channel, and delivers them to the file channel once', async () => {
    const { notificationIds } = await send(['file'], [fixture.users.resident01!, fixture.users.volunteer01!]);
    const rows = await outboxRows();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'pending' && r.channel === 'file' && r.attempts === 0)).toBe(true);
    expect(rows.map((r) => r.recipient).sort()).toEqual([`user:${fixture.users.resident01}`, `user:${fixture.users.volunteer01}`].sort());

    const channel = new FileChannel(platform.dataDir);
    const dispatcher = new OutboxDispatcher({ channels: [channel] });
    expect(await dispatcher.deliverPending(platform.ctx)).toEqual({ claimed: 2, sent: 2, retrying: 0, failed: 0 });
    expect(channel.file).toBe(path.join(platform.dataDir, 'outbox', 'file.log'));
    const lines = fs.readFileSync(channel.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.notificationId).sort()).toEqual([...notificationIds].sort());
    expect(lines[0]).toMatchObject({ kind: 'events.accepted', title: '您反映的问题已受理', link: '/m/events/1', attempt: 1 });
    expect(lines[0].body).toBe('联系电话 138****5678'); // a log file never holds a full phone number

    const after = await outboxRows();
    expect(after.every((r) => r.status === 'sent' && r.attempts === 1 && r.sent_at === platform.ctx.now().toISOString())).toBe(true);
    expect(await dispatcher.deliverPending(platform.ctx)).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0 });
    expect(fs.readFileSync(channel.file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('retries a failing channel with back-off, then marks the message failed', async () => {
    await send(['flaky']);
    const flaky = new ScriptedChannel('flaky');
    const dispatcher = new OutboxDispatcher({ channels: [flaky], maxAttempts: 3 });
    expect(await dispatcher.deliverPending(platform.ctx)).toMatchObject({ claimed: 1, retrying: 1 });
    let [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'gateway timeout (HTTP 504)' });
    expect(row!.next_attempt_at).toBe(new Date(platform.ctx.now().getTime() + 60_000).toISOString());

    // Not due yet: nothing is tried.
    expect((await dispatcher.deliverPending(platform.ctx)).claimed).toBe(0);
    platform.advance(61_000);
    expect(await dispatcher.deliverPending(platform.ctx)).toMatchObject({ claimed: 1, retrying: 1 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row!.next_attempt_at).toBe(new Date(platform.ctx.now().getTime() + 4 * 60_000).toISOString());

    platform.advance(4 * 60_000 + 1_000);
    expect(await dispatcher.deliverPending(platform.ctx)).toMatchObject({ claimed: 1, failed: 1 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: 'gateway timeout (HTTP 504)', sent_at: null });
    expect(flaky.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);

    platform.advance(24 * 3600_000);
    expect((await dispatcher.deliverPending(platform.ctx)).claimed).toBe(0);
  });

  it('delivers on a later try when the channel recovers', async () => {
    await send(['flaky']);
    const flaky = new ScriptedChannel('flaky', 1);
    const dispatcher = new OutboxDispatcher({ channels: [flaky] });
    await dispatcher.deliverPending(platform.ctx);
    platform.advance(60_000);
    expect(await dispatcher.deliverPending(platform.ctx)).toMatchObject({ claimed: 1, sent: 1 });
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('has SMS and WeChat refuse clearly when not configured, never marking anything sent', async () => {
    const msg: OutboundMessage = {
      outboxId: 'o1', notificationId: 'n1', channel: 'sms', recipient: 'user:u1', userId: 'u1', kind: 'k', title: 't', body: 'b', link: null, attempt: 1,
    };
    await expect(new SmsChannel().send(msg)).rejects.toBeInstanceOf(ChannelNotConfiguredError);
    await expect(new SmsChannel().send(msg)).rejects.toThrow(/sms channel not configured/);
    await expect(new WechatChannel().send({ ...msg, channel: 'wechat' })).rejects.toThrow(/wechat channel not configured/);
    expect(new SmsChannel().configured).toBe(false);

    await send(['sms', 'wechat', 'pigeon']);
    const report = await new OutboxDispatcher({ channels: defaultChannels(platform.ctx) }).deliverPending(platform.ctx);
    // Not configured is not a passing fault: failed at once, no retries.
    expect(report).toEqual({ claimed: 3, sent: 0, retrying: 0, failed: 3 });
    const rows = await outboxRows();
    const byChannel = Object.fromEntries(rows.map((r) => [r.channel, r]));
    expect(byChannel.sms).toMatchObject({ status: 'failed', attempts: 1, sent_at: null });
    expect(byChannel.sms!.last_error).toMatch(/sms channel not configured.*nothing was sent/);
    expect(byChannel.wechat!.last_error).toMatch(/wechat channel not configured/);
    expect(byChannel.pigeon!.last_error).toBe('no adapter for channel pigeon');
  });

  it('sends through an SMS gateway that fulfils the adapter contract', async () => {
    const sent: { phone: string; templateCode: string; params: Record<string, string> }[] = [];
    const sms = new SmsChannel({
      gateway: { sendTemplate: async (input) => (sent.push(input), { messageId: 'm1' }) },
      resolvePhone: async (userId) => (userId === fixture.users.resident01 ? '13900001111' : null),
      templateFor: (kind) => (kind === 'events.accepted' ? 'SMS_0001' : null),
    });
    expect(sms.configured).toBe(true);
    await send(['sms'], [fixture.users.resident01!, fixture.users.volunteer01!]);
    const report = await new OutboxDispatcher({ channels: [sms] }).deliverPending(platform.ctx);
    expect(report).toMatchObject({ sent: 1, failed: 1 });
    expect(sent).toEqual([{ phone: '13900001111', templateCode: 'SMS_0001', params: { title: '您反映的问题已受理', link: '/m/events/1' } }]);
    const failed = (await outboxRows()).find((r) => r.status === 'failed')!;
    expect(failed.last_error).toMatch(/no mobile number on file/);
  });

  it('sends each message once when two dispatchers (two processes) run at the same time', async () => {
    const recipients = [fixture.users.resident01!, fixture.users.volunteer01!, fixture.users.grid01!, fixture.users.xishan!];
    await send(['count'], recipients);
    await send(['count'], recipients);
    const counter = new ScriptedChannel('count', 0);
    const a = new OutboxDispatcher({ channels: [counter], batchSize: 5 });
    const b = new OutboxDispatcher({ channels: [counter], batchSize: 5 });
    const reports = await Promise.all([a.deliverPending(platform.ctx), b.deliverPending(platform.ctx), a.deliverPending(platform.ctx)]);
    const again = await b.deliverPending(platform.ctx);
    const totalSent = [...reports, again].reduce((n, r) => n + r.sent, 0);
    expect(totalSent).toBe(8);
    expect(new Set(counter.calls.map((c) => c.outboxId)).size).toBe(8);
    expect(counter.calls).toHaveLength(8);
    expect((await outboxRows()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('logs one masked line per message on the console channel, without the body', async () => {
    const lines: string[] = [];
    const consoleChannel = new ConsoleChannel((l) => lines.push(l));
    await consoleChannel.send({
      outboxId: 'o', notificationId: 'n', channel: 'console', recipient: 'user:u1', userId: 'u1', kind: 'k', title: '请回电 13812345678', body: 'secret body', link: '/m/x', attempt: 1,
    });
    expect(lines).toEqual(['[通知/notify] user:u1 k: 请回电 138****5678 → /m/x']);
  });
});
