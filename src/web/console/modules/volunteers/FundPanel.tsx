import { useEffect, useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Select, Space, Statistic, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { OrgNodeSelect } from '../registry/common.js';
import { yuan, type ApplicationStatus, type Disbursement, type Donation, type Fund, type FundApplication, type FundApplicationDetail, type PublicFund } from './points.types.js';
import './points.messages.js';

const toFen = (yuanAmount: number) => Math.round(yuanAmount * 100);

/** Reverses an entry with a reason (冲正): the ledger posts the mirror journal. */
function ReverseButton({ path, onDone }: { path: string; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    try {
      await api.post(path, { reason });
      setOpen(false);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <>
      <a onClick={() => setOpen(true)}>{t('cfd.reverse')}</a>
      <Modal open={open} title={t('cfd.reverse.title')} onCancel={() => setOpen(false)} onOk={() => void go()} okButtonProps={{ danger: true, disabled: reason.trim().length < 4 }}>
        <Alert type="warning" showIcon title={t('cfd.reverse.hint')} style={{ marginBottom: 8 }} />
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('cfd.reverse.reason')} maxLength={200} />
      </Modal>
    </>
  );
}

function Overview({ fund }: { fund: Fund }) {
  const { t } = useI18n();
  const books = useApi((signal) => api.get<PublicFund>(`/api/v1/public/funds/${fund.orgNodeId}`, undefined, signal), [fund.id]);
  const b = books.data?.balances ?? fund.balances;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap size="large">
        <Statistic title={t('cfd.balance')} value={yuan(b.balance)} suffix="元" />
        <Statistic title={t('cfd.cash')} value={yuan(b.cash)} suffix="元" />
        <Statistic title={t('cfd.inKind')} value={yuan(b.inKind)} suffix="元" />
        <Statistic title={t('cfd.donations')} value={yuan(b.donations)} suffix="元" />
        <Statistic title={t('cfd.aid')} value={yuan(b.aid)} suffix="元" />
      </Space>
      <Typography.Text>
        {t('cfd.public')} <a href={fund.publicPath} target="_blank" rel="noopener">{fund.publicPath}</a>
      </Typography.Text>
      <Typography.Title level={5}>{t('cfd.months')}</Typography.Title>
      <Table
        rowKey="month"
        size="small"
        pagination={false}
        loading={books.loading}
        dataSource={books.data?.months ?? []}
        columns={[
          { title: t('cfd.month'), dataIndex: 'month', width: 100 },
          { title: t('cfd.opening'), render: (_, m: PublicFund['months'][number]) => yuan(m.openingFen) },
          { title: t('cfd.in'), render: (_, m: PublicFund['months'][number]) => yuan(m.inFen) },
          { title: t('cfd.out'), render: (_, m: PublicFund['months'][number]) => yuan(m.outFen) },
          { title: t('cfd.closing'), render: (_, m: PublicFund['months'][number]) => <strong>{yuan(m.closingFen)}</strong> },
          { title: t('cfd.entries'), dataIndex: 'entries', width: 80 },
        ]}
      />
      <Typography.Title level={5}>{t('cfd.journal')}</Typography.Title>
      <Table
        rowKey="journalId"
        size="small"
        pagination={{ pageSize: 20 }}
        dataSource={books.data?.entries ?? []}
        columns={[
          { title: t('cfd.day'), dataIndex: 'day', width: 110 },
          { title: t('cfd.entry'), render: (_, e: PublicFund['entries'][number]) => <>{e.kind === 'reversal' && <Tag color="red">{t('cfd.reversal')}</Tag>}{e.label}{e.detail && <Typography.Text type="secondary">{` · ${e.detail}`}</Typography.Text>}</> },
          { title: t('cfd.amount'), width: 130, render: (_, e: PublicFund['entries'][number]) => <Typography.Text type={e.amountFen < 0 ? 'danger' : 'success'}>{`${e.amountFen > 0 ? '+' : ''}${yuan(e.amountFen)}`}</Typography.Text> },
          { title: t('cfd.running'), width: 130, render: (_, e: PublicFund['entries'][number]) => yuan(e.balanceFen) },
        ]}
      />
    </Space>
  );
}

