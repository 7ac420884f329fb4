import { registerPermissions } from '../../platform/policy/roles.js';

registerPermissions({
  /** Read events of a subtree: the console's queues, lists, the event page. */
  'events.event.read': ['dispatcher', 'community_staff', 'grid_worker', 'department_officer'],
  /** Report on behalf of someone (a phone call, a patrol, a hotline work order, a promoted visit). */
  'events.event.report': ['dispatcher', 'community_staff', 'grid_worker'],
  /** A resident reports and follows their own events. */
  'events.event.report-own': ['resident', 'volunteer'],
  /** Edit the category tree (time limits, handling units, attributes). */
  'events.category.manage': ['community_staff', 'dispatcher', 'system_admin'],
  'events.patrol.run': ['grid_worker'],
  'events.patrol.read': ['dispatcher', 'community_staff', 'grid_worker'],
  /** 考核指标: rates and times by grid, community, unit, category, period. */
  'events.indicators.read': ['dispatcher', 'community_staff', 'department_officer'],
});
