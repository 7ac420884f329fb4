import type { Executor } from '../../platform/db/database.js';
import * as ledger from '../../platform/ledger/ledger.service.js';

/**
 * The ledger accounts of a community's mutual-aid fund (互助基金), unit `fen` (integer 分):
 *
 * | code | kind | what |
 * | --- | --- | --- |
 * | `fund:<node>:cash` | asset, never negative | money held (cash box and bank: 货币资金) |
 * | `fund:<node>:in_kind` | asset, never negative | goods held, at their agreed value (实物) |
 * | `fund:<node>:donations` | income | donations received (捐赠收入) |
 * | `fund:<node>:aid` | expense | help given (救助支出) |
 *
 * A donation debits cash (or in-kind) and credits donations; a disbursement debits aid and
 * credits cash (or in-kind), refused when the fund does not hold that much. The fund's balance
 * is cash + in-kind, the sum of their entries; donations − aid equals it at every moment.
 */
export const fundCashCode = (orgNodeId: string) => `fund:${orgNodeId}:cash`;
export const fundInKindCode = (orgNodeId: string) => `fund:${orgNodeId}:in_kind`;
export const fundDonationsCode = (orgNodeId: string) => `fund:${orgNodeId}:donations`;
export const fundAidCode = (orgNodeId: string) => `fund:${orgNodeId}:aid`;

/** The asset account money or goods of this kind sit in. */
export const fundAssetCode = (orgNodeId: string, kind: 'cash' | 'transfer' | 'in_kind') => (kind === 'in_kind' ? fundInKindCode(orgNodeId) : fundCashCode(orgNodeId));

export async function ensureFundAccounts(db: Executor, orgNodeId: string, at: Date) {
  const common = { unit: 'fen' as const, ownerType: 'fund', ownerId: orgNodeId, orgNodeId, at };
  await ledger.ensureAccount(db, { code: fundCashCode(orgNodeId), kind: 'asset', allowNegative: false, ...common });
  await ledger.ensureAccount(db, { code: fundInKindCode(orgNodeId), kind: 'asset', allowNegative: false, ...common });
  await ledger.ensureAccount(db, { code: fundDonationsCode(orgNodeId), kind: 'income', allowNegative: true, ...common });
  await ledger.ensureAccount(db, { code: fundAidCode(orgNodeId), kind: 'expense', allowNegative: true, ...common });
}

/** Cash, in kind, their total (the fund's balance), donations and aid so far, in fen. */
export async function fundBalances(db: Executor, orgNodeId: string) {
  const b = await ledger.balances(db, [fundCashCode(orgNodeId), fundInKindCode(orgNodeId), fundDonationsCode(orgNodeId), fundAidCode(orgNodeId)]);
  const of = (code: string) => b.get(code)?.balance ?? 0;
  const cash = of(fundCashCode(orgNodeId));
  const inKind = of(fundInKindCode(orgNodeId));
  return { cash, inKind, balance: cash + inKind, donations: of(fundDonationsCode(orgNodeId)), aid: of(fundAidCode(orgNodeId)) };
}
