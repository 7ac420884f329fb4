import * as z from 'zod';
import { ZPage, zId } from './volunteers.schema.js';

/** zod shapes of 志愿服务时长: check-in QR, attendance, records, corrections, the ledger statement, certificates. */

const zInstant = () => z.iso.datetime({ offset: true });
const zDay = () => z.iso.date();

export const ZAttendanceQr = z.object({
  action: z.enum(['in', 'out']),
  token: z.string(),
  /** `/m/volunteer/checkin?t=…`, and the same on the origin the caller reached us on. */
  path: z.string(),
  url: z.string(),
  /** The QR code as SVG markup. */
  svg: z.string(),
  notBefore: z.string(),
  expiresAt: z.string(),
  /** When the screen should ask for the next code. */
  refreshAt: z.string(),
});

export const ZRecord = z.object({
  id: z.string(),
  signupId: z.string(),
  opportunityId: z.string(),
  opportunityTitle: z.string(),
  organiser: z.string(),
  volunteerId: z.string(),
  volunteerName: z.string(),
  volunteerNumber: z.string(),
  checkInAt: z.string(),
  checkInMethod: z.enum(['qr', 'leader']),
  checkOutAt: z.string().nullable(),
  checkOutMethod: z.enum(['qr', 'leader']).nullable(),
  creditedMinutes: z.number(),
  journalId: z.string().nullable(),
  corrections: z.number(),
  version: z.number(),
});

export const ZAttendanceResult = z.object({
  action: z.enum(['in', 'out']),
  /** The scan found the record already done (a second scan changes nothing). */
  already: z.boolean(),
  record: ZRecord,
});

export const ZAttendanceByQr = z.object({ token: z.string().min(1).max(512) });

export const ZLeaderAttendance = z.object({
  signupId: zId(),
  action: z.enum(['in', 'out']),
  /** When it happened, if not now (a volunteer who forgot to scan); not in the future. */
  at: zInstant().optional(),
});

export const ZCorrection = z.object({
  checkInAt: zInstant(),
  checkOutAt: zInstant(),
  reason: z.string().trim().min(4).max(200),
  expectedVersion: z.number().int().min(1),
});

export const ZJournal = z.object({
  id: z.string(),
  at: z.string(),
  memo: z.string(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  reversesId: z.string().nullable(),
  entries: z.array(z.object({ accountCode: z.string(), amount: z.number(), unit: z.string() })),
});

export const ZRecordDetail = ZRecord.extend({
  corrections: z.number(),
  history: z.array(
    z.object({
      id: z.string(),
      oldCheckInAt: z.string(),
      oldCheckOutAt: z.string().nullable(),
      newCheckInAt: z.string(),
      newCheckOutAt: z.string(),
      oldMinutes: z.number(),
      newMinutes: z.number(),
      reason: z.string(),
      reversedJournalId: z.string().nullable(),
      newJournalId: z.string().nullable(),
      correctedByName: z.string(),
      at: z.string(),
    }),
  ),
  journals: z.array(ZJournal),
});

export const ZMyHours = z.object({
  /** The ledger balance of the volunteer's minutes account. */
  minutes: z.number(),
  records: z.array(ZRecord),
  /** The account's entries, newest first: each with its source (the service record) and reversals. */
  entries: z.array(z.object({ journalId: z.string(), at: z.string(), memo: z.string(), sourceType: z.string().nullable(), sourceId: z.string().nullable(), reversesId: z.string().nullable(), amount: z.number() })),
});

export const ZCertificateInput = z.object({
  volunteerId: zId(),
  /** Service days covered (Beijing dates); by default everything so far. */
  from: zDay().optional(),
  to: zDay().optional(),
  /** 出具证明的组织 and its 负责人, as printed. */
  issuingOrg: z.string().trim().min(2).max(60),
  responsiblePerson: z.string().trim().min(2).max(20),
});

export const ZCertificate = z.object({
  id: z.string(),
  number: z.string(),
  volunteerId: z.string(),
  name: z.string(),
  idType: z.string(),
  idMasked: z.string().nullable(),
  volunteerNumber: z.string(),
  periodFrom: z.string(),
  periodTo: z.string(),
  totalMinutes: z.number(),
  items: z.array(z.object({ date: z.string(), title: z.string(), organiser: z.string(), minutes: z.number() })),
  issuingOrg: z.string(),
  responsiblePerson: z.string(),
  handlerName: z.string(),
  issuedOn: z.string(),
  /** The printable page. */
  printPath: z.string(),
});

export const ZRecordQuery = z.object({ volunteerId: zId().optional(), opportunityId: zId().optional(), open: z.enum(['1', 'true']).optional().transform((v) => v !== undefined), ...ZPage });
