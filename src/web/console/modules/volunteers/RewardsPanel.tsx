import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, DatePicker, Descriptions, Drawer, Form, Image, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { OrgNodeSelect } from '../registry/common.js';
import { PagedTable, PictureUpload } from './common.js';
import type { RewardItem, RewardOrder } from './points.types.js';
import './points.messages.js';

const CATEGORIES = ['粮油', '日用品', '服务券', '文体用品', '其他'];
const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

function ItemDrawer({ item, onClose }: { item: RewardItem | null; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [picture, setPicture] = useState<string | null>(item?.pictureAttachmentId ?? null);
  const save = async (v: {
    orgNodeId?: string;
    name: string;
    description?: string;
    category: string;
    pricePoints: number;
    stock?: number;
    stockDelta?: number;
    limitPerPerson?: number | null;
    limitPeriod: 'month' | 'total';
    holdDays: number;
    availability?: [Dayjs | null, Dayjs | null] | null;
    sort?: number;
    onSale?: boolean;
  }) => {
    setError(null);
    const body = {
      name: v.name,
      description: v.description ?? '',
      category: v.category,
      pricePoints: v.pricePoints,
      limitPerPerson: v.limitPerPerson ?? null,
      limitPeriod: v.limitPeriod,
      holdDays: v.holdDays,
      pictureAttachmentId: picture,
      availableFrom: day(v.availability?.[0]),
      availableTo: day(v.availability?.[1]),
      sort: v.sort ?? 0,
    };
    try {
      if (item) await api.patch(`/api/v1/reward-items/${item.id}`, { ...body, onSale: v.onSale, stockDelta: v.stockDelta || undefined, expectedVersion: item.version });
      else await api.post('/api/v1/reward-items', { ...body, orgNodeId: v.orgNodeId, stock: v.stock ?? 0 });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={560} title={item ? t('cpt.item.edit') : t('cpt.item.new')} onClose={() => onClose(false)} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        layout="vertical"
        onFinish={(v) => void save(v)}
        data-testid="reward-item-form"
        initialValues={
          item
            ? { ...item, availability: [item.availableFrom ? dayjs(item.availableFrom) : null, item.availableTo ? dayjs(item.availableTo) : null], stockDelta: 0 }
            : { category: '日用品', limitPeriod: 'month', holdDays: 7, stock: 10, sort: 0 }
        }
      >
        {!item && (
          <Form.Item name="orgNodeId" label={t('cpt.item.node')} rules={[{ required: true }]}>
            <OrgNodeSelect selectable={['street', 'community']} deepest="community" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('cpt.item.name')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="description" label={t('cpt.item.description')}>
          <Input.TextArea maxLength={300} rows={2} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="category" label={t('cpt.item.category')}>
            <Select style={{ width: 120 }} options={CATEGORIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="pricePoints" label={t('cpt.item.price')} rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
          {item ? (
            <Form.Item name="stockDelta" label={t('cpt.item.stockDelta', { n: item.stock })}>
              <InputNumber precision={0} />
            </Form.Item>
          ) : (
            <Form.Item name="stock" label={t('cpt.item.stock')} rules={[{ required: true }]}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
          )}
        </Space>
        <Space wrap>
          <Form.Item name="limitPerPerson" label={t('cpt.item.limit')}>
            <InputNumber min={1} max={99} precision={0} placeholder={t('cpt.none')} />
          </Form.Item>
          <Form.Item name="limitPeriod" label={t('cpt.item.limitPeriod')}>
            <Select style={{ width: 120 }} options={[{ value: 'month', label: t('cpt.item.perMonth') }, { value: 'total', label: t('cpt.item.perTotal') }]} />
          </Form.Item>
          <Form.Item name="holdDays" label={t('cpt.item.holdDays')} rules={[{ required: true }]}>
            <InputNumber min={1} max={90} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item name="availability" label={t('cpt.item.availability')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item label={t('cpt.item.picture')}>
          <PictureUpload purpose="volunteers.reward" label={t('cpt.item.upload')} uploaded={!!picture} onUploaded={setPicture} onError={setError} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="sort" label={t('cpt.item.sort')}>
            <InputNumber min={0} max={9999} precision={0} />
          </Form.Item>
          {item && (
            <Form.Item name="onSale" label={t('cpt.item.onSale')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Space>
        <div>
          <Button type="primary" htmlType="submit">
            {t('cpt.save')}
          </Button>
        </div>
      </Form>
    </Drawer>
  );
}

function Catalogue() {
  const { t } = useI18n();
  const items = useApi((signal) => api.get<{ items: RewardItem[] }>('/api/v1/reward-items', undefined, signal), []);
  const [editing, setEditing] = useState<RewardItem | 'new' | null>(null);
  if (items.missing) return <NotEnabled path="/api/v1/reward-items" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => setEditing('new')}>
        {t('cpt.item.new')}
      </Button>
      {items.error && <Alert type="error" showIcon title={items.error.message} />}
      <Table
        rowKey="id"
        size="middle"
        loading={items.loading}
        dataSource={items.data?.items ?? []}
        pagination={false}
        columns={[
          { title: '', width: 90, render: (_, i: RewardItem) => (i.pictureUrl ? <Image src={i.pictureUrl} width={72} height={36} style={{ objectFit: 'cover' }} alt="" /> : null) },
          { title: t('cpt.item.name'), render: (_, i: RewardItem) => <>{i.name} {!i.onSale && <Tag>{t('cpt.item.offSale')}</Tag>}</> },
          { title: t('cpt.item.category'), dataIndex: 'category', width: 90 },
          { title: t('cpt.item.price'), dataIndex: 'pricePoints', width: 90 },
          { title: t('cpt.item.stock'), width: 80, render: (_, i: RewardItem) => <Typography.Text type={i.stock === 0 ? 'danger' : undefined}>{i.stock}</Typography.Text> },
          { title: t('cpt.item.limit'), width: 120, render: (_, i: RewardItem) => (i.limitPerPerson ? `${i.limitPerPerson}（${t(i.limitPeriod === 'month' ? 'cpt.item.perMonth' : 'cpt.item.perTotal')}）` : '—') },
          { title: t('cpt.item.holdDays'), dataIndex: 'holdDays', width: 100 },
          { title: t('cpt.item.node'), dataIndex: 'orgNodeName', width: 110 },
          { title: '', width: 70, render: (_, i: RewardItem) => <a onClick={() => setEditing(i)}>{t('cpt.edit')}</a> },
        ]}
      />
      {editing && (
        <ItemDrawer
          item={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) items.reload();
          }}
        />
      )}
    </Space>
  );
}

/** 核销: enter (or scan into the box) the code the resident shows; check the order, then hand over. */
function Fulfil({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [order, setOrder] = useState<RewardOrder | null>(null);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const lookUp = async () => {
    setMessage(null);
    setOrder(null);
    try {
      setOrder(await api.get<RewardOrder>(`/api/v1/reward-orders/by-code/${encodeURIComponent(code.trim())}`));
    } catch (e) {
      setMessage({ type: 'error', text: errorMessage(e) });
    }
  };
  const fulfil = async () => {
    try {
      const done = await api.post<RewardOrder>('/api/v1/reward-orders/fulfil', { code: code.trim() });
      setMessage({ type: 'success', text: t('cpt.fulfil.done', { item: done.itemName, n: done.quantity, name: done.holderName }) });
      setOrder(null);
      setCode('');
      onDone();
    } catch (e) {
      setMessage({ type: 'error', text: errorMessage(e) });
    }
  };
  return (
    <Card size="small" title={t('cpt.fulfil.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space.Compact>
          <Input value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 8))} onPressEnter={() => void lookUp()} placeholder={t('cpt.fulfil.code')} style={{ width: 200, fontSize: 18, letterSpacing: 2 }} inputMode="numeric" data-testid="reward-fulfil-code" />
          <Button onClick={() => void lookUp()} disabled={code.length !== 8} data-testid="reward-fulfil-check">
            {t('cpt.fulfil.check')}
          </Button>
        </Space.Compact>
        {message && <Alert type={message.type} showIcon title={message.text} />}
        {order && (
          <>
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('cpt.holder')}>{order.holderName}</Descriptions.Item>
              <Descriptions.Item label={t('cpt.order.item')}>{`${order.itemName} × ${order.quantity}`}</Descriptions.Item>
              <Descriptions.Item label={t('cpt.points')}>{order.points}</Descriptions.Item>
              <Descriptions.Item label={t('cpt.order.status')}>{t(`cpt.order.${order.status}`)}</Descriptions.Item>
            </Descriptions>
            {order.status === 'pending' && (
              <Button type="primary" onClick={() => void fulfil()} data-testid="reward-fulfil">
                {t('cpt.fulfil.confirm')}
              </Button>
            )}
          </>
        )}
      </Space>
    </Card>
  );
}

function Orders() {
  const { t } = useI18n();
  const [status, setStatus] = useState<RewardOrder['status'] | undefined>('pending');
  const [page, setPage] = useState(1);
  const list = useApi((signal) => api.get<{ items: RewardOrder[]; total: number }>('/api/v1/reward-orders', { status, page, pageSize: 20 }, signal), [status, page]);
  const [cancelling, setCancelling] = useState<RewardOrder | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (list.missing) return <NotEnabled path="/api/v1/reward-orders" />;
  const cancel = async () => {
    if (!cancelling) return;
    try {
      await api.post(`/api/v1/reward-orders/${cancelling.id}/cancel`, { reason });
      setCancelling(null);
      setReason('');
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const statusTag = (o: RewardOrder) => <Tag color={o.status === 'pending' ? 'orange' : o.status === 'fulfilled' ? 'green' : undefined}>{t(`cpt.order.${o.status}`)}</Tag>;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Fulfil onDone={list.reload} />
      <Select
        style={{ width: 160 }}
        allowClear
        value={status}
        placeholder={t('cpt.order.all')}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={(['pending', 'fulfilled', 'cancelled'] as const).map((s) => ({ value: s, label: t(`cpt.order.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={[
          { title: t('cpt.order.code'), dataIndex: 'code', width: 110 },
          { title: t('cpt.holder'), dataIndex: 'holderName', width: 100 },
          { title: t('cpt.order.item'), render: (_, o: RewardOrder) => `${o.itemName} × ${o.quantity}` },
          { title: t('cpt.points'), dataIndex: 'points', width: 80 },
          { title: t('cpt.order.placed'), width: 150, render: (_, o: RewardOrder) => formatDateTime(o.createdAt) },
          {
            title: t('cpt.order.status'),
            width: 230,
            render: (_, o: RewardOrder) => (
              <>
                {statusTag(o)}
                {o.status === 'pending' && <Typography.Text type="secondary">{t('cpt.order.until', { at: formatDateTime(o.expiresAt) })}</Typography.Text>}
                {o.status === 'fulfilled' && <Typography.Text type="secondary">{`${formatDateTime(o.fulfilledAt!)} ${o.fulfilledByName ?? ''}`}</Typography.Text>}
                {o.status === 'cancelled' && <Typography.Text type="secondary">{o.cancelReason}</Typography.Text>}
              </>
            ),
          },
          { title: '', width: 70, render: (_, o: RewardOrder) => (o.status === 'pending' ? <a onClick={() => setCancelling(o)}>{t('cpt.order.cancel')}</a> : null) },
        ]}
      />
      <Modal open={!!cancelling} title={t('cpt.order.cancelTitle')} onCancel={() => setCancelling(null)} onOk={() => void cancel()} okButtonProps={{ disabled: reason.trim().length < 2 }}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Typography.Paragraph>{cancelling && `${cancelling.holderName} · ${cancelling.itemName} × ${cancelling.quantity} · ${cancelling.points}`}</Typography.Paragraph>
        <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('cpt.order.reason')} maxLength={200} />
      </Modal>
    </Space>
  );
}

export default function RewardsPanel({ view }: { view: 'catalogue' | 'orders' }) {
  return view === 'catalogue' ? <Catalogue /> : <Orders />;
}
