import { useState } from 'react';
import { Alert, Button, Checkbox, Descriptions, Drawer, Flex, Form, Input, Modal, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateLong, formatDateShort, formatDateTime } from '../../../shared/dates.js';
import { hasMessage, useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { OrgNodeSelect, TagList, text, useTagDefinitions, valueText } from './common.js';
import { PersonFormModal } from './PersonForm.js';
import type { DwellingLink, Household, PersonChange, PersonDetail, PersonTag, PersonTags } from './types.js';

const P = (id: string) => `/api/v1/people/${encodeURIComponent(id)}`;

export function fieldLabel(t: (k: string) => string, field: string): string {
  if (hasMessage(`person.${field}`)) return t(`person.${field}`);
  if (hasMessage(`reg.history.field.${field}`)) return t(`reg.history.field.${field}`);
  return field;
}

/** Asks why, then shows the full numbers (audited; the resident sees it in their access log). */
function UnmaskModal({ initial, onClose, onUnmask }: { initial: string; onClose: () => void; onUnmask: (purpose: string) => Promise<void> }) {
  const { t } = useI18n();
  const [purpose, setPurpose] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (purpose.trim().length < 2) return setError(t('reg.purposeRequired'));
    setBusy(true);
    setError(null);
    try {
      await onUnmask(purpose.trim());
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('reg.person.unmaskTitle')} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnHidden>
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{t('reg.person.unmaskHint')}</Typography.Text>
        <Input value={purpose} onChange={(e) => setPurpose(e.target.value)} onPressEnter={() => void submit()} placeholder={t('reg.purposeHint')} aria-label={t('reg.purpose')} maxLength={200} data-testid="unmask-purpose" />
        {error && <Alert type="error" showIcon title={error} />}
      </Flex>
    </Modal>
  );
}

