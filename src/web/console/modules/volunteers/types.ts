/** Shapes of src/modules/volunteers/*.routes.ts that the console reads (see the zod schemas there). */

export interface Volunteer {
  id: string;
  number: string;
  name: string;
  orgNodeId: string;
  orgNodeName: string | null;
  personId: string | null;
  hasAccount: boolean;
  idType: string;
  idMasked: string | null;
  phoneMasked: string | null;
  skills: string[];
  availability: string[];
  intro: string | null;
  status: 'active' | 'inactive';
  consent: { version: string; at: string; how: 'online' | 'paper' };
  teams: { id: string; name: string; kind: 'service' | 'supervision'; role: 'leader' | 'member' }[];
  minutes: number;
  version: number;
  createdAt: string;
}

export interface Team {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  name: string;
  kind: 'service' | 'supervision';
  description: string;
  active: boolean;
  members: { volunteerId: string; name: string; number: string; role: 'leader' | 'member'; joinedAt: string }[];
  version: number;
}

export interface Opportunity {
  id: string;
  orgNodeId: string;
  teamId: string | null;
  organiser: string;
  category: string;
  title: string;
  description: string;
  place: string;
  startsAt: string;
  endsAt: string;
  signupDeadline: string;
  quota: number;
  taken: number;
  placesLeft: number;
  waiting: number;
  skills: string[];
  creditMinutes: number;
  requiresApproval: boolean;
  coverUrl: string | null;
  coverAttachmentId: string | null;
  status: 'draft' | 'published' | 'cancelled';
  cancelReason: string | null;
  phase: 'upcoming' | 'ongoing' | 'past';
  signupOpen: boolean;
  sharePath: string;
  qrPath: string;
  version: number;
}

export type SignupStatus = 'pending' | 'confirmed' | 'waiting' | 'declined' | 'cancelled';

export interface SignupRow {
  id: string;
  volunteerId: string;
  volunteerName: string;
  volunteerNumber: string;
  status: SignupStatus;
  seq: number;
  waitingPosition: number | null;
  onBehalf: boolean;
  declineReason: string | null;
  createdAt: string;
  record: { id: string; checkInAt: string; checkInMethod: 'qr' | 'leader'; checkOutAt: string | null; checkOutMethod: 'qr' | 'leader' | null; creditedMinutes: number; corrections: number } | null;
}

export interface ServiceRecord {
  id: string;
  opportunityId: string;
  opportunityTitle: string;
  organiser: string;
  volunteerId: string;
  volunteerName: string;
  volunteerNumber: string;
  checkInAt: string;
  checkInMethod: 'qr' | 'leader';
  checkOutAt: string | null;
  checkOutMethod: 'qr' | 'leader' | null;
  creditedMinutes: number;
  journalId: string | null;
  corrections: number;
  version: number;
}

export interface RecordDetail extends ServiceRecord {
  history: { id: string; oldCheckInAt: string; oldCheckOutAt: string | null; newCheckInAt: string; newCheckOutAt: string; oldMinutes: number; newMinutes: number; reason: string; correctedByName: string; at: string }[];
  journals: { id: string; at: string; memo: string; reversesId: string | null; entries: { accountCode: string; amount: number; unit: string }[] }[];
}

export interface Certificate {
  id: string;
  number: string;
  volunteerId: string;
  name: string;
  idType: string;
  idMasked: string | null;
  volunteerNumber: string;
  periodFrom: string;
  periodTo: string;
  totalMinutes: number;
  issuingOrg: string;
  responsiblePerson: string;
  handlerName: string;
  issuedOn: string;
  printPath: string;
}

export interface Observation {
  id: string;
  teamName: string;
  volunteerName: string;
  title: string;
  description: string;
  address: string | null;
  status: 'filed' | 'forwarded' | 'dismissed';
  eventCode: string | null;
  handledByName: string | null;
  dismissReason: string | null;
  createdAt: string;
}

export const CATEGORIES = ['助老', '环境', '文明交通', '垃圾分类', '文化', '监督', '应急', '其他'];
export const hoursOf = (minutes: number) => (Math.round((minutes / 60) * 10) / 10).toFixed(1);
