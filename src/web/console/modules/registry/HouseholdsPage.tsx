import { useState } from 'react';
import { Alert, Button, Drawer, Flex, Form, Input, Modal, Popconfirm, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateShort } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, codeOptions, OrgNodeSelect, PersonPicker, text, useCodes, valueText } from './common.js';
import type { Household, HouseholdListItem, HouseholdMember, Paged } from './types.js';

const PATH = '/api/v1/households';
const H = (id: string) => `${PATH}/${encodeURIComponent(id)}`;

function NewHouseholdModal({ onClose, onCreated }: { onClose: () => void; onCreated: (h: Household) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ number: string; dwellingId?: string; orgNodeId?: string; headPersonId?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { number: string; dwellingId?: string; orgNodeId?: string; headPersonId?: string }) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<Household>(PATH, { number: v.number.trim(), dwellingId: v.dwellingId ?? null, orgNodeId: v.dwellingId ? null : (v.orgNodeId ?? null), headPersonId: v.headPersonId ?? null }));
    } catch (e) {
      setError(applyServerErrors(form, e, ['number', 'dwellingId', 'orgNodeId', 'headPersonId']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('reg.households.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('reg.save')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="number" label={t('reg.households.number')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('reg.households.number') }) }]}>
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="dwellingId" label={t('reg.link.dwelling')}>
          <OrgNodeSelect deepest="dwelling" selectable={['dwelling']} placeholder={t('reg.dwellingPlaceholder')} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="orgNodeId" label={t('reg.person.community')}>
          <OrgNodeSelect selectable={['community', 'grid']} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="headPersonId" label={t('reg.households.head')}>
          <PersonPicker />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function HouseholdDrawer({ id, canWrite, onClose, onChanged }: { id: string; canWrite: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const h = useApi((signal) => api.get<Household>(H(id), undefined, signal), [id, version]);
  const codes = useCodes();
  const [error, setError] = useState<string | null>(null);
  const [addForm] = Form.useForm<{ personId: string; relationToHead: string }>();
  const [newHead, setNewHead] = useState<HouseholdMember | null>(null);
  const [former, setFormer] = useState<string | undefined>(undefined);
  const [headReason, setHeadReason] = useState('');
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      setVersion((v) => v + 1);
      onChanged();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };
  const relations = codeOptions(codes.data?.relationToHead);
  const columns: ColumnsType<HouseholdMember> = [
    { title: t('person.name'), dataIndex: 'name', render: (v: string, m) => (m.isHead ? <Space>{v}<Tag color="blue">{t('person.head')}</Tag></Space> : v) },
    { title: t('person.relationToHead'), dataIndex: 'relationToHeadName', render: text },
    { title: t('person.gender'), dataIndex: 'gender', width: 60, render: valueText },
    { title: t('person.birthDate'), dataIndex: 'birthDate', render: (v: string | null) => formatDateShort(v) || '—' },
    { title: t('person.age'), dataIndex: 'age', width: 60, render: text },
    { title: t('person.idNumber'), dataIndex: 'idNumber', render: text },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, m: HouseholdMember) =>
              m.isHead ? null : (
                <Space>
                  <Button size="small" type="link" onClick={() => setNewHead(m)}>
                    {t('reg.households.makeHead')}
                  </Button>
                  <Popconfirm title={t('reg.households.removeConfirm', { name: m.name })} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => void act(() => api.delete(`${H(id)}/members/${encodeURIComponent(m.id)}`))}>
                    <Button size="small" type="link" danger>
                      {t('reg.households.removeMember')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]
      : []),
  ];
  return (
    <Drawer open size={820} onClose={onClose} destroyOnHidden title={h.data ? t('reg.households.detail', { number: h.data.number }) : t('reg.households.title')}>
      {h.error ? (
        <Alert type="error" showIcon title={h.error.message} />
      ) : !h.data ? (
        <Spin />
      ) : (
        <Flex vertical gap={12}>
          <Typography.Text>
            {t('person.address')}：{h.data.address}
          </Typography.Text>
          <Table<HouseholdMember> rowKey="id" size="small" pagination={false} columns={columns} dataSource={h.data.members} data-testid="household-members" />
          {canWrite && (
            <Form
              form={addForm}
              layout="inline"
              style={{ rowGap: 8 }}
              onFinish={(v) => void act(() => api.post(`${H(id)}/members`, v)).then((ok) => ok && addForm.resetFields())}
            >
              <Form.Item name="personId" rules={[{ required: true, message: t('common.required', { field: t('person.name') }) }]} style={{ width: 300 }}>
                <PersonPicker />
              </Form.Item>
              <Form.Item name="relationToHead" rules={[{ required: true, message: t('common.required', { field: t('person.relationToHead') }) }]}>
                <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('person.relationToHead')} options={relations} style={{ width: 160 }} />
              </Form.Item>
              <Button htmlType="submit">{t('reg.households.addMember')}</Button>
            </Form>
          )}
          {error && <Alert type="error" showIcon title={error} />}
        </Flex>
      )}
      {newHead && (
        <Modal
          open
          title={t('reg.households.changeHeadTitle', { name: newHead.name })}
          onCancel={() => setNewHead(null)}
          onOk={() =>
            void act(() => api.post(`${H(id)}/head`, { personId: newHead.id, formerHeadRelation: former ?? null, reason: headReason.trim() || undefined })).then((ok) => {
              if (ok) setNewHead(null);
            })
          }
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          destroyOnHidden
        >
          <Flex vertical gap={8}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('reg.households.formerHeadRelation')} options={relations} value={former} onChange={setFormer} />
            <Input placeholder={t('reg.reasonOptional')} value={headReason} onChange={(e) => setHeadReason(e.target.value)} maxLength={200} />
          </Flex>
        </Modal>
      )}
    </Drawer>
  );
}

