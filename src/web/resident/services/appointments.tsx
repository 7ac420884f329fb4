import { useMemo, useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { dayLabel, type Appointment, type AppointmentPage, type ServiceWindowList, type SlotList } from '../../shared/services-more.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';
import './more.css';
import './more.messages.js';

type Outcome = { kind: 'success' | 'error' | 'info'; text: string };

export function LoginFirst() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <section className="r-card">
      <p className="r-muted">{t('hall.loginFirst')}</p>
      <Button block color="primary" size="large" onClick={() => navigate('/login')} data-testid="hall-login">
        {t('common.login')}
      </Button>
    </section>
  );
}

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }}>
      <span>‹ {label}</span>
    </Link>
  );
}

const STATUS_KIND: Record<string, 'open' | 'closed' | 'ended'> = { booked: 'open', checked_in: 'closed', cancelled: 'ended', no_show: 'ended' };

function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const kind = STATUS_KIND[status] ?? 'open';
  return (
    <span className={`rev-state rev-state-${kind}`} data-testid="appointment-status" data-status={status}>
      <span aria-hidden="true">{kind === 'closed' ? '✓ ' : kind === 'ended' ? '– ' : '● '}</span>
      {t(`rap.status.${status}`)}
    </span>
  );
}

const when = (a: Pick<Appointment, 'slot'>, locale: string) => `${dayLabel(a.slot.date, locale)} ${a.slot.startTime}–${a.slot.endTime}`;

/**
 * 预约办事: a window (those handling `?matter=`), a day, a slot with seats left, then book. With
 * `?change=<id>` the same page moves an existing booking to another slot of its window.
 */
