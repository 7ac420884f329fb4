import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { ExchangeStatus, fromLocalInput, hours, MINUTE_CHOICES, PostCard, TIMEBANK_CATEGORIES, toLocalInput, type TbExchange, type TbMe, type TbPost } from './timebank.common.js';

type Tab = 'needs' | 'offers' | 'exchanges' | 'mine' | 'post' | 'statement';

/** 加入: the rules in full, a contact note, and agreeing. */
function JoinCard({ me, onJoined }: { me: TbMe; onJoined: () => void }) {
  const { t } = useI18n();
  const [agree, setAgree] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!agree) {
      setError(t('rtb.mustAgree'));
      return;
    }
    setBusy(true);
    try {
      await api.post('/api/v1/me/timebank/join', { agree: true, contactNote: note.trim() || undefined });
      onJoined();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="r-card rvo-form" onSubmit={(e) => void submit(e)} data-testid="timebank-join">
      <h2>{t('rtb.join')}</h2>
      <p className="rvo-consent" tabIndex={0}>
        {t('rtb.rules', { start: hours(me.rules.startingMinutes), days: me.rules.autoAcceptDays })}
      </p>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <label>
        <span>{t('rtb.contactNote')}</span>
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={60} placeholder={t('rtb.contactHint')} />
      </label>
      <div className="rvo-checks">
        <label>
          <input type="checkbox" checked={agree} onChange={(e) => setAgree(e.target.checked)} data-testid="timebank-agree" /> {t('rtb.joinAgree')}
        </label>
      </div>
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="timebank-join-submit">
        {t('rtb.join')}
      </Button>
    </form>
  );
}

function Balance({ me }: { me: NonNullable<TbMe['member']> }) {
  const { t } = useI18n();
  return (
    <section className="r-card" data-testid="timebank-balance" data-balance={me.balance} data-available={me.available}>
      <div className="rtb-balance">
        <div className="rtb-main">
          <span>{t('rtb.balance')}</span>
          <strong>{t('rtb.hours', { h: hours(me.balance) })}</strong>
        </div>
        <div>
          <span>{t('rtb.available')}</span>
          <strong>{hours(me.available)}</strong>
        </div>
        <div>
          <span>{t('rtb.held')}</span>
          <strong>{hours(me.held)}</strong>
        </div>
      </div>
      <p className="r-muted" style={{ marginBottom: 0 }}>
        {t('rtb.promised')} {hours(me.promised)} · {t('rtb.earned')} {hours(me.earned)} · {t('rtb.spent')} {hours(me.spent)}
      </p>
    </section>
  );
}

function PostList({ kind, mine }: { kind?: 'need' | 'offer'; mine?: boolean }) {
  const { t } = useI18n();
  const [category, setCategory] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: TbPost[] }>('/api/v1/me/timebank/posts', { kind, category: category ?? undefined, mine: mine ? '1' : undefined, pageSize: 50 }, signal), [kind, category, mine]);
  return (
    <>
      {!mine && (
        <div className="rvo-chips" role="group" aria-label={t('rtb.form.category')}>
          <button type="button" className="rvo-chip" aria-pressed={category === null} onClick={() => setCategory(null)}>
            {t('rtb.all')}
          </button>
          {TIMEBANK_CATEGORIES.map((c) => (
            <button key={c} type="button" className="rvo-chip" aria-pressed={category === c} onClick={() => setCategory(c)}>
              {c}
            </button>
          ))}
        </div>
      )}
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {list.loading && !list.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : (list.data?.items ?? []).length === 0 ? (
        <p className="r-muted">{t('rtb.none')}</p>
      ) : (
        <div data-testid={`timebank-list-${mine ? 'mine' : kind}`}>
          {list.data!.items.map((p) => (
            <PostCard key={p.id} post={p} />
          ))}
        </div>
      )}
    </>
  );
}

