export type LedgerAccountKind = 'asset' | 'liability' | 'income' | 'expense' | 'equity';
/** Volunteer time in minutes, points, money in integer fen (分): never floats. */
export type LedgerUnit = 'minutes' | 'points' | 'fen';

export interface LedgerAccountTable {
  id: string;
  /** Stable, readable key: `points:user:<id>`, `fund:xishan:cash` … */
  code: string;
  kind: LedgerAccountKind;
  unit: LedgerUnit;
  owner_type: string | null;
  owner_id: string | null;
  org_node_id: string | null;
  allow_negative: number;
  created_at: string;
}

export interface LedgerJournalTable {
  id: string;
  at: string;
  memo: string;
  source_type: string | null;
  source_id: string | null;
  reverses_id: string | null;
  created_by: string | null;
}

export interface LedgerEntryTable {
  id: string;
  journal_id: string;
  account_id: string;
  /** Signed: debit positive, credit negative. */
  amount: number;
  unit: LedgerUnit;
}

declare module '../db/schema.js' {
  interface Database {
    ledger_account: LedgerAccountTable;
    ledger_journal: LedgerJournalTable;
    ledger_entry: LedgerEntryTable;
  }
}