export default function AppointmentsPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  const matter = search.get('matter') ?? undefined;
  const changeId = search.get('change') ?? undefined;
  const ready = session.status === 'ready';

  const changing = useApi(
    (signal) => (ready && changeId ? api.get<Appointment>(`/api/v1/me/appointments/${encodeURIComponent(changeId)}`, undefined, signal) : Promise.resolve(undefined)),
    [ready, changeId],
  );
  const windows = useApi((signal) => (ready ? api.get<ServiceWindowList>('/api/v1/service-windows', undefined, signal) : Promise.resolve(undefined)), [ready]);
  const matterInfo = useApi(
    (signal) => (matter ? api.get<{ name: string }>(`/api/v1/service-matters/${encodeURIComponent(matter)}`, undefined, signal).catch(() => undefined) : Promise.resolve(undefined)),
    [matter],
  );
  const usable = useMemo(
    () => (windows.data?.items ?? []).filter((w) => w.active && (!matter || w.matters.length === 0 || w.matters.some((m) => m.code === matter))),
    [windows.data, matter],
  );
  const [picked, setPicked] = useState<string | null>(null);
  const windowId = changing.data?.window.id ?? picked ?? (usable.length === 1 ? usable[0]!.id : null);
  const win = usable.find((w) => w.id === windowId) ?? windows.data?.items.find((w) => w.id === windowId);

  const [tick, setTick] = useState(0);
  const slots = useApi(
    (signal) => (ready && windowId ? api.get<SlotList>('/api/v1/appointment-slots', { windowId, available: 1 }, signal) : Promise.resolve(undefined)),
    [ready, windowId, tick],
  );
  const days = useMemo(() => {
    const m = new Map<string, SlotList['items']>();
    for (const s of slots.data?.items ?? []) if (s.bookable) m.set(s.date, [...(m.get(s.date) ?? []), s]);
    return [...m.entries()];
  }, [slots.data]);
  const [day, setDay] = useState<string | null>(null);
  const activeDay = day && days.some(([d]) => d === day) ? day : (days[0]?.[0] ?? null);
  const daySlots = days.find(([d]) => d === activeDay)?.[1] ?? [];
  const [slotId, setSlotId] = useState<string | null>(null);
  const slot = daySlots.find((s) => s.id === slotId) ?? null;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;

  const matterName = matterInfo.data?.name ?? usable.flatMap((w) => w.matters).find((m) => m.code === matter)?.name ?? matter;

  const submit = async () => {
    if (!slot) return setOutcome({ kind: 'error', text: t('rap.pickSlot') });
    setBusy(true);
    setOutcome(null);
    try {
      const a = changing.data
        ? await api.post<Appointment>(`/api/v1/me/appointments/${encodeURIComponent(changing.data.id)}/change`, { slotId: slot.id, expectedVersion: changing.data.version })
        : await api.post<Appointment>('/api/v1/me/appointments', { slotId: slot.id, matterCode: matter, note: note.trim() || undefined });
      navigate(`/me/appointments/${a.id}?${changing.data ? 'changed' : 'booked'}=1`);
    } catch (e) {
      // A slot taken meanwhile: show the fresh seats.
      if (e instanceof ApiError && e.status === 409) setTick((n) => n + 1);
      setOutcome({ kind: 'error', text: errorMessage(e) });
      setBusy(false);
    }
  };

  return (
    <>
      <Link href="/me/appointments" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }} data-testid="my-appointments-link">
        <strong>{t('rap.title.mine')}</strong>
        <span aria-hidden="true">›</span>
      </Link>
      {changing.data && <InlineMessage kind="info">{t('rap.changing', { code: changing.data.code, when: when(changing.data, locale) })}</InlineMessage>}
      {matter && !changing.data && (
        <p className="r-card" data-testid="appointment-matter" style={{ margin: '0 0 12px' }}>
          {t('rap.matter', { name: matterName ?? '' })}
        </p>
      )}
      {!changing.data && (
        <section className="r-card" aria-labelledby="rap-window">
          <h2 id="rap-window">{t('rap.window')}</h2>
          {windows.error ? (
            <InlineMessage kind="error">{windows.error.message}</InlineMessage>
          ) : windows.loading && !windows.data ? (
            <div className="r-loading">{t('common.loading')}</div>
          ) : usable.length === 0 ? (
            <p className="r-muted">{t('rap.noWindows')}</p>
          ) : (
            <div className="rev-choices" role="group" aria-label={t('rap.window')}>
              {usable.map((w) => (
                <button
                  key={w.id}
                  type="button"
                  className="rev-choice hall-choice-wide"
                  aria-pressed={w.id === windowId}
                  onClick={() => {
                    setPicked(w.id);
                    setSlotId(null);
                    setDay(null);
                  }}
                  data-testid="appointment-window"
                >
                  {w.id === windowId ? '✓ ' : ''}
                  {w.name}
                  <span className="hall-sub">{w.location}</span>
                </button>
              ))}
            </div>
          )}
          {win && (
            <dl className="r-facts" style={{ marginTop: 8 }}>
              <div className="r-fact">
                <dt>{t('rap.location')}</dt>
                <dd>{win.location}</dd>
              </div>
              <div className="r-fact">
                <dt>{t('rap.hours')}</dt>
                <dd>{win.officeHours.replace(/,/g, '，')}</dd>
              </div>
            </dl>
          )}
        </section>
      )}
      {windowId && (
        <section className="r-card" aria-labelledby="rap-day">
          <h2 id="rap-day">{t('rap.day')}</h2>
          {slots.error ? (
            <InlineMessage kind="error">{slots.error.message}</InlineMessage>
          ) : slots.loading && !slots.data ? (
            <div className="r-loading">{t('common.loading')}</div>
          ) : days.length === 0 ? (
            <p className="r-muted">{t('rap.noSlots')}</p>
          ) : (
            <div className="hall-days" role="group" aria-label={t('rap.day')}>
              {days.map(([d]) => (
                <button
                  key={d}
                  type="button"
                  className="rev-choice"
                  aria-pressed={d === activeDay}
                  onClick={() => {
                    setDay(d);
                    setSlotId(null);
                  }}
                  data-testid="appointment-day"
                  data-date={d}
                >
                  {dayLabel(d, locale)}
                </button>
              ))}
            </div>
          )}
        </section>
      )}
      {activeDay && (
        <section className="r-card" aria-labelledby="rap-slot">
          <h2 id="rap-slot">{t('rap.slot')}</h2>
          {daySlots.length === 0 ? (
            <p className="r-muted">{t('rap.noSlotsDay')}</p>
          ) : (
            <div className="rev-choices" role="group" aria-label={t('rap.slot')}>
              {daySlots.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  className="rev-choice"
                  aria-pressed={s.id === slotId}
                  disabled={!s.bookable}
                  onClick={() => setSlotId(s.id)}
                  data-testid="appointment-slot"
                  data-time={s.startTime}
                >
                  {s.id === slotId ? '✓ ' : ''}
                  {s.startTime}–{s.endTime}
                  <span className="hall-sub">{s.bookable ? t('rap.seats', { n: s.available }) : t('rap.full')}</span>
                </button>
              ))}
            </div>
          )}
          {slot && <p data-testid="appointment-chosen">{t('rap.chosen', { when: `${dayLabel(slot.date, locale)} ${slot.startTime}–${slot.endTime}` })}</p>}
          {!changing.data && (
            <div className="r-field" style={{ marginTop: 12 }}>
              <label htmlFor="rap-note">{t('rap.note')}</label>
              <div className="r-input">
                <TextArea id="rap-note" value={note} onChange={setNote} maxLength={200} rows={2} autoSize={{ minRows: 1, maxRows: 4 }} />
              </div>
            </div>
          )}
          {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
          <Button block color="primary" size="large" loading={busy} onClick={() => void submit()} data-testid="appointment-book">
            {changing.data ? t('rap.changeTo') : t('rap.book')}
          </Button>
        </section>
      )}
    </>
  );
}

