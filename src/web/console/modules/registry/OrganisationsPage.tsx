import { useState } from 'react';
import { Alert, Button, Checkbox, Col, Descriptions, Drawer, Flex, Form, Input, InputNumber, Modal, Row, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, OrgNodeSelect, plainOptions, text, useCodes } from './common.js';
import type { Organisation, OrganisationDetail, Paged } from './types.js';

const PATH = '/api/v1/organisations';
const O = (id: string) => `${PATH}/${encodeURIComponent(id)}`;

interface OrgValues {
  name: string;
  kind: string;
  creditCode?: string;
  orgNodeId: string;
  address?: string;
  legalRepresentative?: string;
  contactName?: string;
  contactPhone?: string;
  employees?: number | null;
  note?: string;
}
const FIELDS = ['name', 'kind', 'creditCode', 'orgNodeId', 'address', 'legalRepresentative', 'contactName', 'contactPhone', 'employees', 'note'] as const;

function OrganisationForm({ initial, onClose, onSaved }: { initial?: Organisation; onClose: () => void; onSaved: (o: Organisation) => void }) {
  const { t } = useI18n();
  const codes = useCodes();
  const [form] = Form.useForm<OrgValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: OrgValues) => {
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const x = v[f];
      const value = typeof x === 'string' ? x.trim() || null : (x ?? null);
      // The contact phone is shown masked: leave it out unless typed anew.
      if (f === 'contactPhone' && initial && value === null) continue;
      body[f] = value;
    }
    try {
      onSaved(initial ? await api.patch<Organisation>(O(initial.id), body) : await api.post<Organisation>(PATH, body));
    } catch (e) {
      setError(applyServerErrors(form, e, FIELDS));
    } finally {
      setBusy(false);
    }
  };
  const init: Partial<OrgValues> = initial
    ? {
        name: initial.name,
        kind: initial.kind,
        creditCode: initial.creditCode ?? undefined,
        orgNodeId: initial.orgNodeId,
        address: initial.address ?? undefined,
        legalRepresentative: initial.legalRepresentative ?? undefined,
        contactName: initial.contactName ?? undefined,
        employees: initial.employees,
        note: initial.note ?? undefined,
      }
    : {};
  const required = (label: string) => [{ required: true, message: t('common.required', { field: label }) }];
  return (
    <Modal open width={760} title={initial ? initial.name : t('reg.orgs.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('reg.save')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form<OrgValues> form={form} layout="vertical" initialValues={init} onFinish={(v) => void submit(v)}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="name" label={t('reg.orgs.name')} rules={required(t('reg.orgs.name'))}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="kind" label={t('reg.orgs.kind')} rules={required(t('reg.orgs.kind'))}>
              <Select options={plainOptions(codes.data?.organisationKinds)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="creditCode" label={t('reg.orgs.creditCode')}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="orgNodeId" label={t('reg.orgs.place')} rules={required(t('reg.orgs.place'))}>
              <OrgNodeSelect deepest="dwelling" selectable={['grid', 'building', 'dwelling']} placeholder={t('reg.placePlaceholder')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="address" label={t('reg.orgs.address')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="legalRepresentative" label={t('reg.orgs.legal')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="contactName" label={t('reg.orgs.contact')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="contactPhone" label={t('reg.orgs.contactPhone')}>
              <Input maxLength={20} placeholder={initial?.contactPhone ? `${initial.contactPhone}（${t('reg.person.keepHint')}）` : undefined} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="employees" label={t('reg.orgs.employees')}>
              <InputNumber min={0} max={1000000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="note" label={t('reg.note')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function OrganisationDrawer({ id, onClose, onEdit, onChanged }: { id: string; onClose: () => void; onEdit: (o: Organisation) => void; onChanged: () => void }) {
  const { t } = useI18n();
  const [purpose, setPurpose] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const o = useApi((signal) => api.get<OrganisationDetail>(O(id), { purpose }, signal), [id, purpose]);
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = async () => {
    setError(null);
    try {
      await api.delete(O(id), { reason: reason.trim() || undefined });
      setClosing(false);
      onChanged();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const x = o.data;
  return (
    <Drawer
      open
      size={680}
      onClose={onClose}
      destroyOnHidden
      title={x?.name ?? t('reg.orgs.title')}
      extra={
        x?.abilities.write &&
        x.active && (
          <Space>
            <Button onClick={() => onEdit(x)}>{t('reg.edit')}</Button>
            <Button danger onClick={() => setClosing(true)}>
              {t('reg.orgs.close')}
            </Button>
          </Space>
        )
      }
    >
      {o.error ? (
        <Alert type="error" showIcon title={o.error.message} />
      ) : !x ? (
        <Spin />
      ) : (
        <Flex vertical gap={12}>
          {!x.active && <Alert type="warning" showIcon title={`${t('reg.orgs.closed')} ${formatDateTime(x.endedAt)}`} />}
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              { key: 'kind', label: t('reg.orgs.kind'), children: x.kind },
              { key: 'credit', label: t('reg.orgs.creditCode'), children: text(x.creditCode) },
              { key: 'place', label: t('reg.orgs.place'), children: x.place },
              { key: 'address', label: t('reg.orgs.address'), children: text(x.address) },
              { key: 'legal', label: t('reg.orgs.legal'), children: text(x.legalRepresentative) },
              { key: 'contact', label: t('reg.orgs.contact'), children: text(x.contactName) },
              { key: 'phone', label: t('reg.orgs.contactPhone'), children: text(x.contactPhone) },
              { key: 'employees', label: t('reg.orgs.employees'), children: text(x.employees) },
              { key: 'note', label: t('reg.note'), children: text(x.note) },
            ]}
          />
          {x.abilities.unmask && !x.unmasked && x.contactPhone && (
            <Space.Compact style={{ maxWidth: 520 }}>
              <Input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={`${t('reg.purpose')}：${t('reg.purposeHint')}`} maxLength={200} aria-label={t('reg.purpose')} />
              <Button disabled={draft.trim().length < 2} onClick={() => setPurpose(draft.trim())}>
                {t('reg.person.unmask')}
              </Button>
            </Space.Compact>
          )}
          {x.unmasked && <Tag color="orange">{t('reg.person.unmasked')}</Tag>}
        </Flex>
      )}
      {closing && x && (
        <Modal open title={t('reg.orgs.closeTitle', { name: x.name })} onCancel={() => setClosing(false)} onOk={() => void close()} okButtonProps={{ danger: true }} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnHidden>
          <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reg.reason')} rows={2} maxLength={200} />
          {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
        </Modal>
      )}
    </Drawer>
  );
}

export default function OrganisationsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('reg.menu.organisations') }]);
  const session = useSession();
  const canWrite = hasRole(session.status === 'ready' ? session.me : null, 'community_staff', 'grid_worker');
  const codes = useCodes();
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [q, setQ] = useState('');
  const [includeEnded, setIncludeEnded] = useState(false);
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Organisation | 'new' | null>(null);
  const [saves, setSaves] = useState(0);
  const list = useApi(
    (signal) => api.get<Paged<Organisation>>(PATH, { orgNodeId, kind, q: q || undefined, includeEnded: includeEnded ? 'true' : undefined, page, pageSize: 20 }, signal),
    [orgNodeId, kind, q, includeEnded, page],
  );
  if (list.missing) return <NotEnabled path={PATH} />;
  const columns: ColumnsType<Organisation> = [
    {
      title: t('reg.orgs.name'),
      dataIndex: 'name',
      render: (v: string, o) => (
        <Space>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpenId(o.id)}>
            {v}
          </Button>
          {!o.active && <Tag>{t('reg.orgs.closed')}</Tag>}
        </Space>
      ),
    },
    { title: t('reg.orgs.kind'), dataIndex: 'kind', width: 110 },
    { title: t('reg.orgs.creditCode'), dataIndex: 'creditCode', render: text },
    { title: t('reg.orgs.place'), dataIndex: 'place' },
    { title: t('reg.orgs.contact'), dataIndex: 'contactName', render: text },
    { title: t('reg.orgs.contactPhone'), dataIndex: 'contactPhone', render: text },
    { title: t('reg.orgs.employees'), dataIndex: 'employees', width: 90, render: text },
  ];
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reg.orgs.title')}
      </Typography.Title>
      <Flex gap={12} wrap align="center">
        <OrgNodeSelect
          value={orgNodeId}
          onChange={(v) => {
            setOrgNodeId(v);
            setPage(1);
          }}
          deepest="building"
          placeholder={t('reg.placePlaceholder')}
          style={{ width: 240 }}
        />
        <Select
          allowClear
          placeholder={t('reg.orgs.kind')}
          aria-label={t('reg.orgs.kind')}
          options={plainOptions(codes.data?.organisationKinds)}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          style={{ width: 140 }}
        />
        <Input.Search
          allowClear
          placeholder={t('reg.orgs.search')}
          aria-label={t('reg.orgs.search')}
          style={{ width: 240 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
        />
        <Checkbox checked={includeEnded} onChange={(e) => setIncludeEnded(e.target.checked)}>
          {t('reg.orgs.includeEnded')}
        </Checkbox>
        {canWrite && (
          <Button type="primary" ghost onClick={() => setEditing('new')}>
            {t('reg.orgs.new')}
          </Button>
        )}
      </Flex>
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<Organisation>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          data-testid="organisation-table"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {openId && <OrganisationDrawer key={`${openId}-${saves}`} id={openId} onClose={() => setOpenId(null)} onEdit={(o) => setEditing(o)} onChanged={list.reload} />}
      {editing && (
        <OrganisationForm
          initial={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(o) => {
            setEditing(null);
            list.reload();
            // Show what was saved (a new drawer key fetches it again).
            setSaves((n) => n + 1);
            setOpenId(o.id);
          }}
        />
      )}
    </Flex>
  );
}
