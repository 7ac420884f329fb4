import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage, fieldErrors } from '../../shared/api.js';
import { formatDateTime } from '../../shared/dates.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import './rewards.messages.js';
import './volunteers.css';
import './rewards.css';

/** Shapes of src/modules/volunteers/fund.schema.ts. */
interface Balances {
  cash: number;
  inKind: number;
  balance: number;
  donations: number;
  aid: number;
}
interface PublicFund {
  name: string;
  orgNodeId: string;
  orgNodeName: string | null;
  description: string;
  balances: Balances;
  entries: { journalId: string; day: string; kind: 'donation' | 'disbursement' | 'reversal'; label: string; detail: string | null; amountFen: number; balanceFen: number }[];
  months: { month: string; openingFen: number; inFen: number; outFen: number; closingFen: number; entries: number }[];
}
type Status = 'submitted' | 'approving' | 'approved' | 'rejected' | 'withdrawn' | 'disbursed';
interface MyApplication {
  id: string;
  number: string;
  category: string;
  reason: string;
  amountAskedFen: number;
  approvedFen: number;
  disbursedFen: number;
  status: Status;
  decisions: { decision: 'approve' | 'reject'; comment: string; at: string }[];
  disbursements: { voucherNumber: string; amountFen: number; paidOn: string; status: 'recorded' | 'reversed' }[];
  fundName: string;
  createdAt: string;
}
interface MyFund {
  fund: { id: string; name: string; orgNodeId: string; description: string; publicPath: string } | null;
  canApply: boolean;
  applications: MyApplication[];
}

