import '../events.table.js';

declare module '../events.table.js' {
  interface GridEventTable {
    /** The link an Open311 client sent with its request (migration 2026_11_26_0270); shown to staff, never fetched. */
    media_url?: string | null;
  }
}
