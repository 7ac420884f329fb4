import { useState } from 'react';
import { useSearch } from 'wouter';
import { Alert, Button, Flex, Form, Input, InputNumber, Modal, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateShort, formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect, plainOptions, PurposeBar, TagList, text, useDownload, useScope, useTagDefinitions, valueText } from './common.js';
import { PersonDrawer } from './PersonDrawer.js';
import { PersonFormModal } from './PersonForm.js';
import type { Paged, PersonListItem, ReadScope, UnplacedPerson } from './types.js';

const PATH = '/api/v1/people';

interface Filters {
  q?: string;
  orgNodeId?: string;
  tag?: string[];
  minAge?: number | null;
  maxAge?: number | null;
  gender?: string;
  residenceType?: string;
  status?: string;
}

type SortField = 'address' | 'name' | 'age' | 'created';

const STATUSES = ['active', 'moved_out', 'deceased', 'transferred', 'all'] as const;

/** The filters as the list and the export take them (tags comma-separated, empty values left out). */
function filterQuery(f: Filters, purpose: string) {
  return {
    q: f.q?.trim() || undefined,
    orgNodeId: f.orgNodeId,
    tag: f.tag?.length ? f.tag.join(',') : undefined,
    minAge: f.minAge ?? undefined,
    maxAge: f.maxAge ?? undefined,
    gender: f.gender,
    residenceType: f.residenceType,
    status: f.status ?? 'active',
    purpose: purpose || undefined,
  };
}

