import type { RequestMeta } from '../../platform/auth/auth.service.js';
import type { AuditEntry } from '../../platform/audit/audit.js';
import type { Actor } from '../../platform/policy/actor.js';
import type { MemberCategory, PartyOrgKind } from './organisations.table.js';

/** Small helpers the party files share: Beijing days and times, labels, audit entries. */

const BEIJING_MS = 8 * 3_600_000;

/** The Beijing calendar day of an instant: `2026-11-26`. */
export const beijingDay = (at: Date | string) => new Date((typeof at === 'string' ? Date.parse(at) : at.getTime()) + BEIJING_MS).toISOString().slice(0, 10);
/** `2026-11-26 14:30`, Beijing time. */
export const beijingTime = (at: Date | string) => new Date((typeof at === 'string' ? Date.parse(at) : at.getTime()) + BEIJING_MS).toISOString().slice(0, 16).replace('T', ' ');
/** The instant a Beijing day starts. */
export const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
/** The last instant of a Beijing day (its 23:59:59.999). */
export const dayEnd = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000 - 1).toISOString();
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** `2026年11月26日`. */
export const chineseDate = (day: string) => `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;

export type Label = { 'zh-CN': string; en: string };

export const ORG_KIND_LABELS: Record<PartyOrgKind, Label> = {
  committee: { 'zh-CN': '党委', en: 'Party committee' },
  general_branch: { 'zh-CN': '党总支', en: 'General branch' },
  branch: { 'zh-CN': '党支部', en: 'Branch' },
  group: { 'zh-CN': '党小组', en: 'Party group' },
};

export const CATEGORY_LABELS: Record<MemberCategory, Label> = {
  full: { 'zh-CN': '正式党员', en: 'Full member' },
  probationary: { 'zh-CN': '预备党员', en: 'Probationary member' },
};

/** The organisations a kind may sit under (none: the top of a tree). */
export const PARENT_KINDS: Record<PartyOrgKind, readonly (PartyOrgKind | null)[]> = {
  committee: [null, 'committee'],
  general_branch: ['committee'],
  branch: ['committee', 'general_branch', null],
  group: ['branch'],
};

/** An audit entry of the actor, with the request's ip and id. */
export function audit(actor: Actor | null, meta: RequestMeta, entry: Omit<AuditEntry, 'actorId' | 'actorName' | 'ip' | 'requestId'>): AuditEntry {
  return { actorId: actor?.userId ?? null, actorName: actor?.username ?? 'system', ip: meta.ip, requestId: meta.requestId, ...entry };
}

/** The org node id an org path ends at. */
export const lastNodeId = (path: string) => path.split('/').filter(Boolean).pop()!;
