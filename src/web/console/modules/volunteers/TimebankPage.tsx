import { useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Col, Descriptions, Drawer, Form, Input, Radio, Row, Segmented, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { PagedTable, ReasonDrawer } from './common.js';
import './timebank.messages.js';

/** Shapes of src/modules/volunteers/timebank.routes.ts (staff). */
type ExchangeStatus = 'held' | 'done' | 'completed' | 'disputed' | 'resolved' | 'released' | 'cancelled';
interface Party {
  memberId: string;
  name: string;
  phoneMasked: string | null;
  place: string | null;
}
interface Exchange {
  id: string;
  postId: string;
  kind: 'offer' | 'need';
  title: string;
  category: string;
  minutes: number;
  status: ExchangeStatus;
  neededBy: string;
  dueAt: string;
  note: string | null;
  doneAt: string | null;
  doneNote: string | null;
  acceptedAt: string | null;
  acceptedHow: 'requester' | 'auto' | null;
  disputedAt: string | null;
  disputedBy: 'requester' | 'helper' | null;
  disputeReason: string | null;
  resolvedAt: string | null;
  resolution: 'helper' | 'requester' | null;
  resolutionReason: string | null;
  releasedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  requester: Party;
  helper: Party;
  escrowBalance: number;
  holdJournalId: string;
  settleJournalId: string | null;
  canResolve: boolean;
}
interface Post {
  id: string;
  kind: 'offer' | 'need';
  category: string;
  title: string;
  minutes: number;
  neededBy: string | null;
  status: 'open' | 'taken' | 'closed' | 'expired';
  closedReason: string | null;
  exchangeCount: number;
  createdAt: string;
  author: { name: string; place: string | null };
  canClose: boolean;
}
interface Overview {
  members: number;
  openOffers: number;
  openNeeds: number;
  exchanges: Record<ExchangeStatus, number>;
  settledMinutes: number;
  heldMinutes: number;
  escrowMinutes: number;
  grantedMinutes: number;
}

const hours = (m: number) => String(Math.round((m / 60) * 100) / 100);
const STATUSES: ExchangeStatus[] = ['held', 'done', 'disputed', 'completed', 'resolved', 'released', 'cancelled'];
const COLOR: Record<ExchangeStatus, string> = { held: 'blue', done: 'gold', disputed: 'red', completed: 'green', resolved: 'green', released: 'default', cancelled: 'default' };

function OverviewCards() {
  const { t } = useI18n();
  const o = useApi((signal) => api.get<Overview>('/api/v1/timebank/overview', undefined, signal), []);
  if (o.missing) return <NotEnabled path="/api/v1/timebank/overview" />;
  if (o.error) return <Alert type="error" showIcon title={o.error.message} />;
  if (!o.data) return null;
  const d = o.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="timebank-overview">
      <Row gutter={[12, 12]}>
        {(
          [
            ['ctb.members', d.members],
            ['ctb.openNeeds', d.openNeeds],
            ['ctb.openOffers', d.openOffers],
            ['ctb.ex.disputed', d.exchanges.disputed ?? 0],
            ['ctb.settled', hours(d.settledMinutes)],
            ['ctb.heldRows', hours(d.heldMinutes)],
            ['ctb.escrow', hours(d.escrowMinutes)],
            ['ctb.granted', hours(d.grantedMinutes)],
          ] as const
        ).map(([k, v]) => (
          <Col key={k} xs={12} md={6} lg={3}>
            <Card size="small">
              <Statistic title={t(k)} value={v} />
            </Card>
          </Col>
        ))}
      </Row>
      <Alert type={d.heldMinutes === d.escrowMinutes ? 'success' : 'error'} showIcon title={t(d.heldMinutes === d.escrowMinutes ? 'ctb.balanced' : 'ctb.unbalanced')} />
    </Space>
  );
}