export default function HouseholdsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('reg.menu.households') }]);
  const session = useSession();
  const canWrite = hasRole(session.status === 'ready' ? session.me : null, 'community_staff', 'grid_worker');
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [number, setNumber] = useState('');
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useApi((signal) => api.get<Paged<HouseholdListItem>>(PATH, { orgNodeId, number: number || undefined, page, pageSize: 20 }, signal), [orgNodeId, number, page]);
  if (list.missing) return <NotEnabled path={PATH} />;
  const columns: ColumnsType<HouseholdListItem> = [
    {
      title: t('reg.households.number'),
      dataIndex: 'number',
      render: (v: string, h) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpenId(h.id)}>
          {v}
        </Button>
      ),
    },
    { title: t('reg.households.head'), dataIndex: 'headName', render: text },
    { title: t('person.address'), dataIndex: 'address' },
    { title: t('reg.households.members'), dataIndex: 'memberCount', width: 90 },
  ];
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reg.households.title')}
      </Typography.Title>
      <Flex gap={12} wrap>
        <OrgNodeSelect
          value={orgNodeId}
          onChange={(v) => {
            setOrgNodeId(v);
            setPage(1);
          }}
          style={{ width: 260 }}
        />
        <Input.Search
          allowClear
          placeholder={t('reg.households.number')}
          aria-label={t('reg.households.number')}
          style={{ width: 220 }}
          onSearch={(v) => {
            setNumber(v.trim());
            setPage(1);
          }}
        />
        {canWrite && (
          <Button type="primary" ghost onClick={() => setCreating(true)}>
            {t('reg.households.new')}
          </Button>
        )}
      </Flex>
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<HouseholdListItem>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          data-testid="household-table"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {openId && <HouseholdDrawer id={openId} canWrite={canWrite} onClose={() => setOpenId(null)} onChanged={list.reload} />}
      {creating && (
        <NewHouseholdModal
          onClose={() => setCreating(false)}
          onCreated={(h) => {
            setCreating(false);
            list.reload();
            setOpenId(h.id);
          }}
        />
      )}
    </Flex>
  );
}
