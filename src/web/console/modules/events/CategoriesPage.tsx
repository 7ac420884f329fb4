import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Col, Drawer, Flex, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, ApiError, errorMessage, fieldErrors } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import type { Category, CategoryAttribute, CategoryGroup, CategoryTree } from '../../../shared/events.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { categoryTree, dispatchTargets } from './common.js';

const PATH = '/api/v1/event-categories';
const DATATYPES = ['string', 'text', 'number', 'datetime', 'singlevaluelist', 'multivaluelist'] as const;
const UNITS = ['community', 'street', 'department'] as const;

type Row = Category & { children?: Category[] };

interface AttributeRow {
  code: string;
  label: string;
  labelEn?: string;
  datatype: (typeof DATATYPES)[number];
  required: boolean;
  description?: string;
  values?: string;
}

interface CategoryValues {
  code: string;
  name: string;
  nameEn?: string | null;
  description?: string | null;
  keywords?: string | null;
  defaultUnit: (typeof UNITS)[number];
  defaultDepartmentCode?: string | null;
  responseHours: number;
  handlingHours: number;
  public: boolean;
  active: boolean;
  sort: number;
  attributes: AttributeRow[];
}

/** `key=name` per line ⇄ the attribute's list of values. */
const valuesText = (values: CategoryAttribute['values']) => (values ?? []).map((v) => `${v.key}=${v.name}`).join('\n');
function parseValues(text: string | undefined): { key: string; name: string }[] | null {
  const lines = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const out: { key: string; name: string }[] = [];
  for (const line of lines) {
    const m = /^([^=]+)=(.+)$/.exec(line);
    if (!m) return null;
    out.push({ key: m[1]!.trim(), name: m[2]!.trim() });
  }
  return out;
}

function toValues(c: Category | null): Partial<CategoryValues> {
  if (!c) return { defaultUnit: 'community', responseHours: 2, handlingHours: 16, public: true, active: true, sort: 0, attributes: [] };
  return {
    code: c.code,
    name: c.name,
    nameEn: c.nameEn,
    description: c.description,
    keywords: c.keywords,
    defaultUnit: c.defaultUnit,
    defaultDepartmentCode: c.defaultDepartmentCode,
    responseHours: c.responseHours,
    handlingHours: c.handlingHours,
    public: c.public,
    active: c.active,
    sort: c.sort,
    attributes: [...c.attributes]
      .sort((a, b) => a.order - b.order)
      .map((a) => ({ code: a.code, label: a.label, labelEn: a.labelEn, datatype: a.datatype, required: a.required, description: a.description, values: valuesText(a.values) })),
  };
}