export function MyAppointmentsPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [pages, setPages] = useState(1);
  const mine = useApi(
    (signal) => (session.status === 'ready' ? api.get<AppointmentPage>('/api/v1/me/appointments', { page: 1, pageSize: 20 * pages }, signal) : Promise.resolve(undefined)),
    [session.status, pages],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = mine.data?.items ?? [];
  return (
    <>
      <Link href="/services/appointments" className="r-nav-link" style={{ marginTop: 0, marginBottom: 12, background: 'var(--card)' }} data-testid="appointments-new">
        <strong>{t('rap.mine.new')}</strong>
        <span aria-hidden="true">›</span>
      </Link>
      <section className="r-card" aria-labelledby="rap-mine" data-testid="my-appointments">
        <h2 id="rap-mine">{t('rap.title.mine')}</h2>
        {mine.error ? (
          <InlineMessage kind="error">{mine.error.message}</InlineMessage>
        ) : mine.loading && !mine.data ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('rap.mine.empty')}</p>
        ) : (
          <ul className="r-entries">
            {items.map((a) => (
              <li key={a.id}>
                <Link href={`/me/appointments/${a.id}`} className="rev-item-link" data-testid="my-appointment" data-code={a.code}>
                  <div className="r-entry-head">
                    <strong>{a.window.name}</strong>
                    <StatusBadge status={a.status} />
                  </div>
                  <div>{when(a, locale)}</div>
                  <div className="r-muted">
                    {a.code}
                    {a.matterName ? ` · ${a.matterName}` : ''}
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {(mine.data?.total ?? 0) > items.length && (
          <Button block fill="outline" loading={mine.loading} onClick={() => setPages((p) => p + 1)}>
            {t('hall.more')}
          </Button>
        )}
      </section>
    </>
  );
}

export function MyAppointmentPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const { id } = useParams<{ id: string }>();
  const search = new URLSearchParams(useSearch());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const detail = useApi(
    (signal) => (session.status === 'ready' ? api.get<Appointment>(`/api/v1/me/appointments/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)),
    [session.status, id],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (detail.error) return <InlineMessage kind="error">{detail.error.message}</InlineMessage>;
  const a = detail.data;
  if (!a) return <div className="r-loading">{t('common.loading')}</div>;

  const cancel = async () => {
    setBusy(true);
    try {
      await api.post(`/api/v1/me/appointments/${encodeURIComponent(a.id)}/cancel`, { reason: reason.trim() || undefined, expectedVersion: a.version });
      setCancelling(false);
      setOutcome({ kind: 'success', text: t('rap.cancelled') });
      navigate(`/me/appointments/${a.id}`, { replace: true });
      detail.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) detail.reload();
      setOutcome({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const justBooked = search.get('booked') === '1' && a.status === 'booked';
  const justChanged = search.get('changed') === '1' && a.status === 'booked';
  const rows: [string, string][] = [
    [t('rap.code'), a.code],
    [t('rap.when'), when(a, locale)],
    [t('rap.location'), `${a.window.name} · ${a.window.location}`],
    ...(a.matterName ? [[t('rap.matterLabel'), a.matterName] as [string, string]] : []),
    ...(a.note ? [[t('rap.noteLabel'), a.note] as [string, string]] : []),
  ];
  return (
    <>
      <BackLink href="/me/appointments" label={t('rap.title.mine')} />
      {justBooked && <InlineMessage kind="success">{t('rap.booked', { code: a.code })}</InlineMessage>}
      {justChanged && <InlineMessage kind="success">{t('rap.changed')}</InlineMessage>}
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      <section className="r-card" aria-labelledby="rap-detail" data-testid="appointment-detail">
        <div className="r-entry-head">
          <h2 id="rap-detail" style={{ margin: 0 }}>
            {a.window.name}
          </h2>
          <StatusBadge status={a.status} />
        </div>
        <dl className="r-facts">
          {rows.map(([k, v]) => (
            <div key={k} className="r-fact">
              <dt>{k}</dt>
              <dd data-testid={k === t('rap.code') ? 'appointment-code' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
        {a.onBehalf && <p className="r-muted">{t('rap.onBehalf')}</p>}
        {a.checkedInAt && <p data-testid="appointment-checked-in">{t('rap.checkedInAt', { at: formatDateTimeLong(a.checkedInAt) })}</p>}
        {a.cancelReason && <p className="r-muted">{t('rap.cancelledWhy', { reason: a.cancelReason })}</p>}
      </section>
      {a.status === 'booked' && a.checkInPath && (
        <section className="r-card hall-qr" aria-labelledby="rap-qr" data-testid="appointment-qr">
          <h2 id="rap-qr">{t('rap.qr')}</h2>
          <img src={`/api/v1/me/appointments/${encodeURIComponent(a.id)}/qr?format=svg&v=${a.version}`} alt={t('rap.qrAlt', { code: a.code })} width={240} height={240} data-testid="appointment-qr-image" />
          <p className="hall-code">{a.code}</p>
          <p className="r-muted">{t('rap.qrHint')}</p>
        </section>
      )}
      {(a.canChange || a.canCancel) && (
        <section className="r-card" aria-label={t('rap.change')}>
          {a.canChange && (
            <Button block size="large" color="primary" fill="outline" onClick={() => navigate(`/services/appointments?change=${encodeURIComponent(a.id)}`)} data-testid="appointment-change">
              {t('rap.change')}
            </Button>
          )}
          {a.canCancel && !cancelling && (
            <Button block size="large" color="danger" fill="outline" style={{ marginTop: 12 }} onClick={() => setCancelling(true)} data-testid="appointment-cancel">
              {t('rap.cancel')}
            </Button>
          )}
          {cancelling && (
            <div style={{ marginTop: 12 }}>
              <div className="r-field">
                <label htmlFor="rap-cancel-reason">{t('rap.cancelReason')}</label>
                <div className="r-input">
                  <TextArea id="rap-cancel-reason" value={reason} onChange={setReason} maxLength={200} rows={2} />
                </div>
              </div>
              <Button block size="large" color="danger" loading={busy} onClick={() => void cancel()} data-testid="appointment-cancel-confirm">
                {t('rap.cancelConfirm')}
              </Button>
            </div>
          )}
        </section>
      )}
    </>
  );
}
