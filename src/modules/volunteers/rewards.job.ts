import type { JobHandlerDefinition } from '../../platform/module.js';
import { cancelExpiredOrders } from './rewards.service.js';

/** Every five minutes: orders not picked up in time are cancelled and their points returned (once across processes). */
export const rewardOrderExpiryJob: JobHandlerDefinition = {
  kind: 'volunteers.reward-order-expiry',
  everySeconds: 300,
  handler: async (ctx) => {
    await cancelExpiredOrders(ctx);
  },
};
