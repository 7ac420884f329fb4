import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './engagement.messages.js';
import './engagement.css';

/** Shapes of src/modules/party/deeds.schema.ts (ZMyDeed). */
interface MyDeed {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  doerName: string;
  title: string;
  description: string;
  happenedOn: string;
  status: 'pending' | 'verified' | 'rejected';
  rejectReason: string | null;
  points: number | null;
  recordedByMe: boolean;
  doneByMe: boolean;
}
interface Mine {
  items: MyDeed[];
  balance: number | null;
  community: { id: string; name: string } | null;
}

/** Today in Beijing, `2026-11-26`. */
const beijingToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** 好人好事 (/m/deeds): record a good deed for the community to verify; follow what I recorded and my points. */
export default function DeedsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const mine = useApi((signal) => (ready ? api.get<Mine>('/api/v1/me/deeds', undefined, signal) : Promise.resolve(undefined)), [ready]);
  const hasRecord = !!session.me?.personId;
  const [who, setWho] = useState<'self' | 'name'>('self');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [happenedOn, setHappenedOn] = useState(beijingToday());
  const [place, setPlace] = useState('');
  const [witnessName, setWitnessName] = useState('');
  const [witnessPhone, setWitnessPhone] = useState('');
  const [consent, setConsent] = useState(false);
  const [photos, setPhotos] = useState<{ id: string; name: string }[]>([]);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  const community = mine.data?.community ?? null;
  const honourLink = community ? `/deeds/honour/${community.id}` : mine.data?.items[0] ? `/deeds/honour/${mine.data.items[0].orgNodeId}` : null;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rgd.intro')}</p>
        <p>{t('rpe.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );

  const upload = async (list: FileList | null) => {
    if (!list) return;
    for (const file of Array.from(list).slice(0, 6 - photos.length)) {
      const data = new FormData();
      data.append('file', file, file.name);
      try {
        const att = await api.upload<{ id: string }>('/api/v1/files', data, { purpose: 'party.good_deed' });
        setPhotos((old) => [...old, { id: att.id, name: file.name }]);
      } catch (e) {
        setOutcome({ kind: 'error', text: errorMessage(e) });
      }
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    setFields({});
    setBusy(true);
    const doer = who === 'self' && hasRecord ? { kind: 'self' } : { kind: 'name', name };
    const witnesses = witnessName.trim() ? [{ name: witnessName, ...(witnessPhone.trim() ? { phone: witnessPhone } : {}) }] : [];
    try {
      await api.post('/api/v1/deeds', { doer, title, description, happenedOn, place: place.trim() || undefined, witnesses, photoIds: photos.map((p) => p.id), nameConsent: consent });
      setOutcome({ kind: 'success', text: t('rgd.sent') });
      setName('');
      setTitle('');
      setDescription('');
      setPlace('');
      setWitnessName('');
      setWitnessPhone('');
      setConsent(false);
      setPhotos([]);
      mine.reload();
    } catch (err) {
      setFields(fieldErrors(err));
      setOutcome({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const self = who === 'self' && hasRecord;
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }}>
        <p style={{ marginTop: 0 }}>{t('rgd.intro')}</p>
        {mine.data?.balance !== null && mine.data?.balance !== undefined && <p data-testid="deeds-balance">{t('rgd.balance', { n: mine.data.balance })}</p>}
        <Link href="/volunteer/rewards" className="r-nav-link">
          <span>{t('rgd.toRewards')}</span>
          <span aria-hidden="true">›</span>
        </Link>
        {honourLink && (
          <Link href={honourLink} className="r-nav-link" data-testid="deeds-honour-link">
            <span>{t('rgd.honour')}</span>
            <span aria-hidden="true">›</span>
          </Link>
        )}
      </section>
      <form className="r-card rpe-form" onSubmit={(e) => void submit(e)} data-testid="deed-form">
        <h2>{t('rgd.record')}</h2>
        <fieldset className="rpe-field" style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
          <legend style={{ fontWeight: 600, marginBottom: 4 }}>{t('rgd.who')}</legend>
          {hasRecord && (
            <label className="rpe-choice">
              <input type="radio" name="who" checked={who === 'self'} onChange={() => setWho('self')} /> {t('rgd.whoSelf')}
            </label>
          )}
          <label className="rpe-choice">
            <input type="radio" name="who" checked={!self} onChange={() => setWho('name')} data-testid="deed-who-name" /> {t('rgd.whoName')}
          </label>
        </fieldset>
        {!self && (
          <label>
            <span>{t('rgd.name')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={20} data-testid="deed-name" />
            {fields.doer && <small className="r-error">{fields.doer}</small>}
          </label>
        )}
        <label>
          <span>{t('rgd.titleField')}</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={40} data-testid="deed-title" />
          {fields.title && <small className="r-error">{fields.title}</small>}
        </label>
        <label>
          <span>{t('rgd.description')}</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} maxLength={1000} data-testid="deed-description" />
          {fields.description && <small className="r-error">{fields.description}</small>}
        </label>
        <label>
          <span>{t('rgd.happenedOn')}</span>
          <input type="date" value={happenedOn} max={beijingToday()} onChange={(e) => setHappenedOn(e.target.value)} data-testid="deed-day" />
          {fields.happenedOn && <small className="r-error">{fields.happenedOn}</small>}
        </label>
        <label>
          <span>{t('rgd.place')}</span>
          <input value={place} onChange={(e) => setPlace(e.target.value)} maxLength={60} />
        </label>
        <label>
          <span>{t('rgd.witnessName')}</span>
          <input value={witnessName} onChange={(e) => setWitnessName(e.target.value)} maxLength={20} />
        </label>
        <label>
          <span>{t('rgd.witnessPhone')}</span>
          <input type="tel" inputMode="numeric" value={witnessPhone} onChange={(e) => setWitnessPhone(e.target.value)} maxLength={20} />
          {fields.witnesses && <small className="r-error">{fields.witnesses}</small>}
        </label>
        <label>
          <span>{t('rgd.photos')}</span>
          <input type="file" accept="image/*" multiple onChange={(e) => void upload(e.target.files)} disabled={photos.length >= 6} />
        </label>
        {photos.length > 0 && (
          <ul className="rpe-list">
            {photos.map((p) => (
              <li key={p.id} className="rpe-item">
                <span>{p.name}</span>
                <Button size="small" onClick={() => setPhotos(photos.filter((x) => x.id !== p.id))}>
                  {t('rgd.removePhoto')}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <label className="rpe-choice" style={{ fontWeight: 400 }}>
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} /> {t('rgd.consent')}
        </label>
        {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
        <Button block color="primary" size="large" type="submit" loading={busy} data-testid="deed-submit">
          {t('rgd.submit')}
        </Button>
      </form>
      <section className="r-card">
        <h2>{t('rgd.mine')}</h2>
        {mine.error && <InlineMessage kind="error">{mine.error.message}</InlineMessage>}
        {(mine.data?.items ?? []).length === 0 && !mine.loading && <p className="r-muted">{t('rgd.none')}</p>}
        <ul className="rpe-list" data-testid="my-deeds">
          {(mine.data?.items ?? []).map((d) => (
            <li key={d.id} data-testid="my-deed" data-status={d.status}>
              <div className="rpe-head">
                <strong>{d.title}</strong>
                <span className={`rpe-tag rpe-tag-${d.status}`}>
                  {d.status === 'verified' ? '✓ ' : d.status === 'rejected' ? '✕ ' : ''}
                  {t(`rgd.status.${d.status}`)}
                </span>
              </div>
              <p className="r-muted" style={{ margin: '4px 0' }}>
                {formatDateLong(d.happenedOn)} · {t('rgd.doneBy', { name: d.doerName })}
                {d.orgNodeName ? ` · ${d.orgNodeName}` : ''}
              </p>
              {d.points !== null && d.points > 0 && <p style={{ margin: '4px 0' }}>{t('rgd.points', { n: d.points })}</p>}
              {d.rejectReason && <p style={{ margin: '4px 0' }}>{t('rgd.rejectReason', { reason: d.rejectReason })}</p>}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
