import { useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Empty, Flex, Row, Space, Spin, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { Coverage, Patrol, PatrolDetail, PatrolPage } from '../../../shared/events.js';
import type { OrgNodeWithAncestors } from '../../../shared/types.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { TrackMap } from './TrackMap.js';

const PATH = '/api/v1/patrols';

function useFigures() {
  const { t } = useI18n();
  return {
    minutes: (m: number) => t('ev.pat.minutes', { m: Math.round(m) }),
    km: (km: number) => t('ev.pat.km', { km: km.toFixed(2) }),
    days: (d: { patrolled: number; inPeriod: number }) => t('ev.pat.ofDays', { n: d.patrolled, total: d.inPeriod }),
  };
}

function History() {
  const { t } = useI18n();
  const f = useFigures();
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [openOnly, setOpenOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const query = { orgNodeId, from: range?.[0].format('YYYY-MM-DD'), to: range?.[1].format('YYYY-MM-DD'), open: openOnly ? '1' : undefined, page, pageSize };
  const list = useApi((signal) => api.get<PatrolPage>(PATH, query, signal), [JSON.stringify(query)]);
  if (list.missing) return <NotEnabled path={PATH} />;
  const columns: ColumnsType<Patrol> = [
    { title: t('ev.pat.worker'), dataIndex: 'workerName', width: 150 },
    { title: t('ev.pat.grid'), dataIndex: 'gridName', width: 170 },
    { title: t('ev.pat.started'), dataIndex: 'startedAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('ev.pat.ended'), dataIndex: 'endedAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : <Tag color="processing">{t('ev.pat.open')}</Tag>) },
    { title: t('ev.pat.duration'), dataIndex: 'durationMinutes', width: 100, align: 'right', render: f.minutes },
    { title: t('ev.pat.distance'), dataIndex: 'distanceKm', width: 100, align: 'right', render: f.km },
    { title: t('ev.pat.points'), dataIndex: 'pointCount', width: 80, align: 'right' },
    { title: t('ev.pat.events'), dataIndex: 'eventCount', width: 90, align: 'right' },
    { title: t('ev.pat.summary'), dataIndex: 'summary', render: (v: string | null) => v ?? '—' },
    {
      title: t('common.actions'),
      key: 'open',
      width: 100,
      fixed: 'right',
      render: (_: unknown, p) => (
        <Link href={`/patrols/${p.id}`} data-testid="patrol-link">
          {t('ev.wb.open')}
        </Link>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <OrgNodeSelect value={orgNodeId} onChange={(v) => {
            setOrgNodeId(v);
            setPage(1);
          }} placeholder={t('ev.filter.area')} testId="patrols-area" />
        <DatePicker.RangePicker value={range} onChange={(v) => {
            setRange(v?.[0] && v[1] ? [v[0], v[1]] : null);
            setPage(1);
          }} aria-label={t('ev.pat.dates')} />
        <Space>
          <Switch checked={openOnly} onChange={(v) => {
              setOpenOnly(v);
              setPage(1);
            }} aria-label={t('ev.pat.open')} />
          <span>{t('ev.pat.open')}</span>
        </Space>
      </Space>
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<Patrol>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1300 }}
          data-testid="patrols-table"
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      )}
    </Flex>
  );
}

function CoverageTab() {
  const { t } = useI18n();
  const f = useFigures();
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  const query = { orgNodeId, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const cov = useApi((signal) => api.get<Coverage>(`${PATH}/coverage`, query, signal), [JSON.stringify(query)]);
  if (cov.missing) return <NotEnabled path={`${PATH}/coverage`} />;
  type Figures = Coverage['totals'];
  const figureColumns = <T extends Figures>(): ColumnsType<T> => [
    { title: t('ev.pat.patrols'), dataIndex: 'patrols', width: 90, align: 'right' },
    { title: t('ev.pat.days'), key: 'days', width: 120, align: 'right', render: (_: unknown, r) => f.days(r.days) },
    { title: t('ev.pat.workingDays'), key: 'wd', width: 130, align: 'right', render: (_: unknown, r) => f.days(r.workingDays) },
    { title: t('ev.pat.duration'), dataIndex: 'durationMinutes', width: 110, align: 'right', render: f.minutes },
    { title: t('ev.pat.distance'), dataIndex: 'distanceKm', width: 110, align: 'right', render: f.km },
    { title: t('ev.pat.points'), dataIndex: 'points', width: 90, align: 'right' },
    { title: t('ev.pat.events'), dataIndex: 'eventsReported', width: 100, align: 'right' },
  ];
  const c = cov.data;
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} aria-label={t('ev.pat.dates')} />
        <OrgNodeSelect value={orgNodeId} onChange={setOrgNodeId} placeholder={t('ev.filter.area')} />
      </Space>
      {cov.error && <Alert type="error" showIcon title={cov.error.message} />}
      {!c && cov.loading && <Spin />}
      {c && (
        <>
          <Typography.Text strong data-testid="coverage-totals">
            {t('ev.pat.totals', { patrols: c.totals.patrols, km: c.totals.distanceKm.toFixed(2), events: c.totals.eventsReported })}
          </Typography.Text>
          <Card size="small" title={t('ev.pat.byGrid')}>
            <Table
              rowKey="gridId"
              size="small"
              pagination={false}
              dataSource={c.grids}
              scroll={{ x: 1000 }}
              columns={[
                { title: t('ev.pat.grid'), dataIndex: 'gridName', width: 170 },
                { title: t('ev.pat.community'), dataIndex: 'communityName', width: 120, render: (v: string | null) => v ?? '—' },
                ...figureColumns<Coverage['grids'][number]>(),
              ]}
              data-testid="coverage-grids"
            />
          </Card>
          <Card size="small" title={t('ev.pat.byWorker')}>
            <Table
              rowKey="workerUserId"
              size="small"
              pagination={false}
              dataSource={c.workers}
              scroll={{ x: 900 }}
              columns={[{ title: t('ev.pat.worker'), dataIndex: 'workerName', width: 170 }, ...figureColumns<Coverage['workers'][number]>()]}
              data-testid="coverage-workers"
            />
          </Card>
        </>
      )}
    </Flex>
  );
}

