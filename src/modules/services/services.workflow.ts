import { defineWorkflow } from '../../platform/workflow/workflow.definition.js';

/**
 * An online application (网上申请) as a service hall runs it: 受理 → 审核 → 办结, with 退回补正
 * (the applicant is told once what is missing, adds it and resubmits; the waiting time does not
 * count against the promised time limit), 不予受理 with a reason, 审核不通过 with a reason,
 * 撤回 by the applicant before acceptance, and the applicant's rating at the end.
 *
 * Roles say who may take a step anywhere in the application's subtree; the service adds what
 * a role cannot express (only the applicant, or the staff who applied on their behalf, resubmits,
 * withdraws and rates). Time limits come from the matter (受理时限, 承诺时限 in working days):
 * the service passes them on the steps that start a clock.
 */
export const serviceApplicationWorkflow = defineWorkflow({
  name: 'services.application',
  label: { 'zh-CN': '服务申请', en: 'Service application' },
  states: {
    submitted: { label: { 'zh-CN': '待受理', en: 'Submitted' }, deadline: { workingHours: 7.5 } },
    returned: { label: { 'zh-CN': '待补正', en: 'Returned for missing materials' }, clock: 'paused' },
    accepted: { label: { 'zh-CN': '审核中', en: 'Under review' }, deadline: { workingHours: 37.5 } },
    approved: { label: { 'zh-CN': '待办结', en: 'Approved' } },
    completed: { label: { 'zh-CN': '已办结', en: 'Completed' } },
    rated: { label: { 'zh-CN': '已评价', en: 'Rated' } },
    refused: { label: { 'zh-CN': '不予受理', en: 'Not accepted' } },
    denied: { label: { 'zh-CN': '审核不通过', en: 'Refused after review' } },
    withdrawn: { label: { 'zh-CN': '已撤回', en: 'Withdrawn' } },
  },
  initial: 'submitted',
  terminal: ['rated', 'refused', 'denied', 'withdrawn'],
  transitions: [
    { name: 'accept', label: { 'zh-CN': '受理', en: 'Accept' }, from: ['submitted'], to: 'accepted', roles: ['community_staff'] },
    {
      name: 'return',
      label: { 'zh-CN': '退回补正', en: 'Return for missing materials' },
      from: ['submitted', 'accepted'],
      to: 'returned',
      roles: ['community_staff'],
      requires: { comment: true },
    },
    // Back to acceptance with a fresh acceptance limit (补正后重新受理).
    { name: 'resubmit', label: { 'zh-CN': '补正后提交', en: 'Resubmit' }, from: ['returned'], to: 'submitted', roles: ['resident', 'volunteer', 'community_staff', 'grid_worker'], deadline: 'restart' },
    // Back to review: the promised limit resumes with what was left when it was returned.
    { name: 'resubmit_review', label: { 'zh-CN': '补正后提交', en: 'Resubmit' }, from: ['returned'], to: 'accepted', roles: ['resident', 'volunteer', 'community_staff', 'grid_worker'], deadline: 'resume' },
    { name: 'refuse', label: { 'zh-CN': '不予受理', en: 'Do not accept' }, from: ['submitted', 'returned'], to: 'refused', roles: ['community_staff'], requires: { comment: true } },
    // 审核 and 办结 run against the one promised limit set at acceptance.
    { name: 'approve', label: { 'zh-CN': '审核通过', en: 'Approve' }, from: ['accepted'], to: 'approved', roles: ['community_staff'], deadline: 'keep' },
    { name: 'deny', label: { 'zh-CN': '审核不通过', en: 'Refuse after review' }, from: ['accepted'], to: 'denied', roles: ['community_staff'], requires: { comment: true } },
    { name: 'complete', label: { 'zh-CN': '办结', en: 'Complete' }, from: ['approved'], to: 'completed', roles: ['community_staff'] },
    { name: 'withdraw', label: { 'zh-CN': '撤回', en: 'Withdraw' }, from: ['submitted', 'returned'], to: 'withdrawn', roles: ['resident', 'volunteer', 'community_staff', 'grid_worker'] },
    { name: 'rate', label: { 'zh-CN': '评价', en: 'Rate' }, from: ['completed'], to: 'rated', roles: ['resident', 'volunteer', 'community_staff', 'grid_worker'] },
  ],
});

export type ApplicationTransition = (typeof serviceApplicationWorkflow.transitions)[number]['name'];

/** Steps a person takes on their own application (or the staff member who applied for them). */
export const APPLICANT_STEPS = new Set<string>(['resubmit', 'resubmit_review', 'withdraw', 'rate']);
/** Steps of the staff who handle applications. */
export const HANDLER_STEPS = new Set<string>(['accept', 'return', 'refuse', 'approve', 'deny', 'complete']);
