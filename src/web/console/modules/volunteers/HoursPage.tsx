import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Checkbox, DatePicker, Drawer, Form, Input, Select, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { PagedTable } from './common.js';
import { hoursOf, type Certificate, type RecordDetail, type ServiceRecord, type Volunteer } from './types.js';

/** 更正: new times and a reason; the server reverses the journal and posts anew (shown below). */
function CorrectDrawer({ id, onClose }: { id: string; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<RecordDetail>(`/api/v1/volunteer-hours/${id}`, undefined, signal), [id]);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const r = detail.data;
  const submit = async (v: { times: [Dayjs, Dayjs]; reason: string }) => {
    if (!r) return;
    setError(null);
    try {
      await api.post(`/api/v1/volunteer-hours/${id}/correct`, { checkInAt: v.times[0].toISOString(), checkOutAt: v.times[1].toISOString(), reason: v.reason, expectedVersion: r.version });
      setChanged(true);
      detail.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={640} title={t('cvo.correct.title')} onClose={() => onClose(changed)} destroyOnHidden>
      {(error || detail.error) && <Alert type="error" showIcon title={error ?? detail.error!.message} style={{ marginBottom: 12 }} />}
      {r && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text strong>{`${r.volunteerName}（${r.volunteerNumber}）· ${r.opportunityTitle}`}</Typography.Text>
          <Typography.Text>{`${formatDateTime(r.checkInAt)} – ${r.checkOutAt ? formatDateTime(r.checkOutAt) : '…'} · ${r.creditedMinutes} min`}</Typography.Text>
          <Alert type="info" showIcon title={t('cvo.correct.hint')} />
          <Form key={r.version} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ times: [dayjs(r.checkInAt), dayjs(r.checkOutAt ?? r.checkInAt)] }}>
            <Form.Item name="times" label={`${t('cvo.correct.in')} – ${t('cvo.correct.out')}`} rules={[{ required: true }]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
            </Form.Item>
            <Form.Item name="reason" label={t('cvo.correct.reason')} rules={[{ required: true, min: 4 }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('cvo.records.correct')}
            </Button>
          </Form>
          {r.history.length > 0 && (
            <>
              <Typography.Title level={5}>{t('cvo.correct.history')}</Typography.Title>
              <Timeline items={r.history.map((h) => ({ children: `${formatDateTime(h.at)} ${h.correctedByName}：${h.oldMinutes} → ${h.newMinutes} min（${h.reason}）` }))} />
            </>
          )}
          <Typography.Title level={5}>{t('cvo.correct.journals')}</Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={r.journals}
            columns={[
              { title: 'at', width: 150, render: (_, j: RecordDetail['journals'][number]) => formatDateTime(j.at) },
              { title: 'memo', render: (_, j: RecordDetail['journals'][number]) => <>{j.reversesId && <Tag color="red">{t('cvo.correct.reversal')}</Tag>}{j.memo}</> },
              { title: 'entries', render: (_, j: RecordDetail['journals'][number]) => j.entries.map((e) => <div key={e.accountCode}>{`${e.accountCode} ${e.amount > 0 ? '+' : ''}${e.amount}`}</div>) },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

function Records() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [page, setPage] = useState(1);
  const [correcting, setCorrecting] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: ServiceRecord[]; total: number }>('/api/v1/volunteer-hours', { open: open ? '1' : undefined, page, pageSize: 20 }, signal), [open, page]);
  if (list.missing) return <NotEnabled path="/api/v1/volunteer-hours" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Checkbox checked={open} onChange={(e) => { setOpen(e.target.checked); setPage(1); }}>
        {t('cvo.records.open')}
      </Checkbox>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={[
          { title: t('cvo.name'), render: (_, r: ServiceRecord) => `${r.volunteerName}（${r.volunteerNumber}）` },
          { title: t('cvo.records.opportunity'), dataIndex: 'opportunityTitle' },
          { title: t('cvo.records.in'), width: 190, render: (_, r: ServiceRecord) => `${formatDateTime(r.checkInAt)}（${t(`cvo.records.method.${r.checkInMethod}`)}）` },
          { title: t('cvo.records.out'), width: 190, render: (_, r: ServiceRecord) => (r.checkOutAt ? `${formatDateTime(r.checkOutAt)}（${t(`cvo.records.method.${r.checkOutMethod ?? 'leader'}`)}）` : '—') },
          { title: t('cvo.records.minutes'), width: 120, render: (_, r: ServiceRecord) => <>{r.creditedMinutes}{r.corrections > 0 && <Tag style={{ marginLeft: 6 }}>{t('cvo.records.corrections', { n: r.corrections })}</Tag>}</> },
          { title: '', width: 80, render: (_, r: ServiceRecord) => <a onClick={() => setCorrecting(r.id)}>{t('cvo.records.correct')}</a> },
        ]}
      />
      {correcting && (
        <CorrectDrawer
          id={correcting}
          onClose={(changed) => {
            setCorrecting(null);
            if (changed) list.reload();
          }}
        />
      )}
    </Space>
  );
}

function Certificates() {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Certificate[] }>('/api/v1/volunteer-certificates', { pageSize: 50 }, signal), []);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const search = (q: string) => {
    if (!q.trim()) return;
    api
      .get<{ items: Volunteer[] }>('/api/v1/volunteers', { q: q.trim(), pageSize: 10 })
      .then((p) => setOptions(p.items.map((v) => ({ value: v.id, label: `${v.name} · ${v.number} · ${hoursOf(v.minutes)} h` }))))
      .catch(() => setOptions([]));
  };
  const issue = async (v: { volunteerId: string; period?: [Dayjs, Dayjs]; issuingOrg: string; responsiblePerson: string }) => {
    setError(null);
    try {
      const c = await api.post<Certificate>('/api/v1/volunteer-certificates', { volunteerId: v.volunteerId, issuingOrg: v.issuingOrg, responsiblePerson: v.responsiblePerson, ...(v.period ? { from: v.period[0].format('YYYY-MM-DD'), to: v.period[1].format('YYYY-MM-DD') } : {}) });
      list.reload();
      window.open(c.printPath, '_blank', 'noopener');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5}>{t('cvo.certs.issue')}</Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Form form={form} layout="inline" onFinish={(v) => void issue(v)} initialValues={{ issuingOrg: '', responsiblePerson: '' }}>
        <Form.Item name="volunteerId" rules={[{ required: true }]}>
          <Select options={options} showSearch={{ filterOption: false, onSearch: search }} placeholder={t('cvo.certs.volunteer')} style={{ width: 260 }} notFoundContent={null} />
        </Form.Item>
        <Form.Item name="period">
          <DatePicker.RangePicker placeholder={[t('cvo.certs.period'), '']} />
        </Form.Item>
        <Form.Item name="issuingOrg" rules={[{ required: true, min: 2 }]}>
          <Input placeholder={t('cvo.certs.org')} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="responsiblePerson" rules={[{ required: true, min: 2 }]}>
          <Input placeholder={t('cvo.certs.responsible')} style={{ width: 120 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('cvo.certs.issue')}
        </Button>
      </Form>
      <Table
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('cvo.certs.number'), dataIndex: 'number', width: 140 },
          { title: t('cvo.name'), render: (_, c: Certificate) => `${c.name}（${c.volunteerNumber}）` },
          { title: t('cvo.id'), render: (_, c: Certificate) => `${c.idType} ${c.idMasked ?? ''}` },
          { title: t('cvo.certs.total'), width: 100, render: (_, c: Certificate) => hoursOf(c.totalMinutes) },
          { title: t('cvo.certs.org'), dataIndex: 'issuingOrg' },
          { title: t('cvo.certs.handler'), dataIndex: 'handlerName', width: 140 },
          { title: t('cvo.certs.issuedOn'), dataIndex: 'issuedOn', width: 120 },
          { title: '', width: 70, render: (_, c: Certificate) => <a href={c.printPath} target="_blank" rel="noopener">{t('cvo.certs.print')}</a> },
        ]}
      />
    </Space>
  );
}

/** 服务时长与证明: service records of the area with corrections (reversing journals), and certificates. */
export default function HoursPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('cvo.menu.hours') }]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('cvo.menu.hours')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'records', label: t('cvo.records'), children: <Records /> },
          { key: 'certificates', label: t('cvo.certs'), children: <Certificates /> },
        ]}
      />
    </Space>
  );
}
