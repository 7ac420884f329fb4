import { useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Checkbox, Descriptions, Drawer, Flex, Form, Input, Modal, Progress, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

/** Shapes of src/modules/community/notices.schema.ts. */
interface Notice {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  category: 'notice' | 'announcement' | 'news';
  categoryName: string;
  title: string;
  body: string;
  audienceLabel: string;
  pinned: boolean;
  status: 'draft' | 'published' | 'withdrawn';
  recipientCount: number;
  publishedAt: string | null;
  withdrawReason: string | null;
  version: number;
  createdAt: string;
}
interface Receipts {
  total: number;
  read: number;
  informed: number;
  unreached: number;
  withAccount: number;
  byNode: { orgNodeId: string; name: string; total: number; read: number; informed: number; unreached: number }[];
}
interface StaffNotice extends Notice {
  receipts: Receipts | null;
}
interface OrgNode {
  id: string;
  name: string;
  kind: string;
}
interface Unreached {
  items: { personId: string; name: string; phoneMasked: string | null; place: string | null; hasAccount: boolean }[];
  total: number;
}

const PATH = '/api/v1/notices';
const PUBLISHERS = ['community_staff', 'dispatcher', 'party_secretary'];

function StatusTag({ status }: { status: Notice['status'] }) {
  const { t } = useI18n();
  const color = status === 'published' ? 'green' : status === 'draft' ? 'default' : 'red';
  return <Tag color={color}>{t(`cn.status.${status}`)}</Tag>;
}

function NewNotice({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (id: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const roots = useApi((signal) => (open ? api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { pageSize: 50 }, signal) : Promise.resolve(undefined)), [open]);
  const publisher = Form.useWatch('orgNodeId', form) as string | undefined;
  const children = useApi(
    (signal) => (publisher ? api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { parentId: publisher, pageSize: 200 }, signal) : Promise.resolve(undefined)),
    [publisher],
  );
  const tags = useApi((signal) => (open ? api.get<{ items: { code: string }[] }>('/api/v1/tags', undefined, signal) : Promise.resolve(undefined)), [open]);
  const nodeIds = Form.useWatch('nodeIds', form) as string[] | undefined;
  const tagCodes = Form.useWatch('tags', form) as string[] | undefined;
  const tagMode = Form.useWatch('tagMode', form) as 'any' | 'all' | undefined;
  const [preview, setPreview] = useState<{ people: number; withAccount: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const first = roots.data?.items[0];
    if (first && !form.getFieldValue('orgNodeId')) form.setFieldsValue({ orgNodeId: first.id, nodeIds: [first.id] });
  }, [roots.data, form]);

  useEffect(() => {
    setPreview(null);
    if (!publisher || !nodeIds?.length) return;
    let live = true;
    api
      .post<{ people: number; withAccount: number }>(`${PATH}/audience-preview`, { orgNodeId: publisher, audience: { nodeIds, tags: tagCodes ?? [], tagMode: tagMode ?? 'any' } })
      .then((p) => live && setPreview(p))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [publisher, nodeIds, tagCodes, tagMode]);

  const submit = async (publish: boolean) => {
    setError(null);
    let values: Record<string, unknown>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<Notice>(PATH, {
        orgNodeId: values.orgNodeId,
        category: values.category,
        title: values.title,
        body: values.body,
        audience: { nodeIds: values.nodeIds, tags: values.tags ?? [], tagMode: values.tagMode ?? 'any' },
        pinned: !!values.pinned,
        channels: values.sms ? ['sms'] : [],
      });
      if (publish) await api.post(`${PATH}/${created.id}/publish`, { expectedVersion: created.version });
      form.resetFields();
      onDone(created.id);
    } catch (e) {
      const fields = fieldErrors(e);
      setError(Object.keys(fields).length ? Object.values(fields).join('；') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const nodeOptions = [...(roots.data?.items.filter((n) => n.id === publisher) ?? []), ...(children.data?.items ?? [])].map((n) => ({ value: n.id, label: n.name }));
  return (
    <Modal
      open={open}
      title={t('cn.new')}
      onCancel={onClose}
      width={720}
      footer={[
        <Button key="draft" onClick={() => void submit(false)} loading={busy}>
          {t('cn.saveDraft')}
        </Button>,
        <Button key="publish" type="primary" onClick={() => void submit(true)} loading={busy} data-testid="notice-publish-now">
          {t('cn.publishNow')}
        </Button>,
      ]}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ category: 'notice', tagMode: 'any' }}>
        <Form.Item name="orgNodeId" label={t('cn.publisher')} rules={[{ required: true }]}>
          <Select options={(roots.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }))} onChange={(v: string) => form.setFieldsValue({ nodeIds: [v] })} />
        </Form.Item>
        <Form.Item name="category" label={t('cn.category')}>
          <Radio.Group
            options={[
              { value: 'notice', label: '通知' },
              { value: 'announcement', label: '公告' },
              { value: 'news', label: '社区动态' },
            ]}
          />
        </Form.Item>
        <Form.Item name="title" label={t('cn.title')} rules={[{ required: true, min: 2, max: 100 }]}>
          <Input maxLength={100} data-testid="notice-title" />
        </Form.Item>
        <Form.Item name="body" label={t('cn.body')} rules={[{ required: true, max: 10000 }]}>
          <Input.TextArea rows={6} maxLength={10000} data-testid="notice-body" />
        </Form.Item>
        <Form.Item name="nodeIds" label={t('cn.audienceNodes')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Select mode="multiple" options={nodeOptions} optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="tags" label={t('cn.tags')}>
          <Select mode="multiple" options={(tags.data?.items ?? []).map((x) => ({ value: x.code, label: x.code }))} />
        </Form.Item>
        {(tagCodes?.length ?? 0) > 1 && (
          <Form.Item name="tagMode" label={t('cn.tagMode')}>
            <Radio.Group
              options={[
                { value: 'any', label: t('cn.tagAny') },
                { value: 'all', label: t('cn.tagAll') },
              ]}
            />
          </Form.Item>
        )}
        <Space>
          <Form.Item name="pinned" valuePropName="checked" noStyle>
            <Checkbox>{t('cn.pinned')}</Checkbox>
          </Form.Item>
          <Form.Item name="sms" valuePropName="checked" noStyle>
            <Checkbox>{t('cn.sms')}</Checkbox>
          </Form.Item>
        </Space>
        {preview && (
          <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('cn.preview', { people: preview.people, accounts: preview.withAccount })} data-testid="notice-preview" />
        )}
      </Form>
    </Modal>
  );
}

function NoticeDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const notice = useApi((signal) => api.get<StaffNotice>(`${PATH}/${id}`, undefined, signal), [id]);
  const unreached = useApi(
    (signal) => (notice.data && notice.data.status !== 'draft' ? api.get<Unreached>(`${PATH}/${id}/unreached`, { pageSize: 50 }, signal) : Promise.resolve(undefined)),
    [notice.data?.id, notice.data?.status],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [how, setHow] = useState<'visit' | 'phone' | 'wechat'>('visit');
  const [error, setError] = useState<string | null>(null);
  const n = notice.data;
  const canPublish = session.status === 'ready' && session.me.roles.some((r) => PUBLISHERS.includes(r.role));

  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      notice.reload();
      unreached.reload();
      setSelected([]);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const withdraw = () => {
    let reason = '';
    Modal.confirm({
      title: t('cn.withdraw'),
      content: <Input placeholder={t('cn.withdrawReason')} onChange={(e) => (reason = e.target.value)} />,
      onOk: () => act(() => api.post(`${PATH}/${id}/withdraw`, { reason })),
    });
  };

  return (
    <Drawer open width={760} onClose={onClose} title={n ? n.title : ''} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {notice.error && <Alert type="error" showIcon title={notice.error.message} />}
      {n && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('cn.category')}>{n.categoryName}</Descriptions.Item>
            <Descriptions.Item label={t('cn.publisher')}>{n.orgNodeName}</Descriptions.Item>
            <Descriptions.Item label={t('cn.audience')}>{n.audienceLabel}</Descriptions.Item>
            <Descriptions.Item label={t('cn.publishedAt')}>
              <StatusTag status={n.status} /> {formatDateTime(n.publishedAt)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{n.body}</Typography.Paragraph>
          {canPublish && (
            <Space>
              {n.status === 'draft' && (
                <Button type="primary" onClick={() => void act(() => api.post(`${PATH}/${id}/publish`, { expectedVersion: n.version }))}>
                  {t('cn.publish')}
                </Button>
              )}
              {n.status === 'published' && <Button onClick={withdraw}>{t('cn.withdraw')}</Button>}
              <Button onClick={() => void act(() => api.post(`${PATH}/${id}/pin`, { pinned: !n.pinned }))}>{n.pinned ? t('cn.unpin') : t('cn.pin')}</Button>
            </Space>
          )}
          {n.receipts && (
            <>
              <Typography.Title level={5}>{t('cn.receipts')}</Typography.Title>
              <Flex gap={24} wrap data-testid="notice-receipts">
                <span>
                  {t('cn.reached')} <strong>{n.receipts.total}</strong>
                </span>
                <span>
                  {t('cn.read')} <strong data-testid="receipts-read">{n.receipts.read}</strong>
                </span>
                <span>
                  {t('cn.informed')} <strong>{n.receipts.informed}</strong>
                </span>
                <span>
                  {t('cn.unreached')} <strong>{n.receipts.unreached}</strong>
                </span>
              </Flex>
              <Table
                size="small"
                rowKey="orgNodeId"
                pagination={false}
                dataSource={n.receipts.byNode}
                columns={[
                  { title: t('cn.byNode'), dataIndex: 'name' },
                  { title: t('cn.reached'), dataIndex: 'total' },
                  {
                    title: t('cn.read'),
                    render: (_, r) => <Progress size="small" percent={r.total ? Math.round(((r.read + r.informed) / r.total) * 100) : 0} success={{ percent: r.total ? Math.round((r.read / r.total) * 100) : 0 }} />,
                  },
                  { title: t('cn.unreached'), dataIndex: 'unreached' },
                ]}
              />
              <Typography.Title level={5}>{t('cn.unreachedList')}</Typography.Title>
              {unreached.data && unreached.data.total === 0 ? (
                <Alert type="success" showIcon title={t('cn.allReached')} />
              ) : (
                <>
                  <Space>
                    <Select value={how} onChange={setHow} options={(['visit', 'phone', 'wechat'] as const).map((h) => ({ value: h, label: t(`cn.how.${h}`) }))} />
                    <Button disabled={selected.length === 0} onClick={() => void act(() => api.post(`${PATH}/${id}/informed`, { personIds: selected, how }))}>
                      {t('cn.markInformed')}
                    </Button>
                  </Space>
                  <Table
                    size="small"
                    rowKey="personId"
                    loading={unreached.loading}
                    dataSource={unreached.data?.items ?? []}
                    rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
                    pagination={false}
                    columns={[
                      { title: t('cn.name'), dataIndex: 'name' },
                      { title: t('cn.phone'), dataIndex: 'phoneMasked' },
                      { title: t('cn.place'), dataIndex: 'place' },
                      { title: t('cn.hasAccount'), render: (_, r) => (r.hasAccount ? '✓' : '—') },
                    ]}
                  />
                </>
              )}
            </>
          )}
        </Space>
      )}
    </Drawer>
  );
}

