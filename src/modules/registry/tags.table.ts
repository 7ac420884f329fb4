export type TagSource = 'typed' | 'imported' | 'derived' | 'department';

export interface TagDefinitionTable {
  code: string;
  category: string;
  description: string | null;
  /** JSON, e.g. `{"kind":"age","min":80}`; null when the tag is typed, imported or granted. */
  derived_rule: string | null;
  sensitive: number;
  sort: number;
  created_at: string;
}

/** A person's tag. Never deleted: ending it (ended_at) keeps the history. */
export interface PersonTagTable {
  id: string;
  person_id: string;
  tag: string;
  source: TagSource;
  department_code: string | null;
  /** `YYYY-MM-DD`, inclusive; null = open. */
  valid_from: string | null;
  valid_to: string | null;
  note: string | null;
  created_by: string | null;
  created_at: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    tag_definition: TagDefinitionTable;
    person_tag: PersonTagTable;
  }
}
