import { useEffect, useRef, useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Link } from 'wouter';
import { Alert, Badge, Button, Card, Col, DatePicker, Empty, Flex, Form, Input, Modal, Popconfirm, Row, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import type { ChartSpec } from '../events/charts.js';
import { OrgNodeSelect } from '../registry/common.js';

addMessages({
  'op.crumb': { 'zh-CN': '虚拟社区', en: 'Online community' },
  'op.tab.trends': { 'zh-CN': '热词趋势', en: 'Trending terms' },
  'op.tab.alerts': { 'zh-CN': '预警', en: 'Alerts' },
  'op.tab.watch': { 'zh-CN': '预警词', en: 'Watch words' },
  'op.tab.stop': { 'zh-CN': '停用词', en: 'Stop words' },
  'op.area': { 'zh-CN': '区域', en: 'Area' },
  'op.week': { 'zh-CN': '周', en: 'Week' },
  'op.weekOf': { 'zh-CN': '{week} 起的一周', en: 'Week of {week}' },
  'op.source': { 'zh-CN': '来源', en: 'Source' },
  'op.allSources': { 'zh-CN': '全部来源', en: 'All sources' },
  'op.ingestedAt': { 'zh-CN': '数据更新至 {at}', en: 'Data up to {at}' },
  'op.notIngested': { 'zh-CN': '尚未汇总任何文本', en: 'Nothing read yet' },
  'op.topTerms': { 'zh-CN': '本周热词', en: 'Top terms this week' },
  'op.thisWeek': { 'zh-CN': '本周', en: 'This week' },
  'op.lastWeek': { 'zh-CN': '上周', en: 'Week before' },
  'op.rising': { 'zh-CN': '上升最快', en: 'Rising fastest' },
  'op.new': { 'zh-CN': '新出现', en: 'New' },
  'op.series': { 'zh-CN': '热词走势', en: 'A term by week' },
  'op.term': { 'zh-CN': '热词', en: 'Term' },
  'op.count': { 'zh-CN': '提及文本数', en: 'Texts' },
  'op.previous': { 'zh-CN': '上周', en: 'Week before' },
  'op.rise': { 'zh-CN': '环比', en: 'Change' },
  'op.grids': { 'zh-CN': '各网格热词', en: 'Top terms by grid' },
  'op.grid': { 'zh-CN': '网格', en: 'Grid' },
  'op.mentions': { 'zh-CN': '热词合计', en: 'Term total' },
  'op.gridTerms': { 'zh-CN': '前五热词', en: 'Top five' },
  'op.noData': { 'zh-CN': '本周暂无数据', en: 'No data this week' },
  'op.howCounted': { 'zh-CN': '按周汇总意见建议、网格事件、走访记录等文本的分词结果（每条文本每个词计一次，不保存原文）。', en: 'Weekly counts of the words in suggestions, grid events, visit notes and more (each text counts a term once; no text is kept).' },
  'op.status.open': { 'zh-CN': '待处理', en: 'Open' },
  'op.status.acknowledged': { 'zh-CN': '已处理', en: 'Acknowledged' },
  'op.status.all': { 'zh-CN': '全部', en: 'All' },
  'op.level.urgent': { 'zh-CN': '紧急', en: 'Urgent' },
  'op.level.attention': { 'zh-CN': '关注', en: 'Attention' },
  'op.level': { 'zh-CN': '级别', en: 'Level' },
  'op.word': { 'zh-CN': '预警词', en: 'Watch word' },
  'op.place': { 'zh-CN': '网格', en: 'Where' },
  'op.at': { 'zh-CN': '时间', en: 'When' },
  'op.excerpt': { 'zh-CN': '原文摘录', en: 'Excerpt' },
  'op.state': { 'zh-CN': '状态', en: 'Status' },
  'op.ack': { 'zh-CN': '处理', en: 'Acknowledge' },
  'op.ackTitle': { 'zh-CN': '处理预警：“{word}”', en: 'Acknowledge: “{word}”' },
  'op.ackNote': { 'zh-CN': '处理情况（可选），如：已上门核实', en: 'What was done (optional), e.g. visited and checked' },
  'op.ackBy': { 'zh-CN': '{name} 于 {at} 处理', en: 'By {name} at {at}' },
  'op.openSource': { 'zh-CN': '查看原文', en: 'Open' },
  'op.noAlerts': { 'zh-CN': '暂无预警', en: 'No alerts' },
  'op.watch.scope': { 'zh-CN': '适用范围', en: 'Applies to' },
  'op.watch.addedBy': { 'zh-CN': '添加人', en: 'Added by' },
  'op.watch.add': { 'zh-CN': '添加预警词', en: 'Add a watch word' },
  'op.watch.platform': { 'zh-CN': '平台默认', en: 'Platform default' },
  'op.watch.remove': { 'zh-CN': '删除', en: 'Remove' },
  'op.watch.removeConfirm': { 'zh-CN': '删除预警词“{word}”？此后的文本不再据此预警。', en: 'Remove “{word}”? Texts from now on will not raise alerts for it.' },
  'op.watch.hint': { 'zh-CN': '文本中出现预警词（允许中间夹空格或标点）即生成预警，并通知所在网格的网格员和社区工作人员。', en: 'A text containing a watch word (even with spaces or punctuation inside it) raises an alert and tells the grid worker and community staff.' },
  'op.stop.hint': { 'zh-CN': '停用词不计入热词；新增后立即从热词中排除，删除后此后的文本才会计入。单字、数字、标点本来就不计。', en: 'Stop words are not counted; adding one hides it at once, removing one counts it in texts from then on. Single characters, digits and punctuation never count.' },
  'op.stop.add': { 'zh-CN': '添加停用词', en: 'Add a stop word' },
  'op.stop.readonly': { 'zh-CN': '停用词由街道指挥中心维护。', en: 'The street command centre keeps this list.' },
  'op.wordPlaceholder': { 'zh-CN': '2–16 个字，不含空格标点', en: '2–16 characters, no spaces or punctuation' },
});

/** Shapes of src/modules/community/opinion.schema.ts. */
interface TermRow {
  term: string;
  count: number;
  previous: number;
  rise: number | null;
}
interface Trends {
  orgNode: { id: string; name: string };
  week: string;
  previousWeek: string;
  source: string | null;
  sources: { name: string; label: string }[];
  terms: TermRow[];
  rising: TermRow[];
  grids: { orgNodeId: string; name: string; mentions: number; terms: { term: string; count: number }[] }[];
  series: { term: string | null; points: { week: string; count: number }[] };
  ingestedAt: string | null;
}
interface AlertRow {
  id: string;
  source: string;
  sourceLabel: string;
  sourceId: string;
  link: string | null;
  word: string;
  level: 'urgent' | 'attention';
  orgNodeId: string;
  orgNodeName: string;
  at: string;
  excerpt: string;
  status: 'open' | 'acknowledged';
  acknowledgedByName: string | null;
  acknowledgedAt: string | null;
  note: string | null;
}
interface WatchWord {
  id: string;
  word: string;
  level: 'urgent' | 'attention';
  orgNodeId: string | null;
  orgNodeName: string;
  createdByName: string | null;
  createdAt: string;
  editable: boolean;
}

const PATH = '/api/v1/opinion';
const MANAGERS = ['community_staff', 'dispatcher'];
const STOP_KEEPERS = ['dispatcher'];

const mondayOf = (d: Dayjs) => d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD');
const pct = (v: number | null) => (v === null ? null : `${v > 0 ? '+' : ''}${Math.round(v * 100)}%`);

/** An echarts chart (the events module's loader, drawn again whenever the data changes). */
function Chart({ spec, label, testId, height = 280 }: { spec: ChartSpec; label: string; testId: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(spec);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let live = true;
    void import('../events/charts.js').then((m) => {
      if (live && ref.current) dispose = m.drawChart(ref.current, spec);
    });
    return () => {
      live = false;
      dispose?.();
    };
  }, [key]);
  // The values drawn, for tests and tools (echarts writes its own aria-label into the element).
  const values = spec.series[0]?.values.join(',') ?? '';
  return (
    <div aria-label={label} data-values={values}>
      <div ref={ref} style={{ width: '100%', height }} data-testid={testId} data-categories={spec.categories.join(',')} data-values={values} />
    </div>
  );
}

