import { useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { SubscriptionsPanel } from './SubscriptionsPanel.js';

/** Shapes of src/modules/exchange/clients.routes.ts (subscriptions: SubscriptionsPanel.tsx). */
interface Client {
  id: string;
  departmentCode: string;
  departmentName: string;
  name: string;
  contact: string;
  status: 'active' | 'suspended';
  orgNodeId: string;
  orgNodeName: string;
  lifeEvents: string[];
  legalBasis: string;
}
interface Key {
  id: string;
  name: string;
  prefix: string;
  tags: string[];
  fields: string[];
  consentFields: string[];
  orgNodeId: string;
  purpose: string;
  ratePerMinute: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expiring' | 'expired' | 'revoked';
}
interface Detail {
  client: Client;
  mandate: { tags: string[]; fields: string[] };
  keys: Key[];
  reads: { total: number; denied: number; people: number };
  canManage: boolean;
}
interface Read {
  id: string;
  at: string;
  action: string;
  outcome: string;
  purpose: string;
  people: number;
}
const BASE = '/api/v1/exchange';
const FIELD_LABELS: Record<string, string> = { name: '姓名', gender: '性别', birthDate: '出生日期', idNumber: '证件号码', phone: '手机', address: '住址', tags: '标签' };
const fieldLabel = (f: string) => FIELD_LABELS[f] ?? f;

function KeyForm({ client, mandate, onDone }: { client: Client; mandate: Detail['mandate']; onDone: (key: string) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  return (
    <Form
      form={form}
      name="exchange-key"
      layout="vertical"
      initialValues={{ orgNodeId: client.orgNodeId, ratePerMinute: 60, fields: mandate.fields, tags: mandate.tags.slice(0, 1) }}
      onFinish={async (v) => {
        setError(null);
        try {
          const res = await api.post<{ key: string }>(`${BASE}/clients/${client.id}/keys`, v);
          form.resetFields();
          onDone(res.key);
        } catch (e) {
          setError(errorMessage(e));
        }
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="name" label={t('ex.key.name')} rules={[{ required: true, min: 2 }]}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="tags" label={t('ex.key.tags')} rules={[{ required: true }]}>
        <Select mode="multiple" options={mandate.tags.map((x) => ({ value: x, label: x }))} />
      </Form.Item>
      <Form.Item name="fields" label={t('ex.key.fields')} rules={[{ required: true }]} extra={t('ex.key.consentFields')}>
        <Select mode="multiple" options={Object.keys(FIELD_LABELS).map((f) => ({ value: f, label: mandate.fields.includes(f) ? fieldLabel(f) : `${fieldLabel(f)}（需同意）` }))} />
      </Form.Item>
      <Form.Item name="orgNodeId" label={t('ex.key.node')} rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item name="purpose" label={t('ex.key.purpose')} rules={[{ required: true, min: 2 }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="ratePerMinute" label={t('ex.key.rate')}>
        <InputNumber min={1} max={6000} />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {t('ex.key.issue')}
      </Button>
    </Form>
  );
}

function ClientDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<Detail>(`${BASE}/clients/${id}`, undefined, signal), [id]);
  const reads = useApi((signal) => api.get<{ items: Read[] }>(`${BASE}/clients/${id}/reads`, { pageSize: 50 }, signal), [id]);
  const [shownKey, setShownKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const d = detail.data;
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      detail.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} />;
  if (!d) return null;
  const c = d.client;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {error && <Alert type="error" showIcon title={error} />}
      {shownKey && <Alert type="warning" showIcon title={t('ex.key.shownOnce')} description={<Typography.Text copyable code data-testid="exchange-new-key">{shownKey}</Typography.Text>} closable onClose={() => setShownKey(null)} />}
      <Descriptions bordered size="small" column={2} title={`${c.departmentName} · ${c.name}`}>
        <Descriptions.Item label={t('ex.area')}>{c.orgNodeName}</Descriptions.Item>
        <Descriptions.Item label={t('ex.status')}>
          <Tag color={c.status === 'active' ? 'green' : 'default'}>{t(`ex.status.${c.status}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('ex.contact')}>{c.contact}</Descriptions.Item>
        <Descriptions.Item label={t('ex.lifeEvents')}>{c.lifeEvents.map((e) => <Tag key={e}>{t(`ex.event.${e}`)}</Tag>)}</Descriptions.Item>
        <Descriptions.Item label={t('ex.legalBasis')} span={2}>
          {c.legalBasis}
        </Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          {
            key: 'scope',
            label: t('ex.mayRead'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('ex.mandateTags')}>{d.mandate.tags.map((x) => <Tag key={x}>{x}</Tag>)}</Descriptions.Item>
                  <Descriptions.Item label={t('ex.mandateFields')}>{d.mandate.fields.map((x) => <Tag key={x}>{fieldLabel(x)}</Tag>)}</Descriptions.Item>
                </Descriptions>
                <Table<Key>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={d.keys}
                  columns={[
                    { title: t('ex.key.prefix'), render: (_, k) => <Typography.Text code>{k.prefix}…</Typography.Text> },
                    { title: t('ex.key.name'), dataIndex: 'name' },
                    { title: t('ex.key.tags'), render: (_, k) => k.tags.join('、') },
                    { title: t('ex.key.fields'), render: (_, k) => k.fields.map((f) => <Tag key={f} color={k.consentFields.includes(f) ? 'gold' : undefined}>{fieldLabel(f)}</Tag>) },
                    { title: t('ex.key.purpose'), dataIndex: 'purpose' },
                    { title: t('ex.key.rate'), dataIndex: 'ratePerMinute' },
                    { title: t('ex.key.state'), render: (_, k) => <Tag color={k.state === 'active' ? 'green' : k.state === 'expiring' ? 'orange' : 'default'}>{t(`ex.key.state.${k.state}`)}</Tag> },
                    { title: t('ex.key.expiresAt'), render: (_, k) => (k.expiresAt ? formatDateTime(k.expiresAt) : '—') },
                    { title: t('ex.key.lastUsed'), render: (_, k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : '—') },
                    ...(d.canManage
                      ? [
                          {
                            title: '',
                            render: (_: unknown, k: Key) =>
                              k.state === 'active' || k.state === 'expiring' ? (
                                <Space>
                                  {k.state === 'active' && <Button size="small" onClick={() => act(async () => setShownKey((await api.post<{ key: string }>(`${BASE}/keys/${k.id}/rotate`, {})).key))}>{t('ex.key.rotate')}</Button>}
                                  <Button size="small" danger disabled={reason.trim().length < 2} onClick={() => act(() => api.post(`${BASE}/keys/${k.id}/revoke`, { reason }))}>
                                    {t('ex.key.revoke')}
                                  </Button>
                                </Space>
                              ) : null,
                          },
                        ]
                      : []),
                  ]}
                />
                {d.canManage && (
                  <>
                    <Input placeholder={t('ex.key.revokeReason')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ maxWidth: 360 }} />
                    <Card size="small" title={t('ex.key.issue')} style={{ maxWidth: 560 }}>
                      <KeyForm client={c} mandate={d.mandate} onDone={(key) => { setShownKey(key); detail.reload(); }} />
                    </Card>
                  </>
                )}
              </Space>
            ),
          },
          {
            key: 'reads',
            label: t('ex.reads'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Typography.Text>{t('ex.reads.summary', d.reads)}</Typography.Text>
                <Table<Read>
                  rowKey="id"
                  size="small"
                  loading={reads.loading}
                  dataSource={reads.data?.items ?? []}
                  columns={[
                    { title: t('ex.read.at'), render: (_, r) => formatDateTime(r.at) },
                    { title: t('ex.read.action'), dataIndex: 'action' },
                    { title: t('ex.read.outcome'), render: (_, r) => <Tag color={r.outcome === 'success' ? 'green' : 'red'}>{t(`ex.read.${r.outcome}`)}</Tag> },
                    { title: t('ex.key.purpose'), dataIndex: 'purpose' },
                    { title: t('ex.read.people'), dataIndex: 'people' },
                  ]}
                />
              </Space>
            ),
          },
          {
            key: 'subs',
            label: t('ex.subscriptions'),
            children: <SubscriptionsPanel client={c} mandateTags={d.mandate.tags} canManage={d.canManage} />,
          },
        ]}
      />
    </Space>
  );
}

interface OrgNode {
  id: string;
  name: string;
}

function ClientForm({ onDone }: { onDone: (id: string) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const departments = useApi((signal) => api.get<{ items: { code: string; name: string }[] }>(`${BASE}/departments`, undefined, signal), []);
  const roots = useApi((signal) => api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { pageSize: 50 }, signal), []);
  const rootId = roots.data?.items[0]?.id;
  const children = useApi((signal) => (rootId ? api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { parentId: rootId, pageSize: 200 }, signal) : Promise.resolve(undefined)), [rootId]);
  const nodes = [...(roots.data?.items ?? []), ...(children.data?.items ?? [])];
  return (
    <Form
      form={form}
      name="exchange-client"
      layout="vertical"
      onFinish={async (v) => {
        setError(null);
        try {
          const res = await api.post<{ id: string }>(`${BASE}/clients`, v);
          form.resetFields();
          onDone(res.id);
        } catch (e) {
          setError(errorMessage(e));
        }
      }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="departmentCode" label={t('ex.department')} rules={[{ required: true }]}>
        <Select options={(departments.data?.items ?? []).map((d) => ({ value: d.code, label: d.name }))} />
      </Form.Item>
      <Form.Item name="name" label={t('ex.name')} rules={[{ required: true, min: 2 }]}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="contact" label={t('ex.contact')} rules={[{ required: true, min: 2 }]}>
        <Input maxLength={120} />
      </Form.Item>
      <Form.Item name="orgNodeId" label={t('ex.area')} rules={[{ required: true }]}>
        <Select options={nodes.map((n) => ({ value: n.id, label: n.name }))} />
      </Form.Item>
      <Form.Item name="lifeEvents" label={t('ex.lifeEvents')} initialValue={[]}>
        <Select mode="multiple" options={['person.born', 'person.died'].map((e) => ({ value: e, label: t(`ex.event.${e}`) }))} />
      </Form.Item>
      <Form.Item name="legalBasis" label={t('ex.legalBasis')} rules={[{ required: true, min: 4 }]}>
        <Input.TextArea maxLength={500} rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {t('ex.client.register')}
      </Button>
    </Form>
  );
}

export default function ExchangePage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  const list = useApi((signal) => api.get<{ items: Client[]; canManage: boolean }>(`${BASE}/clients`, undefined, signal), []);
  useBreadcrumbs([{ title: t('ex.menu') }]);
  if (list.missing) return <NotEnabled path={`${BASE}/clients`} />;
  const selected = params.id ?? list.data?.items[0]?.id;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Table<Client>
        rowKey="id"
        size="small"
        pagination={false}
        loading={list.loading}
        locale={{ emptyText: t('ex.empty') }}
        dataSource={list.data?.items ?? []}
        rowClassName={(c) => (c.id === selected ? 'ant-table-row-selected' : '')}
        onRow={(c) => ({ onClick: () => navigate(`/exchange/${c.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('ex.department'), dataIndex: 'departmentName' },
          { title: t('ex.name'), dataIndex: 'name' },
          { title: t('ex.area'), dataIndex: 'orgNodeName' },
          { title: t('ex.status'), render: (_, c) => <Tag color={c.status === 'active' ? 'green' : 'default'}>{t(`ex.status.${c.status}`)}</Tag> },
        ]}
      />
      {selected && <ClientDetail key={selected} id={selected} />}
      {list.data?.canManage && (
        <Card size="small" title={t('ex.client.new')} style={{ maxWidth: 560 }}>
          <ClientForm
            onDone={(id) => {
              list.reload();
              navigate(`/exchange/${id}`);
            }}
          />
        </Card>
      )}
    </Space>
  );
}
