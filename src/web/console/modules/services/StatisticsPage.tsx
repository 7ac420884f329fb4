import { useState } from 'react';
import { Alert, Button, Flex, Input, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { ServiceStatistics } from '../../../shared/service-hall.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { APPLICATIONS_API } from './common.js';

type Row = ServiceStatistics['items'][number];

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Per-matter statistics: applications, on-time rate, satisfaction (办件统计). */
export default function StatisticsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('sv.crumb') }, { title: t('sv.menu.statistics') }]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [query, setQuery] = useState<{ from?: string; to?: string }>({});
  const stats = useApi((signal) => api.get<ServiceStatistics>(`${APPLICATIONS_API}/statistics`, query, signal), [query.from, query.to]);
  if (stats.missing) return <NotEnabled path={`${APPLICATIONS_API}/statistics`} />;

  const num = (key: keyof Row, title: string) => ({ title, dataIndex: key, width: 90, align: 'right' as const, sorter: (a: Row, b: Row) => Number(a[key]) - Number(b[key]) });
  const columns: ColumnsType<Row> = [
    { title: t('sv.field.matter'), dataIndex: 'matterName', width: 220, fixed: 'left' },
    num('applications', t('sv.st.applications')),
    num('open', t('sv.st.open')),
    { ...num('overdueOpen', t('sv.st.overdueOpen')), render: (v: number) => (v > 0 ? <Typography.Text type="danger">! {v}</Typography.Text> : v) },
    num('completed', t('sv.st.completed')),
    { title: t('sv.st.onTimeRate'), dataIndex: 'onTimeRate', width: 110, align: 'right', render: pct, sorter: (a, b) => (a.onTimeRate ?? -1) - (b.onTimeRate ?? -1) },
    num('refused', t('sv.st.refused')),
    num('returned', t('sv.st.returned')),
    num('onBehalf', t('sv.st.onBehalf')),
    num('rated', t('sv.st.rated')),
    { title: t('sv.st.satisfaction'), dataIndex: 'satisfactionRate', width: 100, align: 'right', render: pct, sorter: (a, b) => (a.satisfactionRate ?? -1) - (b.satisfactionRate ?? -1) },
  ];
  const total = stats.data?.total;

  return (
    <Flex vertical gap={12} data-testid="service-statistics">
      <Space wrap>
        <span>{t('sv.st.from')}</span>
        <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: 170 }} aria-label="from" />
        <span>—</span>
        <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 170 }} aria-label="to" />
        <Button type="primary" onClick={() => setQuery({ from: from || undefined, to: to || undefined })}>
          {t('common.search')}
        </Button>
        <Button
          onClick={() => {
            setFrom('');
            setTo('');
            setQuery({});
          }}
        >
          {t('common.reset')}
        </Button>
      </Space>
      {stats.error ? (
        <Alert type="error" showIcon title={stats.error.message} />
      ) : (
        <Table<Row>
          rowKey="matterId"
          size="small"
          loading={stats.loading}
          columns={columns}
          dataSource={stats.data?.items ?? []}
          pagination={false}
          scroll={{ x: 1200 }}
          data-testid="statistics-table"
          summary={() =>
            total ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <strong>{t('sv.st.total')}</strong>
                </Table.Summary.Cell>
                {(['applications', 'open', 'overdueOpen', 'completed'] as const).map((k, i) => (
                  <Table.Summary.Cell key={k} index={i + 1} align="right">
                    {total[k]}
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={5} align="right">
                  {pct(total.onTimeRate)}
                </Table.Summary.Cell>
                {(['refused', 'returned', 'onBehalf', 'rated'] as const).map((k, i) => (
                  <Table.Summary.Cell key={k} index={i + 6} align="right">
                    {total[k]}
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={10} align="right">
                  {pct(total.satisfactionRate)}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
        />
      )}
    </Flex>
  );
}
