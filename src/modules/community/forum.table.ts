/** 兴趣社区 (interest groups and forum): table types. */

export type ForumGroupStatus = 'open' | 'closed';
/** pending = held for review (审核中); rejected = refused at review; hidden = taken down by a moderator; deleted = by its author. */
export type ForumContentStatus = 'pending' | 'published' | 'rejected' | 'hidden' | 'deleted';
export type ForumReportStatus = 'open' | 'hidden' | 'dismissed';
export type SensitiveWordLevel = 'review' | 'block';

export interface ForumGroupTable {
  id: string;
  /** The community the group belongs to. */
  org_node_id: string;
  org_path: string;
  name: string;
  description: string;
  status: ForumGroupStatus;
  closed_reason: string | null;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ForumMemberTable {
  group_id: string;
  user_id: string;
  joined_at: string;
}

/** One forum nickname per account, unique (normalised) within its community. */
export interface ForumProfileTable {
  user_id: string;
  community_node_id: string;
  nickname: string;
  /** NFKC, lower case, no spaces: what uniqueness is decided on. */
  nickname_key: string;
  person_id: string | null;
  /** Touched by every post and comment: the row lock that serialises a user's rate-limit count. */
  last_write_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ForumPostTable {
  id: string;
  group_id: string;
  /** The author's home (grid, or community): its moderators see the post in their queue. */
  org_node_id: string;
  org_path: string;
  author_user_id: string;
  author_person_id: string | null;
  /** Written by staff (shown with a 社区 badge). */
  author_staff: number;
  title: string;
  /** Sanitised server-side (sanitize-html); the only HTML any page renders. */
  body_html: string;
  /** Plain-text copy of the body, for search and opinion trends. */
  body_text: string;
  status: ForumContentStatus;
  /** JSON array of the review-level words that held it, or null. */
  review_words: string | null;
  moderation_reason: string | null;
  moderated_by: string | null;
  moderated_at: string | null;
  like_count: number;
  version: number;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

export interface ForumPostImageTable {
  post_id: string;
  attachment_id: string;
  position: number;
}

export interface ForumCommentTable {
  id: string;
  post_id: string;
  group_id: string;
  org_node_id: string;
  org_path: string;
  author_user_id: string;
  author_person_id: string | null;
  author_staff: number;
  /** Plain text, rendered as text. */
  body: string;
  status: ForumContentStatus;
  review_words: string | null;
  moderation_reason: string | null;
  moderated_by: string | null;
  moderated_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ForumLikeTable {
  post_id: string;
  user_id: string;
  created_at: string;
}

export interface ForumReportTable {
  id: string;
  target_type: 'post' | 'comment';
  target_id: string;
  post_id: string;
  group_id: string;
  /** The reported item's org_path (its author's home): moderators of that subtree handle it. */
  org_path: string;
  reporter_user_id: string;
  reason: string;
  detail: string | null;
  status: ForumReportStatus;
  handled_by: string | null;
  handled_at: string | null;
  resolution: string | null;
  created_at: string;
}

/** 敏感词 as data: `review` holds content for review, `block` refuses it (422). */
export interface SensitiveWordTable {
  id: string;
  /** `*` for the platform-wide default list, else the node id (the unique key's scope). */
  scope: string;
  org_node_id: string | null;
  org_path: string | null;
  word: string;
  /** The normalised form matched against normalised text. */
  word_key: string;
  level: SensitiveWordLevel;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    forum_group: ForumGroupTable;
    forum_member: ForumMemberTable;
    forum_profile: ForumProfileTable;
    forum_post: ForumPostTable;
    forum_post_image: ForumPostImageTable;
    forum_comment: ForumCommentTable;
    forum_like: ForumLikeTable;
    forum_report: ForumReportTable;
    sensitive_word: SensitiveWordTable;
  }
}
