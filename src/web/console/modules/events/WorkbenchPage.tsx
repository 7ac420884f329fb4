import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Flex, Form, Input, Modal, Segmented, Select, Space, Table, Tabs, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import type { BatchResult, EventCounts, EventPage, EventSummary } from '../../../shared/events.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import {
  ALL_CHANNELS,
  AssigneePicker,
  assigneeBody,
  assigneeRule,
  CategorySelect,
  channelText,
  DeadlineTag,
  EVENTS,
  StateTag,
  text,
  URGENCIES,
  UrgencyTag,
  type AssigneeValue,
} from './common.js';

interface Queue {
  key: string;
  states: string[];
}

const WORKBENCH_QUEUES: Queue[] = [
  { key: 'reported', states: ['reported'] },
  { key: 'accepted', states: ['accepted'] },
  { key: 'dispatched', states: ['dispatched'] },
  { key: 'handling', states: ['handling'] },
  { key: 'extension_requested', states: ['extension_requested'] },
  { key: 'void_requested', states: ['void_requested'] },
  { key: 'suspended', states: ['suspended'] },
  { key: 'checking', states: ['checking'] },
  { key: 'closed', states: ['closed', 'rated'] },
  { key: 'ended', states: ['rejected', 'withdrawn', 'voided', 'merged'] },
  { key: 'all', states: [] },
];

const OPEN_STATES = ['dispatched', 'handling', 'extension_requested', 'suspended', 'checking'];
const TASK_QUEUES: Queue[] = [
  { key: 'open', states: OPEN_STATES },
  { key: 'dispatched', states: ['dispatched'] },
  { key: 'handling', states: ['handling'] },
  { key: 'extension_requested', states: ['extension_requested'] },
  { key: 'suspended', states: ['suspended'] },
  { key: 'checking', states: ['checking'] },
  { key: 'closed', states: ['closed', 'rated'] },
];

interface Filters {
  q?: string;
  orgNodeId?: string;
  categoryId?: string;
  urgency?: string;
  channel?: string;
  deadline?: string;
}

type Sort = 'due_at' | '-due_at' | 'created' | '-created';

/** Kept between visits of the same page in this tab, so opening an event and coming back keeps the place. */
const remembered: Record<string, { queue: string; filters: Filters; sort: Sort; page: number; assignee: 'myUnit' | 'me' }> = {};

function filterQuery(f: Filters) {
  return {
    q: f.q?.trim() || undefined,
    orgNodeId: f.orgNodeId,
    categoryId: f.categoryId,
    urgency: f.urgency,
    channel: f.channel,
    deadline: f.deadline,
  };
}

