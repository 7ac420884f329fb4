import { useState } from 'react';
import { Alert, Card, Checkbox, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

/** Shapes of src/modules/demands/demands.schema.ts. */
const KINDS = ['event', 'application', 'order', 'consultation', 'suggestion', 'correction', 'forum'] as const;
type Kind = (typeof KINDS)[number];
interface Demand {
  kind: Kind;
  kindLabel: string;
  id: string;
  code: string | null;
  title: string;
  channel: string;
  state: string;
  stateLabel: string;
  createdAt: string;
  dueAt: string | null;
  respondedAt: string | null;
  onTime: boolean | null;
  satisfaction: number | null;
  open: boolean;
  overdue: boolean;
  link: string;
}
interface DemandPage {
  items: Demand[];
  total: number;
  byKind: Record<Kind, number>;
}
interface StatsRow {
  key: string;
  name: string;
  total: number;
  responded: number;
  responseRate: number | null;
  open: number;
  overdue: number;
  onTimeRate: number | null;
  satisfaction: number | null;
  byKind: Record<Kind, number>;
}
interface Stats {
  rows: StatsRow[];
  total: StatsRow;
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

export default function DemandsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('dm.menu') }]);
  const [kind, setKind] = useState<Kind | ''>('');
  const [state, setState] = useState<'' | 'open' | 'closed'>('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [groupBy, setGroupBy] = useState<'grid' | 'community' | 'unit'>('grid');
  const pageSize = 20;
  const list = useApi(
    (signal) =>
      api.get<DemandPage>('/api/v1/demands', { page, pageSize, ...(kind ? { kind } : {}), ...(state ? { state } : {}), ...(overdue ? { overdue: '1' } : {}) }, signal),
    [page, kind, state, overdue],
  );
  const stats = useApi((signal) => api.get<Stats>('/api/v1/demands/stats', { groupBy }, signal), [groupBy]);
  if (list.missing) return <NotEnabled path="/api/v1/demands" />;
  const statsRows = stats.data ? [...stats.data.rows, { ...stats.data.total, name: t('dm.sum') }] : [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="demands-page">
      <Typography.Title level={4}>{t('dm.title')}</Typography.Title>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Card size="small">
        <Space wrap>
          {list.data &&
            KINDS.map((k) => (
              <Tag key={k} data-testid={`demands-count-${k}`}>
                {t(`dm.kind.${k}`)} {list.data!.byKind[k]}
              </Tag>
            ))}
        </Space>
      </Card>
      <Space wrap>
        <Select
          style={{ width: 160 }}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={[{ value: '', label: t('dm.kind.all') }, ...KINDS.map((k) => ({ value: k, label: t(`dm.kind.${k}`) }))]}
        />
        <Select
          style={{ width: 140 }}
          value={state}
          onChange={(v) => {
            setState(v);
            setPage(1);
          }}
          options={[
            { value: '', label: t('dm.state.all') },
            { value: 'open', label: t('dm.state.open') },
            { value: 'closed', label: t('dm.state.closed') },
          ]}
        />
        <Checkbox
          checked={overdue}
          onChange={(e) => {
            setOverdue(e.target.checked);
            setPage(1);
          }}
        >
          {t('dm.overdueOnly')}
        </Checkbox>
      </Space>
      <Table<Demand>
        rowKey={(r) => `${r.kind}:${r.id}`}
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize, total: Math.min(list.data?.total ?? 0, 1000), showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('dm.kind'), dataIndex: 'kind', render: (k: Kind) => <Tag>{t(`dm.kind.${k}`)}</Tag> },
          { title: t('dm.code'), dataIndex: 'code', render: (c: string | null) => c ?? '—' },
          { title: t('dm.itemTitle'), dataIndex: 'title', render: (v: string, r) => <Typography.Link href={r.link}>{v}</Typography.Link> },
          { title: t('dm.channel'), dataIndex: 'channel' },
          {
            title: t('dm.state'),
            dataIndex: 'state',
            render: (s: string, r) => (
              <Space size={4}>
                <Tag color={r.open ? 'blue' : 'default'} data-state={s}>
                  {r.stateLabel}
                </Tag>
                {r.overdue && <Tag color="red">{t('dm.overdue')}</Tag>}
              </Space>
            ),
          },
          { title: t('dm.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          { title: t('dm.dueAt'), dataIndex: 'dueAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
          { title: t('dm.respondedAt'), dataIndex: 'respondedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
          { title: t('dm.onTime'), dataIndex: 'onTime', render: (v: boolean | null) => (v === null ? '—' : v ? t('dm.yes') : t('dm.no')) },
          { title: t('dm.satisfaction'), dataIndex: 'satisfaction', render: (v: number | null) => (v === null ? '—' : `${v}/5`) },
        ]}
      />
      <Card
        size="small"
        title={t('dm.stats')}
        extra={
          <Segmented
            value={groupBy}
            onChange={(v) => setGroupBy(v as typeof groupBy)}
            options={(['grid', 'community', 'unit'] as const).map((g) => ({ value: g, label: t(`dm.groupBy.${g}`) }))}
          />
        }
      >
        {stats.error && <Alert type="error" showIcon title={stats.error.message} />}
        <Table<StatsRow>
          data-testid="demands-stats"
          rowKey="key"
          size="small"
          pagination={false}
          loading={stats.loading}
          dataSource={statsRows}
          columns={[
            { title: t('dm.group'), dataIndex: 'name' },
            { title: t('dm.total'), dataIndex: 'total' },
            { title: t('dm.open'), dataIndex: 'open' },
            { title: t('dm.overdue'), dataIndex: 'overdue' },
            { title: t('dm.responseRate'), dataIndex: 'responseRate', render: pct },
            { title: t('dm.onTimeRate'), dataIndex: 'onTimeRate', render: pct },
            { title: t('dm.satisfaction'), dataIndex: 'satisfaction', render: (v: number | null) => (v === null ? '—' : v.toFixed(2)) },
            ...KINDS.map((k) => ({ title: t(`dm.kind.${k}`), key: k, render: (_: unknown, r: StatsRow) => r.byKind[k] })),
          ]}
        />
      </Card>
    </Space>
  );
}
