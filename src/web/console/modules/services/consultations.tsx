import { useState } from 'react';
import { Alert, Button, Drawer, Flex, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import type { Consultation, ConsultationDetail, ConsultationPage, Professional, ProfessionalList } from '../../../shared/services-more.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import './more.messages.js';

const BASE = '/api/v1/consultations';

function StatusTag({ c }: { c: Consultation }) {
  const color = c.status === 'submitted' ? 'orange' : c.status === 'assigned' ? 'blue' : c.status === 'answered' ? 'green' : 'default';
  return (
    <Tag color={color} data-testid="consultation-status" data-status={c.status}>
      {c.statusLabel}
    </Tag>
  );
}

function AssignModal({ c, onClose, onDone }: { c: Consultation; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const pros = useApi((signal) => api.get<ProfessionalList>(`${BASE}/professionals`, { kind: c.kind }, signal), [c.kind]);
  const [userId, setUserId] = useState<string | undefined>(c.professional?.userId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!userId) return setError(t('svb.c.pickProfessional'));
    setBusy(true);
    setError(null);
    try {
      await api.post(`${BASE}/${c.id}/assign`, { professionalUserId: userId });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('svb.c.assignTitle', { code: c.code })} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okText={t('common.submit')} cancelText={t('common.cancel')} destroyOnHidden>
      <Select
        style={{ width: '100%' }}
        value={userId}
        onChange={setUserId}
        loading={pros.loading}
        placeholder={t('svb.c.pickProfessional')}
        aria-label={t('svb.c.pickProfessional')}
        options={(pros.data?.items ?? []).map((p) => ({ value: p.userId, label: `${p.name} · ${p.title} · ${p.organisation}（${p.orgNodeName ?? ''}）` }))}
        data-testid="consultation-professional"
      />
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} />}
    </Modal>
  );
}

function AnswerDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<ConsultationDetail>(`${BASE}/${id}`, undefined, signal), [id]);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = detail.data;
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${BASE}/${id}/messages`, { body: body.trim() });
      setBody('');
      detail.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Drawer open width={560} onClose={onClose} title={c ? `${c.code} · ${c.kindLabel}` : t('common.loading')} destroyOnHidden>
      {detail.error && <Alert type="error" showIcon title={detail.error.message} />}
      {c && (
        <Flex vertical gap={12} data-testid="consultation-detail">
          <Typography.Title level={5} style={{ margin: 0 }}>
            {c.subject}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('svb.c.asker')}：{c.askerName ?? '—'} · <StatusTag c={c} />
          </Typography.Text>
          {c.messages.map((m) => (
            <div key={m.seq} style={{ padding: 10, borderRadius: 8, background: m.role === 'asker' ? '#f5f7fa' : '#e8f0fd' }} data-testid="consultation-message">
              <Typography.Text strong>{m.authorName}</Typography.Text> <Typography.Text type="secondary">{formatDateTime(m.createdAt)}</Typography.Text>
              <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
            </div>
          ))}
          {c.canReply && (
            <>
              <Input.TextArea rows={4} value={body} onChange={(e) => setBody(e.target.value)} maxLength={4000} aria-label={t('svb.c.answer')} data-testid="consultation-answer" />
              <Button type="primary" loading={busy} disabled={!body.trim()} onClick={() => void send()} data-testid="consultation-answer-send">
                {t('svb.c.send')}
              </Button>
            </>
          )}
          {error && <Alert type="error" showIcon title={error} />}
        </Flex>
      )}
    </Drawer>
  );
}

function ProfessionalsTab({ canManage }: { canManage: boolean }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<ProfessionalList>(`${BASE}/professionals`, { includeInactive: canManage ? 1 : undefined }, signal), [canManage]);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const toggle = async (p: Professional) => {
    try {
      await api.patch(`${BASE}/professionals/${p.id}`, { active: !p.active });
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const add = async (v: Record<string, string>) => {
    setError(null);
    try {
      await api.post(`${BASE}/professionals`, v);
      setAdding(false);
      form.resetFields();
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const columns: ColumnsType<Professional> = [
    { title: t('common.name'), dataIndex: 'name' },
    { title: t('svb.c.kind'), dataIndex: 'kindLabel' },
    { title: t('svb.c.p.title'), dataIndex: 'title' },
    { title: t('svb.c.p.org'), dataIndex: 'organisation' },
    { title: t('svb.c.p.area'), dataIndex: 'orgNodeName' },
    {
      title: t('svb.a.status'),
      key: 'active',
      render: (_, p) => (
        <Space>
          {p.active ? <Tag color="green">{t('svb.active')}</Tag> : <Tag>{t('svb.inactive')}</Tag>}
          {canManage && (
            <Button size="small" onClick={() => void toggle(p)}>
              {p.active ? t('svb.inactive') : t('svb.active')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      {canManage && (
        <div>
          <Button onClick={() => setAdding((x) => !x)}>{t('svb.c.p.new')}</Button>
        </div>
      )}
      {adding && (
        <Form form={form} layout="inline" onFinish={(v) => void add(v as Record<string, string>)} style={{ rowGap: 8 }}>
          <Form.Item name="userId" rules={[{ required: true, message: t('svb.required') }]} tooltip={t('svb.c.p.userHelp')}>
            <Input placeholder={t('svb.c.p.user')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="kind" rules={[{ required: true, message: t('svb.required') }]}>
            <Select placeholder={t('svb.c.kind')} style={{ width: 150 }} options={['legal', 'medical'].map((k) => ({ value: k, label: t(`svb.c.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="title" rules={[{ required: true, min: 2, message: t('svb.required') }]}>
            <Input placeholder={t('svb.c.p.title')} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="organisation" rules={[{ required: true, min: 2, message: t('svb.required') }]}>
            <Input placeholder={t('svb.c.p.org')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="orgNodeId" rules={[{ required: true, message: t('svb.required') }]}>
            <OrgNodeSelect deepest="community" selectable={['community', 'street']} placeholder={t('svb.c.p.area')} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('common.submit')}
          </Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} closable={{ onClose: () => setError(null) }} />}
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} />}
    </Flex>
  );
}

