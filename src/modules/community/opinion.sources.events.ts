import '../events/events.table.js';
import { afterWatermark, registerOpinionSource, type OpinionSource } from './opinion.sources.js';

/**
 * 网格事件 as an opinion source: the one query of the community module over the events module's
 * `grid_event` table, read only. Columns read: `id`, `org_node_id` (the event's grid),
 * `created_at` (watermark and week), `description` (the reporter's words), `promoted_from`.
 *
 * Not read: `title` (made from the category name and the place, so it would count 楼 names and
 * category labels, not what people said), and events with `promoted_from` set — a suggestion or
 * a visit turned into an event, whose words the suggestions and visits sources count already.
 */
export const eventsSource: OpinionSource = {
  name: 'events',
  label: '网格事件',
  consoleLink: (id) => `/console/events/${id}`,
  async since(db, watermark, limit) {
    const rows = await db
      .selectFrom('grid_event')
      .select(['id', 'org_node_id', 'created_at', 'description', 'promoted_from'])
      .where((eb) => afterWatermark(eb, 'created_at', 'id', watermark))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    // Promoted events are returned with no text (not skipped in SQL), so the watermark still moves past them.
    return rows.map((r) => ({ id: r.id, orgNodeId: r.org_node_id, at: r.created_at, text: r.promoted_from ? '' : r.description }));
  },
};

registerOpinionSource(eventsSource);