function CategoryDrawer({
  editing,
  parent,
  departments,
  onClose,
  onSaved,
}: {
  editing: Category | null;
  parent: CategoryGroup | null;
  departments: { code: string; name: string }[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<CategoryValues>();
  const unit = Form.useWatch('defaultUnit', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isGroup = editing ? editing.parentId === null : !parent;

  const submit = async (v: CategoryValues) => {
    const attributes = [];
    for (const [i, a] of (v.attributes ?? []).entries()) {
      const list = a.datatype.endsWith('valuelist') ? parseValues(a.values) : undefined;
      if (list === null) {
        form.setFields([{ name: ['attributes', i, 'values'], errors: [t('ev.cat.attr.valuesInvalid')] }]);
        return;
      }
      attributes.push({
        code: a.code.trim(),
        label: a.label.trim(),
        labelEn: a.labelEn?.trim() || undefined,
        datatype: a.datatype,
        required: !!a.required,
        description: a.description?.trim() || undefined,
        order: i + 1,
        values: list,
      });
    }
    const body = {
      name: v.name.trim(),
      nameEn: v.nameEn?.trim() || null,
      description: v.description?.trim() || null,
      keywords: v.keywords?.trim() || null,
      defaultUnit: v.defaultUnit,
      defaultDepartmentCode: v.defaultUnit === 'department' ? v.defaultDepartmentCode || null : (v.defaultDepartmentCode ?? null),
      responseHours: v.responseHours,
      handlingHours: v.handlingHours,
      public: v.public,
      sort: v.sort ?? 0,
      attributes,
    };
    setBusy(true);
    setError(null);
    try {
      if (editing) await api.patch(`${PATH}/${encodeURIComponent(editing.id)}`, { ...body, active: v.active, expectedVersion: editing.version });
      else await api.post(PATH, { ...body, code: v.code.trim(), parentId: parent?.id ?? null });
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'EVENT_CATEGORY_CONFLICT') setError(t('ev.cat.stale'));
      else {
        const byField = fieldErrors(e);
        const known = ['code', 'name', 'nameEn', 'responseHours', 'handlingHours', 'defaultDepartmentCode'];
        const placed = Object.entries(byField).filter(([f]) => known.includes(f));
        if (placed.length) form.setFields(placed.map(([name, message]) => ({ name: name as keyof CategoryValues, errors: [message] })));
        setError(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? `${t('ev.cat.edit')}：${editing.code} ${editing.name}` : parent ? `${t('ev.cat.addChild')}：${parent.name}` : t('ev.cat.add');
  return (
    <Drawer
      open
      size={760}
      title={title}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="category-save">
            {t('common.submit')}
          </Button>
        </Space>
      }
      data-testid="category-drawer"
    >
      <Form<CategoryValues> form={form} layout="vertical" initialValues={toValues(editing)} onFinish={(v) => void submit(v)}>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label={t('ev.cat.code')} extra={editing ? undefined : t('ev.cat.codeHint')} rules={[{ required: true, message: t('common.required', { field: t('ev.cat.code') }) }]}>
              <Input maxLength={32} disabled={!!editing} data-testid="category-code" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="name" label={t('ev.cat.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.cat.name') }) }]}>
              <Input maxLength={40} data-testid="category-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="nameEn" label={t('ev.cat.nameEn')}>
              <Input maxLength={80} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('ev.cat.description')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="keywords" label={t('ev.cat.keywords')}>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="defaultUnit" label={t('ev.cat.unit')}>
              <Radio.Group optionType="button" options={UNITS.map((u) => ({ value: u, label: t(`ev.cat.unit.${u}`) }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="defaultDepartmentCode"
              label={t('ev.cat.department')}
              rules={unit === 'department' ? [{ required: true, message: t('common.required', { field: t('ev.cat.department') }) }] : []}
            >
              <Select allowClear options={departments.map((d) => ({ value: d.code, label: d.name }))} aria-label={t('ev.cat.department')} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="responseHours" label={t('ev.cat.responseHours')} rules={[{ required: true, message: t('common.required', { field: t('ev.cat.responseHours') }) }]}>
              <InputNumber min={0.25} max={8760} step={1} style={{ width: '100%' }} data-testid="category-response" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="handlingHours" label={t('ev.cat.handlingHours')} rules={[{ required: true, message: t('common.required', { field: t('ev.cat.handlingHours') }) }]}>
              <InputNumber min={0.25} max={8760} step={1} style={{ width: '100%' }} data-testid="category-handling" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="sort" label={t('ev.cat.sort')}>
              <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Space size="large">
          <Form.Item name="public" label={t('ev.cat.public')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {editing && (
            <Form.Item name="active" label={t('ev.cat.active')} valuePropName="checked">
              <Switch data-testid="category-active" />
            </Form.Item>
          )}
        </Space>
        {!isGroup || (editing?.attributes.length ?? 0) > 0 ? (
          <>
            <Typography.Title level={5}>{t('ev.cat.attributes')}</Typography.Title>
            <Form.List name="attributes">
              {(fields, { add, remove, move }) => (
                <Flex vertical gap={8} data-testid="category-attributes">
                  {fields.map((f, i) => (
                    <AttributeEditor key={f.key} name={f.name} index={i} count={fields.length} onRemove={() => remove(f.name)} onMove={(to) => move(i, to)} />
                  ))}
                  <Button type="dashed" onClick={() => add({ datatype: 'string', required: false })} data-testid="attribute-add">
                    + {t('ev.cat.attr.add')}
                  </Button>
                </Flex>
              )}
            </Form.List>
          </>
        ) : null}
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid="category-error" />}
    </Drawer>
  );
}

function AttributeEditor({ name, index, count, onRemove, onMove }: { name: number; index: number; count: number; onRemove: () => void; onMove: (to: number) => void }) {
  const { t } = useI18n();
  const form = Form.useFormInstance<CategoryValues>();
  const datatype = Form.useWatch(['attributes', name, 'datatype'], form);
  return (
    <div style={{ border: '1px solid #e5e7eb', borderRadius: 8, padding: '12px 12px 0' }}>
      <Row gutter={8}>
        <Col span={5}>
          <Form.Item name={[name, 'code']} label={t('ev.cat.attr.code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,31}$/, message: 'a-z 0-9 _' }]}>
            <Input maxLength={32} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={[name, 'label']} label={t('ev.cat.attr.label')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.cat.attr.label') }) }]}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={[name, 'labelEn']} label={t('ev.cat.attr.labelEn')}>
            <Input maxLength={80} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={[name, 'datatype']} label={t('ev.cat.attr.datatype')}>
            <Select options={DATATYPES.map((d) => ({ value: d, label: t(`ev.cat.attr.type.${d}`) }))} />
          </Form.Item>
        </Col>
        <Col span={3}>
          <Form.Item name={[name, 'required']} label={t('ev.cat.attr.required')} valuePropName="checked">
            <Checkbox />
          </Form.Item>
        </Col>
      </Row>
      {String(datatype ?? '').endsWith('valuelist') && (
        <Form.Item name={[name, 'values']} label={t('ev.cat.attr.values')} rules={[{ required: true, message: t('ev.cat.attr.valuesInvalid') }]}>
          <Input.TextArea rows={3} placeholder={'yes=是\nno=否'} />
        </Form.Item>
      )}
      <Flex justify="space-between" align="start" gap={8}>
        <Form.Item name={[name, 'description']} style={{ flex: 1 }}>
          <Input placeholder={t('ev.cat.description')} maxLength={200} />
        </Form.Item>
        <Space>
          <Button size="small" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label="↑">
            ↑
          </Button>
          <Button size="small" disabled={index === count - 1} onClick={() => onMove(index + 1)} aria-label="↓">
            ↓
          </Button>
          <Button size="small" danger onClick={onRemove}>
            {t('ev.cat.attr.remove')}
          </Button>
        </Space>
      </Flex>
    </div>
  );
}

export default function CategoriesPage() {
  const { t, locale } = useI18n();
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.categories') }]);
  const session = useSession();
  const canManage = hasRole(session.status === 'ready' ? session.me : null, 'dispatcher', 'community_staff', 'system_admin');
  const [inactive, setInactive] = useState(false);
  const [editing, setEditing] = useState<{ category: Category | null; parent: CategoryGroup | null } | null>(null);
  const [saved, setSaved] = useState(false);
  const tree = useApi((signal) => api.get<CategoryTree>(PATH, { includeInactive: inactive ? '1' : undefined }, signal), [inactive]);
  // Departments for the picker: the editors' own list (the system admin has no dispatch choices),
  // else the dispatch choices, else the codes the tree names.
  const targets = useApi(
    () =>
      (canManage ? api.get<{ items: { code: string; name: string }[] }>(`${PATH}/departments`).then((r) => r.items) : Promise.reject(new Error('not an editor')))
        .catch(() => dispatchTargets.get().then((d) => d.departments))
        .catch(() => null),
    [canManage],
  );
  const departments = useMemo(() => {
    const known = new Map((targets.data ?? []).map((d) => [d.code, d.name]));
    for (const g of tree.data?.items ?? []) for (const c of [g, ...g.children]) if (c.defaultDepartmentCode && !known.has(c.defaultDepartmentCode)) known.set(c.defaultDepartmentCode, c.defaultDepartmentCode);
    return [...known].map(([code, name]) => ({ code, name }));
  }, [targets.data, tree.data]);
  const deptName = new Map(departments.map((d) => [d.code, d.name]));

  if (tree.missing) return <NotEnabled path={PATH} />;

  const name = (c: Category) => (locale === 'en' && c.nameEn ? c.nameEn : c.name);
  const columns: ColumnsType<Row> = [
    { title: t('ev.cat.code'), dataIndex: 'code', width: 120 },
    {
      title: t('ev.cat.name'),
      key: 'name',
      render: (_: unknown, c) => (
        <Space>
          <span style={{ fontWeight: c.parentId === null ? 600 : 400 }}>{name(c)}</span>
          {!c.active && <Tag>{t('ev.cat.inactive')}</Tag>}
          {c.parentId !== null && !c.public && <Tag color="default">{t('ev.cat.public')}：×</Tag>}
        </Space>
      ),
    },
    {
      title: t('ev.cat.unit'),
      key: 'unit',
      width: 170,
      render: (_: unknown, c) => [t(`ev.cat.unit.${c.defaultUnit}`), c.defaultDepartmentCode ? (deptName.get(c.defaultDepartmentCode) ?? c.defaultDepartmentCode) : ''].filter(Boolean).join(' · '),
    },
    { title: t('ev.cat.responseHours'), dataIndex: 'responseHours', width: 150, render: (h: number) => t('ev.cat.hours', { h }) },
    { title: t('ev.cat.handlingHours'), dataIndex: 'handlingHours', width: 150, render: (h: number) => t('ev.cat.hours', { h }) },
    {
      title: t('ev.cat.attributes'),
      key: 'attributes',
      width: 200,
      render: (_: unknown, c) => (c.attributes.length ? c.attributes.map((a) => `${a.label}${a.required ? '*' : ''}`).join('、') : '—'),
    },
    ...(canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_: unknown, c: Row) => (
              <Space>
                <Button size="small" type="link" onClick={() => setEditing({ category: c, parent: null })} data-testid={`category-edit-${c.code}`}>
                  {t('ev.cat.edit')}
                </Button>
                {c.parentId === null && (
                  <Button size="small" type="link" onClick={() => setEditing({ category: null, parent: c as CategoryGroup })} data-testid={`category-add-${c.code}`}>
                    {t('ev.cat.addChild')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space>
          <Switch checked={inactive} onChange={setInactive} aria-label={t('ev.cat.showInactive')} />
          <span>{t('ev.cat.showInactive')}</span>
        </Space>
        {canManage && (
          <Button type="primary" onClick={() => setEditing({ category: null, parent: null })} data-testid="category-add">
            {t('ev.cat.add')}
          </Button>
        )}
      </Flex>
      {saved && <Alert type="success" showIcon title={t('ev.cat.saved')} closable={{ onClose: () => setSaved(false) }} />}
      {tree.error ? (
        <Alert type="error" showIcon title={tree.error.message} />
      ) : (
        <Table<Row>
          rowKey="id"
          size="middle"
          loading={tree.loading}
          columns={columns}
          dataSource={tree.data?.items ?? []}
          pagination={false}
          expandable={{ defaultExpandAllRows: true }}
          key={tree.data ? 'loaded' : 'loading'}
          data-testid="categories-table"
        />
      )}
      {editing && (
        <CategoryDrawer
          editing={editing.category}
          parent={editing.parent}
          departments={departments}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setSaved(true);
            categoryTree.clear();
            tree.reload();
          }}
        />
      )}
    </Flex>
  );
}
