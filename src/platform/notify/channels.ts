import fs from 'node:fs/promises';
import path from 'node:path';
import type { PlatformContext } from '../context.js';
import { maskSensitiveText } from '../crypto/mask.js';

/** One message as a channel adapter receives it: the notification, addressed to one user. */
export interface OutboundMessage {
  outboxId: string;
  notificationId: string;
  channel: string;
  /** The outbox's recipient reference, `user:<id>`. */
  recipient: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  /** In-app path (`/m/...`), or null. */
  link: string | null;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * A way to reach people outside the app. `send` resolves once the provider accepted the
 * message; it rejects with a plain Error for a failure worth retrying (timeout, 5xx) and with a
 * `PermanentDeliveryError` for one that will not heal (not configured, no address on file).
 */
export interface NotificationChannel {
  readonly name: string;
  send(msg: OutboundMessage): Promise<void>;
}

/** A delivery that retrying cannot fix: the outbox row is marked failed at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The channel exists as an interface only: no provider is configured, so nothing is sent. */
export class ChannelNotConfiguredError extends PermanentDeliveryError {
  constructor(readonly channel: string, what: string) {
    super(`${channel} channel not configured: ${what}; nothing was sent`);
    this.name = 'ChannelNotConfiguredError';
  }
}

/** Demo: one line per message on the server log. The body stays out of the log. */
export class ConsoleChannel implements NotificationChannel {
  readonly name = 'console';
  constructor(private readonly log: (line: string) => void = (line) => console.log(line)) {}
  async send(msg: OutboundMessage): Promise<void> {
    this.log(`[通知/notify] ${msg.recipient} ${msg.kind}: ${maskSensitiveText(msg.title)}${msg.link ? ` → ${msg.link}` : ''}`);
  }
}

/**
 * Demo and integration tests: JSON lines appended to <dataDir>/outbox/<name>.log, one per
 * message, so a deployment can see exactly what would have gone out. ID and phone numbers in
 * the text are masked, as in every log file.
 */
export class FileChannel implements NotificationChannel {
  readonly file: string;
  constructor(
    dataDir: string,
    readonly name = 'file',
  ) {
    this.file = path.join(dataDir, 'outbox', `${name}.log`);
  }
  async send(msg: OutboundMessage): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const line = JSON.stringify({
      at: new Date().toISOString(),
      outboxId: msg.outboxId,
      notificationId: msg.notificationId,
      recipient: msg.recipient,
      kind: msg.kind,
      title: maskSensitiveText(msg.title),
      body: maskSensitiveText(msg.body),
      link: msg.link,
      attempt: msg.attempt,
    });
    // One appendFile per line: O_APPEND keeps lines whole when several processes write.
    await fs.appendFile(this.file, line + '\n', 'utf8');
  }
}

/**
 * SMS adapter contract. A deployment implements `SmsGateway` over its provider (阿里云短信,
 * 腾讯云短信, an operator's gateway …) and hands it to `SmsChannel` with:
 * - `resolvePhone(userId)`: the user's mobile number, decrypted at send time (never copied into
 *   the outbox); null when none is on file, which fails the message permanently;
 * - `templateFor(kind)`: the approved template code (短信模板须预先报备) for a notification kind;
 *   null when that kind is not sent by SMS.
 * The gateway gets `{ phone, templateCode, params: { title, link } }` and resolves with the
 * provider's message id once accepted; it rejects to have the dispatcher retry with back-off.
 */
export interface SmsGateway {
  sendTemplate(input: { phone: string; templateCode: string; params: Record<string, string> }): Promise<{ messageId: string }>;
}

export interface SmsChannelOptions {
  gateway?: SmsGateway;
  resolvePhone?: (userId: string) => Promise<string | null>;
  templateFor?: (kind: string) => string | null;
}

export class SmsChannel implements NotificationChannel {
  readonly name = 'sms';
  constructor(private readonly opts: SmsChannelOptions = {}) {}
  get configured(): boolean {
    return !!(this.opts.gateway && this.opts.resolvePhone && this.opts.templateFor);
  }
  async send(msg: OutboundMessage): Promise<void> {
    const { gateway, resolvePhone, templateFor } = this.opts;
    if (!gateway || !resolvePhone || !templateFor) throw new ChannelNotConfiguredError('sms', 'no SMS gateway, phone lookup or template map');
    const templateCode = templateFor(msg.kind);
    if (!templateCode) throw new PermanentDeliveryError(`no SMS template for kind ${msg.kind}`);
    const phone = await resolvePhone(msg.userId);
    if (!phone) throw new PermanentDeliveryError(`no mobile number on file for ${msg.recipient}`);
    await gateway.sendTemplate({ phone, templateCode, params: { title: msg.title, link: msg.link ?? '' } });
  }
}

/**
 * WeChat template-message adapter contract (公众号模板消息 / 订阅消息). A deployment implements
 * `WechatTemplateClient` over the official account API (access token handling included) and
 * hands it to `WechatChannel` with:
 * - `resolveOpenId(userId)`: the user's openid for the official account, or null (not bound);
 * - `templateFor(kind)`: `{ templateId, data(msg) }` mapping a notification onto the template's
 *   fields, or null when the kind is not sent by WeChat;
 * - `publicBaseUrl`: where the in-app link opens (`https://linli.example.gov.cn`).
 */
export interface WechatTemplateClient {
  sendTemplateMessage(input: { openId: string; templateId: string; url?: string; data: Record<string, { value: string }> }): Promise<{ msgId: string }>;
}

export interface WechatChannelOptions {
  client?: WechatTemplateClient;
  resolveOpenId?: (userId: string) => Promise<string | null>;
  templateFor?: (kind: string) => { templateId: string; data: (msg: OutboundMessage) => Record<string, { value: string }> } | null;
  publicBaseUrl?: string;
}

export class WechatChannel implements NotificationChannel {
  readonly name = 'wechat';
  constructor(private readonly opts: WechatChannelOptions = {}) {}
  get configured(): boolean {
    return !!(this.opts.client && this.opts.resolveOpenId && this.opts.templateFor && this.opts.publicBaseUrl);
  }
  async send(msg: OutboundMessage): Promise<void> {
    const { client, resolveOpenId, templateFor, publicBaseUrl } = this.opts;
    if (!client || !resolveOpenId || !templateFor || !publicBaseUrl) {
      throw new ChannelNotConfiguredError('wechat', 'no WeChat client, openid lookup, template map or public base URL');
    }
    const template = templateFor(msg.kind);
    if (!template) throw new PermanentDeliveryError(`no WeChat template for kind ${msg.kind}`);
    const openId = await resolveOpenId(msg.userId);
    if (!openId) throw new PermanentDeliveryError(`no WeChat account bound for ${msg.recipient}`);
    await client.sendTemplateMessage({
      openId,
      templateId: template.templateId,
      url: msg.link ? new URL(msg.link, publicBaseUrl).toString() : undefined,
      data: template.data(msg),
    });
  }
}

/** What a fresh deployment has: console and file work; SMS and WeChat refuse until configured. */
export function defaultChannels(ctx: PlatformContext): NotificationChannel[] {
  return [new ConsoleChannel(), new FileChannel(ctx.config.dataDir), new SmsChannel(), new WechatChannel()];
}
