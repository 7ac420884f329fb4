import { registerPermissions } from '../../platform/policy/roles.js';

/**
 * 社区服务体系 — guide and applications. Other parts of the service hall (appointments,
 * consultations, merchants, convenience services) register theirs in their own policy files.
 */
registerPermissions({
  /**
   * Edit the 办事指南 (every edit a new version) and publish a version: a community's own matters
   * on its subtree; the deployment-wide catalogue only with a grant at the top of the tree.
   */
  'services.matter.manage': ['community_staff', 'system_admin'],
  /** Read drafts and the version history (the published guide is public). */
  'services.matter.read': ['community_staff', 'grid_worker', 'dispatcher', 'department_officer', 'system_admin'],
  /** A resident applies online and follows their own applications. */
  'services.application.apply-own': ['resident', 'volunteer'],
  /**
   * Staff read applications of a subtree (queue, application page, receipt). Not department
   * officers: an application shows who asked for what (低保, 残疾 …) beyond their mandate's fields.
   */
  'services.application.read': ['community_staff', 'grid_worker', 'dispatcher'],
  /** Accept, return, refuse, approve, deny, complete, assign, bulk actions (the workflow's roles agree). */
  'services.application.handle': ['community_staff'],
  /** 代办: staff apply on behalf of an elderly or disabled resident of their subtree. */
  'services.application.on-behalf': ['community_staff', 'grid_worker'],
  /** Per-matter statistics (counts and rates only, no names). */
  'services.statistics.read': ['community_staff', 'dispatcher', 'department_officer'],
});
