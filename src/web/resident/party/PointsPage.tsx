import { useState } from 'react';
import { useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { EngagementNav } from './EngagementNav.js';
import './engagement.messages.js';
import './engagement.css';

type Label = { 'zh-CN': string; en: string };
/** Shapes of src/modules/party/party-points.schema.ts (ZScore). */
interface Score {
  name: string;
  branchName: string;
  year: number;
  items: { item: string; label: Label; units: number; pointsPerUnit: number; yearlyCap: number | null; raw: number; points: number; capped: boolean }[];
  adjustments: { id: string; points: number; reason: string; createdByName: string; createdAt: string }[];
  adjustmentTotal: number;
  total: number;
}
const UNITS: Record<string, Label> = {
  attendance: { 'zh-CN': '次', en: 'meetings' },
  study: { 'zh-CN': '篇', en: 'materials' },
  volunteering: { 'zh-CN': '小时', en: 'hours' },
  good_deed: { 'zh-CN': '件', en: 'deeds' },
};

/** 我的党员积分 (/m/party/points): my score of a year, item by item, with the rules and the secretary's adjustments. */
export default function PointsPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const ready = session.status === 'ready';
  const score = useApi((signal) => (ready ? api.get<Score>('/api/v1/me/party/points', { year }, signal) : Promise.resolve(undefined)), [ready, year]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rpe.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (score.error?.code === 'PARTY_NOT_A_MEMBER') return <InlineMessage kind="info">{t('rpe.notMember')}</InlineMessage>;
  const s = score.data;
  return (
    <>
      <EngagementNav />
      <section className="r-card" style={{ marginTop: 0 }}>
        <label className="r-field" style={{ display: 'block' }}>
          <span style={{ display: 'block', fontWeight: 600 }}>{t('rpp.year')}</span>
          <select className="r-select" value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="points-year">
            {[thisYear, thisYear - 1, thisYear - 2].map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
        {score.error && <InlineMessage kind="error">{score.error.message}</InlineMessage>}
        {!s && !score.error && <div className="r-loading">{t('common.loading')}</div>}
        {s && (
          <>
            <p style={{ margin: '8px 0 0' }}>{t('rpp.total', { year: s.year })}</p>
            <div className="rpe-score" data-testid="points-total">
              {s.total}
            </div>
            <p className="r-muted" style={{ marginTop: 0 }}>
              {s.name} · {s.branchName}
            </p>
          </>
        )}
      </section>
      {s && (
        <section className="r-card">
          <ul className="rpe-list" data-testid="points-items">
            {s.items.map((i) => (
              <li key={i.item} className="rpe-item" data-item={i.item}>
                <span>
                  <strong>{i.label[locale]}</strong>
                  <br />
                  <span className="r-muted">
                    {t('rpp.unitsPoints', { units: i.units, unit: UNITS[i.item]?.[locale] ?? '', per: i.pointsPerUnit, raw: i.raw })}
                    {i.yearlyCap !== null && (i.capped || i.raw > 0) ? t('rpp.capped', { cap: i.yearlyCap }) : ''}
                  </span>
                </span>
                <strong>{i.points}</strong>
              </li>
            ))}
            <li className="rpe-item">
              <span>
                <strong>{t('rpp.adjustments')}</strong>
                <br />
                {s.adjustments.length === 0 && <span className="r-muted">{t('rpp.noAdjustments')}</span>}
                {s.adjustments.map((a) => (
                  <span key={a.id} className="r-muted" style={{ display: 'block' }}>
                    {a.points > 0 ? `+${a.points}` : a.points} · {a.reason} · {a.createdByName} · {formatDateLong(a.createdAt)}
                  </span>
                ))}
              </span>
              <strong>{s.adjustmentTotal > 0 ? `+${s.adjustmentTotal}` : s.adjustmentTotal}</strong>
            </li>
          </ul>
          <p className="r-muted">{t('rpp.note')}</p>
        </section>
      )}
    </>
  );
}
