import { useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Flex, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import {
  hours,
  yuan,
  type AllowanceRule,
  type AllowanceRuleList,
  type Complaint,
  type ComplaintPage,
  type ConvenienceCategoryList,
  type LedgerReport,
  type Offering,
  type OfferingList,
  type Provider,
  type ProviderList,
  type ServiceOrder,
  type ServiceOrderDetail,
  type ServiceOrderPage,
} from '../../../shared/services-more.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { beijingToday } from './appointments.js';
import './more.messages.js';

const M = '/api/v1/convenience/manage';
type Note = { kind: 'success' | 'error'; text: string } | null;

function ProvidersTab({ onNote }: { onNote: (n: Note) => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<string | undefined>();
  const list = useApi((signal) => api.get<ProviderList>(`${M}/providers`, { status }, signal), [status]);
  const [review, setReview] = useState<{ p: Provider; action: string } | null>(null);
  const [reason, setReason] = useState('');
  const submit = async () => {
    if (!review) return;
    try {
      await api.post(`${M}/providers/${review.p.id}/review`, { action: review.action, reason: reason.trim() || undefined });
      setReview(null);
      setReason('');
      list.reload();
      onNote({ kind: 'success', text: `${review.p.name}：${t(`svb.cv.${review.action}`)}` });
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const actionsOf = (p: Provider) => (p.status === 'pending' ? ['approve', 'reject'] : p.status === 'approved' ? ['suspend'] : p.status === 'suspended' ? ['reinstate'] : p.status === 'rejected' ? ['approve'] : []);
  const columns: ColumnsType<Provider> = [
    { title: t('svb.cv.name'), dataIndex: 'name', width: 220 },
    { title: t('svb.cv.kind'), dataIndex: 'kindLabel', width: 100 },
    { title: t('svb.cv.contact'), key: 'c', width: 180, render: (_, p) => `${p.contactName} ${p.contactPhone}` },
    { title: t('svb.cv.area'), dataIndex: 'orgNodeName', width: 110 },
    { title: t('svb.cv.licence'), dataIndex: 'licenceNote' },
    { title: t('svb.cv.rating'), key: 'r', width: 90, render: (_, p) => (p.rating !== null ? `${p.rating}★（${p.ratingCount}）` : '—') },
    { title: t('svb.cv.upheld'), dataIndex: 'complaintsUpheld', width: 90 },
    {
      title: t('svb.cv.status'),
      key: 's',
      width: 150,
      render: (_, p) => (
        <Space direction="vertical" size={0}>
          <Tag color={p.status === 'approved' ? 'green' : p.status === 'pending' ? 'orange' : 'red'} data-testid="provider-status">
            {p.statusLabel}
          </Tag>
          {p.statusReason && <Typography.Text type="secondary">{p.statusReason}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('svb.actions'),
      key: 'a',
      width: 160,
      render: (_, p) => (
        <Space>
          {actionsOf(p).map((a) => (
            <Button key={a} size="small" danger={a === 'reject' || a === 'suspend'} type={a === 'approve' ? 'primary' : 'default'} onClick={() => setReview({ p, action: a })} data-testid={`provider-${a}`}>
              {t(`svb.cv.${a}`)}
            </Button>
          ))}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Select
        allowClear
        style={{ width: 160 }}
        value={status}
        onChange={setStatus}
        placeholder={t('svb.cv.status')}
        aria-label={t('svb.cv.status')}
        options={['pending', 'approved', 'rejected', 'suspended'].map((s) => ({ value: s, label: t(`svb.cv.pst.${s}`) }))}
      />
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1300 }} />}
      {review && (
        <Modal open title={t('svb.cv.reviewTitle', { action: t(`svb.cv.${review.action}`), name: review.p.name })} onCancel={() => setReview(null)} onOk={() => void submit()} okText={t('common.submit')} cancelText={t('common.cancel')}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('svb.reason')} aria-label={t('svb.reason')} maxLength={500} />
        </Modal>
      )}
    </Flex>
  );
}

function OfferingsTab({ onNote }: { onNote: (n: Note) => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<OfferingList>(`${M}/offerings`, undefined, signal), []);
  const [hiding, setHiding] = useState<Offering | null>(null);
  const [reason, setReason] = useState('');
  const setHidden = async (o: Offering, hidden: boolean) => {
    try {
      await api.post(`${M}/offerings/${o.id}/visibility`, { hidden, reason: hidden ? reason.trim() : undefined });
      setHiding(null);
      setReason('');
      list.reload();
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const columns: ColumnsType<Offering> = [
    { title: t('svb.cv.offering'), dataIndex: 'name', width: 200 },
    { title: t('svb.cv.provider'), dataIndex: 'providerName', width: 220 },
    { title: t('svb.cv.category'), dataIndex: 'categoryName', width: 110 },
    { title: t('svb.cv.price'), dataIndex: 'priceLabel', width: 110 },
    { title: t('svb.cv.area'), dataIndex: 'orgNodeName', width: 110 },
    {
      title: t('svb.cv.status'),
      key: 's',
      render: (_, o) => (
        <Space>
          {o.hidden ? <Tag color="red">{`${t('svb.cv.hidden')}${o.hiddenReason ? `：${o.hiddenReason}` : ''}`}</Tag> : <Tag color="green">{t('svb.cv.visible')}</Tag>}
          {!o.active && <Tag>{t('svb.inactive')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('svb.actions'),
      key: 'a',
      width: 110,
      render: (_, o) =>
        o.hidden ? (
          <Button size="small" onClick={() => void setHidden(o, false)}>
            {t('svb.cv.show')}
          </Button>
        ) : (
          <Button size="small" danger onClick={() => setHiding(o)}>
            {t('svb.cv.hide')}
          </Button>
        ),
    },
  ];
  return (
    <>
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={{ pageSize: 20 }} scroll={{ x: 1100 }} />}
      {hiding && (
        <Modal open title={`${t('svb.cv.hide')}：${hiding.name}`} onCancel={() => setHiding(null)} onOk={() => void setHidden(hiding, true)} okText={t('common.submit')} cancelText={t('common.cancel')}>
          <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('svb.reason')} aria-label={t('svb.reason')} maxLength={500} />
        </Modal>
      )}
    </>
  );
}

function OrderDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const d = useApi((signal) => api.get<ServiceOrderDetail>(`${M}/orders/${id}`, undefined, signal), [id]);
  const o = d.data;
  return (
    <Drawer open width={560} title={o ? `${o.code} · ${o.offeringName}` : t('common.loading')} onClose={onClose} destroyOnHidden>
      {d.error && <Alert type="error" showIcon title={d.error.message} />}
      {o && (
        <Flex vertical gap={12}>
          <Typography.Text>
            {o.providerName} · {o.residentName ?? ''} · <Tag>{o.statusLabel}</Tag>
          </Typography.Text>
          <Typography.Text>
            {formatDateTime(o.wantedAt)} · {o.address}
          </Typography.Text>
          <Typography.Text>
            {t('svb.cv.free')}：{hours(o.freeMinutes || o.quoteFreeMinutes)} h（{yuan(o.freeFen)}）{o.ruleName ? ` · ${o.ruleName}` : ''} · {t('svb.cv.residentFen')}：{yuan(o.residentFen)}
          </Typography.Text>
          {o.rating !== null && <Typography.Text>{`${'★'.repeat(o.rating)} ${o.ratingComment ?? ''}`}</Typography.Text>}
          <Typography.Title level={5}>{t('svb.cv.timeline')}</Typography.Title>
          <Timeline items={o.timeline.map((s) => ({ children: `${formatDateTime(s.at)} ${s.label}${s.actorName ? ` · ${s.actorName}` : ''}${s.note ? `：${s.note}` : ''}` }))} />
          {o.complaint && <Alert type="warning" showIcon title={`${o.complaint.statusLabel}：${o.complaint.content}`} />}
        </Flex>
      )}
    </Drawer>
  );
}

function OrdersTab() {
  const { t } = useI18n();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi((signal) => api.get<ServiceOrderPage>(`${M}/orders`, { status, page, pageSize: 20 }, signal), [status, page]);
  const columns: ColumnsType<ServiceOrder> = [
    { title: t('svb.cv.code'), dataIndex: 'code', width: 170 },
    { title: t('svb.cv.offering'), dataIndex: 'offeringName', width: 160 },
    { title: t('svb.cv.provider'), dataIndex: 'providerName', width: 200 },
    { title: t('svb.cv.resident'), dataIndex: 'residentName', width: 100 },
    { title: t('svb.cv.wanted'), dataIndex: 'wantedAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('svb.cv.status'), dataIndex: 'statusLabel', width: 90, render: (v: string) => <Tag>{v}</Tag> },
    { title: t('svb.cv.free'), key: 'f', width: 90, render: (_, o) => (o.freeMinutes || o.quoteFreeMinutes ? `${hours(o.freeMinutes || o.quoteFreeMinutes)} h` : '—') },
    { title: t('svb.cv.residentFen'), key: 'r', width: 90, render: (_, o) => yuan(o.residentFen) },
    { title: t('svb.cv.rating'), dataIndex: 'rating', width: 90, render: (v: number | null) => (v ? '★'.repeat(v) : '—') },
    {
      title: t('svb.actions'),
      key: 'a',
      width: 70,
      render: (_, o) => (
        <Button size="small" onClick={() => setOpen(o.id)}>
          {t('svb.cv.view')}
        </Button>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Select
        allowClear
        style={{ width: 160 }}
        value={status}
        onChange={(v) => (setStatus(v), setPage(1))}
        placeholder={t('svb.cv.status')}
        aria-label={t('svb.cv.status')}
        options={['requested', 'accepted', 'declined', 'cancelled', 'in_service', 'completed', 'closed'].map((s) => ({ value: s, label: t(`svb.cv.st.${s}`) }))}
      />
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1300 }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {open && <OrderDrawer id={open} onClose={() => setOpen(null)} />}
    </Flex>
  );
}

interface RuleValues {
  name: string;
  orgNodeId: string;
  tags: string[];
  tagMatch: 'any' | 'all';
  categories: string[];
  monthlyHours: number;
  validFrom: string;
  validTo?: string;
}

function RulesTab({ onNote }: { onNote: (n: Note) => void }) {
  const { t, locale } = useI18n();
  const list = useApi((signal) => api.get<AllowanceRuleList>(`${M}/rules`, undefined, signal), []);
  const cats = useApi((signal) => api.get<ConvenienceCategoryList>('/api/v1/convenience/categories', undefined, signal), []);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<RuleValues>();
  const create = async (v: RuleValues) => {
    try {
      await api.post(`${M}/rules`, { ...v, validTo: v.validTo || undefined });
      setAdding(false);
      form.resetFields();
      list.reload();
      onNote({ kind: 'success', text: t('svb.saved') });
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const toggle = async (r: AllowanceRule) => {
    try {
      await api.patch(`${M}/rules/${r.id}`, { expectedVersion: r.version, active: !r.active });
      list.reload();
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const columns: ColumnsType<AllowanceRule> = [
    { title: t('svb.cv.ruleName'), dataIndex: 'name', width: 220 },
    { title: t('svb.cv.area'), dataIndex: 'orgNodeName', width: 110 },
    { title: t('svb.cv.ruleName'), dataIndex: 'description' },
    { title: t('svb.cv.validFrom'), key: 'v', width: 200, render: (_, r) => `${r.validFrom} ~ ${r.validTo ?? ''}` },
    {
      title: t('svb.cv.status'),
      key: 's',
      width: 150,
      render: (_, r) => (
        <Space>
          <Switch checked={r.active} onChange={() => void toggle(r)} aria-label={t('svb.active')} />
          {r.active ? t('svb.active') : t('svb.inactive')}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <div>
        <Button type="primary" onClick={() => setAdding(true)}>
          {t('svb.cv.newRule')}
        </Button>
      </div>
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} />}
      {adding && (
        <Modal open width={620} title={t('svb.cv.newRule')} onCancel={() => setAdding(false)} onOk={() => form.submit()} okText={t('svb.save')} cancelText={t('common.cancel')} destroyOnHidden>
          <Form<RuleValues> form={form} layout="vertical" onFinish={(v) => void create(v)} initialValues={{ tagMatch: 'any', monthlyHours: 4, validFrom: beijingToday(), tags: ['独居老人', '高龄老人'] }}>
            <Form.Item name="name" label={t('svb.cv.ruleName')} rules={[{ required: true, min: 2, message: t('svb.required') }]}>
              <Input maxLength={80} />
            </Form.Item>
            <Form.Item name="orgNodeId" label={t('svb.cv.area')} rules={[{ required: true, message: t('svb.required') }]}>
              <OrgNodeSelect deepest="community" selectable={['community', 'street']} />
            </Form.Item>
            <Form.Item name="tags" label={t('svb.cv.tags')} rules={[{ required: true, message: t('svb.required') }]}>
              <Select mode="tags" />
            </Form.Item>
            <Form.Item name="tagMatch" label={t('svb.cv.tagMatch')}>
              <Radio.Group options={[{ value: 'any', label: t('svb.cv.any') }, { value: 'all', label: t('svb.cv.allTags') }]} />
            </Form.Item>
            <Form.Item name="categories" label={t('svb.cv.categories')} rules={[{ required: true, message: t('svb.required') }]}>
              <Checkbox.Group options={(cats.data?.items ?? []).map((c) => ({ value: c.code, label: locale === 'en' ? c.nameEn : c.name }))} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="monthlyHours" label={t('svb.cv.monthlyHours')} rules={[{ required: true }]}>
                <InputNumber min={0.5} max={200} step={0.5} />
              </Form.Item>
              <Form.Item name="validFrom" label={t('svb.cv.validFrom')} rules={[{ required: true }]}>
                <Input type="date" />
              </Form.Item>
              <Form.Item name="validTo" label={t('svb.cv.validTo')}>
                <Input type="date" />
              </Form.Item>
            </Space>
          </Form>
        </Modal>
      )}
    </Flex>
  );
}

function ComplaintsTab({ onNote }: { onNote: (n: Note) => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<string | undefined>();
  const list = useApi((signal) => api.get<ComplaintPage>(`${M}/complaints`, { status, pageSize: 100 }, signal), [status]);
  const [closing, setClosing] = useState<Complaint | null>(null);
  const [result, setResult] = useState('');
  const [upheld, setUpheld] = useState(false);
  const accept = async (c: Complaint) => {
    try {
      await api.post(`${M}/complaints/${c.id}/accept`, {});
      list.reload();
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const close = async () => {
    if (!closing) return;
    try {
      await api.post(`${M}/complaints/${closing.id}/close`, { result: result.trim(), upheld });
      setClosing(null);
      setResult('');
      setUpheld(false);
      list.reload();
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const columns: ColumnsType<Complaint> = [
    { title: t('svb.cv.code'), dataIndex: 'orderCode', width: 170 },
    { title: t('svb.cv.provider'), dataIndex: 'providerName', width: 200 },
    { title: t('svb.cv.content'), dataIndex: 'content' },
    { title: t('svb.cv.reply'), dataIndex: 'providerReply', render: (v: string | null) => v ?? '—' },
    { title: t('svb.cv.result'), key: 'res', render: (_, c) => (c.result ? `${c.upheld ? `【${t('svb.cv.upheldQ')}】` : ''}${c.result}` : '—') },
    { title: t('svb.cv.status'), dataIndex: 'statusLabel', width: 90, render: (v: string) => <Tag>{v}</Tag> },
    {
      title: t('svb.actions'),
      key: 'a',
      width: 140,
      render: (_, c) => (
        <Space>
          {c.status === 'submitted' && (
            <Button size="small" type="primary" onClick={() => void accept(c)}>
              {t('svb.cv.accept')}
            </Button>
          )}
          {c.status !== 'closed' && (
            <Button size="small" onClick={() => setClosing(c)}>
              {t('svb.cv.close')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Select
        allowClear
        style={{ width: 140 }}
        value={status}
        onChange={setStatus}
        placeholder={t('svb.cv.status')}
        aria-label={t('svb.cv.status')}
        options={['submitted', 'accepted', 'closed'].map((s) => ({ value: s, label: t(`svb.cv.cst.${s}`) }))}
      />
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1100 }} />}
      {closing && (
        <Modal open title={`${t('svb.cv.close')}：${closing.orderCode}`} onCancel={() => setClosing(null)} onOk={() => void close()} okText={t('common.submit')} cancelText={t('common.cancel')}>
          <Flex vertical gap={8}>
            <Typography.Text>{closing.content}</Typography.Text>
            <Input.TextArea rows={3} value={result} onChange={(e) => setResult(e.target.value)} placeholder={t('svb.cv.result')} aria-label={t('svb.cv.result')} maxLength={2000} />
            <Checkbox checked={upheld} onChange={(e) => setUpheld(e.target.checked)}>
              {t('svb.cv.upheldQ')}
            </Checkbox>
          </Flex>
        </Modal>
      )}
    </Flex>
  );
}

function LedgerTab({ onNote }: { onNote: (n: Note) => void }) {
  const { t } = useI18n();
  const [month, setMonth] = useState(beijingToday().slice(0, 7));
  const report = useApi((signal) => api.get<LedgerReport>(`${M}/allowance-ledger`, { month }, signal), [month]);
  const r = report.data;
  const xlsx = async () => {
    try {
      await api.download(`${M}/allowance-ledger.xlsx`, { month }, `政府购买服务台账-${month}.xlsx`);
    } catch (e) {
      onNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  type Row = LedgerReport['rows'][number];
  const columns: ColumnsType<Row> = [
    { title: t('svb.cv.month'), dataIndex: 'month', width: 90 },
    { title: t('svb.cv.ruleName'), dataIndex: 'ruleName' },
    { title: t('svb.cv.provider'), dataIndex: 'providerName' },
    { title: t('svb.cv.ordersN'), dataIndex: 'orders', width: 80 },
    { title: t('svb.cv.people'), dataIndex: 'people', width: 70 },
    { title: t('svb.cv.freeHours'), dataIndex: 'freeHours', width: 90 },
    { title: t('svb.cv.freeFen'), dataIndex: 'freeFen', width: 110, render: (v: number) => yuan(v) },
    { title: t('svb.cv.residentFen'), dataIndex: 'residentFen', width: 110, render: (v: number) => yuan(v) },
  ];
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <Input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} aria-label={t('svb.cv.month')} style={{ width: 160 }} />
        <Button onClick={() => void xlsx()}>{t('svb.cv.xlsx')}</Button>
      </Space>
      {report.error && <Alert type="error" showIcon title={report.error.message} />}
      {r && (
        <>
          <Table
            rowKey={(x) => `${x.month}-${x.ruleId}-${x.providerId}`}
            size="middle"
            columns={columns}
            dataSource={r.rows}
            pagination={false}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  {t('svb.cv.total')}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3}>{r.totals.orders}</Table.Summary.Cell>
                <Table.Summary.Cell index={4} />
                <Table.Summary.Cell index={5}>{r.totals.freeHours}</Table.Summary.Cell>
                <Table.Summary.Cell index={6}>{yuan(r.totals.freeFen)}</Table.Summary.Cell>
                <Table.Summary.Cell index={7}>{yuan(r.totals.residentFen)}</Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          <Typography.Text type="secondary">{t('svb.cv.ledgerBalance', { hours: hours(r.ledgerExpenseMinutes) })}</Typography.Text>
        </>
      )}
    </Flex>
  );
}

/** 便民服务 (community staff): providers, offerings, orders, 政府购买服务 rules, complaints, the ledger. */
export default function ConvenienceManagePage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.convenience') }]);
  const session = useSession();
  // Community staff keep providers, rules and complaints; dispatchers and departments read the ledger.
  const manage = hasRole(session.status === 'ready' ? session.me : null, 'community_staff');
  const [tab, setTab] = useState(manage ? 'providers' : 'ledger');
  const [note, setNote] = useState<Note>(null);
  const probe = useApi((signal) => (manage ? api.get<ProviderList>(`${M}/providers`, { status: 'pending' }, signal) : Promise.resolve(undefined)), [manage]);
  if (probe.missing) return <NotEnabled path={`${M}/providers`} />;

  return (
    <Flex vertical gap={12}>
      {note && <Alert type={note.kind} showIcon title={note.text} closable={{ onClose: () => setNote(null) }} />}
      <Tabs
        activeKey={tab}
        onChange={(k) => (setTab(k), setNote(null))}
        destroyOnHidden
        items={[
          { key: 'providers', label: `${t('svb.cv.providers')}${probe.data?.items.length ? `（${probe.data.items.length}）` : ''}`, children: <ProvidersTab onNote={setNote} /> },
          { key: 'offerings', label: t('svb.cv.offerings'), children: <OfferingsTab onNote={setNote} /> },
          { key: 'orders', label: t('svb.cv.orders'), children: <OrdersTab /> },
          { key: 'rules', label: t('svb.cv.rules'), children: <RulesTab onNote={setNote} /> },
          { key: 'complaints', label: t('svb.cv.complaints'), children: <ComplaintsTab onNote={setNote} /> },
          { key: 'ledger', label: t('svb.cv.ledger'), children: <LedgerTab onNote={setNote} /> },
        ].filter((x) => manage || x.key === 'ledger')}
      />
    </Flex>
  );
}
