import { defineModule } from '../../platform/module.js';
import { createExchangeClients } from './migrations/2026_11_26_0700_create_exchange_clients.js';
import { createExchangeSubscriptions } from './migrations/2026_11_26_0710_create_exchange_subscriptions.js';
import { pruneDeliveredPayloads } from './migrations/2026_11_26_0720_prune_delivered_payloads.js';
import { consentWithdrawReasonAndEvidence } from './migrations/2026_11_26_0730_consent_withdraw_reason_and_evidence.js';
import { partialEndedIndexes } from './migrations/2026_11_26_0740_partial_ended_indexes.js';
import './clients.table.js';
import './subscriptions.table.js';
import './clients.policy.js';
import { registerClientRoutes } from './clients.routes.js';
import { registerSubscriptionRoutes } from './subscriptions.routes.js';
import { exchangeJobs } from './deliveries.job.js';
import { seedExchangeDemo } from './exchange.demo.js';

/**
 * 数据共享交换: department systems as clients with scoped keys (rate limits, rotation, revocation,
 * audited reads with a purpose, consents beyond the mandate), and change subscriptions delivered
 * by signed webhooks from an outbox (retries, dead letters, replay).
 */
export const exchangeModule = defineModule({
  name: 'exchange',
  migrations: {
    '2026_11_26_0700_create_exchange_clients': createExchangeClients,
    '2026_11_26_0710_create_exchange_subscriptions': createExchangeSubscriptions,
    '2026_11_26_0720_prune_delivered_payloads': pruneDeliveredPayloads,
    '2026_11_26_0730_consent_withdraw_reason_and_evidence': consentWithdrawReasonAndEvidence,
    '2026_11_26_0740_partial_ended_indexes': partialEndedIndexes,
  },
  routes: (app, ctx) => {
    registerClientRoutes(app, ctx);
    registerSubscriptionRoutes(app, ctx);
  },
  jobs: exchangeJobs,
  seedDemo: seedExchangeDemo,
});