function MyExchanges() {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: TbExchange[] }>('/api/v1/me/timebank/exchanges', undefined, signal), []);
  if (list.error) return <InlineMessage kind="error">{list.error.message}</InlineMessage>;
  if (!list.data) return <div className="r-loading">{t('common.loading')}</div>;
  if (list.data.items.length === 0) return <p className="r-muted">{t('rtb.none')}</p>;
  return (
    <ul className="rvo-list r-card" data-testid="timebank-exchanges">
      {list.data.items.map((x) => (
        <li key={x.id}>
          <Link href={`/timebank/${x.postId}`} style={{ color: 'inherit', textDecoration: 'none', display: 'block' }}>
            <div className="rvo-row">
              <strong>{x.title}</strong>
              <ExchangeStatus status={x.status} />
            </div>
            <div>
              {t(`rtb.role.${x.role}`)} · {t('rtb.hours', { h: hours(x.minutes) })}
            </div>
            <div className="r-muted">{t('rtb.with', { name: x.counterpart.name, place: x.counterpart.place ?? '' })}</div>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Statement() {
  const { t } = useI18n();
  const st = useApi((signal) => api.get<{ balance: number; items: { journalId: string; at: string; memo: string; amount: number }[] }>('/api/v1/me/timebank/statement', { pageSize: 50 }, signal), []);
  if (st.error) return <InlineMessage kind="error">{st.error.message}</InlineMessage>;
  if (!st.data) return <div className="r-loading">{t('common.loading')}</div>;
  return (
    <ul className="rvo-list r-card" data-testid="timebank-statement">
      {st.data.items.map((i) => (
        <li key={i.journalId} className="rvo-row">
          <span>
            {i.memo}
            <br />
            <span className="r-muted">{formatDateTime(i.at)}</span>
          </span>
          <strong>
            {i.amount > 0 ? '+' : ''}
            {hours(i.amount)}
          </strong>
        </li>
      ))}
    </ul>
  );
}

/** 发布: an offer or a need; a need promises hours (not more than are available: the server says 422 with both numbers). */
function PostForm({ me, onPosted }: { me: NonNullable<TbMe['member']>; onPosted: (id: string) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'need' | 'offer'>('need');
  const [form, setForm] = useState({ category: TIMEBANK_CATEGORIES[0] as string, title: '', description: '', minutes: 60, place: '', neededBy: toLocalInput(Date.now() + 3 * 86_400_000) });
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFields({});
    setBusy(true);
    try {
      const r = await api.post<{ post: TbPost }>('/api/v1/me/timebank/posts', {
        kind,
        category: form.category,
        title: form.title.trim(),
        description: form.description.trim(),
        minutes: form.minutes,
        place: form.place.trim() || undefined,
        neededBy: kind === 'need' ? fromLocalInput(form.neededBy) : undefined,
      });
      onPosted(r.post.id);
    } catch (err) {
      setFields(fieldErrors(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="r-card rvo-form" onSubmit={(e) => void submit(e)} data-testid="timebank-post-form">
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 600, marginBottom: 4 }}>{t('rtb.form.kind')}</legend>
        <div className="rtb-kinds">
          {(['need', 'offer'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} data-testid={`timebank-kind-${k}`} /> {t(`rtb.kind.${k}Long`)}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        <span>{t('rtb.form.category')}</span>
        <select value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
          {TIMEBANK_CATEGORIES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('rtb.form.title')}</span>
        <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} maxLength={40} required data-testid="timebank-title" />
        {fields.title && <small className="r-error">{fields.title}</small>}
      </label>
      <label>
        <span>{t('rtb.form.description')}</span>
        <textarea value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} maxLength={1000} rows={3} />
      </label>
      <label>
        <span>{kind === 'need' ? t('rtb.form.minutesNeed') : t('rtb.form.minutes')}</span>
        <select value={form.minutes} onChange={(e) => setForm({ ...form, minutes: Number(e.target.value) })} data-testid="timebank-minutes">
          {MINUTE_CHOICES.map((m) => (
            <option key={m} value={m}>
              {t('rtb.hours', { h: hours(m) })}
            </option>
          ))}
        </select>
        {kind === 'need' && <small className="r-muted">{t('rtb.form.availableHint', { h: hours(me.available) })}</small>}
      </label>
      {kind === 'need' && (
        <label>
          <span>{t('rtb.form.neededBy')}</span>
          <input type="datetime-local" value={form.neededBy} onChange={(e) => setForm({ ...form, neededBy: e.target.value })} required data-testid="timebank-needed-by" />
          {fields.neededBy && <small className="r-error">{fields.neededBy}</small>}
        </label>
      )}
      <label>
        <span>{t('rtb.form.place')}</span>
        <input value={form.place} onChange={(e) => setForm({ ...form, place: e.target.value })} maxLength={60} />
      </label>
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="timebank-post-submit">
        {t('rtb.form.submit')}
      </Button>
    </form>
  );
}

/** 邻里时间银行: balance, neighbours' needs and offers, posting, my exchanges and statement; joining first. */
export default function TimebankPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const [tab, setTab] = useState<Tab>('needs');
  const [joined, setJoined] = useState(false);
  const me = useApi((signal) => (session.status === 'ready' ? api.get<TbMe>('/api/v1/me/timebank', undefined, signal) : Promise.resolve(undefined)), [session.status]);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status !== 'ready')
    return (
      <section className="r-card">
        <p>{t('rtb.intro')}</p>
        <p className="r-muted">{t('rtb.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  if (me.error) return <InlineMessage kind="error">{me.error.message}</InlineMessage>;
  if (!me.data) return <div className="r-loading">{t('common.loading')}</div>;
  const m = me.data;
  if (!m.eligible)
    return (
      <section className="r-card">
        <p>{t('rtb.intro')}</p>
        <InlineMessage kind="info">{t('rtb.notEligible')}</InlineMessage>
      </section>
    );
  if (!m.member)
    return (
      <>
        <section className="r-card">
          <p style={{ margin: 0 }}>{t('rtb.intro')}</p>
        </section>
        <JoinCard
          me={m}
          onJoined={() => {
            setJoined(true);
            me.reload();
          }}
        />
      </>
    );
  const tabs: Tab[] = ['needs', 'offers', 'post', 'exchanges', 'mine', 'statement'];
  return (
    <>
      {joined && <InlineMessage kind="success">{t('rtb.joined')}</InlineMessage>}
      <Balance me={m.member} />
      <div className="rvo-chips" role="tablist">
        {tabs.map((k) => (
          <button key={k} type="button" role="tab" className="rvo-chip" aria-pressed={tab === k} aria-selected={tab === k} onClick={() => setTab(k)} data-testid={`timebank-tab-${k}`}>
            {t(`rtb.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === 'needs' && <PostList kind="need" />}
      {tab === 'offers' && <PostList kind="offer" />}
      {tab === 'mine' && <PostList mine />}
      {tab === 'exchanges' && <MyExchanges />}
      {tab === 'statement' && <Statement />}
      {tab === 'post' && <PostForm me={m.member} onPosted={(id) => navigate(`/timebank/${id}`)} />}
    </>
  );
}