const CATEGORIES = ['大病救助', '临时困难', '灾害救助', '助学', '其他'] as const;
/** 1234567 fen → 12,345.67 元 */
const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** 互助基金公开账目 (/m/fund/:orgNodeId, no login): balances, monthly statements, every entry with the running balance. */
export default function FundPublicPage() {
  const { t } = useI18n();
  const { orgNodeId } = useParams<{ orgNodeId: string }>();
  const books = useApi((signal) => api.get<PublicFund>(`/api/v1/public/funds/${encodeURIComponent(orgNodeId ?? '')}`, undefined, signal), [orgNodeId]);
  const [shown, setShown] = useState(30);
  if (books.loading) return <div className="r-loading">{t('common.loading')}</div>;
  if (books.error) return <InlineMessage kind="error">{books.error.message}</InlineMessage>;
  const f = books.data!;
  return (
    <>
      <section className="r-card" style={{ marginTop: 0 }} data-testid="fund-summary">
        <h2>{f.name}</h2>
        {f.description && <p className="r-muted">{f.description}</p>}
        <div className="rvo-stats">
          <div className="rvo-stat">
            <span className="r-muted">{t('rfd.balance')}</span>
            <strong data-testid="fund-balance" data-fen={f.balances.balance}>
              {yuan(f.balances.balance)} {t('rfd.yuan')}
            </strong>
          </div>
        </div>
        <dl className="rfd-facts">
          <div>
            <dt>{t('rfd.cash')}</dt>
            <dd>{yuan(f.balances.cash)}</dd>
          </div>
          <div>
            <dt>{t('rfd.inKind')}</dt>
            <dd>{yuan(f.balances.inKind)}</dd>
          </div>
          <div>
            <dt>{t('rfd.donations')}</dt>
            <dd>{yuan(f.balances.donations)}</dd>
          </div>
          <div>
            <dt>{t('rfd.aid')}</dt>
            <dd>{yuan(f.balances.aid)}</dd>
          </div>
        </dl>
        <p className="r-muted">{t('rfd.publicNote')}</p>
        <Link href="/fund/apply" className="r-nav-link" data-testid="fund-apply-link">
          <span>{t('rfd.applyLink')}</span>
          <span aria-hidden="true">›</span>
        </Link>
      </section>
      <section className="r-card">
        <h2>{t('rfd.months')}</h2>
        <div className="rfd-table-wrap">
          <table className="rfd-table" data-testid="fund-months">
            <thead>
              <tr>
                <th scope="col">{t('rfd.month')}</th>
                <th scope="col">{t('rfd.in')}</th>
                <th scope="col">{t('rfd.out')}</th>
                <th scope="col">{t('rfd.closing')}</th>
              </tr>
            </thead>
            <tbody>
              {f.months.map((m) => (
                <tr key={m.month}>
                  <th scope="row">{m.month}</th>
                  <td>{yuan(m.inFen)}</td>
                  <td>{yuan(m.outFen)}</td>
                  <td>{yuan(m.closingFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="r-card">
        <h2>{t('rfd.entries')}</h2>
        <ul className="rvo-list" data-testid="fund-entries">
          {f.entries.slice(0, shown).map((e) => (
            <li key={e.journalId} data-kind={e.kind}>
              <div className="rvo-row">
                <span>
                  {e.kind === 'reversal' && <span className="rfd-reversal">{t('rfd.reversal')} </span>}
                  <strong>{e.label}</strong>
                  <br />
                  <span className="r-muted">
                    {e.day}
                    {e.detail ? ` · ${e.detail}` : ''}
                  </span>
                </span>
                <span className="rfd-amount">
                  <strong>
                    {e.amountFen > 0 ? '+' : '−'}
                    {yuan(Math.abs(e.amountFen))}
                  </strong>
                  <br />
                  <span className="r-muted">
                    {t('rfd.after')} {yuan(e.balanceFen)}
                  </span>
                </span>
              </div>
            </li>
          ))}
        </ul>
        {f.entries.length > shown && (
          <Button block onClick={() => setShown(shown + 30)}>
            {t('rfd.more', { n: f.entries.length - shown })}
          </Button>
        )}
      </section>
    </>
  );
}

function ApplicationItem({ a, onChanged }: { a: MyApplication; onChanged: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const withdraw = async () => {
    try {
      await api.post(`/api/v1/me/fund-applications/${a.id}/withdraw`);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const rejected = a.decisions.find((d) => d.decision === 'reject');
  return (
    <li data-testid="fund-my-application" data-status={a.status}>
      <div className="rvo-row">
        <strong>{`${a.number} · ${a.category}`}</strong>
        <span className={`rfd-status rfd-status-${a.status}`}>{t(`rfd.status.${a.status}`)}</span>
      </div>
      <p className="r-muted" style={{ margin: '4px 0' }}>
        {t('rfd.asked')} {yuan(a.amountAskedFen)} {t('rfd.yuan')} · {formatDateTime(a.createdAt)}
      </p>
      {a.approvedFen > 0 && <p style={{ margin: '4px 0' }}>{t('rfd.approvedValue', { n: yuan(a.approvedFen), paid: yuan(a.disbursedFen) })}</p>}
      {rejected && <p style={{ margin: '4px 0' }}>{t('rfd.rejectedWhy', { why: rejected.comment })}</p>}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {(a.status === 'submitted' || a.status === 'approving') && (
        <Button size="small" onClick={() => void withdraw()}>
          {t('rfd.withdraw')}
        </Button>
      )}
    </li>
  );
}

/** 申请互助基金救助 (/m/fund/apply): the form (category, amount, the hardship, documents) and my applications. */
export function FundApplyPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const mine = useApi((signal) => (ready ? api.get<MyFund>('/api/v1/me/fund', undefined, signal) : Promise.resolve(null)), [ready]);
  const [category, setCategory] = useState<string>('临时困难');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<{ id: string; name: string }[]>([]);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card">
        <p>{t('rfd.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  const upload = async (list: FileList | null) => {
    if (!list) return;
    for (const file of Array.from(list)) {
      const data = new FormData();
      data.append('file', file, file.name);
      try {
        const att = await api.upload<{ id: string }>('/api/v1/files', data, { purpose: 'volunteers.fund-application' });
        setFiles((old) => [...old, { id: att.id, name: file.name }]);
      } catch (e) {
        setOutcome({ kind: 'error', text: errorMessage(e) });
      }
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    setFields({});
    const fen = Math.round(Number(amount) * 100);
    if (!Number.isFinite(fen) || fen <= 0) {
      setFields({ amountFen: t('rfd.amountInvalid') });
      return;
    }
    setBusy(true);
    try {
      const a = await api.post<MyApplication>('/api/v1/me/fund-applications', { category, reason, amountFen: fen, attachmentIds: files.map((f) => f.id) });
      setOutcome({ kind: 'success', text: t('rfd.sent', { number: a.number }) });
      setAmount('');
      setReason('');
      setFiles([]);
      mine.reload();
    } catch (err) {
      setFields(fieldErrors(err));
      setOutcome({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const m = mine.data;
  const open = (m?.applications ?? []).some((a) => ['submitted', 'approving', 'approved'].includes(a.status));
  return (
    <>
      {mine.error && <InlineMessage kind="error">{mine.error.message}</InlineMessage>}
      {m && !m.fund && <InlineMessage kind="info">{t('rfd.noFund')}</InlineMessage>}
      {m?.fund && (
        <section className="r-card" style={{ marginTop: 0 }}>
          <h2>{m.fund.name}</h2>
          <p className="r-muted">{t('rfd.applyIntro')}</p>
          <Link href={`/fund/${m.fund.orgNodeId}`} className="r-nav-link" data-testid="fund-public-link">
            <span>{t('rfd.seeBooks')}</span>
            <span aria-hidden="true">›</span>
          </Link>
        </section>
      )}
      {outcome && <InlineMessage kind={outcome.kind}>{outcome.text}</InlineMessage>}
      {m?.fund && m.canApply && !open && (
        <form className="r-card rvo-form" onSubmit={(e) => void submit(e)} data-testid="fund-apply-form">
          <h2>{t('rfd.applyTitle')}</h2>
          <label>
            <span>{t('rfd.category')}</span>
            <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="fund-category">
              {CATEGORIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('rfd.amount')}</span>
            <input value={amount} onChange={(e) => setAmount(e.target.value.replace(/[^\d.]/g, ''))} inputMode="decimal" data-testid="fund-amount" />
            {fields.amountFen && <small className="r-error">{fields.amountFen}</small>}
          </label>
          <label>
            <span>{t('rfd.reason')}</span>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={6} maxLength={2000} data-testid="fund-reason" />
            <small className="r-muted">{t('rfd.reasonHint')}</small>
            {fields.reason && <small className="r-error">{fields.reason}</small>}
          </label>
          <label>
            <span>{t('rfd.files')}</span>
            <input type="file" accept="image/*,application/pdf" multiple onChange={(e) => void upload(e.target.files)} />
          </label>
          {files.length > 0 && (
            <ul className="rvo-list">
              {files.map((f) => (
                <li key={f.id} className="rvo-row">
                  <span>{f.name}</span>
                  <Button size="small" onClick={() => setFiles(files.filter((x) => x.id !== f.id))}>
                    {t('rfd.removeFile')}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <Button block color="primary" size="large" type="submit" loading={busy} data-testid="fund-apply-submit">
            {t('rfd.submit')}
          </Button>
        </form>
      )}
      {m && m.fund && !m.canApply && <InlineMessage kind="info">{t('rfd.needRecord')}</InlineMessage>}
      {(m?.applications ?? []).length > 0 && (
        <section className="r-card">
          <h2>{t('rfd.mine')}</h2>
          <ul className="rvo-list">
            {m!.applications.map((a) => (
              <ApplicationItem key={a.id} a={a} onChanged={mine.reload} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
