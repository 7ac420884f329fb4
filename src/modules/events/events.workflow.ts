import { defineWorkflow } from '../../platform/workflow/workflow.definition.js';

/**
 * The closed loop (闭环) of a grid event, as the digital urban-management standards run it:
 * 上报 → 受理 → 派遣 → 处置 → 核查 → 结案 → 评价, with 回退, 延期, 挂账, 作废, 撤回 and 合并.
 *
 * Roles say who may take a step anywhere in the event's subtree; the service adds the rules a
 * role cannot express (only the unit it was dispatched to handles it, only the reporter
 * withdraws and rates). Time limits here are defaults: the service passes the category's own
 * hours (times the urgency factor) on every step that starts a clock.
 */
export const gridEventWorkflow = defineWorkflow({
  name: 'events.grid-event',
  label: { 'zh-CN': '网格事件', en: 'Grid event' },
  states: {
    reported: { label: { 'zh-CN': '待受理', en: 'Reported' }, deadline: { workingHours: 2 } },
    accepted: { label: { 'zh-CN': '待派遣', en: 'Accepted' }, deadline: { workingHours: 2 } },
    dispatched: { label: { 'zh-CN': '待处置', en: 'Dispatched' }, deadline: { workingHours: 2 } },
    handling: { label: { 'zh-CN': '处置中', en: 'Handling' }, deadline: { workingHours: 16 } },
    extension_requested: { label: { 'zh-CN': '延期申请中', en: 'Extension requested' } },
    suspended: { label: { 'zh-CN': '挂账', en: 'Suspended' }, clock: 'paused' },
    checking: { label: { 'zh-CN': '待核查', en: 'Checking' }, deadline: { workingHours: 8 } },
    closed: { label: { 'zh-CN': '已结案', en: 'Closed' } },
    rated: { label: { 'zh-CN': '已评价', en: 'Rated' } },
    rejected: { label: { 'zh-CN': '不予受理', en: 'Rejected' } },
    withdrawn: { label: { 'zh-CN': '已撤回', en: 'Withdrawn' } },
    void_requested: { label: { 'zh-CN': '作废审批中', en: 'Void requested' } },
    voided: { label: { 'zh-CN': '已作废', en: 'Voided' } },
    merged: { label: { 'zh-CN': '已合并', en: 'Merged' } },
  },
  initial: 'reported',
  terminal: ['rated', 'rejected', 'withdrawn', 'voided', 'merged'],
  transitions: [
    { name: 'withdraw', label: { 'zh-CN': '撤回', en: 'Withdraw' }, from: ['reported'], to: 'withdrawn', roles: ['resident', 'grid_worker', 'community_staff'] },
    { name: 'accept', label: { 'zh-CN': '受理', en: 'Accept' }, from: ['reported'], to: 'accepted', roles: ['community_staff', 'dispatcher'] },
    { name: 'reject', label: { 'zh-CN': '不予受理', en: 'Reject' }, from: ['reported'], to: 'rejected', roles: ['community_staff', 'dispatcher'], requires: { comment: true } },
    { name: 'merge', label: { 'zh-CN': '合并', en: 'Merge' }, from: ['reported', 'accepted'], to: 'merged', roles: ['community_staff', 'dispatcher'] },
    { name: 'escalate', label: { 'zh-CN': '上报街道', en: 'Escalate' }, from: ['accepted'], to: 'accepted', roles: ['community_staff'], bySystem: true, deadline: 'keep' },
    { name: 'dispatch', label: { 'zh-CN': '派遣', en: 'Dispatch' }, from: ['accepted'], to: 'dispatched', roles: ['community_staff', 'dispatcher'] },
    { name: 'redispatch', label: { 'zh-CN': '重新派遣', en: 'Re-dispatch' }, from: ['dispatched', 'handling'], to: 'dispatched', roles: ['community_staff', 'dispatcher'], requires: { comment: true } },
    { name: 'return', label: { 'zh-CN': '回退', en: 'Return' }, from: ['dispatched', 'handling'], to: 'accepted', roles: ['community_staff', 'grid_worker', 'department_officer'], requires: { comment: true } },
    { name: 'take', label: { 'zh-CN': '签收', en: 'Take up' }, from: ['dispatched'], to: 'handling', roles: ['community_staff', 'grid_worker', 'department_officer'], deadline: 'keep' },
    { name: 'progress', label: { 'zh-CN': '处置进展', en: 'Progress note' }, from: ['handling'], to: 'handling', roles: ['community_staff', 'grid_worker', 'department_officer'], requires: { comment: true }, deadline: 'keep' },
    { name: 'request_extension', label: { 'zh-CN': '申请延期', en: 'Ask for more time' }, from: ['handling'], to: 'extension_requested', roles: ['community_staff', 'grid_worker', 'department_officer'], requires: { comment: true }, deadline: 'keep' },
    { name: 'approve_extension', label: { 'zh-CN': '同意延期', en: 'Approve extension' }, from: ['extension_requested'], to: 'handling', roles: ['community_staff', 'dispatcher'] },
    { name: 'refuse_extension', label: { 'zh-CN': '不同意延期', en: 'Refuse extension' }, from: ['extension_requested'], to: 'handling', roles: ['community_staff', 'dispatcher'], requires: { comment: true }, deadline: 'keep' },
    { name: 'suspend', label: { 'zh-CN': '挂账', en: 'Suspend' }, from: ['handling'], to: 'suspended', roles: ['community_staff', 'dispatcher'], requires: { comment: true } },
    { name: 'resume', label: { 'zh-CN': '恢复办理', en: 'Resume' }, from: ['suspended'], to: 'handling', roles: ['community_staff', 'dispatcher'] },
    { name: 'finish', label: { 'zh-CN': '处置完毕', en: 'Report done' }, from: ['handling'], to: 'checking', roles: ['community_staff', 'grid_worker', 'department_officer'], requires: { comment: true } },
    { name: 'verify', label: { 'zh-CN': '核查通过', en: 'Check passed' }, from: ['checking'], to: 'closed', roles: ['grid_worker', 'community_staff', 'resident'] },
    { name: 'rework', label: { 'zh-CN': '返工', en: 'Send back for rework' }, from: ['checking'], to: 'handling', roles: ['grid_worker', 'community_staff', 'resident'], requires: { comment: true } },
    { name: 'rate', label: { 'zh-CN': '评价', en: 'Rate' }, from: ['closed'], to: 'rated', roles: ['resident', 'community_staff'] },
    { name: 'request_void', label: { 'zh-CN': '申请作废', en: 'Ask to void' }, from: ['accepted', 'dispatched', 'handling'], to: 'void_requested', roles: ['community_staff', 'grid_worker', 'department_officer'], requires: { comment: true } },
    { name: 'approve_void', label: { 'zh-CN': '同意作废', en: 'Approve void' }, from: ['void_requested'], to: 'voided', roles: ['dispatcher', 'community_staff'] },
    { name: 'refuse_void', label: { 'zh-CN': '不同意作废', en: 'Refuse void' }, from: ['void_requested'], to: 'accepted', roles: ['dispatcher', 'community_staff'], requires: { comment: true } },
  ],
});

export type GridEventTransition = (typeof gridEventWorkflow.transitions)[number]['name'];

/** 一般 keeps the category's hours; 紧急 halves them; 特急 quarters them. */
export const URGENCY_FACTOR = { 一般: 1, 紧急: 0.5, 特急: 0.25 } as const;