function Donations({ fund, canManage, onChanged }: { fund: Fund; canManage: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Donation[] }>(`/api/v1/funds/${fund.id}/donations`, undefined, signal), [fund.id]);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form) as Donation['kind'] | undefined;
  const record = async (v: { kind: Donation['kind']; amount: number; goods?: string; donorType: Donation['donorType']; donorName: string; anonymous?: boolean; receivedOn: Dayjs; note?: string }) => {
    setMessage(null);
    try {
      const d = await api.post<Donation>(`/api/v1/funds/${fund.id}/donations`, { kind: v.kind, amountFen: toFen(v.amount), goods: v.kind === 'in_kind' ? v.goods : null, donorType: v.donorType, donorName: v.donorName, anonymous: !!v.anonymous, receivedOn: v.receivedOn.format('YYYY-MM-DD'), note: v.note || null });
      setMessage({ type: 'success', text: t('cfd.donation.done', { receipt: d.receiptNumber }) });
      form.resetFields(['amount', 'goods', 'donorName', 'anonymous', 'note']);
      list.reload();
      onChanged();
    } catch (e) {
      setMessage({ type: 'error', text: errorMessage(e) });
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {canManage && (
        <Card size="small" title={t('cfd.donation.new')}>
          {message && <Alert type={message.type} showIcon title={message.text} style={{ marginBottom: 8 }} />}
          <Form form={form} layout="inline" onFinish={(v) => void record(v)} initialValues={{ kind: 'cash', donorType: 'person', receivedOn: dayjs() }} data-testid="fund-donation-form">
            <Form.Item name="kind">
              <Radio.Group optionType="button" options={(['cash', 'transfer', 'in_kind'] as const).map((k) => ({ value: k, label: t(`cfd.kind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="amount" rules={[{ required: true }]}>
              <InputNumber min={0.01} precision={2} addonAfter="元" placeholder={kind === 'in_kind' ? t('cfd.donation.value') : t('cfd.amount')} style={{ width: 170 }} />
            </Form.Item>
            {kind === 'in_kind' && (
              <Form.Item name="goods" rules={[{ required: true, min: 2 }]}>
                <Input placeholder={t('cfd.donation.goods')} style={{ width: 220 }} maxLength={200} />
              </Form.Item>
            )}
            <Form.Item name="donorType">
              <Select style={{ width: 100 }} options={[{ value: 'person', label: t('cfd.donor.person') }, { value: 'organisation', label: t('cfd.donor.organisation') }]} />
            </Form.Item>
            <Form.Item name="donorName" rules={[{ required: true, min: 2 }]}>
              <Input placeholder={t('cfd.donor.name')} style={{ width: 200 }} maxLength={60} />
            </Form.Item>
            <Form.Item name="anonymous" valuePropName="checked">
              <Checkbox>{t('cfd.donor.anonymous')}</Checkbox>
            </Form.Item>
            <Form.Item name="receivedOn" rules={[{ required: true }]}>
              <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
            <Form.Item name="note">
              <Input placeholder={t('cfd.note')} style={{ width: 160 }} maxLength={300} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('cfd.donation.record')}
            </Button>
          </Form>
        </Card>
      )}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('cfd.receipt'), dataIndex: 'receiptNumber', width: 130 },
          { title: t('cfd.day'), dataIndex: 'receivedOn', width: 110 },
          { title: t('cfd.donor'), render: (_, d: Donation) => <>{d.donorName}{d.anonymous && <Tag style={{ marginLeft: 6 }}>{t('cfd.donor.anonymous')}</Tag>}</> },
          { title: t('cfd.kind'), width: 200, render: (_, d: Donation) => (d.kind === 'in_kind' ? `${t('cfd.kind.in_kind')}：${d.goods}` : t(`cfd.kind.${d.kind}`)) },
          { title: t('cfd.amount'), width: 120, render: (_, d: Donation) => <Typography.Text delete={d.status === 'reversed'}>{yuan(d.amountFen)}</Typography.Text> },
          { title: t('cfd.recordedBy'), dataIndex: 'recordedByName', width: 110 },
          { title: '', width: 160, render: (_, d: Donation) => (d.status === 'reversed' ? <Tag color="red">{`${t('cfd.reversal')}：${d.reversedReason}`}</Tag> : canManage ? <ReverseButton path={`/api/v1/fund-donations/${d.id}/reverse`} onDone={() => { list.reload(); onChanged(); }} /> : null) },
        ]}
      />
    </Space>
  );
}

function ApplicationDrawer({ id, canManage, canDecide, onClose }: { id: string; canManage: boolean; canDecide: boolean; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<FundApplicationDetail>(`/api/v1/fund-applications/${id}`, undefined, signal), [id]);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const a = detail.data;
  const done = () => {
    setChanged(true);
    detail.reload();
  };
  const decide = async (v: { decision: 'approve' | 'reject'; amount?: number; comment: string }) => {
    if (!a) return;
    setError(null);
    try {
      await api.post(`/api/v1/fund-applications/${id}/decisions`, { decision: v.decision, amountFen: v.decision === 'approve' && v.amount ? toFen(v.amount) : undefined, comment: v.comment, expectedVersion: a.version });
      done();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const disburse = async (v: { amount: number; method: Disbursement['method']; paidOn: Dayjs; note?: string }) => {
    setError(null);
    try {
      await api.post(`/api/v1/fund-applications/${id}/disbursements`, { amountFen: toFen(v.amount), method: v.method, paidOn: v.paidOn.format('YYYY-MM-DD'), note: v.note || null });
      done();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const firstApproval = a?.decisions.find((d) => d.decision === 'approve');
  return (
    <Drawer open width={680} title={a ? `${t('cfd.application')} ${a.number}` : t('cfd.application')} onClose={() => onClose(changed)} destroyOnHidden>
      {(error || detail.error) && <Alert type="error" showIcon title={error ?? detail.error!.message} style={{ marginBottom: 12 }} />}
      {a && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('cfd.applicant')}>{a.applicant.name}{a.onBehalf && <Tag style={{ marginLeft: 6 }}>{t('cfd.onBehalf')}</Tag>}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.category')}>{a.category}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.idMasked')}>{a.applicant.idMasked ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.phone')}>{a.applicant.phoneMasked ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.address')} span={2}>{a.applicant.address ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.asked')}>{yuan(a.amountAskedFen)} 元</Descriptions.Item>
            <Descriptions.Item label={t('cfd.status')}>{t(`cfd.status.${a.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('cfd.approved')}>{yuan(a.approvedFen)} 元</Descriptions.Item>
            <Descriptions.Item label={t('cfd.disbursed')}>{yuan(a.disbursedFen)} 元</Descriptions.Item>
            <Descriptions.Item label={t('cfd.reason')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{a.reason}</Typography.Paragraph>
            </Descriptions.Item>
            <Descriptions.Item label={t('cfd.files')} span={2}>
              {a.attachments.length === 0 ? '—' : a.attachments.map((f) => <div key={f.id}><a href={`/api/v1/files/${f.id}`} target="_blank" rel="noopener">{f.name}</a></div>)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('cfd.decisions')}</Typography.Title>
          {a.decisions.length === 0 ? <Typography.Text type="secondary">{t('cfd.decisions.none')}</Typography.Text> : (
            <Timeline items={a.decisions.map((d) => ({ color: d.decision === 'approve' ? 'green' : 'red', children: `${formatDateTime(d.at)} ${d.decidedByName}：${t(`cfd.decision.${d.decision}`)}${d.amountFen !== null ? ` ${yuan(d.amountFen)} 元` : ''}（${d.comment}）` }))} />
          )}
          {canDecide && (a.status === 'submitted' || a.status === 'approving') && (
            <Card size="small" title={t('cfd.decide')}>
              <Alert type="info" showIcon title={t('cfd.decide.hint')} style={{ marginBottom: 8 }} />
              <Form layout="vertical" onFinish={(v) => void decide(v)} initialValues={{ decision: 'approve', amount: (firstApproval?.amountFen ?? a.amountAskedFen) / 100 }} data-testid="fund-decision-form">
                <Form.Item name="decision">
                  <Radio.Group options={[{ value: 'approve', label: t('cfd.decision.approve') }, { value: 'reject', label: t('cfd.decision.reject') }]} />
                </Form.Item>
                <Form.Item name="amount" label={t('cfd.approveAmount')}>
                  <InputNumber min={0.01} max={a.amountAskedFen / 100} precision={2} addonAfter="元" disabled={!!firstApproval} />
                </Form.Item>
                <Form.Item name="comment" label={t('cfd.comment')} rules={[{ required: true, min: 2 }]}>
                  <Input.TextArea rows={2} maxLength={500} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('cfd.decide.submit')}
                </Button>
              </Form>
            </Card>
          )}
          <Typography.Title level={5}>{t('cfd.disbursements')}</Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={a.disbursements}
            columns={[
              { title: t('cfd.voucher'), dataIndex: 'voucherNumber', width: 120 },
              { title: t('cfd.day'), dataIndex: 'paidOn', width: 110 },
              { title: t('cfd.kind'), width: 80, render: (_, d: Disbursement) => t(`cfd.kind.${d.method}`) },
              { title: t('cfd.amount'), width: 110, render: (_, d: Disbursement) => <Typography.Text delete={d.status === 'reversed'}>{yuan(d.amountFen)}</Typography.Text> },
              { title: t('cfd.note'), render: (_, d: Disbursement) => (d.status === 'reversed' ? <Tag color="red">{`${t('cfd.reversal')}：${d.reversedReason}`}</Tag> : d.note) },
              { title: '', width: 60, render: (_, d: Disbursement) => (canManage && d.status === 'recorded' ? <ReverseButton path={`/api/v1/fund-disbursements/${d.id}/reverse`} onDone={done} /> : null) },
            ]}
          />
          {canManage && a.status === 'approved' && (
            <Card size="small" title={t('cfd.disburse')}>
              <Form layout="inline" onFinish={(v) => void disburse(v)} initialValues={{ amount: (a.approvedFen - a.disbursedFen) / 100, method: 'transfer', paidOn: dayjs() }} data-testid="fund-disburse-form">
                <Form.Item name="amount" rules={[{ required: true }]}>
                  <InputNumber min={0.01} max={(a.approvedFen - a.disbursedFen) / 100} precision={2} addonAfter="元" />
                </Form.Item>
                <Form.Item name="method">
                  <Select style={{ width: 100 }} options={(['cash', 'transfer', 'in_kind'] as const).map((k) => ({ value: k, label: t(`cfd.kind.${k}`) }))} />
                </Form.Item>
                <Form.Item name="paidOn" rules={[{ required: true }]}>
                  <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
                </Form.Item>
                <Form.Item name="note">
                  <Input placeholder={t('cfd.note')} maxLength={300} />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('cfd.disburse.submit')}
                </Button>
              </Form>
            </Card>
          )}
        </Space>
      )}
    </Drawer>
  );
}

function OnBehalf({ fund, onDone }: { fund: Fund; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const search = (q: string) => {
    if (!q.trim()) return;
    api
      .get<{ items: { id: string; name: string; phoneMasked: string | null }[] }>('/api/v1/people', { q: q.trim(), orgNodeId: fund.orgNodeId, pageSize: 10 })
      .then((p) => setOptions(p.items.map((x) => ({ value: x.id, label: `${x.name} ${x.phoneMasked ?? ''}` }))))
      .catch(() => setOptions([]));
  };
  const file = async (v: { personId: string; category: string; reason: string; amount: number }) => {
    setError(null);
    try {
      await api.post(`/api/v1/funds/${fund.id}/applications`, { personId: v.personId, category: v.category, reason: v.reason, amountFen: toFen(v.amount), attachmentIds: [] });
      setOpen(false);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('cfd.onBehalf.new')}</Button>
      <Modal open={open} title={t('cfd.onBehalf.new')} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Form layout="vertical" onFinish={(v) => void file(v)} initialValues={{ category: '临时困难' }}>
          <Form.Item name="personId" label={t('cfd.applicant')} rules={[{ required: true }]}>
            <Select options={options} showSearch={{ filterOption: false, onSearch: search }} notFoundContent={null} placeholder={t('cfd.onBehalf.search')} />
          </Form.Item>
          <Form.Item name="category" label={t('cfd.category')}>
            <Select options={['大病救助', '临时困难', '灾害救助', '助学', '其他'].map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="amount" label={t('cfd.asked')} rules={[{ required: true }]}>
            <InputNumber min={0.01} precision={2} addonAfter="元" />
          </Form.Item>
          <Form.Item name="reason" label={t('cfd.reason')} rules={[{ required: true, min: 10 }]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('cfd.onBehalf.submit')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}

function Applications({ fund, canManage, canDecide, onChanged }: { fund: Fund; canManage: boolean; canDecide: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ApplicationStatus | undefined>(undefined);
  const list = useApi((signal) => api.get<{ items: FundApplication[] }>(`/api/v1/funds/${fund.id}/applications`, { status }, signal), [fund.id, status]);
  const [open, setOpen] = useState<string | null>(null);
  const colour: Record<ApplicationStatus, string | undefined> = { submitted: 'orange', approving: 'gold', approved: 'blue', disbursed: 'green', rejected: 'red', withdrawn: undefined };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('cfd.applications.hint')} />
      <Space>
        <Select style={{ width: 160 }} allowClear value={status} placeholder={t('cfd.status.all')} onChange={setStatus} options={(['submitted', 'approving', 'approved', 'disbursed', 'rejected', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`cfd.status.${s}`) }))} />
        {canManage && <OnBehalf fund={fund} onDone={list.reload} />}
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('cfd.number'), dataIndex: 'number', width: 120 },
          { title: t('cfd.applicant'), dataIndex: 'applicantName', width: 100 },
          { title: t('cfd.category'), dataIndex: 'category', width: 100 },
          { title: t('cfd.asked'), width: 110, render: (_, a: FundApplication) => yuan(a.amountAskedFen) },
          { title: t('cfd.approved'), width: 110, render: (_, a: FundApplication) => (a.approvedFen ? yuan(a.approvedFen) : '—') },
          { title: t('cfd.disbursed'), width: 110, render: (_, a: FundApplication) => (a.disbursedFen ? yuan(a.disbursedFen) : '—') },
          { title: t('cfd.status'), width: 130, render: (_, a: FundApplication) => <Tag color={colour[a.status]}>{t(`cfd.status.${a.status}`)}{a.status === 'approving' ? ` 1/2` : ''}</Tag> },
          { title: t('cfd.submitted'), width: 150, render: (_, a: FundApplication) => formatDateTime(a.createdAt) },
          { title: '', width: 70, render: (_, a: FundApplication) => <a onClick={() => setOpen(a.id)}>{t('cfd.open')}</a> },
        ]}
      />
      {open && (
        <ApplicationDrawer
          id={open}
          canManage={canManage}
          canDecide={canDecide}
          onClose={(changed) => {
            setOpen(null);
            if (changed) {
              list.reload();
              onChanged();
            }
          }}
        />
      )}
    </Space>
  );
}

function CreateFund({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const create = async (v: { orgNodeId: string; name: string; description?: string }) => {
    setError(null);
    try {
      await api.post('/api/v1/funds', { orgNodeId: v.orgNodeId, name: v.name, description: v.description ?? '' });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Card size="small" title={t('cfd.create')} style={{ maxWidth: 560 }}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Form layout="vertical" onFinish={(v) => void create(v)}>
        <Form.Item name="orgNodeId" label={t('cfd.community')} rules={[{ required: true }]}>
          <OrgNodeSelect selectable={['community']} deepest="community" />
        </Form.Item>
        <Form.Item name="name" label={t('cfd.name')} rules={[{ required: true, min: 4 }]}>
          <Input maxLength={40} placeholder="西山社区互助基金" />
        </Form.Item>
        <Form.Item name="description" label={t('cfd.description')}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('cfd.create')}
        </Button>
      </Form>
    </Card>
  );
}

/** 互助基金: overview and monthly statements, donations, applications with decisions and disbursements. */
export default function FundPanel() {
  const { t } = useI18n();
  const { me } = useSession();
  const funds = useApi((signal) => api.get<{ items: Fund[] }>('/api/v1/funds', undefined, signal), []);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const items = funds.data?.items ?? [];
  useEffect(() => {
    if (!selected && items.length) setSelected(items[0]!.id);
  }, [items, selected]);
  if (funds.missing) return <NotEnabled path="/api/v1/funds" />;
  const fund = items.find((f) => f.id === selected);
  const canManage = hasRole(me, 'community_staff', 'dispatcher');
  const canDecide = hasRole(me, 'community_staff', 'party_secretary');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {funds.error && <Alert type="error" showIcon title={funds.error.message} />}
      {items.length > 1 && <Select style={{ width: 260 }} value={selected} onChange={setSelected} options={items.map((f) => ({ value: f.id, label: f.name }))} />}
      {!funds.loading && items.length === 0 && (canManage ? <CreateFund onDone={funds.reload} /> : <Typography.Text type="secondary">{t('cfd.none')}</Typography.Text>)}
      {fund && (
        <Tabs
          type="card"
          destroyOnHidden
          items={[
            { key: 'overview', label: t('cfd.tab.overview'), children: <Overview fund={fund} /> },
            { key: 'donations', label: t('cfd.tab.donations'), children: <Donations fund={fund} canManage={canManage} onChanged={funds.reload} /> },
            { key: 'applications', label: t('cfd.tab.applications'), children: <Applications fund={fund} canManage={canManage} canDecide={canDecide} onChanged={funds.reload} /> },
          ]}
        />
      )}
    </Space>
  );
}