/** 咨询管理: the assigning queue (no content), my assigned questions (answer), the professionals. */
export default function ConsultationsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.consultations') }]);
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const canAssign = hasRole(me, 'community_staff');
  const [tab, setTab] = useState(canAssign ? 'queue' : 'mine');
  const [status, setStatus] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const [assigning, setAssigning] = useState<Consultation | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi(
    (signal) => (tab === 'professionals' ? Promise.resolve(undefined) : api.get<ConsultationPage>(BASE, { assigned: tab === 'queue' ? 'any' : 'me', status, pageSize: 200 }, signal)),
    [tab, status, tick],
  );
  if (list.missing) return <NotEnabled path={BASE} />;
  const columns: ColumnsType<Consultation> = [
    { title: t('svb.c.code'), dataIndex: 'code', width: 170 },
    { title: t('svb.c.kind'), dataIndex: 'kindLabel', width: 130 },
    ...(tab === 'mine' ? [{ title: t('svb.c.subject'), dataIndex: 'subject', render: (v: string | null) => v ?? '—' }] : []),
    { title: t('svb.c.status'), key: 'status', width: 100, render: (_: unknown, c: Consultation) => <StatusTag c={c} /> },
    { title: t('svb.c.professional'), key: 'pro', width: 180, render: (_: unknown, c: Consultation) => (c.professional ? `${c.professional.name}（${c.professional.title}）` : '—') },
    { title: t('svb.c.created'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    {
      title: t('svb.actions'),
      key: 'actions',
      width: 140,
      render: (_: unknown, c: Consultation) =>
        tab === 'queue' ? (
          c.status !== 'closed' ? (
            <Button size="small" type={c.professional ? 'default' : 'primary'} onClick={() => setAssigning(c)} data-testid="consultation-assign">
              {c.professional ? t('svb.c.reassign') : t('svb.c.assign')}
            </Button>
          ) : null
        ) : (
          <Button size="small" type="primary" onClick={() => setOpen(c.id)} data-testid="consultation-open">
            {t('svb.c.open')}
          </Button>
        ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Alert type="info" showIcon title={t('svb.c.privacy')} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          ...(canAssign ? [{ key: 'queue', label: t('svb.c.queue') }] : []),
          { key: 'mine', label: t('svb.c.mine') },
          { key: 'professionals', label: t('svb.c.professionals') },
        ]}
      />
      {tab === 'professionals' ? (
        <ProfessionalsTab canManage={canAssign} />
      ) : (
        <>
          <Space>
            <Select
              allowClear
              style={{ width: 140 }}
              value={status}
              onChange={setStatus}
              placeholder={t('svb.c.status')}
              aria-label={t('svb.c.status')}
              options={['submitted', 'assigned', 'answered', 'closed'].map((s) => ({ value: s, label: t(`svb.c.st.${s}`) }))}
            />
            <Button onClick={() => setTick((n) => n + 1)}>{t('svb.refresh')}</Button>
          </Space>
          {list.error ? (
            <Alert type="error" showIcon title={list.error.message} />
          ) : (
            <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} data-testid="consultations-table" />
          )}
        </>
      )}
      {assigning && (
        <AssignModal
          c={assigning}
          onClose={() => setAssigning(null)}
          onDone={() => {
            setAssigning(null);
            setTick((n) => n + 1);
          }}
        />
      )}
      {open && <AnswerDrawer id={open} onClose={() => setOpen(null)} onChanged={() => setTick((n) => n + 1)} />}
    </Flex>
  );
}
