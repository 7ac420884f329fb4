import { useState } from 'react';
import { useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './engagement.messages.js';
import './engagement.css';

/** Shapes of src/modules/party/deeds.schema.ts (ZHonour). */
interface Honour {
  orgNodeName: string;
  items: { id: string; doerLabel: string; title: string; description: string; happenedOn: string; place: string | null; communityName: string | null; points: number | null }[];
  total: number;
  stats: { deeds: number; people: number; points: number };
}

/** 好人好事光荣榜 (/m/deeds/honour/:orgNodeId, no login): verified deeds, names as the community decides, never a number. */
export default function HonourPage() {
  const { t } = useI18n();
  const { orgNodeId } = useParams<{ orgNodeId: string }>();
  const [size, setSize] = useState(20);
  const roll = useApi((signal) => api.get<Honour>('/api/v1/public/deeds/honour', { orgNodeId: orgNodeId ?? '', pageSize: Math.min(50, size), page: 1 }, signal), [orgNodeId, size]);
  if (roll.error) return <InlineMessage kind="error">{roll.error.message}</InlineMessage>;
  if (!roll.data) return <div className="r-loading">{t('common.loading')}</div>;
  const h = roll.data;
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }} data-testid="honour-summary">
        <h2 style={{ marginTop: 0 }}>{h.orgNodeName}</h2>
        <p style={{ margin: 0 }}>{t('rgd.honourStats', h.stats)}</p>
        <p className="r-muted">{t('rgd.honourNote')}</p>
      </section>
      <section className="r-card">
        {h.items.length === 0 && <p className="r-muted">{t('rgd.honourNone')}</p>}
        <ul className="rpe-list rpe-honour" data-testid="honour-list">
          {h.items.map((d) => (
            <li key={d.id} data-testid="honour-item">
              <div className="rpe-head">
                <strong className="rpe-doer">{d.doerLabel}</strong>
                <strong>{d.title}</strong>
              </div>
              <div className="rpe-text">{d.description}</div>
              <p className="r-muted" style={{ margin: 0 }}>
                {formatDateLong(d.happenedOn)}
                {d.place ? ` · ${d.place}` : ''}
                {d.communityName ? ` · ${d.communityName}` : ''}
                {d.points ? ` · ${t('rgd.points', { n: d.points })}` : ''}
              </p>
            </li>
          ))}
        </ul>
        {h.total > h.items.length && size < 50 && (
          <Button block size="large" onClick={() => setSize(50)}>
            {t('rgd.more')}
          </Button>
        )}
      </section>
    </>
  );
}
