export interface AttachmentTable {
  id: string;
  /** Hex SHA-256 of the bytes; the blob lives at files/<first 2 hex>/<sha256>. */
  sha256: string;
  size: number;
  /** Detected from the content, never taken from the client. */
  mime: string;
  original_name: string;
  owner_user_id: string;
  /** The node whose staff (org.read) may open the file; null means the owner only. */
  org_node_id: string | null;
  /** What the file is for, in the caller's words (`service.application`, `event.photo` …). */
  purpose: string;
  created_at: string;
}

/** A record (owner_type `notice`, `disclosure_item` …) that uses an attachment. */
export interface AttachmentUseTable {
  attachment_id: string;
  owner_type: string;
  owner_id: string;
}

declare module '../db/schema.js' {
  interface Database {
    attachment: AttachmentTable;
    attachment_use: AttachmentUseTable;
  }
}
