import { useState } from 'react';
import { Alert, Button, Flex, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

interface AuditRow {
  seq: number;
  at: string;
  actor_name: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: unknown;
}

interface Filters {
  action?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

/** A calendar day in Beijing time → the instant it starts, as the API's ISO filter wants. */
function dayStart(day: string, plusDays = 0): string {
  const d = new Date(`${day}T00:00:00+08:00`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString();
}

const OUTCOME_COLOURS: Record<string, string> = { success: 'green', failure: 'orange', denied: 'red' };

export default function AuditPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('audit.menu') }]);
  const [filters, setFilters] = useState<Filters>({});
  const [pageSize, setPageSize] = useState(50);
  // The API pages by cursor (beforeSeq): keep the cursor of every page seen to go back.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const beforeSeq = cursors[cursors.length - 1];

  const audit = useApi(
    (signal) =>
      api.get<{ items: AuditRow[]; nextBeforeSeq: number | null }>(
        '/api/v1/audit',
        {
          action: filters.action,
          targetId: filters.targetId,
          from: filters.from ? dayStart(filters.from) : undefined,
          to: filters.to ? dayStart(filters.to, 1) : undefined,
          beforeSeq,
          pageSize,
        },
        signal,
      ),
    [filters, pageSize, beforeSeq],
  );

  const columns: ColumnsType<AuditRow> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    { title: t('audit.at'), dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('audit.actor'), dataIndex: 'actor_name', render: (v: string | null) => v ?? '—' },
    { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: string) => <Tag color={OUTCOME_COLOURS[v]}>{t(`audit.outcome.${v}`)}</Tag>,
    },
    { title: t('audit.target'), key: 'target', render: (_: unknown, r) => (r.target_type ? `${r.target_type}:${r.target_id ?? ''}` : '—') },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
    {
      title: t('audit.details'),
      dataIndex: 'details',
      ellipsis: true,
      render: (v: unknown) => (v ? <Typography.Text code>{JSON.stringify(v)}</Typography.Text> : '—'),
    },
  ];

  const apply = (v: Filters) => {
    setFilters({ action: v.action?.trim() || undefined, targetId: v.targetId?.trim() || undefined, from: v.from || undefined, to: v.to || undefined });
    setCursors([undefined]);
  };

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('audit.readIsAudited')}</Typography.Text>
      <Form<Filters> layout="inline" onFinish={apply} onReset={() => apply({})}>
        <Form.Item name="action" label={t('audit.action')}>
          <Input allowClear placeholder="auth.login" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="targetId" label={t('audit.targetId')}>
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="from" label={t('audit.from')}>
          <Input type="date" style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="to" label={t('audit.to')}>
          <Input type="date" style={{ width: 150 }} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button htmlType="reset">{t('common.reset')}</Button>
        </Space>
      </Form>
      {audit.error ? (
        <Alert type="error" showIcon title={audit.error.message} />
      ) : (
        <Table<AuditRow> rowKey="seq" size="small" loading={audit.loading} columns={columns} dataSource={audit.data?.items ?? []} pagination={false} scroll={{ x: 1000 }} />
      )}
      <Flex gap={8} align="center" justify="flex-end">
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('audit.prev')}
        </Button>
        <span>{t('audit.pageNo', { n: cursors.length })}</span>
        <Button
          disabled={!audit.data?.nextBeforeSeq || (audit.data.items.length ?? 0) < pageSize}
          onClick={() => setCursors((c) => [...c, audit.data!.nextBeforeSeq!])}
        >
          {t('audit.next')}
        </Button>
        <Select
          value={pageSize}
          onChange={(v) => {
            setPageSize(v);
            setCursors([undefined]);
          }}
          options={[20, 50, 100, 200].map((n) => ({ value: n, label: t('audit.perPage', { n }) }))}
          style={{ width: 110 }}
        />
      </Flex>
    </Flex>
  );
}
