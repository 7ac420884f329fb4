import { useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ORGS_API, type Org } from './types.js';
import './engagement.messages.js';

const BRANCHES = '/api/v1/party/branches';

/** Shapes of src/modules/party/branch.schema.ts. */
interface Access {
  branch: { id: string; name: string; orgNodeName: string | null; memberCount: number };
  abilities: { member: boolean; read: boolean; oversee: boolean; run: boolean; discuss: boolean; moderate: boolean };
}
interface Notice {
  id: string;
  title: string;
  body: string;
  pinned: boolean;
  status: 'published' | 'withdrawn';
  withdrawReason: string | null;
  createdByName: string;
  createdAt: string;
}
interface Task {
  id: string;
  title: string;
  description: string;
  dueOn: string;
  status: 'open' | 'closed';
  assigneeCount: number;
  doneCount: number;
  overdue: boolean;
  createdByName: string;
  version: number;
}
interface TaskDetail extends Task {
  assignees: { memberId: string; name: string; status: 'open' | 'done'; doneAt: string | null; note: string | null; overdue: boolean }[];
}

/** /console/party/branch: a branch's notices, tasks and who is late (the discussion stays on the members' pages). */
export default function BranchAdminPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('pty.menu') }, { title: t('cpe.menu.branch') }]);
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const branches = (orgs.data?.items ?? []).filter((o) => o.kind === 'branch');
  const [picked, setPicked] = useState<string | undefined>();
  const branchId = picked ?? branches[0]?.id;
  const access = useApi((signal) => (branchId ? api.get<Access>(`${BRANCHES}/${branchId}`, undefined, signal) : Promise.resolve(undefined)), [branchId]);
  if (access.missing) return <NotEnabled path={BRANCHES} />;
  const a = access.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="party-branch-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('cpe.menu.branch')}
      </Typography.Title>
      <Space wrap>
        <Select placeholder={t('cpe.branch')} style={{ width: 240 }} value={branchId} onChange={setPicked} options={branches.map((o) => ({ value: o.id, label: o.name }))} data-testid="branch-pick" />
        {a && (
          <Typography.Text type="secondary">
            {a.branch.orgNodeName} · {a.branch.memberCount}
          </Typography.Text>
        )}
      </Space>
      {access.error && <Alert type="error" showIcon title={access.error.message} />}
      <Alert type="info" showIcon title={t('cpb.discussionNote')} />
      {a && !a.abilities.run && <Alert type="warning" showIcon title={t('cpb.readOnly')} />}
      {a && (
        <Tabs
          items={[
            { key: 'notices', label: t('cpb.notices'), children: <Notices branchId={a.branch.id} canRun={a.abilities.run} /> },
            { key: 'tasks', label: t('cpb.tasks'), children: <Tasks branchId={a.branch.id} canRun={a.abilities.run} /> },
            ...(a.abilities.oversee ? [{ key: 'overdue', label: t('cpb.overdue'), children: <Overdue branchId={a.branch.id} /> }] : []),
          ]}
        />
      )}
    </Space>
  );
}

