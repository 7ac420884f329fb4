export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface NotificationTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  /** An in-app path (`/m/...`, `/console/...`), never a foreign URL. */
  link: string | null;
  created_at: string;
  read_at: string | null;
}

export interface NotificationOutboxTable {
  id: string;
  notification_id: string;
  channel: string;
  /** `user:<id>`: the channel resolves the real address (phone, openid) when it sends. */
  recipient: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NotificationPreferenceTable {
  user_id: string;
  topic: string;
  channel: string;
  enabled: number;
  updated_at: string;
}

declare module '../db/schema.js' {
  interface Database {
    notification_preference: NotificationPreferenceTable;
    notification: NotificationTable;
    notification_outbox: NotificationOutboxTable;
  }
}