function PeopleList({ scope, purpose, canWrite, onOpen, version }: { scope: ReadScope; purpose: string; canWrite: boolean; onOpen: (id: string) => void; version: number }) {
  const { t } = useI18n();
  const search = useSearch();
  const initialTag = new URLSearchParams(search).get('tag');
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>(() => ({ status: 'active', tag: initialTag ? [initialTag] : undefined }));
  const [sort, setSort] = useState<{ field: SortField; order: 'asc' | 'desc' }>({ field: 'address', order: 'asc' });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const tags = useTagDefinitions();
  const exporter = useDownload();
  const ready = !scope.purposeRequired || !!purpose;

  const people = useApi(
    (signal) =>
      ready ? api.get<Paged<PersonListItem>>(PATH, { ...filterQuery(filters, purpose), sort: sort.field, order: sort.order, page, pageSize }, signal) : Promise.resolve(undefined),
    [filters, sort, page, pageSize, purpose, ready, version],
  );

  const apply = (v: Filters) => {
    setFilters({ ...v, q: v.q?.trim() || undefined });
    setPage(1);
  };
  const reset = () => {
    form.resetFields();
    form.setFieldsValue({ status: 'active', tag: undefined });
    apply({ status: 'active' });
  };

  const sortOrder = (field: SortField) => (sort.field === field ? (sort.order === 'asc' ? 'ascend' : 'descend') : null);
  // A department officer may filter, sort and see only the fields of its mandate; staff see all.
  const can = (field: string) => scope.filterableFields === null || scope.filterableFields.includes(field);
  const staffOnly = scope.filterableFields === null;
  const columns: ColumnsType<PersonListItem> = (
    [
      {
        title: t('person.name'),
        dataIndex: 'name',
        key: 'name',
        sorter: can('name'),
        sortOrder: sortOrder('name'),
        render: (v: string | undefined, p: PersonListItem) => (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(p.id)}>
            {text(v)}
          </Button>
        ),
      },
      can('gender') && { title: t('person.gender'), dataIndex: 'gender', width: 64, render: valueText },
      can('birthDate') && { title: t('person.birthDate'), dataIndex: 'birthDate', width: 110, render: (v: string | null) => formatDateShort(v) || '—' },
      can('birthDate') && { title: t('person.age'), dataIndex: 'age', key: 'age', width: 80, sorter: true, sortOrder: sortOrder('age'), render: text },
      can('idNumber') && { title: t('person.idNumber'), dataIndex: 'idNumber', width: 190, render: text },
      can('phone') && { title: t('person.phone'), dataIndex: 'phone', width: 130, render: text },
      can('address') && { title: t('person.address'), dataIndex: 'address', key: 'address', sorter: true, sortOrder: sortOrder('address'), render: text },
      staffOnly && { title: t('person.residenceType'), dataIndex: 'residenceType', width: 100, render: valueText },
      can('tags') && { title: t('person.tags'), dataIndex: 'tags', render: (v: string[] | undefined) => <TagList tags={v} /> },
      staffOnly && { title: t('person.status'), dataIndex: 'status', width: 80, render: (v: string | undefined) => (v ? t(`person.status.${v}`) : '—') },
    ] as (ColumnsType<PersonListItem>[number] | false)[]
  ).filter((c): c is ColumnsType<PersonListItem>[number] => !!c);

  const mandateTags = new Set(scope.departments.flatMap((d) => d.tags));
  const tagOptions = (tags.data?.items ?? []).filter((d) => staffOnly || mandateTags.has(d.code)).map((d) => ({ value: d.code, label: d.code }));

  return (
    <Flex vertical gap={12}>
      <Form<Filters> form={form} layout="inline" initialValues={filters} onFinish={apply} style={{ rowGap: 8 }}>
        <Form.Item name="q">
          <Input.Search
            allowClear
            placeholder={t('reg.people.keyword')}
            title={t('reg.people.keywordHint')}
            aria-label={t('reg.people.keyword')}
            style={{ width: 340 }}
            onSearch={() => form.submit()}
            data-testid="people-search"
          />
        </Form.Item>
        <Form.Item name="orgNodeId">
          <OrgNodeSelect testId="people-filter-area" />
        </Form.Item>
        {can('tags') && (
          <Form.Item name="tag">
            <Select mode="multiple" allowClear placeholder={t('person.tags')} aria-label={t('person.tags')} options={tagOptions} style={{ minWidth: 180 }} maxTagCount="responsive" data-testid="people-filter-tags" />
          </Form.Item>
        )}
        {can('birthDate') && (
          <Form.Item label={t('reg.people.ageRange')}>
            <Space.Compact>
              <Form.Item name="minAge" noStyle>
                <InputNumber min={0} max={150} placeholder={t('reg.people.minAge')} aria-label={t('reg.people.minAge')} style={{ width: 96 }} />
              </Form.Item>
              <Form.Item name="maxAge" noStyle>
                <InputNumber min={0} max={150} placeholder={t('reg.people.maxAge')} aria-label={t('reg.people.maxAge')} style={{ width: 96 }} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        )}
        {can('gender') && (
          <Form.Item name="gender">
            <Select allowClear placeholder={t('person.gender')} aria-label={t('person.gender')} style={{ width: 90 }} options={plainOptions(['男', '女'])} />
          </Form.Item>
        )}
        {staffOnly && (
          <Form.Item name="residenceType">
            <Select allowClear placeholder={t('person.residenceType')} aria-label={t('person.residenceType')} style={{ width: 120 }} options={plainOptions(['户籍人口', '流动人口', '境外人员'])} />
          </Form.Item>
        )}
        {staffOnly && (
          <Form.Item name="status">
            <Select aria-label={t('person.status')} style={{ width: 110 }} options={STATUSES.map((s) => ({ value: s, label: s === 'all' ? t('reg.all') : t(`person.status.${s}`) }))} />
          </Form.Item>
        )}
        <Space wrap>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button onClick={reset}>{t('common.reset')}</Button>
          <Button
            loading={exporter.busy}
            disabled={!ready}
            onClick={() => void exporter.run(`${PATH}/export.xlsx`, { ...filterQuery(filters, purpose), sort: sort.field, order: sort.order }, 'people.xlsx')}
            data-testid="people-export"
          >
            {t('reg.export')}
          </Button>
          {canWrite && (
            <Button type="primary" ghost onClick={() => setCreating(true)} data-testid="people-new">
              {t('reg.people.new')}
            </Button>
          )}
        </Space>
      </Form>
      {exporter.view}
      <Typography.Text type="secondary">{t('reg.masked')}</Typography.Text>
      {people.error ? (
        <Alert type="error" showIcon title={people.error.message} />
      ) : (
        <Table<PersonListItem>
          rowKey="id"
          size="middle"
          loading={people.loading && ready}
          columns={columns}
          dataSource={people.data?.items ?? []}
          scroll={{ x: 1200 }}
          data-testid="people-table"
          onChange={(_p, _f, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<PersonListItem> | undefined;
            const field = s?.columnKey as SortField | undefined;
            setSort(field && s?.order ? { field, order: s.order === 'descend' ? 'desc' : 'asc' } : { field: 'address', order: 'asc' });
            setPage(1);
          }}
          pagination={{
            current: page,
            pageSize,
            total: people.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(s !== pageSize ? 1 : p);
              setPageSize(s);
            },
          }}
        />
      )}
      {creating && (
        <PersonFormModal
          onClose={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            people.reload();
            onOpen(p.id);
          }}
        />
      )}
    </Flex>
  );
}

