import { useState } from 'react';
import { Alert, Button, Checkbox, Form, Input, InputNumber, List, Modal, Select, Space, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

/** Shapes of src/modules/community/disclosures.routes.ts. */
interface Finding {
  where: 'title' | 'body' | 'attachment';
  attachmentName?: string;
  row?: number;
  column?: string;
  kind: 'id_number' | 'mobile' | 'bank_card';
  masked: string;
}
interface Scan {
  findings: Finding[];
  unscanned: string[];
  truncated: boolean;
}
interface Item {
  id: string;
  category: 'affairs' | 'finance' | 'party';
  categoryName: string;
  title: string;
  body: string;
  amountFen: number | null;
  period: string | null;
  status: 'draft' | 'published' | 'withdrawn';
  publishedAt: string | null;
  attachments: { id: string; name: string }[];
  findings?: Scan | null;
  version?: number;
}
interface Schedule {
  id: string;
  title: string;
  category: string;
  frequency: 'monthly' | 'quarterly' | 'yearly';
  dueDays: number;
  next: { period: string; dueAt: string };
  late: { period: string; dueAt: string }[];
}
interface OrgNode {
  id: string;
  name: string;
}

const PATH = '/api/v1/disclosures';

function FindingList({ scan }: { scan: Scan }) {
  const { t } = useI18n();
  return (
    <Alert
      type="error"
      showIcon
      title={t('dc.findings', { n: scan.findings.length })}
      description={
        <List
          size="small"
          dataSource={scan.findings}
          renderItem={(f) => (
            <List.Item data-testid="finding">
              {f.where === 'attachment' ? `${f.attachmentName} ${t('dc.cell', { row: f.row ?? '', column: f.column ?? '' })}` : t(`dc.where.${f.where}`)} · {t(`dc.kind.${f.kind}`)} · {f.masked}
            </List.Item>
          )}
        />
      }
    />
  );
}

function Editor({ onDone, schedules }: { onDone: () => void; schedules: Schedule[] }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const roots = useApi((signal) => api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { pageSize: 50 }, signal), []);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [draft, setDraft] = useState<Item | null>(null);
  const [scan, setScan] = useState<Scan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);

  const save = async () => {
    setError(null);
    const v = await form.validateFields();
    const body = {
      category: v.category,
      title: v.title,
      body: v.body,
      amountFen: v.amountYuan === undefined || v.amountYuan === null ? null : Math.round(v.amountYuan * 100),
      scheduleId: v.scheduleId ?? null,
      period: v.period ?? null,
      attachmentIds: files.map((f) => (f.response as { id: string } | undefined)?.id).filter((x): x is string => !!x),
    };
    try {
      const saved = draft ? await api.patch<Item>(`${PATH}/${draft.id}`, { ...body, expectedVersion: draft.version }) : await api.post<Item>(PATH, { orgNodeId: v.orgNodeId, ...body });
      setDraft(saved);
      return saved;
    } catch (e) {
      setError(errorMessage(e));
      return null;
    }
  };
  const publish = async () => {
    const saved = await save();
    if (!saved) return;
    setScan(null);
    try {
      await api.post(`${PATH}/${saved.id}/publish`, { expectedVersion: saved.version, confirmUnscanned: confirm });
      form.resetFields();
      setFiles([]);
      setDraft(null);
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.details && typeof e.details === 'object' && 'findings' in (e.details as object)) setScan(e.details as Scan);
      setError(errorMessage(e));
    }
  };
  const maskText = async () => {
    if (!draft) return;
    try {
      const masked = await api.post<Item>(`${PATH}/${draft.id}/mask-text`, { expectedVersion: draft.version });
      setDraft(masked);
      form.setFieldsValue({ title: masked.title, body: masked.body });
      setScan(null);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Form form={form} layout="vertical" initialValues={{ category: 'affairs' }} style={{ maxWidth: 760 }}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="disclosure-error" />}
      {scan && scan.findings.length > 0 && <FindingList scan={scan} />}
      <Form.Item name="orgNodeId" label={t('dc.node')} rules={[{ required: true }]} initialValue={roots.data?.items[0]?.id}>
        <Select options={(roots.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }))} disabled={!!draft} />
      </Form.Item>
      <Form.Item name="category" label={t('dc.category')}>
        <Select options={(['affairs', 'finance', 'party'] as const).map((c) => ({ value: c, label: t(`dc.cat.${c}`) }))} />
      </Form.Item>
      <Form.Item name="title" label={t('dc.title')} rules={[{ required: true, min: 2, max: 100 }]}>
        <Input data-testid="disclosure-title" />
      </Form.Item>
      <Form.Item name="body" label={t('dc.body')} rules={[{ required: true }]}>
        <Input.TextArea rows={6} data-testid="disclosure-body" />
      </Form.Item>
      <Space wrap>
        <Form.Item name="amountYuan" label={t('dc.amount')}>
          <InputNumber step={0.01} style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="scheduleId" label={t('dc.schedule')}>
          <Select allowClear style={{ width: 220 }} options={schedules.map((s) => ({ value: s.id, label: s.title }))} />
        </Form.Item>
        <Form.Item name="period" label={t('dc.period')}>
          <Input style={{ width: 120 }} placeholder="2026-Q3" />
        </Form.Item>
      </Space>
      <Form.Item label={t('dc.attachments')}>
        <Upload
          fileList={files}
          onChange={({ fileList }) => setFiles(fileList)}
          customRequest={({ file, onSuccess, onError }) => {
            const form = new FormData();
            form.append('file', file as Blob);
            api
              .upload<{ id: string }>('/api/v1/files', form, { purpose: 'community.disclosure' })
              .then((r) => onSuccess?.(r))
              .catch((e: Error) => onError?.(e));
          }}
        >
          <Button>{t('dc.upload')}</Button>
        </Upload>
      </Form.Item>
      <Checkbox checked={confirm} onChange={(e) => setConfirm(e.target.checked)}>
        {t('dc.confirmUnscanned')}
      </Checkbox>
      <Space style={{ marginTop: 12, display: 'flex' }}>
        <Button onClick={() => void save()}>{t('dc.save')}</Button>
        {draft && scan && scan.findings.some((f) => f.where !== 'attachment') && <Button onClick={() => void maskText()}>{t('dc.maskText')}</Button>}
        <Button type="primary" onClick={() => void publish()} data-testid="disclosure-publish">
          {t('dc.publish')}
        </Button>
      </Space>
    </Form>
  );
}

