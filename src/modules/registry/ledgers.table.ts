/**
 * A department ledger (台账) as data: which people (tags, conditions), which columns, in
 * which order. Rows are never stored: they are generated from the one registry on demand.
 */
export interface LedgerDefinitionTable {
  id: string;
  code: string;
  /** The department the ledger is for; null for the community's own ledgers (staff only). */
  department_code: string | null;
  title: string;
  /** 填报单位 template: `{street}{community}` … filled from the node the ledger is drawn for. */
  unit_name: string;
  /** JSON `string[]`: a person holding any of these tags today; empty = no tag filter. */
  tags: string;
  /** JSON `LedgerConditions`. */
  conditions: string;
  /** JSON `LedgerColumn[]`, in order. */
  columns: string;
  /** JSON `LedgerSort[]`. */
  sort: string;
  built_in: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    ledger_definition: LedgerDefinitionTable;
  }
}
