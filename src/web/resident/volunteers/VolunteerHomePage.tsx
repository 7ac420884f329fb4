import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { hoursOf, OpportunityCard, StatusTag, timeRange, type Card, type MySignup, type Volunteer } from './common.js';

interface MeResponse {
  volunteer: Volunteer | null;
  consent: { version: string; text: string };
  hasRegistryRecord: boolean;
}

interface Hours {
  minutes: number;
  records: { id: string; opportunityId: string; opportunityTitle: string; organiser: string; checkInAt: string; checkOutAt: string | null; creditedMinutes: number; corrections: number }[];
  entries: { journalId: string; at: string; memo: string; sourceType: string | null; sourceId: string | null; reversesId: string | null; amount: number }[];
}

interface Certificate {
  id: string;
  number: string;
  totalMinutes: number;
  periodFrom: string;
  periodTo: string;
  issuedOn: string;
  issuingOrg: string;
  printPath: string;
}

interface Observation {
  id: string;
  teamName: string;
  title: string;
  status: 'filed' | 'forwarded' | 'dismissed';
  eventCode: string | null;
  dismissReason: string | null;
  createdAt: string;
}

/** 成为志愿者: the consent text in full, skills and times, and (without a registry record) who they are. */
function RegisterForm({ me, onDone }: { me: MeResponse; onDone: () => void }) {
  const { t } = useI18n();
  const options = useApi((signal) => api.get<{ idTypes: string[]; skills: string[]; availability: string[] }>('/api/v1/volunteers/options', undefined, signal), []);
  const [skills, setSkills] = useState<string[]>([]);
  const [availability, setAvailability] = useState<string[]>([]);
  const [agree, setAgree] = useState(false);
  const [identity, setIdentity] = useState({ name: '', idType: '居民身份证', idNumber: '', phone: '' });
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const toggle = (list: string[], set: (v: string[]) => void, v: string) => set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFields({});
    if (!agree) {
      setError(t('rvo.register.mustAgree'));
      return;
    }
    setBusy(true);
    try {
      await api.post('/api/v1/me/volunteer', { skills, availability, consent: true, consentVersion: me.consent.version, ...(me.hasRegistryRecord ? {} : { identity }) });
      onDone();
    } catch (err) {
      setFields(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="r-card rvo-form" style={{ marginTop: 0 }} onSubmit={(e) => void submit(e)} data-testid="volunteer-register">
      <h2>{t('rvo.register.title')}</h2>
      <p className="r-muted">{t('rvo.register.intro')}</p>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 600, marginBottom: 4 }}>{t('rvo.register.skills')}</legend>
        <div className="rvo-checks">
          {(options.data?.skills ?? []).map((s) => (
            <label key={s}>
              <input type="checkbox" checked={skills.includes(s)} onChange={() => toggle(skills, setSkills, s)} /> {s}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 600, marginBottom: 4 }}>{t('rvo.register.availability')}</legend>
        <div className="rvo-checks">
          {(options.data?.availability ?? []).map((s) => (
            <label key={s}>
              <input type="checkbox" checked={availability.includes(s)} onChange={() => toggle(availability, setAvailability, s)} /> {s}
            </label>
          ))}
        </div>
      </fieldset>
      {!me.hasRegistryRecord && (
        <>
          <p className="r-muted">{t('rvo.register.identity')}</p>
          <label>
            <span>{t('rvo.register.name')}</span>
            <input value={identity.name} onChange={(e) => setIdentity({ ...identity, name: e.target.value })} maxLength={30} autoComplete="name" />
          </label>
          <label>
            <span>{t('rvo.register.idType')}</span>
            <select value={identity.idType} onChange={(e) => setIdentity({ ...identity, idType: e.target.value })}>
              {(options.data?.idTypes ?? ['居民身份证']).map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('rvo.register.idNumber')}</span>
            <input value={identity.idNumber} onChange={(e) => setIdentity({ ...identity, idNumber: e.target.value })} maxLength={30} autoComplete="off" />
          </label>
          <label>
            <span>{t('rvo.register.phone')}</span>
            <input value={identity.phone} onChange={(e) => setIdentity({ ...identity, phone: e.target.value })} inputMode="tel" maxLength={20} autoComplete="tel" />
            {fields.identity && <small className="r-error">{fields.identity}</small>}
          </label>
        </>
      )}
      <h3>{t('rvo.register.consent')}</h3>
      <div className="rvo-consent" tabIndex={0} data-testid="volunteer-consent">
        {me.consent.text}
      </div>
      <div className="rvo-checks" style={{ marginTop: 8 }}>
        <label>
          <input type="checkbox" checked={agree} onChange={(e) => setAgree(e.target.checked)} data-testid="volunteer-agree" /> {t('rvo.register.agree')}
        </label>
      </div>
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="volunteer-register-submit">
        {t('rvo.register.submit')}
      </Button>
    </form>
  );
}

