import { useState } from 'react';
import { Alert, Button, Drawer, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ORGS_API, type Org } from './types.js';
import './engagement.messages.js';

const STUDY_API = '/api/v1/party/study/materials';

/** Shapes of src/modules/party/study.schema.ts. */
interface Material {
  id: string;
  orgName: string;
  kind: 'article' | 'link';
  title: string;
  body: string;
  url: string | null;
  source: string | null;
  dueOn: string | null;
  status: 'published' | 'withdrawn';
  withdrawReason: string | null;
  assignedCount: number;
  readCount: number;
  createdByName: string;
  createdAt: string;
  version: number;
  canManage: boolean;
}
interface Detail extends Material {
  records: { memberId: string; name: string; branchName: string; openedAt: string | null; readAt: string | null; seconds: number; overdue: boolean }[];
}

/** /console/party/study: materials of my area or of what I lead, publishing one, and who has (not) read each. */
export default function StudyAdminPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('pty.menu') }, { title: t('cpe.menu.study') }]);
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const [orgId, setOrgId] = useState<string | undefined>();
  const [status, setStatus] = useState<'published' | 'withdrawn' | 'all'>('published');
  const [publishing, setPublishing] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Material[]; total: number }>(STUDY_API, { orgId, status, pageSize: 100 }, signal), [orgId, status]);
  if (list.missing) return <NotEnabled path={STUDY_API} />;
  const runnable = (orgs.data?.items ?? []).filter((o) => o.abilities.run && o.kind !== 'group');
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="party-study-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('cpe.menu.study')}
      </Typography.Title>
      <Space wrap>
        <Select allowClear placeholder={t('cpe.org')} style={{ width: 220 }} value={orgId} onChange={setOrgId} options={(orgs.data?.items ?? []).filter((o) => o.kind !== 'group').map((o) => ({ value: o.id, label: o.name }))} />
        <Select
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: 'published', label: t('cps.status.published') },
            { value: 'withdrawn', label: t('cps.status.withdrawn') },
            { value: 'all', label: t('cpe.all') },
          ]}
        />
        {runnable.length > 0 && (
          <Button type="primary" onClick={() => setPublishing(true)} data-testid="study-publish">
            {t('cps.publish')}
          </Button>
        )}
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('cps.none') }}
        data-testid="study-materials"
        columns={[
          { title: t('cps.title'), dataIndex: 'title' },
          { title: t('cpe.org'), dataIndex: 'orgName', width: 140 },
          { title: t('cps.kind'), width: 80, render: (_, m: Material) => t(`cps.kind.${m.kind}`) },
          { title: t('cps.dueOn'), dataIndex: 'dueOn', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('cps.read'), width: 100, render: (_, m: Material) => `${m.readCount} / ${m.assignedCount}` },
          { title: '', width: 160, render: (_, m: Material) => <Space><Tag color={m.status === 'published' ? 'green' : 'default'}>{t(`cps.status.${m.status}`)}</Tag><Button size="small" onClick={() => setOpen(m.id)}>{t('cpe.open')}</Button></Space> },
        ]}
      />
      {publishing && (
        <PublishModal
          orgs={runnable}
          onClose={(done) => {
            setPublishing(false);
            if (done) list.reload();
          }}
        />
      )}
      {open && <RecordsDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </Space>
  );
}

