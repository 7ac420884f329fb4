/**
 * Shapes of the service hall's appointments (预约), consultations (咨询), merchants (周边商圈)
 * and the matters editor, inferred from the server's zod schemas in src/modules/services.
 * Type-only: nothing here reaches a bundle.
 */
import type * as z from 'zod';
import type { ZAppointment, ZAppointmentPage, ZSlot, ZSlotList, ZWindow, ZWindowList, ZGenerated } from '../../modules/services/appointments.schema.js';
import type { ZConsultationDetail, ZConsultationPage, ZConsultationSummary, ZProfessional, ZProfessionalList } from '../../modules/services/consultations.schema.js';
import type { ZCategoryList, ZMerchant, ZMerchantPage, ZOffer } from '../../modules/services/merchants.schema.js';
import type { ZMatterContent, ZMatterDetail, ZMatterList, ZMatterSummary, ZMatterVersion, ZMatterVersions, ZGroupList } from '../../modules/services/matters.schema.js';
import type {
  ZCategoryList as ZConvenienceCategoryList,
  ZComplaint,
  ZComplaintPage,
  ZLedgerReport,
  ZOffering,
  ZOfferingList,
  ZOrder,
  ZOrderDetail,
  ZOrderPage,
  ZProvider,
  ZProviderList,
  ZQuote,
  ZRule,
  ZRuleList,
} from '../../modules/services/convenience.schema.js';

export type ServiceWindow = z.infer<typeof ZWindow>;
export type ServiceWindowList = z.infer<typeof ZWindowList>;
export type Slot = z.infer<typeof ZSlot>;
export type SlotList = z.infer<typeof ZSlotList>;
export type Generated = z.infer<typeof ZGenerated>;
export type Appointment = z.infer<typeof ZAppointment>;
export type AppointmentPage = z.infer<typeof ZAppointmentPage>;

export type Consultation = z.infer<typeof ZConsultationSummary>;
export type ConsultationPage = z.infer<typeof ZConsultationPage>;
export type ConsultationDetail = z.infer<typeof ZConsultationDetail>;
export type Professional = z.infer<typeof ZProfessional>;
export type ProfessionalList = z.infer<typeof ZProfessionalList>;

export type Merchant = z.infer<typeof ZMerchant>;
export type MerchantPage = z.infer<typeof ZMerchantPage>;
export type MerchantOffer = z.infer<typeof ZOffer>;
export type MerchantCategoryList = z.infer<typeof ZCategoryList>;

export type MatterContent = z.input<typeof ZMatterContent>;
export type MatterSummary = z.infer<typeof ZMatterSummary>;
export type MatterList = z.infer<typeof ZMatterList>;
export type MatterDetail = z.infer<typeof ZMatterDetail>;
export type MatterVersion = z.infer<typeof ZMatterVersion>;
export type MatterVersions = z.infer<typeof ZMatterVersions>;
export type MatterGroupList = z.infer<typeof ZGroupList>;

export type ConvenienceCategoryList = z.infer<typeof ZConvenienceCategoryList>;
export type Provider = z.infer<typeof ZProvider>;
export type ProviderList = z.infer<typeof ZProviderList>;
export type Offering = z.infer<typeof ZOffering>;
export type OfferingList = z.infer<typeof ZOfferingList>;
export type Quote = z.infer<typeof ZQuote>;
export type ServiceOrder = z.infer<typeof ZOrder>;
export type ServiceOrderPage = z.infer<typeof ZOrderPage>;
export type ServiceOrderDetail = z.infer<typeof ZOrderDetail>;
export type Complaint = z.infer<typeof ZComplaint>;
export type ComplaintPage = z.infer<typeof ZComplaintPage>;
export type AllowanceRule = z.infer<typeof ZRule>;
export type AllowanceRuleList = z.infer<typeof ZRuleList>;
export type LedgerReport = z.infer<typeof ZLedgerReport>;

/** Fen as money: 5000 → ¥50.00. */
export function yuan(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`;
}

/** Minutes as hours: 150 → 2.5. */
export function hours(minutes: number): string {
  return String(Math.round((minutes / 60) * 10) / 10);
}

export const CONSULTATION_RATINGS = ['满意', '基本满意', '不满意'] as const;
export const MERCHANT_CATEGORY_CODES = ['food', 'grocery', 'market', 'pharmacy', 'repair', 'beauty', 'education', 'express', 'laundry', 'life'] as const;

/** `YYYY-MM-DD` → `12月2日 周三` (zh) / `Wed 2 Dec` (en), read as a Beijing date. */
export function dayLabel(date: string, locale: string): string {
  const d = new Date(`${date}T12:00:00+08:00`);
  if (locale === 'en') return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'Asia/Shanghai' });
  const wd = '日一二三四五六'[d.getUTCDay()];
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 周${wd}`;
}
