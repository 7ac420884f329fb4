import { Link } from 'wouter';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import './timebank.messages.js';
import './volunteers.css';
import './timebank.css';

/** Shapes of src/modules/volunteers/timebank.routes.ts that the resident pages read. */
export const TIMEBANK_CATEGORIES = ['跑腿代办', '陪伴聊天', '陪同就医', '家居维修', '手机电脑', '教学辅导', '文体艺术', '其他'] as const;
export const MINUTE_CHOICES = [15, 30, 45, 60, 90, 120, 180, 240] as const;

export interface TbMe {
  eligible: boolean;
  communityName: string | null;
  member: { id: string; joinedAt: string; contactNote: string | null; balance: number; promised: number; available: number; held: number; earned: number; spent: number } | null;
  rules: { startingMinutes: number; autoAcceptDays: number; releaseGraceHours: number; maxNeededByDays: number };
}

export interface TbPost {
  id: string;
  kind: 'offer' | 'need';
  category: string;
  title: string;
  description: string;
  minutes: number;
  place: string | null;
  neededBy: string | null;
  status: 'open' | 'taken' | 'closed' | 'expired';
  closedReason: string | null;
  exchangeCount: number;
  createdAt: string;
  author: { name: string; place: string | null; isMe: boolean };
  canTake: boolean;
  canBook: boolean;
  canClose: boolean;
}

export type TbExchangeStatus = 'held' | 'done' | 'completed' | 'disputed' | 'resolved' | 'released' | 'cancelled';

export interface TbExchange {
  id: string;
  postId: string;
  kind: 'offer' | 'need';
  title: string;
  category: string;
  minutes: number;
  status: TbExchangeStatus;
  neededBy: string;
  dueAt: string;
  autoAcceptAt: string | null;
  note: string | null;
  doneAt: string | null;
  doneNote: string | null;
  acceptedAt: string | null;
  acceptedHow: 'requester' | 'auto' | null;
  disputedAt: string | null;
  disputedByMe: boolean;
  disputeReason: string | null;
  resolvedAt: string | null;
  resolution: 'helper' | 'requester' | null;
  resolutionReason: string | null;
  releasedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  role: 'requester' | 'helper';
  counterpart: { name: string; place: string | null; contactNote: string | null };
  can: { done: boolean; accept: boolean; dispute: boolean; withdraw: boolean };
}

/** Hours as people say them: 0.5, 1, 1.5 … */
export const hours = (minutes: number) => String(Math.round((minutes / 60) * 100) / 100);

/** A `datetime-local` value (Beijing wall clock) as an instant. */
export const fromLocalInput = (v: string) => `${v}:00+08:00`;
/** An instant as a `datetime-local` value in Beijing time. */
export const toLocalInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

export function ExchangeStatus({ status }: { status: TbExchangeStatus }) {
  const { t } = useI18n();
  const mark = status === 'completed' || status === 'resolved' ? '✓ ' : status === 'held' || status === 'done' || status === 'disputed' ? '● ' : '– ';
  return (
    <span className={`rtb-status rtb-status-${status}`} data-testid="timebank-exchange-status" data-status={status}>
      <span aria-hidden="true">{mark}</span>
      {t(`rtb.ex.${status}`)}
    </span>
  );
}

/** One offer or need as a card linking to its page. */
export function PostCard({ post }: { post: TbPost }) {
  const { t } = useI18n();
  return (
    <Link href={`/timebank/${post.id}`} className="r-card rtb-card" data-testid="timebank-post" data-title={post.title} data-kind={post.kind}>
      <div className="rvo-card-tags">
        <span className={`rtb-kind rtb-kind-${post.kind}`}>{t(`rtb.kind.${post.kind}`)}</span>
        <span className="rvo-phase">{post.category}</span>
        {post.status !== 'open' && <span className="rvo-phase">{t(`rtb.status.${post.status}`)}</span>}
      </div>
      <strong className="rvo-card-title">{post.title}</strong>
      <span className="rvo-line">
        <strong className="rtb-hours">{t('rtb.hours', { h: hours(post.minutes) })}</strong>
        {post.neededBy && <> · {t('rtb.neededBy', { at: formatDateTime(post.neededBy) })}</>}
      </span>
      <span className="rvo-line r-muted">{t('rtb.by', { name: post.author.name, place: post.author.place ?? '' })}</span>
    </Link>
  );
}