function EndModal({ person, onClose, onDone }: { person: PersonDetail; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ kind: string; date: string; reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { kind: string; date: string; reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${P(person.id)}/end`, v);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('reg.person.endTitle')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('common.confirm')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('reg.person.endHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ kind: 'moved_out', date: formatDateShort(new Date()) }}>
        <Form.Item name="kind" label={t('reg.person.endKind')} rules={[{ required: true }]}>
          <Select options={['moved_out', 'deceased', 'transferred'].map((k) => ({ value: k, label: t(`reg.endKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="date" label={t('reg.person.endDate')} rules={[{ required: true, message: t('common.required', { field: t('reg.person.endDate') }) }]}>
          <Input placeholder={t('reg.person.datePlaceholder')} />
        </Form.Item>
        <Form.Item name="reason" label={t('reg.reason')} rules={[{ required: true, min: 2, message: t('common.required', { field: t('reg.reason') }) }]}>
          <Input.TextArea maxLength={200} rows={2} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function TagsTab({ person, purpose, canWrite }: { person: PersonDetail; purpose: string; canWrite: boolean }) {
  const { t } = useI18n();
  const [history, setHistory] = useState(true);
  const tags = useApi((signal) => api.get<PersonTags>(`${P(person.id)}/tags`, { history: history ? '1' : undefined, purpose: purpose || undefined }, signal), [person.id, history, purpose]);
  const defs = useTagDefinitions();
  const [form] = Form.useForm<{ tag: string; validFrom?: string; validTo?: string; note?: string; departmentCode?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ending, setEnding] = useState<PersonTag | null>(null);
  const [endReason, setEndReason] = useState('');

  const abilities = tags.data?.abilities;
  const mayGive = canWrite || (abilities?.departments.length ?? 0) > 0;
  const asDepartment = !!abilities && !abilities.typed && abilities.departments.length > 0;

  const give = async (v: { tag: string; validFrom?: string; validTo?: string; note?: string; departmentCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${P(person.id)}/tags`, {
        tag: v.tag,
        validFrom: v.validFrom?.trim() || undefined,
        validTo: v.validTo?.trim() || undefined,
        note: v.note?.trim() || undefined,
        source: asDepartment ? 'department' : 'typed',
        departmentCode: asDepartment ? (v.departmentCode ?? abilities!.departments[0]) : undefined,
      });
      form.resetFields();
      tags.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const end = async () => {
    if (!ending) return;
    setError(null);
    try {
      await api.post(`${P(person.id)}/tags/${encodeURIComponent(ending.id)}/end`, { reason: endReason.trim() });
      setEnding(null);
      setEndReason('');
      tags.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const columns: ColumnsType<PersonTag> = [
    { title: t('reg.tag.tag'), dataIndex: 'tag', render: (v: string, r) => <Tag color={r.activeToday ? 'geekblue' : undefined}>{v}</Tag> },
    { title: t('reg.tag.source'), dataIndex: 'source', render: (v: string, r) => `${t(`reg.tag.source.${v}`)}${r.departmentName ? `（${r.departmentName}）` : ''}` },
    { title: t('reg.tag.validity'), key: 'validity', render: (_: unknown, r) => `${formatDateShort(r.validFrom) || '…'} ~ ${formatDateShort(r.validTo) || '…'}` },
    {
      title: t('reg.tag.state'),
      key: 'state',
      render: (_: unknown, r) =>
        r.endedAt ? (
          <span>
            {t('reg.tag.endedOn')} {formatDateShort(r.endedAt)}
            {r.endReason ? `：${r.endReason}` : ''}
          </span>
        ) : r.activeToday ? (
          <Tag color="green">{t('reg.tag.active')}</Tag>
        ) : (
          <Tag>{t('reg.tag.inactive')}</Tag>
        ),
    },
    { title: t('reg.tag.createdBy'), key: 'by', render: (_: unknown, r) => `${r.createdBy?.name ?? '—'} ${formatDateShort(r.createdAt)}` },
    { title: t('reg.note'), dataIndex: 'note', render: text },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_: unknown, r) =>
        !r.endedAt && r.source !== 'derived' && (abilities?.typed ? r.source !== 'department' : r.source === 'department' && abilities?.departments.includes(r.departmentCode ?? '')) ? (
          <Button size="small" type="link" danger onClick={() => setEnding(r)}>
            {t('reg.tag.end')}
          </Button>
        ) : null,
    },
  ];

  const giveable = (defs.data?.items ?? []).filter((d) => !d.derived).map((d) => ({ value: d.code, label: `${d.code}（${d.category}）` }));

  return (
    <Flex vertical gap={12}>
      <Checkbox checked={history} onChange={(e) => setHistory(e.target.checked)}>
        {t('reg.tag.showHistory')}
      </Checkbox>
      {tags.error ? <Alert type="error" showIcon title={tags.error.message} /> : <Table<PersonTag> rowKey="id" size="small" loading={tags.loading} columns={columns} dataSource={tags.data?.items ?? []} pagination={false} data-testid="person-tags" />}
      {mayGive && abilities && (
        <Form form={form} layout="inline" onFinish={(v) => void give(v)} style={{ rowGap: 8 }}>
          <Form.Item name="tag" rules={[{ required: true, message: t('common.required', { field: t('reg.tag.tag') }) }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('reg.tag.tag')} options={giveable} style={{ width: 180 }} aria-label={t('reg.tag.tag')} />
          </Form.Item>
          {asDepartment && abilities.departments.length > 1 && (
            <Form.Item name="departmentCode">
              <Select placeholder={t('reg.tag.department')} options={abilities.departments.map((d) => ({ value: d, label: d }))} style={{ width: 120 }} />
            </Form.Item>
          )}
          <Form.Item name="validFrom">
            <Input placeholder={t('reg.tag.validFrom')} style={{ width: 120 }} aria-label={t('reg.tag.validFrom')} />
          </Form.Item>
          <Form.Item name="validTo">
            <Input placeholder={t('reg.tag.validTo')} style={{ width: 120 }} aria-label={t('reg.tag.validTo')} />
          </Form.Item>
          <Form.Item name="note">
            <Input placeholder={t('reg.note')} style={{ width: 160 }} maxLength={200} aria-label={t('reg.note')} />
          </Form.Item>
          <Button htmlType="submit" loading={busy}>
            {t('reg.tag.give')}
          </Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} />}
      {ending && (
        <Modal open title={t('reg.tag.endTitle', { tag: ending.tag })} onCancel={() => setEnding(null)} onOk={() => void end()} okButtonProps={{ disabled: endReason.trim().length < 2, danger: true }} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnHidden>
          <Input.TextArea value={endReason} onChange={(e) => setEndReason(e.target.value)} placeholder={t('reg.reason')} maxLength={200} rows={2} aria-label={t('reg.reason')} />
        </Modal>
      )}
    </Flex>
  );
}

function HistoryTab({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const changes = useApi((signal) => api.get<{ items: PersonChange[]; total: number }>(`${P(personId)}/history`, { page, pageSize: 20 }, signal), [personId, page]);
  const columns: ColumnsType<PersonChange> = [
    { title: t('reg.time'), dataIndex: 'at', width: 140, render: (v: string) => formatDateTime(v) },
    { title: t('reg.history.field'), dataIndex: 'field', render: (v: string) => fieldLabel(t, v) },
    { title: t('reg.history.old'), dataIndex: 'oldValue', render: (v: string | null, r) => (r.field === 'status' && v ? t(`person.status.${v}`) : text(v)) },
    { title: t('reg.history.new'), dataIndex: 'newValue', render: (v: string | null, r) => (r.field === 'status' && v ? t(`person.status.${v}`) : text(v)) },
    { title: t('reg.reason'), dataIndex: 'reason', render: text },
    { title: t('reg.history.source'), dataIndex: 'source', width: 80, render: (v: string) => t(`reg.history.source.${v}`) },
    { title: t('reg.history.by'), dataIndex: 'actorName', render: text },
  ];
  if (changes.error) return <Alert type="error" showIcon title={changes.error.message} />;
  return (
    <Table<PersonChange>
      rowKey="id"
      size="small"
      loading={changes.loading}
      columns={columns}
      dataSource={changes.data?.items ?? []}
      data-testid="person-history"
      pagination={{ current: page, pageSize: 20, total: changes.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
    />
  );
}

function DwellingsTab({ personId, canWrite }: { personId: string; canWrite: boolean }) {
  const { t } = useI18n();
  const links = useApi((signal) => api.get<{ items: DwellingLink[] }>(`${P(personId)}/dwellings`, undefined, signal), [personId]);
  const [form] = Form.useForm<{ dwellingId: string; relation: string; fromDate?: string }>();
  const [error, setError] = useState<string | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      links.reload();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };
  const columns: ColumnsType<DwellingLink> = [
    // The link names the dwelling node; its place in the tree is shown by the picker when editing.
    { title: t('reg.link.dwelling'), dataIndex: 'dwellingId', render: (v: string) => <DwellingName id={v} /> },
    { title: t('reg.link.relation'), dataIndex: 'relation', render: (v: string) => t(`reg.link.relation.${v}`) },
    { title: t('reg.link.from'), dataIndex: 'fromDate', render: (v: string | null) => formatDateShort(v) || '—' },
    { title: t('reg.link.to'), dataIndex: 'toDate', render: (v: string | null) => formatDateShort(v) || '—' },
    { title: t('reg.tag.state'), dataIndex: 'active', render: (v: boolean) => (v ? <Tag color="green">{t('reg.link.active')}</Tag> : <Tag>{t('reg.link.ended')}</Tag>) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, l) =>
        canWrite && l.active ? (
          <Button size="small" type="link" danger onClick={() => void act(() => api.delete(`${P(personId)}/dwellings/${encodeURIComponent(l.id)}`))}>
            {t('reg.link.end')}
          </Button>
        ) : null,
    },
  ];
  return (
    <Flex vertical gap={12}>
      {links.error ? <Alert type="error" showIcon title={links.error.message} /> : <Table<DwellingLink> rowKey="id" size="small" loading={links.loading} columns={columns} dataSource={links.data?.items ?? []} pagination={false} />}
      {canWrite && (
        <Form
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(v) =>
            void act(() => api.post(`${P(personId)}/dwellings`, { dwellingId: v.dwellingId, relation: v.relation, fromDate: v.fromDate?.trim() || undefined })).then((ok) => ok && form.resetFields())
          }
        >
          <Form.Item name="dwellingId" rules={[{ required: true, message: t('common.required', { field: t('reg.link.dwelling') }) }]}>
            <OrgNodeSelect deepest="dwelling" selectable={['dwelling']} placeholder={t('reg.dwellingPlaceholder')} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="relation" rules={[{ required: true, message: t('common.required', { field: t('reg.link.relation') }) }]}>
            <Select placeholder={t('reg.link.relation')} style={{ width: 110 }} options={['owner', 'tenant', 'resident'].map((r) => ({ value: r, label: t(`reg.link.relation.${r}`) }))} />
          </Form.Item>
          <Form.Item name="fromDate">
            <Input placeholder={t('reg.link.from')} style={{ width: 130 }} />
          </Form.Item>
          <Button htmlType="submit">{t('reg.link.add')}</Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} />}
    </Flex>
  );
}

/** A dwelling node's name after its building and unit: 1幢1单元101室. */
function DwellingName({ id }: { id: string }) {
  const node = useApi((signal) => api.get<{ name: string; ancestors: { name: string; kind: string }[] }>(`/api/v1/org/nodes/${encodeURIComponent(id)}`, undefined, signal), [id]);
  if (!node.data) return <>{node.error ? id : '…'}</>;
  const parts = [...node.data.ancestors.filter((a) => a.kind === 'building' || a.kind === 'unit').map((a) => a.name), node.data.name];
  return <>{parts.join('')}</>;
}

function HouseholdTab({ householdId }: { householdId: string }) {
  const { t } = useI18n();
  const h = useApi((signal) => api.get<Household>(`/api/v1/households/${encodeURIComponent(householdId)}`, undefined, signal), [householdId]);
  if (h.error) return <Alert type="error" showIcon title={h.error.message} />;
  if (!h.data) return <Spin />;
  return (
    <Flex vertical gap={8}>
      <Typography.Text>
        {t('reg.households.detail', { number: h.data.number })} · {h.data.address}
      </Typography.Text>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={h.data.members}
        columns={[
          { title: t('person.name'), dataIndex: 'name' },
          { title: t('person.relationToHead'), dataIndex: 'relationToHeadName', render: (v: string | null, m) => (m.isHead ? t('person.head') : text(v)) },
          { title: t('person.gender'), dataIndex: 'gender', render: valueText },
          { title: t('person.age'), dataIndex: 'age', render: text },
          { title: t('person.idNumber'), dataIndex: 'idNumber', render: text },
        ]}
      />
    </Flex>
  );
}

/** One person: the masked record, unmask with a purpose, tags with history, changes, dwellings, household, edit and end. */
export function PersonDrawer({ personId, purpose, canWrite, onClose, onChanged }: { personId: string; purpose: string; canWrite: boolean; onClose: () => void; onChanged?: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const detail = useApi((signal) => api.get<PersonDetail>(P(personId), { purpose: purpose || undefined }, signal), [personId, purpose, version]);
  const [unmasked, setUnmasked] = useState<PersonDetail | null>(null);
  const [dialog, setDialog] = useState<'unmask' | 'edit' | 'end' | null>(null);
  const d = unmasked ?? detail.data;
  // Department officers get mandate fields only; the rest of the record (and its sub-resources) is not theirs.
  const full = d?.residenceType !== undefined;
  const changed = () => {
    setUnmasked(null);
    setVersion((v) => v + 1);
    onChanged?.();
  };

  const unmask = async (p: string) => {
    const res = await api.get<PersonDetail>(P(personId), { purpose: p, unmask: 'true' });
    setUnmasked(res);
    setDialog(null);
  };

  const info = d && (
    <Flex vertical gap={12}>
      {d.status && d.status !== 'active' && <Alert type="warning" showIcon title={t(`person.status.${d.status}`)} />}
      <Descriptions
        size="small"
        bordered
        column={2}
        data-testid="person-detail"
        items={[
          { key: 'name', label: t('person.name'), children: text(d.name) },
          { key: 'gender', label: t('person.gender'), children: valueText(d.gender) },
          { key: 'birthDate', label: t('person.birthDate'), children: formatDateLong(d.birthDate) || '—' },
          { key: 'age', label: t('person.age'), children: text(d.age) },
          { key: 'idType', label: t('person.idType'), children: text(d.idType) },
          { key: 'idNumber', label: t('person.idNumber'), children: <span data-testid="person-id-number">{text(d.idNumber)}</span> },
          { key: 'phone', label: t('person.phone'), children: text(d.phone) },
          { key: 'address', label: t('person.address'), children: text(d.address) },
          ...(full
            ? [
                { key: 'ethnicity', label: t('person.ethnicity'), children: text(d.ethnicity) },
                { key: 'residenceType', label: t('person.residenceType'), children: valueText(d.residenceType) },
                {
                  key: 'household',
                  label: t('person.household'),
                  children: d.household ? `${d.household.number}${d.household.isHead ? t('reg.person.isHead') : ''}` : t('reg.person.noHousehold'),
                },
                { key: 'use', label: t('reg.person.dwellingUse'), children: d.dwelling ? `${valueText(d.dwelling.use)}${d.dwelling.areaM2 ? ` · ${d.dwelling.areaM2}㎡` : ''}` : '—' },
              ]
            : []),
          { key: 'tags', label: t('person.tags'), span: 2, children: <TagList tags={d.tags} /> },
        ]}
      />
    </Flex>
  );

  return (
    <Drawer
      open
      size={880}
      onClose={onClose}
      destroyOnHidden
      title={d ? `${t('reg.person.title')} · ${d.name ?? ''}` : t('reg.person.title')}
      data-testid="person-drawer"
      extra={
        d && (
          <Space wrap>
            {d.abilities.unmask && !d.unmasked && (
              <Button onClick={() => setDialog('unmask')} data-testid="person-unmask">
                {t('reg.person.unmask')}
              </Button>
            )}
            {d.unmasked && <Tag color="orange">{t('reg.person.unmasked')}</Tag>}
            {canWrite && full && d.status === 'active' && (
              <>
                <Button onClick={() => setDialog('edit')} data-testid="person-edit">
                  {t('reg.edit')}
                </Button>
                <Button danger onClick={() => setDialog('end')} data-testid="person-end">
                  {t('reg.person.end')}
                </Button>
              </>
            )}
          </Space>
        )
      }
    >
      {detail.error ? (
        <Alert type="error" showIcon title={detail.error.message} />
      ) : !d ? (
        <Spin />
      ) : (
        <Tabs
          items={[
            { key: 'info', label: t('reg.person.tabInfo'), children: info },
            { key: 'tags', label: t('reg.person.tabTags'), children: <TagsTab person={d} purpose={purpose} canWrite={canWrite} /> },
            ...(full
              ? [
                  { key: 'household', label: t('reg.person.tabHousehold'), children: d.household ? <HouseholdTab householdId={d.household.id} /> : <Typography.Text type="secondary">{t('reg.person.noHousehold')}</Typography.Text> },
                  { key: 'dwellings', label: t('reg.person.tabDwellings'), children: <DwellingsTab personId={d.id} canWrite={canWrite} /> },
                  { key: 'history', label: t('reg.person.tabHistory'), children: <HistoryTab personId={d.id} key={version} /> },
                ]
              : []),
          ]}
        />
      )}
      {dialog === 'unmask' && <UnmaskModal initial={purpose} onClose={() => setDialog(null)} onUnmask={unmask} />}
      {dialog === 'end' && d && (
        <EndModal
          person={d}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            changed();
          }}
        />
      )}
      {dialog === 'edit' && d && (
        <PersonFormModal
          initial={d}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            changed();
          }}
        />
      )}
    </Drawer>
  );
}
