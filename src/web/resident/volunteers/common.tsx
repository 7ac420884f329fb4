import { Link } from 'wouter';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import './messages.js';
import './volunteers.css';

/** Shapes of src/modules/volunteers/*.routes.ts that the resident pages read. */
export interface Card {
  id: string;
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
  status: 'draft' | 'published' | 'cancelled';
  cancelReason: string | null;
  phase: 'upcoming' | 'ongoing' | 'past';
  signupOpen: boolean;
  sharePath: string;
  qrPath: string;
}

export type SignupStatus = 'pending' | 'confirmed' | 'waiting' | 'declined' | 'cancelled';

export interface MySignup {
  id: string;
  opportunityId: string;
  status: SignupStatus;
  waitingPosition: number | null;
  placedAt: string | null;
  declineReason: string | null;
  createdAt: string;
  record: { checkInAt: string; checkOutAt: string | null; creditedMinutes: number } | null;
}

export interface Volunteer {
  id: string;
  number: string;
  name: string;
  idType: string;
  idMasked: string | null;
  skills: string[];
  availability: string[];
  teams: { id: string; name: string; kind: 'service' | 'supervision'; role: 'leader' | 'member' }[];
  minutes: number;
  version: number;
}

export const CATEGORIES = ['助老', '环境', '文明交通', '垃圾分类', '文化', '监督', '应急', '其他'] as const;

/** Hours with one decimal, as certificates count them. */
export const hoursOf = (minutes: number) => (Math.round((minutes / 60) * 10) / 10).toFixed(1);

/** 12月3日 09:00–11:30 (the same day) in Beijing time. */
export function timeRange(startsAt: string, endsAt: string): string {
  const from = formatDateTime(startsAt);
  const to = formatDateTime(endsAt);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from}–${to.slice(11)}` : `${from} – ${to}`;
}

export function StatusTag({ status }: { status: SignupStatus }) {
  const { t } = useI18n();
  const mark = status === 'confirmed' ? '✓ ' : status === 'waiting' || status === 'pending' ? '● ' : '– ';
  return (
    <span className={`rvo-status rvo-status-${status}`} data-testid="volunteer-signup-status" data-status={status}>
      <span aria-hidden="true">{mark}</span>
      {t(`rvo.status.${status}`)}
    </span>
  );
}

export function Places({ card }: { card: Card }) {
  const { t } = useI18n();
  if (card.status === 'cancelled') return <span className="rvo-places rvo-places-full">{t('rvo.card.cancelled')}</span>;
  return card.placesLeft > 0 ? (
    <span className="rvo-places" data-testid="volunteer-places">{t('rvo.card.places', { quota: card.quota, left: card.placesLeft })}</span>
  ) : (
    <span className="rvo-places rvo-places-full" data-testid="volunteer-places">{t('rvo.card.full', { waiting: card.waiting })}</span>
  );
}

/** One card of the shop: cover, category, title, time, place, places left, hours, deadline. */
export function OpportunityCard({ card }: { card: Card }) {
  const { t } = useI18n();
  return (
    <Link href={`/volunteer/opportunities/${card.id}`} className="rvo-card r-card" data-testid="volunteer-card" data-title={card.title}>
      {card.coverUrl ? <img className="rvo-cover" src={card.coverUrl} alt="" loading="lazy" /> : <div className={`rvo-cover rvo-cover-${CATEGORIES.indexOf(card.category as (typeof CATEGORIES)[number]) + 1}`} aria-hidden="true" />}
      <div className="rvo-card-body">
        <div className="rvo-card-tags">
          <span className="rvo-category">{card.category}</span>
          <span className="rvo-phase">{t(`rvo.card.phase.${card.phase}`)}</span>
          {card.requiresApproval && <span className="rvo-phase">{t('rvo.card.approval')}</span>}
        </div>
        <strong className="rvo-card-title">{card.title}</strong>
        <span className="rvo-line">{t('rvo.detail.time')}：{timeRange(card.startsAt, card.endsAt)}</span>
        <span className="rvo-line">{t('rvo.detail.place')}：{card.place}</span>
        <span className="rvo-line">
          <Places card={card} /> · {t('rvo.card.hours', { hours: hoursOf(card.creditMinutes) })}
        </span>
        {card.skills.length > 0 && <span className="rvo-line r-muted">{t('rvo.card.skills', { skills: card.skills.join('、') })}</span>}
        <span className="rvo-line r-muted">
          {card.signupOpen ? t('rvo.card.deadline', { at: formatDateTime(card.signupDeadline) }) : t('rvo.card.closed')} · {card.organiser}
        </span>
      </div>
    </Link>
  );
}

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
      <span>‹ {label}</span>
    </Link>
  );
}
