import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Flex, Form, Input, Modal, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import type { ApplicationBatchResult, ApplicationPage, ApplicationSummary, Handlers, MatterList } from '../../../shared/service-hall.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { AppDeadlineTag, APPLICATIONS_API, AppStateTag, MATTERS_API, text } from './common.js';
import './services.css';

interface Queue {
  key: string;
  states?: string[];
  open?: boolean;
}

const QUEUES: Queue[] = [
  { key: 'open', open: true },
  { key: 'submitted', states: ['submitted'] },
  { key: 'returned', states: ['returned'] },
  { key: 'accepted', states: ['accepted'] },
  { key: 'approved', states: ['approved'] },
  { key: 'done', states: ['completed', 'rated'] },
  { key: 'ended', states: ['refused', 'denied', 'withdrawn'] },
  { key: 'all' },
];

interface Filters {
  q?: string;
  matter?: string;
  deadline?: string;
  assignee?: string;
  channel?: string;
}

type Sort = 'due' | '-created' | 'created';

/** Kept between visits in this tab, so opening an application and coming back keeps the place. */
let remembered: { queue: string; filters: Filters; sort: Sort; page: number } | null = null;

/** The community's handlers (for assignment), loaded once per page. */
export function useHandlers() {
  return useApi((signal) => api.get<Handlers>(`${APPLICATIONS_API}/handlers`, undefined, signal), []);
}

export function useMatterOptions() {
  const matters = useApi((signal) => api.get<MatterList>(MATTERS_API, { limit: 200 }, signal), []);
  return (matters.data?.items ?? []).map((m) => ({ value: m.code, label: m.name }));
}