function RiseTag({ row }: { row: TermRow }) {
  const { t } = useI18n();
  if (row.rise === null) return <Tag color="red">{t('op.new')}</Tag>;
  return <Tag color={row.rise > 0 ? 'volcano' : row.rise < 0 ? 'green' : 'default'}>{pct(row.rise)}</Tag>;
}

function TrendsTab({ orgNodeId, week, source, onSources }: { orgNodeId?: string; week: string; source?: string; onSources: (s: Trends['sources'], ingestedAt: string | null) => void }) {
  const { t } = useI18n();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const query = { orgNodeId, week, source, term, weeks: 8, limit: 20 };
  const trends = useApi((signal) => api.get<Trends>(`${PATH}/trends`, query, signal), [JSON.stringify(query)]);
  const d = trends.data;
  useEffect(() => {
    if (d) onSources(d.sources, d.ingestedAt);
  }, [d, onSources]);
  if (trends.error) return <Alert type="error" showIcon message={trends.error.message} />;
  if (!d) return <Card loading />;
  const top = d.terms.slice(0, 15);
  const gridColumns: ColumnsType<Trends['grids'][number]> = [
    { title: t('op.grid'), dataIndex: 'name', width: 200 },
    { title: t('op.mentions'), dataIndex: 'mentions', width: 110, align: 'right' },
    {
      title: t('op.gridTerms'),
      key: 'terms',
      render: (_, g) => (
        <Space size={[4, 4]} wrap>
          {g.terms.map((x) => (
            <Tag key={x.term} style={{ cursor: 'pointer' }} onClick={() => setTerm(x.term)}>
              {x.term} {x.count}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];
  const termColumns: ColumnsType<TermRow> = [
    { title: t('op.term'), dataIndex: 'term', render: (v: string) => <Typography.Link style={{ whiteSpace: 'nowrap' }} onClick={() => setTerm(v)}>{v}</Typography.Link> },
    { title: t('op.count'), dataIndex: 'count', align: 'right', width: 110 },
    { title: t('op.previous'), dataIndex: 'previous', align: 'right', width: 90 },
    { title: t('op.rise'), key: 'rise', width: 90, render: (_, r) => <RiseTag row={r} /> },
  ];
  return (
    <Flex vertical gap={16}>
      <Typography.Text type="secondary">{t('op.howCounted')}</Typography.Text>
      {d.terms.length === 0 ? (
        <Empty description={t('op.noData')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <Card title={`${t('op.topTerms')} · ${d.orgNode.name}`} size="small">
              <Chart
                label={t('op.topTerms')}
                testId="opinion-top-chart"
                spec={{ kind: 'bar', categories: top.map((x) => x.term), series: [{ name: t('op.thisWeek'), values: top.map((x) => x.count) }, { name: t('op.lastWeek'), values: top.map((x) => x.previous) }] }}
              />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card title={t('op.rising')} size="small" style={{ height: '100%' }}>
              <Space size={[6, 8]} wrap data-testid="opinion-rising">
                {d.rising.map((r) => (
                  <Tag key={r.term} color={r.rise === null ? 'red' : 'volcano'} style={{ cursor: 'pointer', fontSize: 14, padding: '2px 8px' }} onClick={() => setTerm(r.term)}>
                    {r.term} {r.count}（{r.rise === null ? t('op.new') : pct(r.rise)}）
                  </Tag>
                ))}
              </Space>
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('op.topTerms')}>
              <Table rowKey="term" size="small" columns={termColumns} dataSource={d.terms} pagination={{ pageSize: 8, size: 'small' }} data-testid="opinion-terms" />
            </Card>
          </Col>
          <Col xs={24} xl={14}>
            <Card
              size="small"
              title={t('op.series')}
              extra={
                <Select
                  showSearch
                  style={{ width: 180 }}
                  value={d.series.term ?? undefined}
                  options={d.terms.map((x) => ({ value: x.term, label: x.term }))}
                  onChange={(v: string) => setTerm(v)}
                  data-testid="opinion-series-term"
                  aria-label={t('op.term')}
                />
              }
            >
              {d.series.term && (
                <Chart label={`${t('op.series')}：${d.series.term}`} testId="opinion-series-chart" height={300} spec={{ kind: 'line', categories: d.series.points.map((p) => p.week.slice(5)), series: [{ name: d.series.term, values: d.series.points.map((p) => p.count) }] }} />
              )}
            </Card>
          </Col>
        </Row>
      )}
      <Card size="small" title={t('op.grids')}>
        <Table rowKey="orgNodeId" size="small" columns={gridColumns} dataSource={d.grids} pagination={false} data-testid="opinion-grids" locale={{ emptyText: t('op.noData') }} />
      </Card>
    </Flex>
  );
}

function AlertsTab({ orgNodeId, onChanged }: { orgNodeId?: string; onChanged: () => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<'open' | 'acknowledged' | 'all'>('open');
  const [page, setPage] = useState(1);
  const [acking, setAcking] = useState<AlertRow | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = useApi((signal) => api.get<{ items: AlertRow[]; total: number; open: number }>(`${PATH}/alerts`, { status, orgNodeId, page, pageSize: 20 }, signal), [status, orgNodeId, page]);
  const ack = async () => {
    if (!acking) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`${PATH}/alerts/${acking.id}/acknowledge`, { note: note.trim() || undefined });
      setAcking(null);
      setNote('');
      list.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const columns: ColumnsType<AlertRow> = [
    { title: t('op.level'), dataIndex: 'level', width: 80, render: (v: AlertRow['level']) => <Tag color={v === 'urgent' ? 'red' : 'orange'}>{t(`op.level.${v}`)}</Tag> },
    { title: t('op.word'), dataIndex: 'word', width: 100, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('op.place'), dataIndex: 'orgNodeName', width: 160 },
    { title: t('op.source'), key: 'source', width: 110, render: (_, a) => (a.link ? <Link href={a.link.replace(/^\/console/, '')}>{a.sourceLabel}</Link> : a.sourceLabel) },
    { title: t('op.at'), dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('op.excerpt'), dataIndex: 'excerpt', render: (v: string) => <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{v}</Typography.Paragraph> },
    {
      title: t('op.state'),
      key: 'status',
      width: 180,
      render: (_, a) =>
        a.status === 'open' ? (
          <Button size="small" type="primary" danger={a.level === 'urgent'} onClick={() => setAcking(a)} data-testid={`opinion-ack-${a.id}`}>
            {t('op.ack')}
          </Button>
        ) : (
          <Space direction="vertical" size={0}>
            <Tag color="green">{t('op.status.acknowledged')}</Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('op.ackBy', { name: a.acknowledgedByName ?? '', at: a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : '' })}
            </Typography.Text>
            {a.note && <Typography.Text style={{ fontSize: 12 }}>{a.note}</Typography.Text>}
          </Space>
        ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        options={(['open', 'acknowledged', 'all'] as const).map((s) => ({ value: s, label: t(`op.status.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        columns={columns}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('op.noAlerts') }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        data-testid="opinion-alerts"
        scroll={{ x: 960 }}
      />
      <Modal open={!!acking} title={acking ? t('op.ackTitle', { word: acking.word }) : ''} onCancel={() => setAcking(null)} onOk={() => void ack()} confirmLoading={busy} okText={t('op.ack')} destroyOnHidden>
        {acking && <Typography.Paragraph type="secondary">{acking.excerpt}</Typography.Paragraph>}
        <Input.TextArea rows={3} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('op.ackNote')} aria-label={t('op.ackNote')} />
        {error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={error} />}
      </Modal>
    </Flex>
  );
}

function WatchTab({ canManage }: { canManage: boolean }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ word: string; level: 'urgent' | 'attention'; orgNodeId?: string }>();
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: WatchWord[] }>(`${PATH}/watch-words`, undefined, signal), []);
  const add = async (v: { word: string; level: 'urgent' | 'attention'; orgNodeId?: string }) => {
    setError(null);
    try {
      await api.post(`${PATH}/watch-words`, v);
      form.resetFields(['word']);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const remove = async (w: WatchWord) => {
    setError(null);
    try {
      await api.delete(`${PATH}/watch-words/${w.id}`);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const columns: ColumnsType<WatchWord> = [
    { title: t('op.word'), dataIndex: 'word', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('op.level'), dataIndex: 'level', width: 90, render: (v: WatchWord['level']) => <Tag color={v === 'urgent' ? 'red' : 'orange'}>{t(`op.level.${v}`)}</Tag> },
    { title: t('op.watch.scope'), key: 'scope', render: (_, w) => (w.orgNodeId ? w.orgNodeName : <Tag>{t('op.watch.platform')}</Tag>) },
    { title: t('op.watch.addedBy'), key: 'by', render: (_, w) => w.createdByName ?? '—' },
    {
      title: '',
      key: 'act',
      width: 90,
      render: (_, w) =>
        w.editable && (
          <Popconfirm title={t('op.watch.removeConfirm', { word: w.word })} onConfirm={() => void remove(w)}>
            <Button size="small" danger>
              {t('op.watch.remove')}
            </Button>
          </Popconfirm>
        ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('op.watch.hint')}</Typography.Text>
      {canManage && (
        <Form form={form} layout="inline" onFinish={(v) => void add(v)} initialValues={{ level: 'attention' }} data-testid="opinion-watch-form">
          <Form.Item name="word" rules={[{ required: true, min: 2, max: 16 }]}>
            <Input placeholder={t('op.wordPlaceholder')} aria-label={t('op.word')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="level">
            <Select style={{ width: 110 }} aria-label={t('op.level')} options={(['urgent', 'attention'] as const).map((l) => ({ value: l, label: t(`op.level.${l}`) }))} />
          </Form.Item>
          <Form.Item name="orgNodeId" rules={[{ required: true }]}>
            <OrgNodeSelect placeholder={t('op.watch.scope')} style={{ width: 240 }} selectable={['street', 'community', 'grid']} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('op.watch.add')}
          </Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon message={error} />}
      <Table rowKey="id" size="small" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={{ pageSize: 20 }} data-testid="opinion-watch-words" />
    </Flex>
  );
}

function StopTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const [word, setWord] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: string[] }>(`${PATH}/stop-words`, undefined, signal), []);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('op.stop.hint')}</Typography.Text>
      {canEdit ? (
        <Space.Compact style={{ maxWidth: 360 }}>
          <Input value={word} onChange={(e) => setWord(e.target.value)} placeholder={t('op.wordPlaceholder')} aria-label={t('op.stop.add')} onPressEnter={() => void run(() => api.post(`${PATH}/stop-words`, { word: word.trim() }).then(() => setWord('')))} />
          <Button type="primary" onClick={() => void run(() => api.post(`${PATH}/stop-words`, { word: word.trim() }).then(() => setWord('')))}>
            {t('op.stop.add')}
          </Button>
        </Space.Compact>
      ) : (
        <Typography.Text type="secondary">{t('op.stop.readonly')}</Typography.Text>
      )}
      {error && <Alert type="error" showIcon message={error} />}
      <Flex wrap gap={6} data-testid="opinion-stop-words">
        {(list.data?.items ?? []).map((w) => (
          <Tag key={w} closable={canEdit} onClose={(e) => {
            e.preventDefault();
            void run(() => api.delete(`${PATH}/stop-words/${encodeURIComponent(w)}`));
          }}>
            {w}
          </Tag>
        ))}
      </Flex>
    </Flex>
  );
}

/** 舆情监测: trending terms of the week with charts, per grid, watch-word alerts and the two word lists. */
export default function OpinionPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('op.crumb') }, { title: t('op.menu') }]);
  const session = useSession();
  const roles = session.status === 'ready' ? session.me.roles.map((r) => r.role as string) : [];
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [week, setWeek] = useState<string>(() => mondayOf(dayjs()));
  const [source, setSource] = useState<string | undefined>(undefined);
  const [sources, setSources] = useState<Trends['sources']>([]);
  const [ingestedAt, setIngestedAt] = useState<string | null>(null);
  const [tab, setTab] = useState('trends');
  const counts = useApi((signal) => api.get<{ open: number }>(`${PATH}/alerts`, { status: 'open', orgNodeId, pageSize: 1 }, signal), [orgNodeId]);
  const onSources = useRef((s: Trends['sources'], at: string | null) => {
    setSources(s);
    setIngestedAt(at);
  }).current;
  if (counts.missing) return <NotEnabled path={`${PATH}/trends`} />;
  return (
    <Flex vertical gap={16}>
      <Flex wrap gap={12} align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('op.menu')}
        </Typography.Title>
        <OrgNodeSelect value={orgNodeId} onChange={setOrgNodeId} placeholder={t('op.area')} style={{ width: 240 }} testId="opinion-area" />
        <DatePicker
          picker="week"
          allowClear={false}
          value={dayjs(week)}
          onChange={(d) => d && setWeek(mondayOf(d))}
          format={() => t('op.weekOf', { week })}
          aria-label={t('op.week')}
          style={{ width: 200 }}
        />
        <Select allowClear style={{ width: 160 }} placeholder={t('op.allSources')} value={source} onChange={setSource} options={sources.map((s) => ({ value: s.name, label: s.label }))} aria-label={t('op.source')} />
        <Typography.Text type="secondary">{ingestedAt ? t('op.ingestedAt', { at: formatDateTime(ingestedAt) }) : t('op.notIngested')}</Typography.Text>
      </Flex>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'trends', label: t('op.tab.trends'), children: <TrendsTab orgNodeId={orgNodeId} week={week} source={source} onSources={onSources} /> },
          {
            key: 'alerts',
            label: (
              <Badge count={counts.data?.open ?? 0} size="small" offset={[8, -2]}>
                {t('op.tab.alerts')}
              </Badge>
            ),
            children: <AlertsTab orgNodeId={orgNodeId} onChanged={counts.reload} />,
          },
          { key: 'watch', label: t('op.tab.watch'), children: <WatchTab canManage={roles.some((r) => MANAGERS.includes(r))} /> },
          { key: 'stop', label: t('op.tab.stop'), children: <StopTab canEdit={roles.some((r) => STOP_KEEPERS.includes(r))} /> },
        ]}
      />
    </Flex>
  );
}
