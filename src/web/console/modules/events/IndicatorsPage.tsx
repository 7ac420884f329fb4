import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Flex, Row, Select, Space, Spin, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { api } from '../../../shared/api.js';
import { formatDateLong, formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { IndicatorGroup, IndicatorReport } from '../../../shared/events.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { EVENTS, useDownload } from './common.js';
import type { ChartSpec } from './charts.js';

const PATH = `${EVENTS}/indicators`;
const GROUPS = ['grid', 'community', 'unit', 'category', 'month', 'week', 'day'] as const;
type GroupBy = (typeof GROUPS)[number];
const RATES = ['acceptanceRate', 'onTimeHandlingRate', 'closingRate', 'onTimeClosingRate', 'reworkRate', 'accurateDispatchRate', 'extensionRate', 'satisfactionRate'] as const;
const CHART_RATES = ['onTimeClosingRate', 'satisfactionRate', 'reworkRate'] as const;
const KPIS = ['closingRate', 'onTimeClosingRate', 'satisfactionRate', 'reworkRate'] as const;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const hours = (v: number | null) => (v === null ? '—' : v.toFixed(1));

/** A chart drawn by echarts, loaded on first use so no other page pays for it. */
function Chart({ spec, label, testId }: { spec: ChartSpec; label: string; testId: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let live = true;
    void import('./charts.js').then((m) => {
      if (!live || !ref.current) return;
      dispose = m.drawChart(ref.current, spec);
      setReady(true);
    });
    return () => {
      live = false;
      dispose?.();
    };
  }, [JSON.stringify(spec)]);
  return (
    <div style={{ position: 'relative' }}>
      {!ready && <Typography.Text type="secondary">{t('ev.ind.chartLoading')}</Typography.Text>}
      <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height: 320 }} data-testid={testId} />
    </div>
  );
}

function presets(t: (k: string) => string): { label: string; value: [Dayjs, Dayjs] }[] {
  const now = dayjs();
  const quarterStart = now.month(Math.floor(now.month() / 3) * 3).startOf('month');
  return [
    { label: t('ev.ind.preset.month'), value: [now.startOf('month'), now] },
    { label: t('ev.ind.preset.lastMonth'), value: [now.subtract(1, 'month').startOf('month'), now.subtract(1, 'month').endOf('month')] },
    { label: t('ev.ind.preset.quarter'), value: [quarterStart, now] },
    { label: t('ev.ind.preset.year'), value: [now.startOf('year'), now] },
  ];
}