function BatchAssignModal({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: (r: ApplicationBatchResult) => void }) {
  const { t } = useI18n();
  const handlers = useHandlers();
  const [userId, setUserId] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<ApplicationBatchResult>(`${APPLICATIONS_API}/batch`, { action: 'assign', ids, userId: userId === '' ? null : (userId ?? null) }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('sv.wb.batchAssign')} · ${t('sv.wb.selected', { n: ids.length })}`}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'batch-assign-submit', disabled: userId === undefined }}
    >
      <Form layout="vertical">
        <Form.Item label={t('sv.wb.handler')} required>
          <Select
            value={userId}
            onChange={setUserId}
            loading={handlers.loading}
            showSearch={{ optionFilterProp: 'label' }}
            options={[{ value: '', label: t('sv.wb.clearHandler') }, ...(handlers.data?.items ?? []).map((h) => ({ value: h.userId, label: `${h.displayName} · ${h.orgNodeName}` }))]}
            data-testid="batch-assign-user"
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

/** 办件工作台: one queue across matters, with deadline colours, filters, assignment and bulk actions. */
export default function QueuePage() {
  const { t } = useI18n();
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const canHandle = hasRole(me, 'community_staff');
  useBreadcrumbs([{ title: t('sv.crumb') }, { title: t('sv.menu.queue') }]);
  const [queue, setQueue] = useState(remembered?.queue ?? 'open');
  const [filters, setFilters] = useState<Filters>(remembered?.filters ?? {});
  const [sort, setSort] = useState<Sort>(remembered?.sort ?? 'due');
  const [page, setPage] = useState(remembered?.page ?? 1);
  const [pageSize, setPageSize] = useState(20);
  const [selected, setSelected] = useState<string[]>([]);
  const [assigning, setAssigning] = useState(false);
  const [accepting, setAccepting] = useState(false);
  const [batch, setBatch] = useState<ApplicationBatchResult | null>(null);
  const [batchError, setBatchError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [form] = Form.useForm<Filters>();
  const matterOptions = useMatterOptions();
  remembered = { queue, filters, sort, page };

  const q = QUEUES.find((x) => x.key === queue) ?? QUEUES[0]!;
  const query = {
    q: filters.q?.trim() || undefined,
    matter: filters.matter,
    deadline: filters.deadline,
    assignee: filters.assignee,
    channel: filters.channel,
    state: q.states?.join(','),
    open: q.open ? 'true' : undefined,
    sort,
    page,
    pageSize,
  };
  const list = useApi((signal) => api.get<ApplicationPage>(APPLICATIONS_API, query, signal), [JSON.stringify(query), version]);
  if (list.missing) return <NotEnabled path={APPLICATIONS_API} />;

  const refresh = () => setVersion((n) => n + 1);
  const apply = (v: Filters) => {
    setFilters({ ...v, q: v.q?.trim() || undefined });
    setPage(1);
    setSelected([]);
  };
  const batchAccept = async () => {
    setAccepting(true);
    setBatchError(null);
    try {
      setBatch(await api.post<ApplicationBatchResult>(`${APPLICATIONS_API}/batch`, { action: 'accept', ids: selected }));
      setSelected([]);
      refresh();
    } catch (e) {
      setBatchError(errorMessage(e));
    } finally {
      setAccepting(false);
    }
  };

  const columns: ColumnsType<ApplicationSummary> = [
    {
      title: t('sv.field.code'),
      dataIndex: 'code',
      width: 170,
      render: (code: string, a) => (
        <Link href={`/service-applications/${a.id}`} data-testid="application-link" data-code={code}>
          {code}
        </Link>
      ),
    },
    { title: t('sv.field.matter'), dataIndex: 'matterName', width: 220 },
    {
      title: t('sv.field.applicant'),
      dataIndex: 'applicantName',
      width: 140,
      render: (name: string, a) => (
        <Space size={4}>
          <span>{name}</span>
          {a.onBehalf && <Tag>{t('sv.channel.on_behalf')}</Tag>}
        </Space>
      ),
    },
    { title: t('sv.field.state'), dataIndex: 'state', width: 110, render: (s: string, a) => <AppStateTag state={s} label={a.stateLabel} /> },
    { title: t('sv.field.deadline'), key: 'deadline', width: 230, render: (_: unknown, a) => <AppDeadlineTag status={a.deadlineStatus} dueAt={a.dueAt} compact /> },
    { title: t('sv.field.assignee'), dataIndex: 'assigneeName', width: 120, render: (v: string | null) => v ?? <Typography.Text type="secondary">{t('sv.unassigned')}</Typography.Text> },
    { title: t('sv.field.grid'), dataIndex: 'orgNodeName', width: 150, render: text },
    { title: t('sv.field.submitted'), dataIndex: 'submittedAt', width: 140, render: (v: string) => formatDateTime(v) },
  ];
  const failed = batch?.results.filter((r) => !r.ok) ?? [];

  return (
    <Flex vertical gap={12} data-testid="service-queue">
      <Form<Filters> form={form} layout="inline" initialValues={filters} onFinish={apply} style={{ rowGap: 8 }}>
        <Form.Item name="q">
          <Input.Search allowClear placeholder={t('sv.f.q')} aria-label={t('sv.f.q')} style={{ width: 220 }} onSearch={() => form.submit()} data-testid="queue-search" />
        </Form.Item>
        <Form.Item name="matter">
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('sv.f.matter')} aria-label={t('sv.f.matter')} style={{ width: 220 }} options={matterOptions} data-testid="queue-filter-matter" />
        </Form.Item>
        <Form.Item name="deadline">
          <Select
            allowClear
            placeholder={t('sv.f.deadline')}
            aria-label={t('sv.f.deadline')}
            style={{ width: 120 }}
            options={(['normal', 'warning', 'overdue'] as const).map((d) => ({ value: d, label: t(`sv.deadline.${d}`) }))}
            data-testid="queue-filter-deadline"
          />
        </Form.Item>
        <Form.Item name="assignee">
          <Select
            allowClear
            placeholder={t('sv.f.assignee')}
            aria-label={t('sv.f.assignee')}
            style={{ width: 130 }}
            options={[
              { value: 'me', label: t('sv.f.assigneeMe') },
              { value: 'none', label: t('sv.f.assigneeNone') },
            ]}
          />
        </Form.Item>
        <Form.Item name="channel">
          <Select
            allowClear
            placeholder={t('sv.f.channel')}
            aria-label={t('sv.f.channel')}
            style={{ width: 120 }}
            options={(['online', 'on_behalf'] as const).map((c) => ({ value: c, label: t(`sv.channel.${c}`) }))}
          />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              apply({});
            }}
          >
            {t('common.reset')}
          </Button>
          <Button onClick={refresh} data-testid="queue-refresh">
            {t('common.retry')}
          </Button>
        </Space>
      </Form>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Segmented
          value={sort}
          onChange={(v) => {
            setSort(v as Sort);
            setPage(1);
          }}
          options={(['due', '-created', 'created'] as const).map((s) => ({ value: s, label: t(`sv.sort.${s}`) }))}
        />
        {canHandle && (
          <Space wrap>
            <Button type="primary" disabled={selected.length === 0} loading={accepting} onClick={() => void batchAccept()} data-testid="batch-accept">
              {t('sv.wb.batchAccept')}
              {selected.length > 0 ? `（${selected.length}）` : ''}
            </Button>
            <Button disabled={selected.length === 0} onClick={() => setAssigning(true)} data-testid="batch-assign">
              {t('sv.wb.batchAssign')}
              {selected.length > 0 ? `（${selected.length}）` : ''}
            </Button>
          </Space>
        )}
      </Flex>
      {batchError && <Alert type="error" showIcon title={batchError} closable={{ onClose: () => setBatchError(null) }} />}
      {batch && (
        <Alert
          type={failed.length ? 'warning' : 'success'}
          showIcon
          closable={{ onClose: () => setBatch(null) }}
          title={t('sv.wb.batchResult', { ok: batch.results.length - failed.length, failed: failed.length })}
          description={
            failed.length ? (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {failed.map((r) => (
                  <li key={r.id}>
                    {list.data?.items.find((a) => a.id === r.id)?.code ?? r.id}：{r.error?.message}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
          data-testid="batch-result"
        />
      )}
      <Tabs
        activeKey={queue}
        onChange={(k) => {
          setQueue(k);
          setPage(1);
          setSelected([]);
        }}
        items={QUEUES.map((x) => ({
          key: x.key,
          label: (
            <span data-testid={`queue-${x.key}`} title={x.key === 'ended' ? t('sv.queue.endedHint') : undefined}>
              {t(`sv.queue.${x.key}`)}
              {x.key === queue && list.data ? ` (${list.data.total})` : ''}
            </span>
          ),
        }))}
      />
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<ApplicationSummary>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1200 }}
          data-testid="applications-table"
          rowClassName={(a) => (a.deadlineStatus === 'overdue' ? 'sv-row-overdue' : a.deadlineStatus === 'warning' ? 'sv-row-warning' : '')}
          rowSelection={canHandle ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), preserveSelectedRowKeys: false } : undefined}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('sv.wb.count', { total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      )}
      {assigning && (
        <BatchAssignModal
          ids={selected}
          onClose={() => setAssigning(false)}
          onDone={(r) => {
            setAssigning(false);
            setBatch(r);
            setSelected([]);
            refresh();
          }}
        />
      )}
    </Flex>
  );
}