export default function DisclosuresPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('dc.menu') }]);
  const list = useApi((signal) => api.get<{ items: Item[]; total: number }>(PATH, { pageSize: 50 }, signal), []);
  const cal = useApi((signal) => api.get<{ items: Schedule[] }>(`${PATH}/calendar`, undefined, signal), []);
  const [tab, setTab] = useState('list');
  if (list.missing) return <NotEnabled path={PATH} />;
  const late = (cal.data?.items ?? []).flatMap((s) => s.late.map((l) => ({ ...l, title: s.title })));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('dc.menu')}
      </Typography.Title>
      {late.length > 0 && <Alert type="warning" showIcon title={t('dc.late', { items: late.map((l) => `${l.title}（${l.period}）`).join('、') })} data-testid="disclosure-late" />}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'list',
            label: t('dc.tab.list'),
            children: (
              <Table
                rowKey="id"
                loading={list.loading}
                dataSource={list.data?.items ?? []}
                columns={[
                  { title: t('dc.title'), dataIndex: 'title' },
                  { title: t('dc.category'), dataIndex: 'categoryName', width: 110 },
                  { title: t('dc.period'), dataIndex: 'period', width: 100 },
                  { title: t('dc.status'), width: 200, render: (_, i: Item) => <Space><Tag color={i.status === 'published' ? 'green' : 'default'}>{t(`dc.status.${i.status}`)}</Tag>{formatDateTime(i.publishedAt)}</Space> },
                ]}
              />
            ),
          },
          { key: 'new', label: t('dc.tab.new'), children: <Editor schedules={cal.data?.items ?? []} onDone={() => { list.reload(); cal.reload(); setTab('list'); Modal.success({ title: t('dc.published') }); }} /> },
          {
            key: 'calendar',
            label: t('dc.tab.calendar'),
            children: (
              <Table
                rowKey="id"
                dataSource={cal.data?.items ?? []}
                pagination={false}
                columns={[
                  { title: t('dc.schedule'), dataIndex: 'title' },
                  { title: t('dc.frequency'), render: (_, s: Schedule) => t(`dc.freq.${s.frequency}`) },
                  { title: t('dc.next'), render: (_, s: Schedule) => `${s.next.period} · ${formatDateTime(s.next.dueAt)}` },
                  { title: t('dc.lateCol'), render: (_, s: Schedule) => (s.late.length ? s.late.map((l) => <Tag key={l.period} color="red">{l.period}</Tag>) : '—') },
                ]}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}