function ObservationForm({ teams, onSent }: { teams: Volunteer['teams']; onSent: () => void }) {
  const { t } = useI18n();
  const [teamId, setTeamId] = useState(teams[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    try {
      await api.post('/api/v1/me/volunteer/observations', { teamId, title, description, address: address || undefined, attachmentIds: [] });
      setTitle('');
      setDescription('');
      setAddress('');
      setOutcome({ kind: 'success', text: t('rvo.observations.sent') });
      onSent();
    } catch (err) {
      setOutcome({ kind: 'error', text: errorMessage(err) });
    }
  };
  return (
    <form className="rvo-form" onSubmit={(e) => void submit(e)}>
      <h3>{t('rvo.observations.new')}</h3>
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <label>
        <span>{t('rvo.observations.team')}</span>
        <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          {teams.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('rvo.observations.titleField')}</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={60} />
      </label>
      <label>
        <span>{t('rvo.observations.description')}</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} maxLength={2000} />
      </label>
      <label>
        <span>{t('rvo.observations.address')}</span>
        <input value={address} onChange={(e) => setAddress(e.target.value)} maxLength={200} />
      </label>
      <Button block color="primary" type="submit">
        {t('rvo.observations.submit')}
      </Button>
    </form>
  );
}

function Dashboard({ v }: { v: Volunteer }) {
  const { t } = useI18n();
  const signups = useApi((signal) => api.get<{ items: (MySignup & { opportunity: Card })[] }>('/api/v1/me/volunteer/signups', undefined, signal), [v.id]);
  const hours = useApi((signal) => api.get<Hours>('/api/v1/me/volunteer/hours', undefined, signal), [v.id]);
  const certificates = useApi((signal) => api.get<{ items: Certificate[] }>('/api/v1/me/volunteer/certificates', undefined, signal), [v.id]);
  const leads = v.teams.some((x) => x.role === 'leader');
  const led = useApi((signal) => (leads ? api.get<{ items: Card[] }>('/api/v1/me/volunteer/led-opportunities', undefined, signal) : Promise.resolve({ items: [] })), [leads]);
  const supervision = v.teams.filter((x) => x.kind === 'supervision');
  const observations = useApi((signal) => (supervision.length ? api.get<{ items: Observation[] }>('/api/v1/me/volunteer/observations', undefined, signal) : Promise.resolve({ items: [] })), [supervision.length]);
  const minutes = hours.data?.minutes ?? v.minutes;
  const active = (signups.data?.items ?? []).filter((s) => ['pending', 'confirmed', 'waiting'].includes(s.status) && s.opportunity.phase !== 'past');
  const rest = (signups.data?.items ?? []).filter((s) => !active.includes(s));
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }} data-testid="volunteer-summary">
        <h2>{v.name}</h2>
        <div className="rvo-stats">
          <div className="rvo-stat">
            <span className="r-muted">{t('rvo.me.hours')}</span>
            <strong data-testid="volunteer-hours" data-minutes={minutes}>
              {t('rvo.me.hoursValue', { hours: hoursOf(minutes) })}
            </strong>
          </div>
          <div className="rvo-stat">
            <span className="r-muted">{t('rvo.me.number')}</span>
            <strong style={{ fontSize: '1.05em' }} data-testid="volunteer-number">
              {v.number}
            </strong>
          </div>
        </div>
        <p className="r-muted">
          {t('rvo.me.teams')}：{v.teams.length ? v.teams.map((x) => `${x.name}${x.role === 'leader' ? `（${t('rvo.me.leader')}）` : ''}`).join('、') : t('rvo.me.noTeams')}
        </p>
      </section>
      <Link href="/volunteer/shop" className="r-nav-link r-card" data-testid="volunteer-shop-link">
        <span>
          <strong>{t('rvo.title.shop')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rvo.toShop')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <Link href="/volunteer/rewards" className="r-nav-link r-card" data-testid="volunteer-rewards-link">
        <span>
          <strong>{t('rvo.rewardsTile')}</strong>
          <span className="r-muted r-nav-link-hint">{t('rvo.rewardsTileHint')}</span>
        </span>
        <span aria-hidden="true">›</span>
      </Link>
      <section className="r-card">
        <h2>{t('rvo.signups')}</h2>
        {signups.error && <InlineMessage kind="error">{signups.error.message}</InlineMessage>}
        {active.length === 0 && <p className="r-muted">{t('rvo.signups.none')}</p>}
        <ul className="rvo-list" data-testid="volunteer-my-signups">
          {[...active, ...rest.slice(0, 10)].map((s) => (
            <li key={s.id}>
              <Link href={`/volunteer/opportunities/${s.opportunity.id}`} className="rvo-row" style={{ color: 'inherit', textDecoration: 'none' }}>
                <span>
                  <strong>{s.opportunity.title}</strong>
                  <br />
                  <span className="r-muted">{timeRange(s.opportunity.startsAt, s.opportunity.endsAt)}</span>
                  {s.status === 'waiting' && <span className="r-muted"> · {t('rvo.waitingNow', { n: s.waitingPosition ?? '' })}</span>}
                </span>
                <StatusTag status={s.status} />
              </Link>
            </li>
          ))}
        </ul>
      </section>
      {leads && (led.data?.items ?? []).length > 0 && (
        <section className="r-card">
          <h2>{t('rvo.led')}</h2>
          {led.data!.items.slice(0, 5).map((c) => (
            <OpportunityCard key={c.id} card={c} />
          ))}
        </section>
      )}
      <section className="r-card">
        <h2>{t('rvo.records')}</h2>
        {(hours.data?.records ?? []).length === 0 ? (
          <p className="r-muted">{t('rvo.records.none')}</p>
        ) : (
          <ul className="rvo-list" data-testid="volunteer-records">
            {hours.data!.records.map((r) => (
              <li key={r.id}>
                <div className="rvo-row">
                  <strong>{r.opportunityTitle}</strong>
                  <span>{r.checkOutAt ? t('rvo.minutes', { n: r.creditedMinutes }) : t('rvo.records.open')}</span>
                </div>
                <div className="r-muted">
                  {formatDateTime(r.checkInAt)}
                  {r.checkOutAt ? `–${formatDateTime(r.checkOutAt).slice(11)}` : ''} · {r.organiser}
                  {r.corrections > 0 ? ` · ${t('rvo.records.corrected', { n: r.corrections })}` : ''}
                </div>
              </li>
            ))}
          </ul>
        )}
        {(hours.data?.entries ?? []).length > 0 && (
          <details>
            <summary style={{ minHeight: 44, display: 'flex', alignItems: 'center' }}>{t('rvo.entries')}</summary>
            <ul className="rvo-list">
              {hours.data!.entries.map((e) => (
                <li key={e.journalId} className="rvo-row">
                  <span>
                    {e.memo}
                    <br />
                    <span className="r-muted">
                      {formatDateTime(e.at)}
                      {e.reversesId ? ` · ${t('rvo.entries.reversal')}` : ''}
                    </span>
                  </span>
                  <strong>
                    {e.amount > 0 ? '+' : ''}
                    {e.amount}
                  </strong>
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <section className="r-card">
        <h2>{t('rvo.certificates')}</h2>
        {(certificates.data?.items ?? []).length === 0 ? (
          <p className="r-muted">{t('rvo.certificates.none')}</p>
        ) : (
          <ul className="rvo-list">
            {certificates.data!.items.map((c) => (
              <li key={c.id} className="rvo-row">
                <span>
                  <strong>{c.number}</strong> · {t('rvo.me.hoursValue', { hours: hoursOf(c.totalMinutes) })}
                  <br />
                  <span className="r-muted">
                    {c.periodFrom} ~ {c.periodTo} · {c.issuingOrg}
                  </span>
                </span>
                <a href={c.printPath} target="_blank" rel="noopener">
                  {t('rvo.certificates.print')}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      {supervision.length > 0 && (
        <section className="r-card">
          <h2>{t('rvo.observations')}</h2>
          <ul className="rvo-list">
            {(observations.data?.items ?? []).map((o) => (
              <li key={o.id}>
                <strong>{o.title}</strong>
                <div className="r-muted">
                  {o.teamName} · {formatDateTime(o.createdAt)} ·{' '}
                  {o.status === 'forwarded' ? t('rvo.observations.status.forwarded', { code: o.eventCode ?? '' }) : o.status === 'dismissed' ? t('rvo.observations.status.dismissed', { reason: o.dismissReason ?? '' }) : t('rvo.observations.status.filed')}
                </div>
              </li>
            ))}
          </ul>
          <ObservationForm teams={supervision} onSent={observations.reload} />
        </section>
      )}
    </>
  );
}

/** 我的志愿服务: register (with the consent text), or my sign-ups, hours with the ledger behind them, certificates, teams. */
export default function VolunteerHomePage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const me = useApi((signal) => (session.status === 'ready' ? api.get<MeResponse>('/api/v1/me/volunteer', undefined, signal) : Promise.resolve(undefined)), [session.status]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p className="r-muted">{t('rvo.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
        <Link href="/volunteer/shop" className="r-nav-link">
          <span>{t('rvo.title.shop')}</span>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
    );
  if (me.error) return <InlineMessage kind="error">{me.error.message}</InlineMessage>;
  if (!me.data) return <div className="r-loading">{t('common.loading')}</div>;
  if (!me.data.volunteer) return <RegisterForm me={me.data} onDone={me.reload} />;
  return <Dashboard v={me.data.volunteer} />;
}
