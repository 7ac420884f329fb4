import { useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Checkbox, Col, Flex, Form, Input, InputNumber, Row, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, OrgNodeSelect, plainOptions, PurposeBar, TagList, useDownload, useScope, useTagDefinitions } from './common.js';
import type { Ledger, LedgerFields, LedgerList, LedgerRows } from './types.js';

const PATH = '/api/v1/ledgers';
const L = (id: string) => `${PATH}/${encodeURIComponent(id)}`;

function LedgerIndex() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('reg.menu.ledgers') }]);
  const [archived, setArchived] = useState(false);
  const list = useApi((signal) => api.get<LedgerList>(PATH, { archived: archived ? '1' : undefined }, signal), [archived]);
  const [error, setError] = useState<string | null>(null);
  if (list.missing) return <NotEnabled path={PATH} />;
  const manage = list.data?.abilities.manage ?? false;

  const toggle = async (l: Ledger) => {
    setError(null);
    try {
      await api.patch(L(l.id), { archived: !l.archived });
      list.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const columns: ColumnsType<Ledger> = [
    {
      title: t('reg.ledgers.name'),
      dataIndex: 'title',
      render: (v: string, l) => (
        <Space>
          <Link href={`/ledgers/${l.id}`}>{v}</Link>
          {l.builtIn && <Tag>{t('reg.ledgers.builtIn')}</Tag>}
          {l.archived && <Tag color="red">{t('reg.ledgers.archived')}</Tag>}
        </Space>
      ),
    },
    { title: t('reg.ledgers.department'), dataIndex: 'departmentName', width: 140, render: (v: string | null) => v ?? t('reg.ledgers.community') },
    { title: t('reg.ledgers.tags'), dataIndex: 'tags', render: (v: string[]) => <TagList tags={v} /> },
    { title: t('reg.ledgers.columns'), dataIndex: 'columns', width: 90, render: (v: unknown[]) => v.length },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 180,
      render: (_: unknown, l) => (
        <Space>
          <Button size="small" type="primary" ghost onClick={() => navigate(`/ledgers/${l.id}`)}>
            {t('reg.ledgers.generate')}
          </Button>
          {manage && (
            <Button size="small" type="link" onClick={() => void toggle(l)}>
              {l.archived ? t('reg.ledgers.unarchive') : t('reg.ledgers.archive')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('reg.ledgers.title')}
        </Typography.Title>
        <Space>
          <Checkbox checked={archived} onChange={(e) => setArchived(e.target.checked)}>
            {t('reg.ledgers.showArchived')}
          </Checkbox>
          {manage && (
            <Button type="primary" onClick={() => navigate('/ledgers/new')} data-testid="ledger-new">
              {t('reg.ledgers.new')}
            </Button>
          )}
        </Space>
      </Flex>
      <Typography.Text type="secondary">{t('reg.ledgers.hint')}</Typography.Text>
      {error && <Alert type="error" showIcon title={error} />}
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<Ledger> rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} data-testid="ledger-list" />
      )}
    </Flex>
  );
}

function LedgerView({ id }: { id: string }) {
  const { t } = useI18n();
  const scope = useScope();
  const definition = useApi((signal) => api.get<Ledger>(L(id), undefined, signal), [id]);
  useBreadcrumbs([{ title: t('reg.menu.ledgers'), href: '/ledgers' }, { title: definition.data?.title ?? '…' }]);
  const [purpose, setPurpose] = useState('');
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [unmask, setUnmask] = useState(false);
  const [unmaskPurpose, setUnmaskPurpose] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const exporter = useDownload();
  const needPurpose = scope.data?.purposeRequired ?? false;
  const reason = purpose || (unmask ? unmaskPurpose : '');
  const ready = !!scope.data && (!needPurpose || !!purpose) && (!unmask || reason.length >= 2);
  const query = { orgNodeId, purpose: reason || undefined, unmask: unmask && reason.length >= 2 ? 'true' : undefined };
  const rows = useApi((signal) => (ready ? api.get<LedgerRows>(`${L(id)}/rows`, { ...query, page, pageSize }, signal) : Promise.resolve(undefined)), [id, ready, orgNodeId, reason, unmask, page, pageSize]);

  const columns = useMemo<ColumnsType<Record<string, unknown>>>(
    () =>
      (rows.data?.columns ?? []).map((c) => ({
        title: c.header,
        dataIndex: c.field,
        key: c.field,
        width: Math.max(60, c.width * 12),
        render: (v: unknown) => (v === null || v === undefined || v === '' ? '' : String(v)),
      })),
    [rows.data?.columns],
  );
  const data = useMemo(() => (rows.data?.rows ?? []).map((r, i) => ({ ...r, __key: `${page}-${i}` })), [rows.data?.rows, page]);

  if (definition.error) return <Alert type="error" showIcon title={definition.error.message} />;
  if (!scope.data || !definition.data) return <Spin />;
  const r = rows.data;

  return (
    <Flex vertical gap={12}>
      <PurposeBar scope={scope.data} purpose={purpose} onPurpose={setPurpose} />
      <Flex gap={12} wrap align="center">
        <OrgNodeSelect
          value={orgNodeId}
          onChange={(v) => {
            setOrgNodeId(v);
            setPage(1);
          }}
          style={{ width: 260 }}
        />
        {!needPurpose && (
          <Checkbox checked={unmask} onChange={(e) => setUnmask(e.target.checked)}>
            {t('reg.ledgers.unmask')}
          </Checkbox>
        )}
        {!needPurpose && unmask && (
          // Applied on confirm, not per keystroke: every unmasked read is logged for each person on the page.
          <Input.Search
            defaultValue={unmaskPurpose}
            enterButton={t('reg.purposeSet')}
            onSearch={(v) => setUnmaskPurpose(v.trim())}
            placeholder={`${t('reg.purpose')}：${t('reg.purposeHint')}`}
            style={{ width: 380 }}
            maxLength={200}
            aria-label={t('reg.purpose')}
          />
        )}
        <Button type="primary" disabled={!ready} loading={exporter.busy} onClick={() => void exporter.run(`${L(id)}/export.xlsx`, query, 'ledger.xlsx')} data-testid="ledger-export">
          {t('reg.export')}
        </Button>
      </Flex>
      {exporter.view}
      <Card data-testid="ledger-sheet">
        <Flex vertical gap={8}>
          <Typography.Title level={4} style={{ margin: 0, textAlign: 'center' }} data-testid="ledger-title">
            {r?.ledger.title ?? definition.data.title}
          </Typography.Title>
          {r && (
            <Flex justify="space-between" wrap gap={8}>
              <span>{t('reg.ledgers.unit', { unit: r.ledger.unit })}</span>
              <span data-testid="ledger-total">{t('reg.ledgers.total', { total: r.total })}</span>
              <span>{t('reg.ledgers.date', { date: r.ledger.date })}</span>
            </Flex>
          )}
          {r && r.hiddenColumns.length > 0 && <Alert type="info" showIcon title={t('reg.ledgers.hidden', { columns: r.hiddenColumns.join('、') })} />}
          {rows.error ? (
            <Alert type="error" showIcon title={rows.error.message} />
          ) : (
            <Table<Record<string, unknown>>
              rowKey="__key"
              size="small"
              bordered
              loading={rows.loading && ready}
              columns={columns}
              dataSource={data}
              scroll={{ x: 'max-content' }}
              data-testid="ledger-rows"
              pagination={{
                current: page,
                pageSize,
                total: r?.total ?? 0,
                showSizeChanger: true,
                pageSizeOptions: [20, 50, 100, 200],
                showTotal: (total) => t('common.total', { total }),
                onChange: (p, s) => {
                  setPage(s !== pageSize ? 1 : p);
                  setPageSize(s);
                },
              }}
            />
          )}
        </Flex>
      </Card>
    </Flex>
  );
}

interface DesignValues {
  title: string;
  departmentCode?: string;
  unitName?: string;
  tags?: string[];
  ageMin?: number | null;
  ageMax?: number | null;
  gender?: string;
  residenceTypes?: string[];
  statuses?: string[];
  columns: string[];
  sortField?: string;
  sortDir?: 'asc' | 'desc';
}

const DESIGN_FIELDS = ['title', 'departmentCode', 'unitName', 'tags', 'ageMin', 'ageMax', 'gender', 'residenceTypes', 'statuses', 'columns', 'sort'] as const;

/** 新建台账: a ledger is data (department, title, tags, conditions, columns, order), defined here without code. */
function LedgerDesigner() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('reg.menu.ledgers'), href: '/ledgers' }, { title: t('reg.ledgers.designer') }]);
  const [form] = Form.useForm<DesignValues>();
  const fields = useApi((signal) => api.get<LedgerFields>(`${PATH}/fields`, undefined, signal), []);
  const list = useApi((signal) => api.get<LedgerList>(PATH, { archived: '1' }, signal), []);
  const tags = useTagDefinitions();
  const scope = useScope();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // No departments endpoint exists: offer those the ledgers and the caller's scope already name.
  const departments = useMemo(() => {
    const m = new Map<string, string>();
    for (const l of list.data?.items ?? []) if (l.departmentCode) m.set(l.departmentCode, l.departmentName ?? l.departmentCode);
    for (const d of scope.data?.departments ?? []) m.set(d.code, d.name);
    return [...m].map(([value, label]) => ({ value, label }));
  }, [list.data, scope.data]);

  const submit = async (v: DesignValues) => {
    setBusy(true);
    setError(null);
    const conditions: Record<string, unknown> = {};
    if (v.ageMin !== undefined && v.ageMin !== null) conditions.ageMin = v.ageMin;
    if (v.ageMax !== undefined && v.ageMax !== null) conditions.ageMax = v.ageMax;
    if (v.gender) conditions.gender = v.gender;
    if (v.residenceTypes?.length) conditions.residenceTypes = v.residenceTypes;
    if (v.statuses?.length) conditions.statuses = v.statuses;
    try {
      const created = await api.post<Ledger>(PATH, {
        title: v.title.trim(),
        departmentCode: v.departmentCode || null,
        unitName: v.unitName?.trim() || undefined,
        tags: v.tags ?? [],
        conditions,
        columns: v.columns.map((field) => ({ field })),
        sort: v.sortField ? [{ field: v.sortField, dir: v.sortDir ?? 'asc' }] : undefined,
      });
      navigate(`/ledgers/${created.id}`);
    } catch (e) {
      setError(applyServerErrors(form, e, DESIGN_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  if (fields.error) return <Alert type="error" showIcon title={fields.error.message} />;
  if (!fields.data) return <Spin />;
  const f = fields.data;

  return (
    <Card title={t('reg.ledgers.designer')} style={{ maxWidth: 960 }}>
      <Form<DesignValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{ columns: ['seq', 'name', 'gender', 'birthDate', 'idNumber', 'address', 'phone', 'note'], sortField: 'address', sortDir: 'asc', departmentCode: '' }}
        data-testid="ledger-designer"
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="title" label={t('reg.ledgers.titleField')} rules={[{ required: true, min: 2, message: t('common.required', { field: t('reg.ledgers.titleField') }) }]}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="departmentCode" label={t('reg.ledgers.department')}>
              <Select options={[{ value: '', label: t('reg.ledgers.community') }, ...departments]} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="unitName" label={t('reg.ledgers.unitName')} extra={t('reg.ledgers.unitNameHint', { placeholders: f.unitPlaceholders.map((p) => (p.startsWith('{') ? p : `{${p}}`)).join(' ') })}>
              <Input maxLength={60} placeholder="{street}{community}" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="tags" label={t('reg.ledgers.tags')} extra={t('reg.ledgers.tagsHint')}>
              <Select mode="multiple" allowClear options={(tags.data?.items ?? []).map((d) => ({ value: d.code, label: d.code }))} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('reg.ledgers.conditions')}</Typography.Title>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item name="ageMin" label={t('reg.people.minAge')}>
              <InputNumber min={0} max={150} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="ageMax" label={t('reg.people.maxAge')}>
              <InputNumber min={0} max={150} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="gender" label={t('person.gender')}>
              <Select allowClear placeholder={t('reg.any')} options={plainOptions(['男', '女'])} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="residenceTypes" label={t('reg.ledgers.residenceTypes')}>
              <Select mode="multiple" allowClear placeholder={t('reg.any')} options={plainOptions(['户籍人口', '流动人口', '境外人员'])} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="statuses" label={t('reg.ledgers.statuses')}>
              <Select mode="multiple" allowClear options={['active', 'moved_out', 'deceased', 'transferred'].map((s) => ({ value: s, label: t(`person.status.${s}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="columns" label={t('reg.ledgers.columns')} extra={t('reg.ledgers.columnsHint')} rules={[{ required: true, message: t('common.required', { field: t('reg.ledgers.columns') }) }]}>
          <Select mode="multiple" options={f.fields.map((x) => ({ value: x.field, label: x.header }))} />
        </Form.Item>
        <Form.Item label={t('reg.ledgers.sort')}>
          <Space.Compact>
            <Form.Item name="sortField" noStyle>
              <Select style={{ width: 160 }} options={f.sortFields.map((s) => ({ value: s, label: t(`reg.ledgers.sortField.${s}`) }))} />
            </Form.Item>
            <Form.Item name="sortDir" noStyle>
              <Select style={{ width: 110 }} options={(['asc', 'desc'] as const).map((d) => ({ value: d, label: t(`reg.ledgers.sortDir.${d}`) }))} />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('reg.ledgers.preview')}
          </Button>
          <Button onClick={() => navigate('/ledgers')}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

export default function LedgersPage() {
  const { id } = useParams<{ id?: string }>();
  if (!id) return <LedgerIndex />;
  if (id === 'new') return <LedgerDesigner />;
  return <LedgerView key={id} id={id} />;
}