function UnplacedList({ canWrite, onOpen, version }: { canWrite: boolean; onOpen: (id: string) => void; version: number }) {
  const { t } = useI18n();
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [placing, setPlacing] = useState<UnplacedPerson | null>(null);
  const list = useApi((signal) => api.get<Paged<UnplacedPerson>>(`${PATH}/unplaced`, { orgNodeId, page, pageSize: 20 }, signal), [orgNodeId, page, version]);
  const columns: ColumnsType<UnplacedPerson> = [
    {
      title: t('person.name'),
      dataIndex: 'name',
      render: (v: string, p) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(p.id)}>
          {v}
        </Button>
      ),
    },
    { title: t('person.gender'), dataIndex: 'gender', width: 64, render: valueText },
    { title: t('person.birthDate'), dataIndex: 'birthDate', width: 110, render: (v: string | null) => formatDateShort(v) || '—' },
    { title: t('person.idNumber'), dataIndex: 'idNumber', render: text },
    { title: t('person.phone'), dataIndex: 'phone', render: text },
    { title: t('reg.people.registeredAt'), dataIndex: 'orgNodeName' },
    { title: t('person.residenceType'), dataIndex: 'residenceType', width: 100, render: valueText },
    { title: t('reg.people.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, p: UnplacedPerson) => (
              <Button size="small" type="link" onClick={() => setPlacing(p)}>
                {t('reg.people.place')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('reg.people.unplacedHint')}</Typography.Text>
      <OrgNodeSelect
        value={orgNodeId}
        onChange={(v) => {
          setOrgNodeId(v);
          setPage(1);
        }}
        style={{ width: 280 }}
      />
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<UnplacedPerson>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          data-testid="unplaced-table"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, showTotal: (total) => t('common.total', { total }), onChange: setPage }}
        />
      )}
      {placing && (
        <PlaceModal
          person={placing}
          onClose={() => setPlacing(null)}
          onDone={() => {
            setPlacing(null);
            list.reload();
          }}
        />
      )}
    </Flex>
  );
}

function PlaceModal({ person, onClose, onDone }: { person: UnplacedPerson; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [dwellingId, setDwellingId] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!dwellingId) return setError(t('common.required', { field: t('reg.link.dwelling') }));
    setBusy(true);
    setError(null);
    try {
      await api.post(`${PATH}/${encodeURIComponent(person.id)}/place`, { dwellingId, reason: reason.trim() || undefined });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('reg.people.placeTitle', { name: person.name })} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnHidden>
      <Flex vertical gap={12}>
        <OrgNodeSelect value={dwellingId} onChange={setDwellingId} deepest="dwelling" selectable={['dwelling']} placeholder={t('reg.dwellingPlaceholder')} style={{ width: '100%' }} />
        <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reg.reasonOptional')} maxLength={200} />
        {error && <Alert type="error" showIcon title={error} />}
      </Flex>
    </Modal>
  );
}

export default function PeoplePage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('reg.menu.people') }]);
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const canWrite = hasRole(me, 'community_staff', 'grid_worker');
  const scope = useScope();
  const [purpose, setPurpose] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [tab, setTab] = useState('list');
  const [version, setVersion] = useState(0);

  if (scope.error?.status === 404) return <NotEnabled path={`${PATH}/scope`} />;
  if (scope.error) return <Alert type="error" showIcon title={scope.error.message} />;
  if (!scope.data) return <Spin />;
  const s = scope.data;

  return (
    <Flex vertical gap={12}>
      <Flex align="center" gap={12} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('reg.people.title')}
        </Typography.Title>
        {s.departments.map((d) => (
          <Tag key={d.code} color="purple">
            {d.name}
          </Tag>
        ))}
      </Flex>
      <PurposeBar scope={s} purpose={purpose} onPurpose={setPurpose} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'list', label: t('reg.people.tabList'), children: <PeopleList scope={s} purpose={purpose} canWrite={canWrite} onOpen={setOpenId} version={version} /> },
          // People waiting for a dwelling are the grid's work list: staff only.
          ...(s.staff ? [{ key: 'unplaced', label: t('reg.people.tabUnplaced'), children: <UnplacedList canWrite={canWrite} onOpen={setOpenId} version={version} /> }] : []),
        ]}
      />
      {openId && <PersonDrawer personId={openId} purpose={purpose} canWrite={canWrite} onClose={() => setOpenId(null)} onChanged={() => setVersion((v) => v + 1)} />}
    </Flex>
  );
}
