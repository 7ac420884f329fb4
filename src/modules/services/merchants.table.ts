/** 周边商圈 tables (see migrations/2026_11_26_0312_create_merchants.ts). */

export interface OpeningPeriod {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** `HH:MM` local time; a close at or before the open runs past midnight (22:00–02:00). */
  open: string;
  close: string;
}

export interface OpeningHours {
  periods: OpeningPeriod[];
  /** 节假日照常营业, 春节休息 … */
  note?: string;
}

export interface MerchantTable {
  id: string;
  org_node_id: string;
  org_path: string;
  name: string;
  category: string;
  address: string;
  phone: string | null;
  lat: number | null;
  lng: number | null;
  /** JSON OpeningHours. */
  opening_hours: string;
  description: string | null;
  sort: number;
  active: number;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface MerchantOfferTable {
  id: string;
  merchant_id: string;
  title: string;
  description: string | null;
  starts_on: string;
  ends_on: string;
  active: number;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    merchant: MerchantTable;
    merchant_offer: MerchantOfferTable;
  }
}
