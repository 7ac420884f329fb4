import { useState } from 'react';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { LoginFirst, MY_PARTY, type MyParty } from './PartyPage.js';
import './messages.js';
import './party.css';

type Label = { 'zh-CN': string; en: string };
/** Shape of src/modules/party/transfers.schema.ts (ZTransferDetail). */
export interface Transfer {
  id: string;
  direction: 'out' | 'in';
  state: string;
  stateLabel: Label;
  memberName: string;
  fromOrgName: string;
  toOrgName: string;
  reason: string;
  letterNumber: string | null;
  letterValidUntil: string | null;
  dueAt: string | null;
  overdue: boolean;
  refusalReason: string | null;
  version: number;
  waitingFor: Label | null;
  actions: ('approve' | 'refuse' | 'confirm' | 'cancel')[];
  letterPath: string | null;
  history: { version: number; actionLabel: Label; note: string | null; actorName: string; at: string }[];
}

const REASONS = ['工作调动', '居住地变更', '升学', '毕业', '退休', '外出务工', '其他'];
const STEP_OF: Record<string, number> = { branch_review: 2, committee_review: 3, awaiting_receipt: 4, completed: 5 };

/** Where a transfer stands, as four steps in words (never colour alone). */
function Steps({ x }: { x: Transfer }) {
  const { t } = useI18n();
  const now = STEP_OF[x.state] ?? 0;
  return (
    <ol className="rpt-steps" aria-label={x.stateLabel['zh-CN']}>
      {[1, 2, 3, 4].map((n) => (
        <li key={n} aria-current={n === now ? 'step' : undefined}>
          {n < now || x.state === 'completed' ? '✓ ' : n === now ? '● ' : '○ '}
          {t(`rpt.t.step.${n}`)}
        </li>
      ))}
    </ol>
  );
}

/** One transfer: its steps, where it waits, the letter, the history — and the steps the caller may take. */
export function TransferCard({ x, onChanged }: { x: Transfer; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = async (action: Transfer['actions'][number]) => {
    setError(null);
    try {
      await api.post(`/api/v1/party/transfers/${x.id}/steps`, { action, note: note.trim() || undefined, expectedVersion: x.version });
      setNote('');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <li data-testid="party-transfer" data-state={x.state}>
      <div className="r-entry-head">
        <strong>{t('rpt.t.where', { from: x.fromOrgName, to: x.toOrgName })}</strong>
        <span className="r-status-tag">{x.stateLabel[locale]}</span>
      </div>
      <div className="r-muted">
        {x.memberName} · {x.reason}
      </div>
      <Steps x={x} />
      {x.waitingFor && <p>{t('rpt.t.waiting', { who: x.waitingFor[locale] })}</p>}
      {x.dueAt && x.waitingFor && <p className="r-muted">{t('rpt.t.due', { at: formatDateTimeLong(x.dueAt) })}</p>}
      {x.refusalReason && <InlineMessage kind="error">{t('rpt.t.refused', { reason: x.refusalReason })}</InlineMessage>}
      {x.letterNumber && x.direction === 'out' && (
        <p>
          {t('rpt.t.letter', { n: x.letterNumber, until: x.letterValidUntil ? formatDateLong(x.letterValidUntil) : '—' })}
          {x.letterPath && (
            <>
              {' '}
              <a href={x.letterPath} target="_blank" rel="noopener">
                {t('rpt.t.print')}
              </a>
            </>
          )}
        </p>
      )}
      <details>
        <summary>{t('rpt.t.history')}</summary>
        <ul>
          {x.history.map((h) => (
            <li key={h.version}>
              {formatDateTimeLong(h.at)} {h.actorName} {h.actionLabel[locale]}
              {h.note ? `：${h.note}` : ''}
            </li>
          ))}
        </ul>
      </details>
      {x.actions.length > 0 && (
        <div className="r-field">
          <label htmlFor={`t-note-${x.id}`}>{t('rpt.t.opinion')}</label>
          <TextArea id={`t-note-${x.id}`} rows={2} maxLength={300} value={note} onChange={setNote} />
          {error && <InlineMessage kind="error">{error}</InlineMessage>}
          <div className="rpt-actions">
            {x.actions.map((a) => (
              <Button key={a} size="small" color={a === 'approve' || a === 'confirm' ? 'primary' : a === 'refuse' ? 'danger' : 'default'} onClick={() => void act(a)} data-testid={`party-transfer-${a}`}>
                {t(`rpt.t.${a}`)}
              </Button>
            ))}
          </div>
        </div>
      )}
    </li>
  );
}

/** 我的组织关系转接: where each stands, and asking to transfer out to an organisation elsewhere. */
export default function TransfersPage() {
  const { t } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const me = useApi((signal) => (ready ? api.get<MyParty>(MY_PARTY, undefined, signal) : Promise.resolve(undefined)), [ready]);
  const list = useApi((signal) => (ready ? api.get<{ items: Transfer[] }>(`${MY_PARTY}/transfers`, undefined, signal) : Promise.resolve(undefined)), [ready]);
  const [asking, setAsking] = useState(false);
  const [dest, setDest] = useState('');
  const [reason, setReason] = useState(REASONS[0]!);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const open = (list.data?.items ?? []).some((x) => ['branch_review', 'committee_review', 'awaiting_receipt'].includes(x.state));
  const send = async () => {
    setError(null);
    try {
      await api.post(`${MY_PARTY}/transfers`, { destination: { name: dest.trim() }, reason, note: note.trim() || undefined });
      setSent(true);
      setAsking(false);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }}>
        {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
        {list.data && list.data.items.length === 0 && <p className="r-muted">{t('rpt.t.none')}</p>}
        <ul className="r-notice-list" data-testid="party-my-transfers">
          {list.data?.items.map((x) => <TransferCard key={x.id} x={x} onChanged={list.reload} />)}
        </ul>
        {sent && <InlineMessage kind="success">{t('rpt.t.sent')}</InlineMessage>}
      </section>
      {me.data?.member && !open && (
        <section className="r-card">
          {!asking ? (
            <Button block size="large" onClick={() => setAsking(true)} data-testid="party-transfer-start">
              {t('rpt.t.start')}
            </Button>
          ) : (
            <>
              <h2>{t('rpt.t.start')}</h2>
              <div className="r-field">
                <label htmlFor="rpt-dest">{t('rpt.t.dest')}</label>
                <Input id="rpt-dest" className="r-input" value={dest} onChange={setDest} maxLength={100} />
              </div>
              <div className="r-field">
                <label htmlFor="rpt-reason">{t('rpt.t.reason')}</label>
                <select id="rpt-reason" className="r-select" value={reason} onChange={(e) => setReason(e.target.value)}>
                  {REASONS.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </div>
              <div className="r-field">
                <label htmlFor="rpt-note">{t('rpt.t.note')}</label>
                <TextArea id="rpt-note" rows={2} maxLength={300} value={note} onChange={setNote} />
              </div>
              {error && <InlineMessage kind="error">{error}</InlineMessage>}
              <Button block color="primary" size="large" disabled={dest.trim().length < 4} onClick={() => void send()}>
                {t('rpt.t.send')}
              </Button>
            </>
          )}
        </section>
      )}
    </>
  );
}