export default function NoticesPage() {
  const { t } = useI18n();
  const session = useSession();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('cn.menu') }]);
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Notice['status'] | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const list = useApi((signal) => api.get<{ items: Notice[]; total: number }>(PATH, { page, pageSize: 20, status }, signal), [page, status]);
  if (list.missing) return <NotEnabled path={PATH} />;
  const canPublish = session.status === 'ready' && session.me.roles.some((r) => PUBLISHERS.includes(r.role));

  const columns: ColumnsType<Notice> = [
    {
      title: t('cn.title'),
      render: (_, n) => (
        <Space>
          {n.pinned && <Tag color="gold">{t('cn.pinned')}</Tag>}
          <a onClick={() => navigate(`/community/notices/${n.id}`)}>{n.title}</a>
        </Space>
      ),
    },
    { title: t('cn.category'), dataIndex: 'categoryName', width: 100 },
    { title: t('cn.publisher'), dataIndex: 'orgNodeName', width: 140 },
    { title: t('cn.audience'), dataIndex: 'audienceLabel' },
    { title: t('cn.reached'), dataIndex: 'recipientCount', width: 80 },
    { title: t('cn.publishedAt'), width: 200, render: (_, n) => (
      <Space>
        <StatusTag status={n.status} />
        {formatDateTime(n.publishedAt)}
      </Space>
    ) },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('cn.menu')}
        </Typography.Title>
        <Space>
          <Select
            allowClear
            style={{ width: 140 }}
            value={status}
            placeholder={t('cn.status.published')}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={(['draft', 'published', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`cn.status.${s}`) }))}
          />
          {canPublish && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="notice-new">
              {t('cn.new')}
            </Button>
          )}
        </Space>
      </Flex>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        locale={{ emptyText: t('cn.empty') }}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
      />
      <NewNotice
        open={creating}
        onClose={() => setCreating(false)}
        onDone={(id) => {
          setCreating(false);
          list.reload();
          navigate(`/community/notices/${id}`);
        }}
      />
      {params.id && <NoticeDrawer id={params.id} onClose={() => navigate('/community/notices')} onChanged={list.reload} />}
    </Space>
  );
}
