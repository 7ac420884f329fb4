import type { PlatformContext } from '../context.js';
import type { JobHandlerDefinition } from '../module.js';
import { defaultChannels, type NotificationChannel } from './channels.js';
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox.js';

const dispatchers = new WeakMap<PlatformContext, OutboxDispatcher>();

/**
 * Sets the channel adapters a deployment delivers through (e.g. a configured `SmsChannel`);
 * without this call, the defaults: console and file work, SMS and WeChat refuse.
 */
export function configureNotificationChannels(ctx: PlatformContext, channels: NotificationChannel[], opts: Omit<OutboxDispatcherOptions, 'channels'> = {}) {
  dispatchers.set(ctx, new OutboxDispatcher({ ...opts, channels }));
}

export function dispatcherFor(ctx: PlatformContext): OutboxDispatcher {
  let d = dispatchers.get(ctx);
  if (!d) {
    d = new OutboxDispatcher({ channels: defaultChannels(ctx) });
    dispatchers.set(ctx, d);
  }
  return d;
}

/** For the platform manifest: deliver the outbox every 30 seconds. */
export const notifyJobs: JobHandlerDefinition[] = [
  {
    kind: 'notify.deliver',
    everySeconds: 30,
    handler: async (ctx) => {
      await dispatcherFor(ctx).deliverPending(ctx);
    },
  },
];
