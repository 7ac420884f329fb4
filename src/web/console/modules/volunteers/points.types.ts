/** Shapes of src/modules/volunteers/{points,rewards,fund}.schema.ts that the console reads. */

export interface PointsRule {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  name: string;
  sourceKind: string;
  sourceKindLabel: string;
  perUnit: 'hour' | 'item';
  pointsPerUnit: number;
  maxPerAward: number | null;
  maxPerMonth: number | null;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  description: string;
  version: number;
}

export interface PointsKind {
  kind: string;
  label: string;
  perUnit: 'hour' | 'item';
}

export interface PointsAward {
  id: string;
  ruleName: string;
  sourceKind: string;
  sourceType: string;
  revision: number;
  holderName: string | null;
  quantity: number;
  points: number;
  uncappedPoints: number;
  memo: string;
  createdAt: string;
}

export interface RewardItem {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  name: string;
  description: string;
  category: string;
  pricePoints: number;
  stock: number;
  limitPerPerson: number | null;
  limitPeriod: 'month' | 'total';
  holdDays: number;
  pictureUrl: string | null;
  pictureAttachmentId: string | null;
  availableFrom: string | null;
  availableTo: string | null;
  onSale: boolean;
  sort: number;
  version: number;
}

export interface RewardOrder {
  id: string;
  code: string;
  itemName: string;
  holderName: string;
  quantity: number;
  points: number;
  status: 'pending' | 'fulfilled' | 'cancelled';
  expiresAt: string;
  fulfilledAt: string | null;
  fulfilledByName: string | null;
  cancelledAt: string | null;
  cancelKind: 'holder' | 'staff' | 'expired' | null;
  cancelReason: string | null;
  createdAt: string;
}

export interface FundBalances {
  cash: number;
  inKind: number;
  balance: number;
  donations: number;
  aid: number;
}

export interface Fund {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  name: string;
  description: string;
  balances: FundBalances;
  publicPath: string;
}

export interface Donation {
  id: string;
  receiptNumber: string;
  kind: 'cash' | 'transfer' | 'in_kind';
  amountFen: number;
  goods: string | null;
  donorType: 'person' | 'organisation';
  donorName: string;
  anonymous: boolean;
  receivedOn: string;
  note: string | null;
  status: 'recorded' | 'reversed';
  reversedReason: string | null;
  recordedByName: string;
}

export interface Disbursement {
  id: string;
  applicationId: string;
  voucherNumber: string;
  method: 'cash' | 'transfer' | 'in_kind';
  amountFen: number;
  paidOn: string;
  note: string | null;
  status: 'recorded' | 'reversed';
  reversedReason: string | null;
  recordedByName: string;
}

export type ApplicationStatus = 'submitted' | 'approving' | 'approved' | 'rejected' | 'withdrawn' | 'disbursed';

export interface FundApplication {
  id: string;
  number: string;
  category: string;
  amountAskedFen: number;
  approvedFen: number;
  disbursedFen: number;
  status: ApplicationStatus;
  decisions: { decision: 'approve' | 'reject'; amountFen: number | null; comment: string; decidedByName: string; at: string }[];
  disbursements: Disbursement[];
  version: number;
  createdAt: string;
  applicantName: string;
  personId: string;
  onBehalf: boolean;
}

export interface FundApplicationDetail extends FundApplication {
  reason: string;
  attachments: { id: string; name: string; mime: string }[];
  applicant: { name: string; idMasked: string | null; phoneMasked: string | null; address: string | null };
}

export interface PublicFund {
  name: string;
  orgNodeName: string | null;
  balances: FundBalances;
  entries: { journalId: string; at: string; day: string; kind: 'donation' | 'disbursement' | 'reversal'; label: string; detail: string | null; amountFen: number; inKind: boolean; balanceFen: number }[];
  months: { month: string; openingFen: number; inFen: number; outFen: number; closingFen: number; entries: number }[];
}

/** 1234567 fen → 12,345.67 */
export const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
