import { Link, useParams } from 'wouter';
import { api } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import type { MatterDetail } from '../../shared/service-hall.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { daysText, MATTERS_API, useLabel } from './common.js';

/**
 * /services/matters/:code — what a matter's QR code opens (办事指南): who may apply, the
 * documents (原件/复印件, 份数, 样例), the steps, fee, time limits, where and when, the legal
 * basis and FAQ; 在线办理 when it can be done online, 预约 for the window.
 */
export default function GuidePage() {
  const { t, locale } = useI18n();
  const l = useLabel();
  const { code } = useParams<{ code: string }>();
  const detail = useApi((signal) => api.get<MatterDetail>(`${MATTERS_API}/${encodeURIComponent(code)}`, undefined, signal), [code]);
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  const m = detail.data;
  if (!m) return <div className="r-loading">{t('common.loading')}</div>;
  const c = m.content;
  const name = locale === 'en' && c.nameEn ? c.nameEn : c.name;
  const facts: [string, string][] = [
    [t('rsv.g.department'), c.department],
    [t('rsv.g.mode'), t(`rsv.mode.${c.mode}`)],
    [t('rsv.g.acceptDays'), daysText(t, c.acceptDays)],
    [t('rsv.g.timeLimit'), daysText(t, c.timeLimitDays)],
    ...(c.legalTimeLimitDays !== undefined ? [[t('rsv.g.legalTimeLimit'), daysText(t, c.legalTimeLimitDays)] as [string, string]] : []),
    [t('rsv.g.fee'), c.fee.description ?? (c.fee.free ? t('rsv.free') : '—')],
  ];

  return (
    <div data-testid="matter-guide" data-code={m.code}>
      <section className="r-card" aria-labelledby="rsv-matter-name">
        <h2 id="rsv-matter-name" data-testid="matter-name" style={{ fontSize: '1.3em' }}>
          {name}
        </h2>
        <div className="rsv-tags" style={{ marginBottom: 8 }}>
          <span className="rsv-tag">{m.groupName}</span>
          <span className={`rsv-tag${m.onlineApply ? ' rsv-tag-online' : ''}`}>{t(`rsv.mode.${c.mode}`)}</span>
        </div>
        <p style={{ margin: '0 0 8px' }}>{c.summary}</p>
        <dl className="r-facts" data-testid="matter-facts">
          {facts.map(([k, v]) => (
            <div key={k} className="r-fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="r-card rsv-section" aria-labelledby="rsv-conditions">
        <h2 id="rsv-conditions">{t('rsv.g.conditions')}</h2>
        <ol className="rsv-list" data-testid="matter-conditions">
          {c.conditions.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ol>
      </section>

      <section className="r-card rsv-section" aria-labelledby="rsv-materials">
        <h2 id="rsv-materials">{t('rsv.g.materials')}</h2>
        <ul className="rsv-materials" data-testid="matter-materials">
          {c.materials.map((mat) => (
            <li key={mat.code} data-testid={`guide-material-${mat.code}`}>
              <div className="r-entry-head">
                <strong>{mat.name}</strong>
              </div>
              <div className="rsv-tags">
                <span className="rsv-tag">{l(mat.formLabel)}</span>
                {mat.copies > 0 && <span className="rsv-tag">{t('rsv.g.copies', { n: mat.copies })}</span>}
                <span className="rsv-tag">{mat.required ? t('rsv.g.required') : t('rsv.g.optional')}</span>
                {mat.online && <span className="rsv-tag rsv-tag-online">{t('rsv.g.uploadable')}</span>}
              </div>
              {mat.note && <div className="r-muted">{mat.note}</div>}
              {mat.example && (
                <details className="rsv-example">
                  <summary>{t('rsv.g.example')}</summary>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{mat.example}</div>
                </details>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section className="r-card rsv-section" aria-labelledby="rsv-steps">
        <h2 id="rsv-steps">{t('rsv.g.steps')}</h2>
        <ol className="rev-timeline" data-testid="matter-steps">
          {c.steps.map((s, i) => (
            <li key={i}>
              <div className="rev-step-title">{s.title}</div>
              {s.description && <div className="r-muted">{s.description}</div>}
            </li>
          ))}
        </ol>
      </section>

      <section className="r-card rsv-section" aria-labelledby="rsv-place">
        <h2 id="rsv-place">{t('rsv.g.place')}</h2>
        <dl className="r-facts" data-testid="matter-place">
          <div className="r-fact">
            <dt>{t('rsv.g.address')}</dt>
            <dd>{c.place.address}</dd>
          </div>
          {c.place.window && (
            <div className="r-fact">
              <dt>{t('rsv.g.window')}</dt>
              <dd>{c.place.window}</dd>
            </div>
          )}
          <div className="r-fact">
            <dt>{t('rsv.g.hours')}</dt>
            <dd>{c.place.hours}</dd>
          </div>
          {c.place.phone && (
            <div className="r-fact">
              <dt>{t('rsv.g.phone')}</dt>
              <dd>
                <a href={`tel:${c.place.phone.replace(/[^\d+-]/g, '')}`}>{c.place.phone}</a>
              </dd>
            </div>
          )}
        </dl>
        {c.place.mapUrl && (
          <a className="rsv-link-button" style={{ marginTop: 8 }} href={c.place.mapUrl} target="_blank" rel="noopener noreferrer" data-testid="matter-map">
            {t('rsv.g.map')} ›
          </a>
        )}
      </section>

      {c.legalBasis.length > 0 && (
        <section className="r-card rsv-section" aria-labelledby="rsv-legal">
          <h2 id="rsv-legal">{t('rsv.g.legalBasis')}</h2>
          <ul className="rsv-list">
            {c.legalBasis.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </section>
      )}

      {c.faq.length > 0 && (
        <section className="r-card rsv-section" aria-labelledby="rsv-faq">
          <h2 id="rsv-faq">{t('rsv.g.faq')}</h2>
          {c.faq.map((f, i) => (
            <details key={i} className="rsv-example">
              <summary>{f.q}</summary>
              <div style={{ whiteSpace: 'pre-wrap' }}>{f.a}</div>
            </details>
          ))}
        </section>
      )}

      <p className="r-muted" style={{ textAlign: 'center' }}>
        {t('rsv.g.updated', { v: m.version, date: formatDateLong(m.publishedAt ?? m.updatedAt) })}
      </p>

      <div className="rsv-actions">
        {!m.onlineApply && <InlineMessage kind="info">{t('rsv.g.offlineOnly')}</InlineMessage>}
        {m.onlineApply && (
          <Link href={`/services/matters/${encodeURIComponent(m.code)}/apply`} className="rsv-link-button rsv-link-button-primary" data-testid="matter-apply">
            {t('rsv.g.apply')}
          </Link>
        )}
        {c.mode !== 'online' && (
          <Link href={`/services/appointments?matter=${encodeURIComponent(m.code)}`} className="rsv-link-button" data-testid="matter-book">
            {t('rsv.g.book')}
          </Link>
        )}
      </div>
    </div>
  );
}
