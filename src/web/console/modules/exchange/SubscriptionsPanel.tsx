import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { applyServerErrors, OrgNodeSelect } from '../registry/common.js';

/** Shapes of src/modules/exchange/subscriptions.schema.ts. */
interface Subscription {
  id: string;
  event: string;
  tags: string[];
  orgNodeId: string;
  url: string;
  purpose: string;
  status: 'active' | 'paused';
  createdAt: string;
  counts: { pending: number; delivered: number; dead: number };
}
interface Delivery {
  id: string;
  subscriptionId: string;
  event: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  deadAt: string | null;
  replays: number;
}
interface SubscriptionValues {
  event: string;
  tags?: string[];
  orgNodeId: string;
  url: string;
  purpose: string;
}
export interface SubscriptionClient {
  id: string;
  orgNodeId: string;
  lifeEvents: string[];
}

const BASE = '/api/v1/exchange';
const TAG_EVENTS = ['tag.gained', 'tag.lost'];
const FORM_FIELDS = ['event', 'tags', 'orgNodeId', 'url', 'purpose'] as const;
type StatusFilter = 'dead' | 'pending' | 'delivered' | 'all';

/** A new subscription: events the client is entitled to, tags of the mandate, an area inside the client's. */
function SubscriptionForm({ client, mandateTags, onCreated }: { client: SubscriptionClient; mandateTags: string[]; onCreated: (secret: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<SubscriptionValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const event = Form.useWatch('event', form);
  const events = [...(mandateTags.length ? TAG_EVENTS : []), ...client.lifeEvents];
  const submit = async (v: SubscriptionValues) => {
    setError(null);
    setBusy(true);
    try {
      const body = { ...v, tags: TAG_EVENTS.includes(v.event) ? (v.tags ?? []) : [] };
      const res = await api.post<{ secret: string }>(`${BASE}/clients/${client.id}/subscriptions`, body);
      form.resetFields();
      onCreated(res.secret);
    } catch (e) {
      setError(applyServerErrors(form, e, FORM_FIELDS));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} name="exchange-subscription" layout="vertical" initialValues={{ orgNodeId: client.orgNodeId, event: events[0] }} onFinish={(v) => void submit(v)}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="subscription-error" />}
      <Form.Item name="event" label={t('ex.sub.event')} rules={[{ required: true, message: t('common.required', { field: t('ex.sub.event') }) }]}>
        <Select options={events.map((e) => ({ value: e, label: t(`ex.event.${e}`) }))} />
      </Form.Item>
      {TAG_EVENTS.includes(event ?? '') && (
        <Form.Item name="tags" label={t('ex.key.tags')} rules={[{ required: true, message: t('ex.sub.tagsRequired') }]}>
          <Select mode="multiple" options={mandateTags.map((x) => ({ value: x, label: x }))} />
        </Form.Item>
      )}
      <Form.Item name="orgNodeId" label={t('ex.area')} rules={[{ required: true, message: t('common.required', { field: t('ex.area') }) }]}>
        <OrgNodeSelect allowClear={false} testId="subscription-area" />
      </Form.Item>
      {/* The server checks the scheme (and, in production, private targets): its message lands here. */}
      <Form.Item name="url" label={t('ex.sub.url')} extra={t('ex.sub.urlHint')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ex.sub.url') }) }]}>
        <Input maxLength={500} placeholder="https://" />
      </Form.Item>
      <Form.Item name="purpose" label={t('ex.key.purpose')} rules={[{ required: true, min: 2, message: t('ex.sub.purposeRule') }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('ex.sub.create')}
      </Button>
    </Form>
  );
}

/**
 * 变更订阅 of one client: its subscriptions with delivery counts, pause/resume and a new one
 * (the signing secret shown once) for the system admin, and its deliveries by status with
 * replay of dead letters.
 */
export function SubscriptionsPanel({ client, mandateTags, canManage }: { client: SubscriptionClient; mandateTags: string[]; canManage: boolean }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<StatusFilter>('dead');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const subs = useApi((signal) => api.get<{ items: Subscription[] }>(`${BASE}/clients/${client.id}/subscriptions`, undefined, signal), [client.id]);
  const deliveries = useApi(
    (signal) => api.get<{ items: Delivery[] }>(`${BASE}/clients/${client.id}/deliveries`, { status: status === 'all' ? undefined : status, pageSize: 50 }, signal),
    [client.id, status],
  );
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      subs.reload();
      deliveries.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const eventText = (s: { event: string; tags?: string[] }) => `${t(`ex.event.${s.event}`)}${s.tags?.length ? `：${s.tags.join('、')}` : ''}`;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {error && <Alert type="error" showIcon title={error} />}
      {secret && (
        <Alert
          type="warning"
          showIcon
          data-testid="subscription-secret-alert"
          title={t('ex.sub.secretOnce')}
          description={
            <Typography.Text copyable={{ text: secret, tooltips: [t('ex.copy'), t('ex.copied')] }} code data-testid="exchange-new-secret">
              {secret}
            </Typography.Text>
          }
          closable
          onClose={() => setSecret(null)}
        />
      )}
      {subs.error && <Alert type="error" showIcon title={subs.error.message} />}
      <Table<Subscription>
        rowKey="id"
        size="small"
        pagination={false}
        loading={subs.loading}
        locale={{ emptyText: t('ex.sub.empty') }}
        dataSource={subs.data?.items ?? []}
        data-testid="subscriptions"
        columns={[
          { title: t('ex.sub.event'), render: (_, s) => eventText(s) },
          { title: t('ex.sub.url'), render: (_, s) => <Typography.Text code>{s.url}</Typography.Text> },
          { title: t('ex.key.purpose'), dataIndex: 'purpose' },
          { title: t('ex.status'), render: (_, s) => <Tag color={s.status === 'active' ? 'green' : 'default'}>{t(`ex.sub.status.${s.status}`)}</Tag> },
          { title: t('ex.sub.counts'), render: (_, s) => `${s.counts.pending} / ${s.counts.delivered} / ${s.counts.dead}` },
          { title: t('ex.sub.createdAt'), render: (_, s) => formatDateTime(s.createdAt) },
          ...(canManage
            ? [
                {
                  title: '',
                  render: (_: unknown, s: Subscription) => (
                    <Button size="small" onClick={() => void act(() => api.post(`${BASE}/subscriptions/${s.id}/status`, { status: s.status === 'active' ? 'paused' : 'active' }))}>
                      {t(s.status === 'active' ? 'ex.sub.pause' : 'ex.sub.resume')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {canManage && (
        <Card size="small" title={t('ex.sub.new')} style={{ maxWidth: 560 }}>
          <SubscriptionForm
            client={client}
            mandateTags={mandateTags}
            onCreated={(s) => {
              setSecret(s);
              subs.reload();
            }}
          />
        </Card>
      )}
      <Space wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('ex.deliveries')}
        </Typography.Title>
        <Segmented<StatusFilter>
          value={status}
          onChange={setStatus}
          options={(['dead', 'pending', 'delivered', 'all'] as const).map((s) => ({ value: s, label: t(`ex.delivery.status.${s}`) }))}
          data-testid="delivery-status"
        />
      </Space>
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={deliveries.loading}
        locale={{ emptyText: t(status === 'dead' ? 'ex.dead.empty' : 'ex.delivery.empty') }}
        dataSource={deliveries.data?.items ?? []}
        columns={[
          { title: t('ex.delivery.id'), render: (_, x) => <Typography.Text code>{x.id}</Typography.Text> },
          { title: t('ex.sub.event'), render: (_, x) => t(`ex.event.${x.event}`) },
          { title: t('ex.status'), render: (_, x) => <Tag color={x.status === 'delivered' ? 'green' : x.status === 'dead' ? 'red' : 'blue'}>{t(`ex.delivery.status.${x.status}`)}</Tag> },
          { title: t('ex.delivery.attempts'), dataIndex: 'attempts' },
          { title: t('ex.delivery.error'), dataIndex: 'lastError' },
          { title: t('ex.read.at'), render: (_, x) => formatDateTime(x.deliveredAt ?? x.deadAt ?? x.nextAttemptAt) },
          ...(canManage
            ? [
                {
                  title: '',
                  render: (_: unknown, x: Delivery) =>
                    x.status === 'dead' ? (
                      <Button size="small" onClick={() => void act(() => api.post(`${BASE}/deliveries/${x.id}/replay`))}>
                        {t('ex.delivery.replay')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
