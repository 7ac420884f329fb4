import { newId } from '../../platform/ids.js';
import type { GridEventTable } from './events.table.js';

let seq = 0;

/**
 * A grid_event row with its indicator facts set directly, for tests of the formulas' edge
 * cases and for the benchmark's bulk load (the service path is measured separately). Only
 * what an event of this state would carry; everything else null or zero.
 */
export function eventRow(
  at: { categoryId: string; node: { id: string; path: string } },
  facts: Partial<GridEventTable> & Pick<GridEventTable, 'created_at' | 'state'>,
): GridEventTable {
  const n = ++seq;
  return {
    id: newId(Date.parse(facts.created_at)),
    code: `T${facts.created_at.slice(0, 10).replace(/-/g, '')}-${String(n).padStart(7, '0')}-${newId().slice(10)}`,
    category_id: at.categoryId,
    title: '测试事件',
    description: '用于统计口径测试的事件',
    channel: 'patrol',
    source: null,
    source_order_no: null,
    urgency: '一般',
    workflow_instance_id: null,
    org_node_id: at.node.id,
    org_path: at.node.path,
    lat: null,
    lng: null,
    address: null,
    address_node_id: null,
    attributes: '{}',
    reporter_user_id: null,
    reporter_person_id: null,
    reporter_token_id: null,
    reporter_name_enc: null,
    reporter_phone_enc: null,
    patrol_id: null,
    promoted_from: null,
    merged_into_id: null,
    assignee_node_id: null,
    assignee_department_code: null,
    assignee_user_id: null,
    escalated_at: null,
    stage_started_at: null,
    due_at: null,
    warn_at: null,
    warned_at: null,
    overdue_at: null,
    accepted_at: null,
    first_dispatched_at: null,
    handling_started_at: null,
    handled_at: null,
    closed_at: null,
    close_due_at: null,
    closed_on_time: null,
    dispatch_count: 0,
    return_count: 0,
    handling_count: 0,
    rework_count: 0,
    extension_count: 0,
    suspended: 0,
    rating: null,
    rating_comment: null,
    rated_at: null,
    version: 1,
    updated_at: facts.created_at,
    ...facts,
  };
}