function Notices({ branchId, canRun }: { branchId: string; canRun: boolean }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Notice[] }>(`${BRANCHES}/${branchId}/notices`, { status: 'all' }, signal), [branchId]);
  const [writing, setWriting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const save = async () => {
    const v = (await form.validateFields()) as { title: string; body: string; pinned?: boolean };
    try {
      await api.post(`${BRANCHES}/${branchId}/notices`, { title: v.title, body: v.body, pinned: !!v.pinned });
      setWriting(false);
      form.resetFields();
      list.reload();
    } catch (e) {
      form.setFields(Object.entries(fieldErrors(e)).map(([name, errors]) => ({ name, errors: [errors] })));
      setError(errorMessage(e));
    }
  };
  const withdraw = (n: Notice) => {
    let reason = '';
    Modal.confirm({
      title: `${t('cpb.withdraw')}：${n.title}`,
      content: <Input placeholder={t('cpe.reason')} maxLength={200} onChange={(e) => (reason = e.target.value)} />,
      onOk: async () => {
        try {
          await api.post(`/api/v1/party/branch-notices/${n.id}/withdraw`, { reason });
          list.reload();
        } catch (e) {
          setError(errorMessage(e));
        }
      },
    });
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canRun && (
        <Button type="primary" onClick={() => setWriting(true)} data-testid="branch-new-notice">
          {t('cpb.newNotice')}
        </Button>
      )}
      {error && <Alert type="error" showIcon title={error} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        expandable={{ expandedRowRender: (n: Notice) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{n.body}</Typography.Paragraph> }}
        columns={[
          { title: t('cpb.noticeTitle'), render: (_, n: Notice) => <>{n.pinned && <Tag color="blue">{t('cpb.pinned')}</Tag>}{n.title}</> },
          { title: '', width: 200, render: (_, n: Notice) => `${n.createdByName} · ${formatDateTime(n.createdAt)}` },
          { title: '', width: 160, render: (_, n: Notice) => <Space><Tag color={n.status === 'published' ? 'green' : 'default'}>{t(`cpb.status.${n.status}`)}</Tag>{canRun && n.status === 'published' && <Button size="small" onClick={() => withdraw(n)}>{t('cpb.withdraw')}</Button>}</Space> },
        ]}
      />
      <Modal open={writing} title={t('cpb.newNotice')} onCancel={() => setWriting(false)} onOk={() => void save()} okText={t('cpe.save')} cancelText={t('cpe.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="title" label={t('cpb.noticeTitle')} rules={[{ required: true, min: 4 }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="body" label={t('cpb.noticeBody')} rules={[{ required: true, min: 5 }]}>
            <Input.TextArea rows={6} maxLength={5000} showCount />
          </Form.Item>
          <Form.Item name="pinned" valuePropName="checked">
            <Checkbox>{t('cpb.pinned')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function Tasks({ branchId, canRun }: { branchId: string; canRun: boolean }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Task[] }>(`${BRANCHES}/${branchId}/tasks`, { status: 'all' }, signal), [branchId]);
  const [writing, setWriting] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const save = async () => {
    const v = (await form.validateFields()) as { title: string; description?: string; dueOn: string };
    try {
      await api.post(`${BRANCHES}/${branchId}/tasks`, { title: v.title, description: v.description ?? '', dueOn: v.dueOn });
      setWriting(false);
      form.resetFields();
      list.reload();
    } catch (e) {
      form.setFields(Object.entries(fieldErrors(e)).map(([name, errors]) => ({ name, errors: [errors] })));
      setError(errorMessage(e));
    }
  };
  const close = async (task: Task) => {
    try {
      await api.post(`/api/v1/party/branch-tasks/${task.id}/close`, { expectedVersion: task.version });
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canRun && (
        <Button type="primary" onClick={() => setWriting(true)} data-testid="branch-new-task">
          {t('cpb.newTask')}
        </Button>
      )}
      {error && <Alert type="error" showIcon title={error} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        data-testid="branch-task-table"
        columns={[
          { title: t('cpb.taskTitle'), dataIndex: 'title' },
          { title: t('cpb.dueOn'), width: 110, render: (_, x: Task) => <>{x.dueOn} {x.overdue && <Tag color="red">{t('cpe.overdue')}</Tag>}</> },
          { title: t('cpb.progress'), width: 100, render: (_, x: Task) => `${x.doneCount} / ${x.assigneeCount}` },
          { title: '', width: 240, render: (_, x: Task) => <Space><Tag>{t(`cpb.status.${x.status}`)}</Tag><Button size="small" onClick={() => setOpen(x.id)}>{t('cpe.open')}</Button>{canRun && x.status === 'open' && <Button size="small" onClick={() => void close(x)}>{t('cpb.close')}</Button>}</Space> },
        ]}
      />
      <Modal open={writing} title={t('cpb.newTask')} onCancel={() => setWriting(false)} onOk={() => void save()} okText={t('cpe.save')} cancelText={t('cpe.cancel')}>
        <Form form={form} layout="vertical">
          <Form.Item name="title" label={t('cpb.taskTitle')} rules={[{ required: true, min: 4 }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="description" label={t('cpb.taskDescription')}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
          <Form.Item name="dueOn" label={t('cpb.dueOn')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
        </Form>
      </Modal>
      {open && <TaskDrawer id={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}

function TaskDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<TaskDetail>(`/api/v1/party/branch-tasks/${id}`, undefined, signal), [id]);
  const d = detail.data;
  return (
    <Drawer open width={640} title={d?.title ?? t('cpb.assignees')} onClose={onClose}>
      {detail.error && <Alert type="error" showIcon title={detail.error.message} />}
      {d && (
        <>
          {d.description && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{d.description}</Typography.Paragraph>}
          <Table
            rowKey="memberId"
            size="small"
            pagination={false}
            dataSource={d.assignees}
            columns={[
              { title: t('cpe.name'), dataIndex: 'name', width: 100 },
              { title: '', width: 110, render: (_, r) => (r.status === 'done' ? <Tag color="green">{t('cpb.done')}</Tag> : <Tag color={r.overdue ? 'red' : 'orange'}>{r.overdue ? t('cpe.overdue') : t('cpb.notDone')}</Tag>) },
              { title: t('cpb.note'), render: (_, r) => (r.note ? `${r.note}（${formatDateTime(r.doneAt)}）` : '—') },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

function Overdue({ branchId }: { branchId: string }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: { taskId: string; title: string; dueOn: string; memberId: string; name: string; daysLate: number }[] }>(`${BRANCHES}/${branchId}/tasks/overdue`, undefined, signal), [branchId]);
  if (list.error) return <Alert type="error" showIcon title={list.error.message} />;
  return (
    <Table
      rowKey={(r) => `${r.taskId}:${r.memberId}`}
      size="small"
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      locale={{ emptyText: t('cpb.noOverdue') }}
      data-testid="branch-overdue"
      columns={[
        { title: t('cpe.name'), dataIndex: 'name', width: 110 },
        { title: t('cpb.taskTitle'), dataIndex: 'title' },
        { title: t('cpb.dueOn'), dataIndex: 'dueOn', width: 110 },
        { title: '', width: 100, render: (_, r) => <Tag color="red">{t('cpb.daysLate', { n: r.daysLate })}</Tag> },
      ]}
    />
  );
}