export default function IndicatorsPage() {
  const { t, locale } = useI18n();
  // The calendar's month and weekday names follow the page's language.
  dayjs.locale(locale === 'en' ? 'en' : 'zh-cn');
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.indicators') }]);
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  const [groupBy, setGroupBy] = useState<GroupBy>('grid');
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const exporter = useDownload();
  const query = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), groupBy, orgNodeId };
  const report = useApi((signal) => api.get<IndicatorReport>(PATH, query, signal), [JSON.stringify(query)]);
  if (report.missing) return <NotEnabled path={PATH} />;
  const r = report.data;
  const isPeriod = groupBy === 'month' || groupBy === 'week' || groupBy === 'day';

  const columns: ColumnsType<IndicatorGroup> = [
    { title: t('ev.ind.group'), dataIndex: 'label', fixed: 'left', width: 180 },
    { title: t('ev.ind.reported'), key: 'reported', width: 80, align: 'right', render: (_: unknown, g) => g.counts.reported },
    { title: t('ev.ind.closed'), key: 'closed', width: 80, align: 'right', render: (_: unknown, g) => g.counts.closed },
    ...RATES.map((k) => ({ title: t(`ev.ind.${k}`), key: k, width: 104, align: 'right' as const, render: (_: unknown, g: IndicatorGroup) => pct(g.rates[k]) })),
    { title: t('ev.ind.avgResponseHours'), key: 'resp', width: 120, align: 'right', render: (_: unknown, g) => hours(g.rates.avgResponseHours) },
    { title: t('ev.ind.avgHandlingHours'), key: 'hand', width: 120, align: 'right', render: (_: unknown, g) => hours(g.rates.avgHandlingHours) },
  ];

  const groups = r?.groups ?? [];
  const rateSpec: ChartSpec = {
    kind: isPeriod ? 'line' : 'bar',
    categories: groups.map((g) => g.label),
    percent: true,
    series: CHART_RATES.map((k) => ({ name: t(`ev.ind.${k}`), values: groups.map((g) => g.rates[k]) })),
  };
  const volumeSpec: ChartSpec = {
    kind: isPeriod ? 'line' : 'bar',
    categories: groups.map((g) => g.label),
    series: [
      { name: t('ev.ind.reported'), values: groups.map((g) => g.counts.reported) },
      { name: t('ev.ind.closed'), values: groups.map((g) => g.counts.closed) },
    ],
  };

  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <span>{t('ev.ind.period')}</span>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          presets={presets(t)}
          disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          aria-label={t('ev.ind.period')}
          data-testid="indicators-period"
        />
        <OrgNodeSelect value={orgNodeId} onChange={setOrgNodeId} placeholder={t('ev.filter.area')} testId="indicators-area" />
        <Select
          value={groupBy}
          onChange={setGroupBy}
          options={GROUPS.map((g) => ({ value: g, label: t(`ev.ind.by.${g}`) }))}
          aria-label={t('ev.ind.groupBy')}
          style={{ width: 130 }}
          data-testid="indicators-group"
        />
        <Button loading={exporter.busy} onClick={() => void exporter.run(`${PATH}/export.xlsx`, query, 'indicators.xlsx')} data-testid="indicators-export">
          {t('ev.ind.export')}
        </Button>
      </Space>
      {exporter.view}
      {report.error && <Alert type="error" showIcon title={report.error.message} />}
      {!r && report.loading && <Spin />}
      {r && (
        <>
          <Typography.Text type="secondary" data-testid="indicators-scope">
            {t('ev.ind.asOf', { unit: r.unit, from: formatDateLong(r.from), to: formatDateLong(r.to), asOf: formatDateTime(r.asOf) })}
          </Typography.Text>
          <Row gutter={[16, 16]}>
            {KPIS.map((k) => (
              <Col key={k} xs={12} md={6}>
                <Card size="small">
                  <Typography.Text type="secondary">{t(`ev.ind.${k}`)}</Typography.Text>
                  <div style={{ fontSize: 24, fontWeight: 600 }} data-testid={`indicator-total-${k}`}>
                    {pct(r.total.rates[k])}
                  </div>
                </Card>
              </Col>
            ))}
          </Row>
          {groups.length > 0 && (
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('ev.ind.chartRates')}>
                  <Chart spec={rateSpec} label={t('ev.ind.chartRates')} testId="indicators-chart-rates" />
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('ev.ind.chartVolume')}>
                  <Chart spec={volumeSpec} label={t('ev.ind.chartVolume')} testId="indicators-chart-volume" />
                </Card>
              </Col>
            </Row>
          )}
          <Table<IndicatorGroup>
            rowKey={(g) => g.key ?? '(none)'}
            size="small"
            columns={columns}
            dataSource={groups}
            pagination={false}
            scroll={{ x: 1500 }}
            loading={report.loading}
            data-testid="indicators-table"
            summary={() => (
              <Table.Summary fixed>
                <Table.Summary.Row style={{ fontWeight: 600 }}>
                  <Table.Summary.Cell index={0}>{t('ev.ind.total')}</Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    {r.total.counts.reported}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    {r.total.counts.closed}
                  </Table.Summary.Cell>
                  {RATES.map((k, i) => (
                    <Table.Summary.Cell key={k} index={3 + i} align="right">
                      {pct(r.total.rates[k])}
                    </Table.Summary.Cell>
                  ))}
                  <Table.Summary.Cell index={11} align="right">
                    {hours(r.total.rates.avgResponseHours)}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={12} align="right">
                    {hours(r.total.rates.avgHandlingHours)}
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            )}
          />
          <Typography.Text type="secondary">{t('ev.ind.formulaHint')}</Typography.Text>
        </>
      )}
    </Flex>
  );
}