function BatchDispatchModal({ ids, onClose, onDone }: { ids: string[]; onClose: () => void; onDone: (r: BatchResult) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ assignee: AssigneeValue; comment?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { assignee: AssigneeValue; comment?: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<BatchResult>(`${EVENTS}/batch-dispatch`, { ids, assignee: assigneeBody(v.assignee), comment: v.comment?.trim() || undefined }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('ev.wb.batchDispatch')} · ${t('ev.wb.selected', { n: ids.length })}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'batch-dispatch-submit' }}
    >
      <Form form={form} layout="vertical" initialValues={{ assignee: { kind: 'unit' } }} onFinish={(v) => void submit(v)}>
        <Form.Item name="assignee" label={t('ev.assignee.kind')} rules={[assigneeRule(t('ev.assignee.required'))]}>
          <AssigneePicker />
        </Form.Item>
        <Form.Item name="comment" label={t('ev.step.commentOptional')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function EventQueues({ mode }: { mode: 'workbench' | 'tasks' }) {
  const { t } = useI18n();
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const canDispatch = mode === 'workbench' && hasRole(me, 'dispatcher', 'community_staff');
  const queues = mode === 'workbench' ? WORKBENCH_QUEUES : TASK_QUEUES;
  const saved = remembered[mode];
  const [queue, setQueue] = useState(saved?.queue ?? queues[0]!.key);
  const [filters, setFilters] = useState<Filters>(saved?.filters ?? {});
  const [sort, setSort] = useState<Sort>(saved?.sort ?? (mode === 'tasks' ? 'due_at' : '-created'));
  const [page, setPage] = useState(saved?.page ?? 1);
  const [pageSize, setPageSize] = useState(20);
  const [assignee, setAssignee] = useState<'myUnit' | 'me'>(saved?.assignee ?? 'myUnit');
  const [selected, setSelected] = useState<string[]>([]);
  const [dispatching, setDispatching] = useState(false);
  const [batch, setBatch] = useState<BatchResult | null>(null);
  const [version, setVersion] = useState(0);
  const [form] = Form.useForm<Filters>();
  remembered[mode] = { queue, filters, sort, page, assignee };

  const states = queues.find((q) => q.key === queue)?.states ?? [];
  const base = { ...filterQuery(filters), assignee: mode === 'tasks' ? assignee : undefined };
  const list = useApi(
    (signal) => api.get<EventPage>(EVENTS, { ...base, state: states.length ? states.join(',') : undefined, sort, page, pageSize }, signal),
    [JSON.stringify(base), queue, sort, page, pageSize, version],
  );
  // The tabs show how much waits where: one request counts every state, each queue sums its states.
  const counts = useApi(
    async (signal) => {
      const c = await api.get<EventCounts>(`${EVENTS}/counts`, base, signal);
      return Object.fromEntries(queues.map((q) => [q.key, q.states.length ? q.states.reduce((n, st) => n + (c.byState[st] ?? 0), 0) : c.total]));
    },
    [JSON.stringify(base), version],
  );

  if (list.missing) return <NotEnabled path={EVENTS} />;

  const apply = (v: Filters) => {
    setFilters({ ...v, q: v.q?.trim() || undefined });
    setPage(1);
    setSelected([]);
  };
  const reset = () => {
    form.resetFields();
    apply({});
  };
  const refresh = () => setVersion((n) => n + 1);

  const sortOrder = sort === 'due_at' ? ('ascend' as const) : sort === '-due_at' ? ('descend' as const) : null;
  const columns: ColumnsType<EventSummary> = [
    {
      title: t('ev.field.code'),
      dataIndex: 'code',
      width: 170,
      render: (code: string, e) => (
        <Link href={`/events/${e.id}`} data-testid="event-link">
          {code}
        </Link>
      ),
    },
    {
      title: t('ev.field.title'),
      dataIndex: 'title',
      width: 300,
      render: (title: string, e) => (
        <Flex vertical>
          <span>{title}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {text(e.categoryName)}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('ev.field.state'), dataIndex: 'state', width: 110, render: (s: string, e) => <StateTag state={s} label={e.stateLabel} /> },
    { title: t('ev.field.urgency'), dataIndex: 'urgency', width: 90, render: (u: string) => <UrgencyTag urgency={u} /> },
    {
      title: t('ev.field.deadline'),
      key: 'due_at',
      dataIndex: 'dueAt',
      width: 230,
      sorter: true,
      sortOrder,
      sortDirections: ['ascend', 'descend'],
      render: (_: unknown, e) => <DeadlineTag status={e.deadlineStatus} dueAt={e.dueAt} compact />,
    },
    { title: t('ev.field.grid'), dataIndex: 'orgNodeName', width: 150, render: text },
    {
      title: t('ev.field.assignee'),
      key: 'assignee',
      width: 150,
      render: (_: unknown, e) =>
        e.assigneeNodeId ? (
          <Flex vertical data-testid="event-row-assignee">
            <span>{[e.assigneeNodeName, e.assigneeDepartmentName ?? e.assigneeDepartmentCode].filter(Boolean).join(' ') || '—'}</span>
            {e.assigneeUserName && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {e.assigneeUserName}
              </Typography.Text>
            )}
          </Flex>
        ) : (
          '—'
        ),
    },
    { title: t('ev.field.channel'), dataIndex: 'channel', width: 130, render: (c: string, e) => channelText(c, e.source) },
    { title: t('ev.field.created'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
  ];

  const failed = batch?.results.filter((r) => !r.ok) ?? [];
  return (
    <Flex vertical gap={12}>
      <Form<Filters> form={form} layout="inline" initialValues={filters} onFinish={apply} style={{ rowGap: 8 }}>
        <Form.Item name="q">
          <Input.Search allowClear placeholder={t('ev.filter.search')} aria-label={t('ev.filter.search')} style={{ width: 240 }} onSearch={() => form.submit()} data-testid="events-search" />
        </Form.Item>
        <Form.Item name="orgNodeId">
          <OrgNodeSelect placeholder={t('ev.filter.area')} testId="events-filter-area" />
        </Form.Item>
        <Form.Item name="categoryId">
          <CategorySelect testId="events-filter-category" />
        </Form.Item>
        <Form.Item name="urgency">
          <Select allowClear placeholder={t('ev.field.urgency')} aria-label={t('ev.field.urgency')} style={{ width: 110 }} options={URGENCIES.map((u) => ({ value: u, label: t(`ev.urgency.${u}`) }))} />
        </Form.Item>
        <Form.Item name="channel">
          <Select allowClear placeholder={t('ev.field.channel')} aria-label={t('ev.field.channel')} style={{ width: 140 }} options={ALL_CHANNELS.map((c) => ({ value: c, label: t(`ev.channel.${c}`) }))} />
        </Form.Item>
        <Form.Item name="deadline">
          <Select
            allowClear
            placeholder={t('ev.deadline.filter')}
            aria-label={t('ev.deadline.filter')}
            style={{ width: 120 }}
            options={(['normal', 'warning', 'overdue'] as const).map((d) => ({ value: d, label: t(`ev.deadline.${d}`) }))}
            data-testid="events-filter-deadline"
          />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button onClick={reset}>{t('common.reset')}</Button>
          <Button onClick={refresh} data-testid="events-refresh">
            {t('ev.wb.refresh')}
          </Button>
        </Space>
      </Form>
      <Flex justify="space-between" align="center" wrap gap={8}>
        {mode === 'tasks' ? (
          <Segmented
            value={assignee}
            onChange={(v) => {
              setAssignee(v as 'myUnit' | 'me');
              setPage(1);
            }}
            options={[
              { value: 'myUnit', label: t('ev.tasks.unit') },
              { value: 'me', label: t('ev.tasks.mine') },
            ]}
            data-testid="tasks-assignee"
          />
        ) : (
          <Typography.Text type="secondary">{t('ev.wb.hint')}</Typography.Text>
        )}
        <Space wrap>
          <Segmented
            value={sort.endsWith('due_at') ? 'deadline' : 'created'}
            onChange={(v) => {
              setSort(v === 'deadline' ? 'due_at' : '-created');
              setPage(1);
            }}
            options={[
              { value: 'deadline', label: t('ev.filter.sortDeadline') },
              { value: 'created', label: t('ev.filter.sortNewest') },
            ]}
            data-testid="events-sort"
          />
          {canDispatch && (
            <Button type="primary" disabled={selected.length === 0} onClick={() => setDispatching(true)} data-testid="batch-dispatch">
              {t('ev.wb.batchDispatch')}
              {selected.length > 0 ? `（${selected.length}）` : ''}
            </Button>
          )}
        </Space>
      </Flex>
      {batch && (
        <Alert
          type={failed.length ? 'warning' : 'success'}
          showIcon
          closable={{ onClose: () => setBatch(null) }}
          title={t('ev.wb.batchDone', { ok: batch.results.length - failed.length, failed: failed.length })}
          description={
            failed.length ? (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {failed.map((r) => (
                  <li key={r.id}>
                    {list.data?.items.find((e) => e.id === r.id)?.code ?? r.id}：{r.error?.message}
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
        items={queues.map((q) => ({
          key: q.key,
          label: (
            <span data-testid={`queue-${q.key}`} title={q.key === 'ended' ? t('ev.queue.endedHint') : undefined}>
              {t('ev.wb.count', { label: t(`ev.queue.${q.key}`), n: counts.data?.[q.key] ?? '…' })}
            </span>
          ),
        }))}
      />
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<EventSummary>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1300 }}
          data-testid="events-table"
          rowSelection={canDispatch ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), preserveSelectedRowKeys: false } : undefined}
          onChange={(_p, _f, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<EventSummary> | undefined;
            setSort(s?.columnKey === 'due_at' && s.order ? (s.order === 'ascend' ? 'due_at' : '-due_at') : '-created');
            setPage(1);
          }}
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
      {dispatching && (
        <BatchDispatchModal
          ids={selected}
          onClose={() => setDispatching(false)}
          onDone={(r) => {
            setDispatching(false);
            setBatch(r);
            setSelected([]);
            refresh();
          }}
        />
      )}
    </Flex>
  );
}

export function WorkbenchPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.workbench') }]);
  return <EventQueues mode="workbench" />;
}

export function TasksPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.tasks') }]);
  return (
    <Flex vertical gap={8}>
      <Typography.Text type="secondary">{t('ev.tasks.hint')}</Typography.Text>
      <EventQueues mode="tasks" />
    </Flex>
  );
}

export default WorkbenchPage;
