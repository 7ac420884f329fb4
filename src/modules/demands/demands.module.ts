import { defineModule } from '../../platform/module.js';
import './demands.policy.js';
import { registerDemandRoutes } from './demands.routes.js';

/**
 * 全响应 (every demand in one place): a read-only aggregation of events, applications, orders,
 * consultations, suggestions, correction requests and forum questions, through each module's
 * facts functions. No tables, no migrations, no demo of its own.
 */
export const demandsModule = defineModule({
  name: 'demands',
  routes: registerDemandRoutes,
});