function PublishModal({ orgs, onClose }: { orgs: Org[]; onClose: (done: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const kind = (Form.useWatch('kind', form) as 'article' | 'link' | undefined) ?? 'article';
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    setError(null);
    try {
      await api.post(STUDY_API, {
        orgId: v.orgId,
        kind: v.kind,
        title: v.title,
        body: (v.body as string | undefined) ?? '',
        url: kind === 'link' ? v.url : undefined,
        source: (v.source as string | undefined) || undefined,
        suggestedMinutes: (v.suggestedMinutes as number | null) ?? undefined,
        dueOn: (v.dueOn as string | undefined) || undefined,
      });
      onClose(true);
    } catch (e) {
      form.setFields(Object.entries(fieldErrors(e)).map(([name, errors]) => ({ name, errors: [errors] })));
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open width={680} title={t('cps.publish')} onCancel={() => onClose(false)} onOk={() => void save()} okText={t('cpe.save')} cancelText={t('cpe.cancel')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ orgId: orgs.find((o) => o.kind === 'committee')?.id ?? orgs[0]?.id, kind: 'article' }}>
        <Space wrap>
          <Form.Item name="orgId" label={t('cpe.org')} rules={[{ required: true }]} extra={t('cps.assignAll')}>
            <Select style={{ width: 240 }} options={orgs.map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
          <Form.Item name="kind" label={t('cps.kind')} rules={[{ required: true }]}>
            <Select
              style={{ width: 120 }}
              options={[
                { value: 'article', label: t('cps.kind.article') },
                { value: 'link', label: t('cps.kind.link') },
              ]}
            />
          </Form.Item>
        </Space>
        <Form.Item name="title" label={t('cps.title')} rules={[{ required: true, min: 4 }]}>
          <Input maxLength={80} />
        </Form.Item>
        {kind === 'link' && (
          <Form.Item name="url" label={t('cps.url')} rules={[{ required: true }]}>
            <Input maxLength={500} placeholder="https://" />
          </Form.Item>
        )}
        <Form.Item name="body" label={t('cps.body')} rules={kind === 'article' ? [{ required: true, min: 20 }] : []}>
          <Input.TextArea rows={kind === 'article' ? 10 : 3} maxLength={20000} showCount />
        </Form.Item>
        <Space wrap>
          <Form.Item name="source" label={t('cps.source')}>
            <Input maxLength={40} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="suggestedMinutes" label={t('cps.minutes')}>
            <InputNumber min={1} max={240} />
          </Form.Item>
          <Form.Item name="dueOn" label={t('cps.dueOn')}>
            <Input type="date" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function RecordsDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<Detail>(`${STUDY_API}/${id}`, undefined, signal), [id]);
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const d = detail.data;
  const withdraw = async () => {
    if (!d) return;
    setError(null);
    try {
      await api.post(`${STUDY_API}/${id}/withdraw`, { reason, expectedVersion: d.version });
      detail.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={720} title={d?.title ?? t('cps.records')} onClose={onClose}>
      {detail.error && <Alert type="error" showIcon title={detail.error.message} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {d && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {d.orgName} · {d.createdByName} · {formatDateTime(d.createdAt)}
            {d.dueOn ? ` · ${t('cps.dueOn')} ${d.dueOn}` : ''}
          </Typography.Text>
          {d.url && (
            <a href={d.url} target="_blank" rel="noopener noreferrer nofollow">
              {d.url}
            </a>
          )}
          {d.body && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 6, expandable: true }}>{d.body}</Typography.Paragraph>}
          {d.status === 'withdrawn' && <Alert type="info" showIcon title={`${t('cps.status.withdrawn')}：${d.withdrawReason ?? ''}`} />}
          <Space>
            <Typography.Text strong>{t('cps.records')}</Typography.Text>
            <span>
              {d.readCount} / {d.assignedCount}
            </span>
            <Switch checked={onlyUnread} onChange={setOnlyUnread} /> {t('cps.onlyUnread')}
          </Space>
          <Table
            rowKey="memberId"
            size="small"
            pagination={{ pageSize: 50 }}
            dataSource={d.records.filter((r) => !onlyUnread || !r.readAt)}
            data-testid="study-records"
            columns={[
              { title: t('cpe.name'), dataIndex: 'name', width: 110 },
              { title: t('cpe.branch'), dataIndex: 'branchName', width: 130 },
              { title: t('cps.readAt'), render: (_, r) => (r.readAt ? formatDateTime(r.readAt) : <Tag color={r.overdue ? 'red' : 'orange'}>{r.overdue ? t('cpe.overdue') : t('cps.notRead')}</Tag>) },
              { title: t('cps.seconds'), width: 100, render: (_, r) => t('cps.minutesValue', { n: Math.round(r.seconds / 60) }) },
            ]}
          />
          {d.canManage && d.status === 'published' && (
            <Space.Compact style={{ width: '100%' }}>
              <Input placeholder={t('cpe.reason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
              <Button danger onClick={() => void withdraw()}>
                {t('cps.withdraw')}
              </Button>
            </Space.Compact>
          )}
        </Space>
      )}
    </Drawer>
  );
}
