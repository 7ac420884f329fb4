import { Link, useLocation, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { addMessages, useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';

addMessages({
  'rmd.loginFirst': { 'zh-CN': '登录后查看您的纠纷调解案件', en: 'Log in to see your mediation cases' },
  'rmd.none': { 'zh-CN': '您没有纠纷调解案件', en: 'You have no mediation cases' },
  'rmd.private': {
    'zh-CN': '调解案件保密：只有您、其他当事人和本案调解员可以看到。',
    en: 'Mediation is confidential: only you, the other parties and the mediators see this case.',
  },
  'rmd.accepted': { 'zh-CN': '{date} 受理', en: 'Accepted {date}' },
  'rmd.mySide': { 'zh-CN': '我是{side}', en: 'I am the {side}' },
  'rmd.side.applicant': { 'zh-CN': '申请人', en: 'applicant' },
  'rmd.side.respondent': { 'zh-CN': '被申请人', en: 'respondent' },
  'rmd.progress': { 'zh-CN': '办理进度', en: 'Progress' },
  'rmd.step.accepted': { 'zh-CN': '已受理', en: 'Accepted' },
  'rmd.step.in_mediation': { 'zh-CN': '调解中', en: 'In mediation' },
  'rmd.step.decided': { 'zh-CN': '调解结果', en: 'Outcome' },
  'rmd.step.closed': { 'zh-CN': '回访结案', en: 'Followed up and closed' },
  'rmd.done': { 'zh-CN': '已完成', en: 'done' },
  'rmd.now': { 'zh-CN': '当前', en: 'now' },
  'rmd.parties': { 'zh-CN': '当事人', en: 'Parties' },
  'rmd.me': { 'zh-CN': '（本人）', en: ' (me)' },
  'rmd.mediators': { 'zh-CN': '调解员', en: 'Mediators' },
  'rmd.lead': { 'zh-CN': '主办', en: 'lead' },
  'rmd.helper': { 'zh-CN': '协办', en: 'helping' },
  'rmd.sessions': { 'zh-CN': '调解时间', en: 'Mediation sessions' },
  'rmd.noSessions': { 'zh-CN': '调解员会与您约定调解时间', en: 'The mediator will agree a time with you' },
  'rmd.session': { 'zh-CN': '第{n}次', en: 'Session {n}' },
  'rmd.agreement': { 'zh-CN': '调解协议', en: 'Agreement' },
  'rmd.signedOn': { 'zh-CN': '签订日期：{date}', en: 'Signed on {date}' },
  'rmd.unsigned': { 'zh-CN': '协议尚未签订', en: 'Not signed yet' },
  'rmd.deadline': { 'zh-CN': '履行期限：{date} 前', en: 'To be done by {date}' },
  'rmd.performed': { 'zh-CN': '履行情况：{state}', en: 'Performance: {state}' },
  'rmd.performed.yes': { 'zh-CN': '已履行', en: 'done' },
  'rmd.performed.no': { 'zh-CN': '未履行', en: 'not done' },
  'rmd.performed.unknown': { 'zh-CN': '待确认', en: 'not known yet' },
  'rmd.back': { 'zh-CN': '返回我的调解', en: 'Back to my cases' },
  'rmd.listHint': { 'zh-CN': '我作为当事人的纠纷调解案件和进度', en: 'Mediation cases I am a party to, and how they stand' },
});

/** Shapes of src/modules/community/mediation.schema.ts (ZMyCase). */
type Status = 'accepted' | 'in_mediation' | 'agreed' | 'failed' | 'withdrawn' | 'closed';
type Side = 'applicant' | 'respondent';
interface Label {
  'zh-CN': string;
  en: string;
}
interface MyCaseSummary {
  id: string;
  number: string;
  category: string;
  status: Status;
  statusLabel: Label;
  orgNodeName: string | null;
  mySide: Side;
  acceptedAt: string;
  closedAt: string | null;
}
interface MyCase extends MyCaseSummary {
  parties: { side: Side; name: string; isMe: boolean }[];
  mediators: { name: string; role: 'lead' | 'helper' }[];
  sessions: { seq: number; heldAt: string; place: string }[];
  agreement: { text: string; terms: string[]; performanceDeadline: string | null; signedOn: string | null; performed: boolean | null } | null;
}

const CASES = '/api/v1/me/mediation/cases';

function LoginFirst() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return (
    <section className="r-card">
      <p className="r-muted">{t('rmd.loginFirst')}</p>
      <Button block color="primary" size="large" onClick={() => navigate('/login')}>
        {t('common.login')}
      </Button>
    </section>
  );
}

/** 我的 → 我的调解: shown only to residents who are a party to a case. */
export function MediationMeLink() {
  const { t } = useI18n();
  const session = useSession();
  const party = session.status === 'ready' && session.me.roles.some((r) => r.role === 'resident' || r.role === 'volunteer');
  const list = useApi((signal) => (party ? api.get<{ items: MyCaseSummary[] }>(CASES, undefined, signal) : Promise.resolve({ items: [] as MyCaseSummary[] })), [party]);
  if (!list.data?.items.length) return null;
  return (
    <Link href="/me/mediation" className="r-nav-link" data-testid="me-mediation-link">
      <span>
        <strong>{t('rmd.title')}</strong>
        <span className="r-muted r-nav-link-hint">{t('rmd.listHint')}</span>
      </span>
      <span aria-hidden="true">›</span>
    </Link>
  );
}

/** 我的调解: the cases I am a party to, open ones first. */
export default function MediationListPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const ready = session.status === 'ready';
  const list = useApi((signal) => (ready ? api.get<{ items: MyCaseSummary[] }>(CASES, undefined, signal) : Promise.resolve(undefined)), [ready]);
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  const items = [...(list.data?.items ?? [])].sort((a, b) => Number(a.status === 'closed') - Number(b.status === 'closed'));
  return (
    <section className="r-card" style={{ marginTop: 0 }}>
      <p className="r-muted">{t('rmd.private')}</p>
      {list.error && <InlineMessage kind="error">{list.error.message}</InlineMessage>}
      {!list.loading && items.length === 0 && <p className="r-muted">{t('rmd.none')}</p>}
      <ul className="r-notice-list" data-testid="mediation-list">
        {items.map((c) => (
          <li key={c.id}>
            <Link href={`/me/mediation/${c.id}`} className="rev-item-link" data-testid="mediation-item">
              <div className="r-entry-head">
                <strong>
                  {c.category} · {c.number}
                </strong>
                <span className="r-status-tag">{c.statusLabel[locale]}</span>
              </div>
              <div className="r-muted">
                {t('rmd.accepted', { date: formatDateLong(c.acceptedAt) })} · {t('rmd.mySide', { side: t(`rmd.side.${c.mySide}`) })}
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Where the case stands, as four steps with words (never colour alone). */
function Progress({ c }: { c: MyCase }) {
  const { t, locale } = useI18n();
  const order: Status[] = ['accepted', 'in_mediation'];
  const reached = c.status === 'closed' ? 4 : ['agreed', 'failed', 'withdrawn'].includes(c.status) ? 3 : order.indexOf(c.status) + 1;
  const steps = [
    t('rmd.step.accepted'),
    t('rmd.step.in_mediation'),
    reached >= 3 && c.status !== 'closed' ? c.statusLabel[locale] : t('rmd.step.decided'),
    t('rmd.step.closed'),
  ];
  return (
    <section aria-labelledby="rmd-progress">
      <h3 id="rmd-progress">{t('rmd.progress')}</h3>
      <ol className="r-notice-list" data-testid="mediation-progress" style={{ paddingLeft: 0, listStyle: 'none' }}>
        {steps.map((label, i) => {
          const n = i + 1;
          const state = n < reached || (n === reached && c.status === 'closed') ? 'done' : n === reached ? 'now' : 'todo';
          return (
            <li key={i} aria-current={state === 'now' ? 'step' : undefined} style={{ fontWeight: state === 'now' ? 700 : 400 }}>
              <span aria-hidden="true">{state === 'done' ? '✓ ' : state === 'now' ? '● ' : '○ '}</span>
              {label}
              {state !== 'todo' && <span className="r-muted">（{t(state === 'done' ? 'rmd.done' : 'rmd.now')}）</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** One case, a party's own view: no other party's contact details, no mediators' records. */
export function MediationDetailPage() {
  const { t, locale } = useI18n();
  const { id } = useParams<{ id: string }>();
  const session = useSession();
  const ready = session.status === 'ready';
  const item = useApi((signal) => (ready ? api.get<MyCase>(`${CASES}/${encodeURIComponent(id)}`, undefined, signal) : Promise.resolve(undefined)), [id, ready]);
  if (session.status === 'loading' || (ready && item.loading)) return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <LoginFirst />;
  if (item.error) return <InlineMessage kind="error">{item.error.message}</InlineMessage>;
  const c = item.data;
  if (!c) return null;
  const a = c.agreement;
  return (
    <article className="r-card" style={{ marginTop: 0 }} data-testid="mediation-detail">
      <h2>
        {c.category} · {c.number}
      </h2>
      <p>
        <span className="r-status-tag" data-testid="mediation-status">
          {c.statusLabel[locale]}
        </span>{' '}
        <span className="r-muted">
          {t('rmd.accepted', { date: formatDateLong(c.acceptedAt) })}
          {c.orgNodeName ? ` · ${c.orgNodeName}` : ''}
        </span>
      </p>
      <Progress c={c} />

      <h3>{t('rmd.parties')}</h3>
      <ul data-testid="mediation-parties">
        {c.parties.map((p, i) => (
          <li key={i}>
            {t(`rmd.side.${p.side}`)}：{p.name}
            {p.isMe ? t('rmd.me') : ''}
          </li>
        ))}
      </ul>

      <h3>{t('rmd.mediators')}</h3>
      <p>{c.mediators.map((m) => `${m.name}（${t(m.role === 'lead' ? 'rmd.lead' : 'rmd.helper')}）`).join('、') || '—'}</p>

      <h3>{t('rmd.sessions')}</h3>
      {c.sessions.length === 0 ? (
        <p className="r-muted">{t('rmd.noSessions')}</p>
      ) : (
        <ul data-testid="mediation-sessions">
          {c.sessions.map((s) => (
            <li key={s.seq}>
              {t('rmd.session', { n: s.seq })}：{formatDateTimeLong(s.heldAt)} · {s.place}
            </li>
          ))}
        </ul>
      )}

      {a && (
        <section aria-labelledby="rmd-agreement" data-testid="mediation-agreement">
          <h3 id="rmd-agreement">{t('rmd.agreement')}</h3>
          <div className="r-notice-body">{a.text}</div>
          <ol>
            {a.terms.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ol>
          <p>{a.signedOn ? t('rmd.signedOn', { date: formatDateLong(a.signedOn) }) : t('rmd.unsigned')}</p>
          {a.performanceDeadline && <p>{t('rmd.deadline', { date: formatDateLong(a.performanceDeadline) })}</p>}
          {a.signedOn && <p>{t('rmd.performed', { state: t(a.performed === null ? 'rmd.performed.unknown' : a.performed ? 'rmd.performed.yes' : 'rmd.performed.no') })}</p>}
        </section>
      )}
      <p className="r-muted">{t('rmd.private')}</p>
      <Link href="/me/mediation" className="r-nav-link">
        {t('rmd.back')}
      </Link>
    </article>
  );
}