function PatrolView({ id }: { id: string }) {
  const { t } = useI18n();
  const f = useFigures();
  const [, navigate] = useLocation();
  const patrol = useApi((signal) => api.get<PatrolDetail>(`${PATH}/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const p = patrol.data;
  const grid = useApi(
    (signal) => (p ? api.get<OrgNodeWithAncestors>(`/api/v1/org/nodes/${encodeURIComponent(p.gridId)}`, undefined, signal) : Promise.resolve(undefined)),
    [p?.gridId],
  );
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.patrols'), href: '/patrols' }, { title: p ? `${p.workerName} ${formatDateTime(p.startedAt)}` : id }]);
  if (patrol.error) return <Alert type="error" showIcon title={patrol.error.message} />;
  if (!p) return <Spin />;
  return (
    <Flex vertical gap={16} data-testid="patrol-detail">
      <Flex justify="space-between">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('ev.pat.track', { grid: p.gridName })}
        </Typography.Title>
        <Button onClick={() => navigate('/patrols')}>{t('ev.back')}</Button>
      </Flex>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 3 }}
        items={[
          { key: 'worker', label: t('ev.pat.worker'), children: p.workerName },
          { key: 'started', label: t('ev.pat.started'), children: formatDateTime(p.startedAt) },
          { key: 'ended', label: t('ev.pat.ended'), children: p.endedAt ? formatDateTime(p.endedAt) : <Tag color="processing">{t('ev.pat.open')}</Tag> },
          { key: 'duration', label: t('ev.pat.duration'), children: f.minutes(p.durationMinutes) },
          { key: 'distance', label: t('ev.pat.distance'), children: f.km(p.distanceKm) },
          { key: 'points', label: t('ev.pat.points'), children: p.pointCount },
          { key: 'summary', label: t('ev.pat.summary'), span: 3, children: p.summary ?? '—' },
        ]}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          {p.points.length === 0 && !grid.data?.geometry ? <Empty description={t('ev.pat.noTrack')} /> : <TrackMap patrol={p} grid={grid.data ? { name: grid.data.name, geometry: grid.data.geometry } : null} />}
          {p.points.length === 0 && <Typography.Text type="secondary">{t('ev.pat.noTrack')}</Typography.Text>}
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('ev.pat.events')}>
            {p.events.length === 0 ? (
              <Typography.Text type="secondary">—</Typography.Text>
            ) : (
              <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="patrol-events">
                {p.events.map((e) => (
                  <li key={e.id}>
                    <Link href={`/events/${e.id}`}>{e.code}</Link> {e.title}（{e.categoryName ?? '—'}）
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {p.points.some((x) => x.note) && (
            <Card size="small" title={t('ev.pat.note')} style={{ marginTop: 16 }}>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {p.points
                  .filter((x) => x.note)
                  .map((x) => (
                    <li key={x.seq}>
                      {formatDateTime(x.at)} {x.note}
                    </li>
                  ))}
              </ul>
            </Card>
          )}
        </Col>
      </Row>
    </Flex>
  );
}

export default function PatrolsPage() {
  const { id } = useParams<{ id?: string }>();
  const [tab, setTab] = useState('history');
  return id ? <PatrolView id={id} /> : <PatrolsHome tab={tab} setTab={setTab} />;
}

function PatrolsHome({ tab, setTab }: { tab: string; setTab: (k: string) => void }) {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.patrols') }]);
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      items={[
        { key: 'history', label: t('ev.pat.history'), children: <History /> },
        { key: 'coverage', label: t('ev.pat.coverage'), children: <CoverageTab /> },
      ]}
    />
  );
}