/** One exchange with both parties (an audited read) and, when disputed, the decision. */
function ExchangeDrawer({ id, onClose }: { id: string; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const x = useApi((signal) => api.get<Exchange>(`/api/v1/timebank/exchanges/${id}`, undefined, signal), [id]);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const resolve = async (v: { award: 'helper' | 'requester'; reason: string }) => {
    setError(null);
    setBusy(true);
    try {
      await api.post(`/api/v1/timebank/exchanges/${id}/resolve`, v);
      setChanged(true);
      x.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const d = x.data;
  const party = (p: Party) => `${p.name}${p.phoneMasked ? ` · ${p.phoneMasked}` : ''}${p.place ? ` · ${p.place}` : ''}`;
  return (
    <Drawer open width={640} title={t('ctb.detail')} onClose={() => onClose(changed)} destroyOnHidden>
      <Alert type="info" showIcon title={t('ctb.readNote')} style={{ marginBottom: 12 }} />
      {(error || x.error) && <Alert type="error" showIcon title={error ?? x.error!.message} style={{ marginBottom: 12 }} />}
      {d && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="timebank-exchange-drawer" data-status={d.status}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('ctb.title')}>
              <Tag>{t(`ctb.kind.${d.kind}`)}</Tag>
              {d.category} · {d.title}
            </Descriptions.Item>
            <Descriptions.Item label={t('ctb.minutes')}>{hours(d.minutes)} h</Descriptions.Item>
            <Descriptions.Item label={t('ctb.status')}>
              <Tag color={COLOR[d.status]}>{t(`ctb.ex.${d.status}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('ctb.requester')}>{party(d.requester)}</Descriptions.Item>
            <Descriptions.Item label={t('ctb.helper')}>{party(d.helper)}</Descriptions.Item>
            <Descriptions.Item label={t('ctb.neededBy')}>{formatDateTime(d.neededBy)}</Descriptions.Item>
            {d.note && <Descriptions.Item label={t('ctb.note')}>{d.note}</Descriptions.Item>}
            {d.doneAt && <Descriptions.Item label={t('ctb.doneNote')}>{`${formatDateTime(d.doneAt)} ${d.doneNote ?? ''}`}</Descriptions.Item>}
            {d.disputedAt && (
              <Descriptions.Item label={t('ctb.dispute')}>
                {`${formatDateTime(d.disputedAt)}（${t(`ctb.disputedBy.${d.disputedBy ?? 'requester'}`)}）${d.disputeReason ?? ''}`}
              </Descriptions.Item>
            )}
            {d.resolution && <Descriptions.Item label={t('ctb.resolution')}>{`${t(`ctb.award.${d.resolution}`)}：${d.resolutionReason ?? ''}`}</Descriptions.Item>}
            <Descriptions.Item label={t('ctb.escrowNow')}>{hours(d.escrowBalance)} h</Descriptions.Item>
            <Descriptions.Item label={t('ctb.journals')}>
              <Typography.Text code>{d.holdJournalId}</Typography.Text>
              {d.settleJournalId && <Typography.Text code>{d.settleJournalId}</Typography.Text>}
            </Descriptions.Item>
          </Descriptions>
          {d.canResolve && (
            <Form layout="vertical" onFinish={(v) => void resolve(v)} initialValues={{ award: 'helper' }} data-testid="timebank-resolve-form">
              <Typography.Title level={5}>{t('ctb.resolve')}</Typography.Title>
              <Form.Item name="award" label={t('ctb.award')} rules={[{ required: true }]}>
                <Radio.Group>
                  <Radio value="helper">{t('ctb.award.helper')}</Radio>
                  <Radio value="requester">{t('ctb.award.requester')}</Radio>
                </Radio.Group>
              </Form.Item>
              <Form.Item name="reason" label={t('ctb.reason')} rules={[{ required: true, min: 5 }]}>
                <Input.TextArea maxLength={300} rows={3} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="timebank-resolve">
                {t('ctb.resolve')}
              </Button>
            </Form>
          )}
        </Space>
      )}
    </Drawer>
  );
}

function Exchanges({ disputesOnly, openId, onOpen }: { disputesOnly: boolean; openId: string | null; onOpen: (id: string | null) => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ExchangeStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const list = useApi(
    (signal) => api.get<{ items: Exchange[]; total: number }>('/api/v1/timebank/exchanges', { open: disputesOnly ? '1' : undefined, status: !disputesOnly && status !== 'all' ? status : undefined, page, pageSize: 20 }, signal),
    [disputesOnly, status, page],
  );
  if (list.missing) return <NotEnabled path="/api/v1/timebank/exchanges" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('ctb.readNote')} />
      {!disputesOnly && (
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as ExchangeStatus | 'all');
            setPage(1);
          }}
          options={[{ value: 'all', label: t('ctb.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`ctb.ex.${s}`) }))]}
        />
      )}
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        data-testid={disputesOnly ? 'timebank-disputes' : 'timebank-exchanges'}
        columns={[
          { title: t('ctb.title'), render: (_, x: Exchange) => <>{`${x.category} · ${x.title}`}</> },
          { title: t('ctb.minutes'), width: 80, render: (_, x: Exchange) => `${hours(x.minutes)} h` },
          { title: t('ctb.requester'), width: 110, render: (_, x: Exchange) => x.requester.name },
          { title: t('ctb.helper'), width: 110, render: (_, x: Exchange) => x.helper.name },
          { title: t('ctb.status'), width: 100, render: (_, x: Exchange) => <Tag color={COLOR[x.status]}>{t(`ctb.ex.${x.status}`)}</Tag> },
          ...(disputesOnly ? [{ title: t('ctb.dispute'), render: (_: unknown, x: Exchange) => x.disputeReason }] : []),
          { title: '', width: 70, render: (_, x: Exchange) => <a onClick={() => onOpen(x.id)}>{x.canResolve ? t('ctb.resolve') : t('ctb.open')}</a> },
        ]}
      />
      {openId && (
        <ExchangeDrawer
          id={openId}
          onClose={(changed) => {
            onOpen(null);
            if (changed) list.reload();
          }}
        />
      )}
    </Space>
  );
}

function Posts() {
  const { t } = useI18n();
  const [status, setStatus] = useState<Post['status'] | 'all'>('open');
  const [page, setPage] = useState(1);
  const [closing, setClosing] = useState<Post | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Post[]; total: number }>('/api/v1/timebank/posts', { status: status === 'all' ? undefined : status, page, pageSize: 20 }, signal), [status, page]);
  const close = async (v: { reason: string }) => {
    if (!closing) return;
    setError(null);
    try {
      await api.post(`/api/v1/timebank/posts/${closing.id}/close`, v);
      setClosing(null);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as Post['status'] | 'all');
          setPage(1);
        }}
        options={[{ value: 'all', label: t('ctb.all') }, ...(['open', 'taken', 'closed', 'expired'] as const).map((s) => ({ value: s, label: t(`ctb.post.${s}`) }))]}
      />
      {(error || list.error) && <Alert type="error" showIcon title={error ?? list.error!.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={[
          { title: t('ctb.kind'), width: 70, render: (_, p: Post) => <Tag color={p.kind === 'need' ? 'volcano' : 'green'}>{t(`ctb.kind.${p.kind}`)}</Tag> },
          { title: t('ctb.title'), render: (_, p: Post) => `${p.category} · ${p.title}` },
          { title: t('ctb.minutes'), width: 80, render: (_, p: Post) => `${hours(p.minutes)} h` },
          { title: t('ctb.author'), width: 160, render: (_, p: Post) => `${p.author.name} · ${p.author.place ?? ''}` },
          { title: t('ctb.neededBy'), width: 150, render: (_, p: Post) => (p.neededBy ? formatDateTime(p.neededBy) : '—') },
          { title: t('ctb.status'), width: 90, render: (_, p: Post) => t(`ctb.post.${p.status}`) },
          { title: '', width: 70, render: (_, p: Post) => p.canClose && <a onClick={() => setClosing(p)}>{t('ctb.close')}</a> },
        ]}
      />
      {closing && (
        <ReasonDrawer action={t('ctb.close')} subject={closing.title} label={t('ctb.closeReason')} minLength={5} onSubmit={(v) => void close(v)} onClose={() => setClosing(null)} />
      )}
    </Space>
  );
}

/** 时间银行: the overview of the area (the ledger's escrow beside the exchanges), disputes to decide, all exchanges, posts. */
export default function TimebankPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('ctb.menu') }]);
  const [tab, setTab] = useState('disputes');
  const open = (x: string | null) => navigate(x ? `/volunteers/timebank/${x}` : '/volunteers/timebank');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('ctb.menu')}
      </Typography.Title>
      <OverviewCards />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'disputes', label: t('ctb.tab.disputes'), children: <Exchanges disputesOnly openId={tab === 'disputes' ? (id ?? null) : null} onOpen={open} /> },
          { key: 'exchanges', label: t('ctb.tab.exchanges'), children: <Exchanges disputesOnly={false} openId={tab === 'exchanges' ? (id ?? null) : null} onOpen={open} /> },
          { key: 'posts', label: t('ctb.tab.posts'), children: <Posts /> },
        ]}
      />
    </Space>
  );
}
