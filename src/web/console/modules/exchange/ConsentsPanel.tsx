import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, DatePicker, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, PersonPicker } from '../registry/common.js';

/** Shapes of src/modules/exchange/clients.schema.ts (ZConsent) and GET /consents/departments. */
interface Consent {
  id: string;
  personId: string;
  departmentCode: string;
  field: string;
  validFrom: string;
  validTo: string | null;
  evidence: string;
  recordedAt: string;
  withdrawnAt: string | null;
}
interface Department {
  code: string;
  name: string;
  mandate: { tags: string[]; fields: string[] };
}
interface ConsentValues {
  departmentCode: string;
  fields: string[];
  validFrom: Dayjs;
  validTo?: Dayjs | null;
  evidence: string;
}

const BASE = '/api/v1/exchange/consents';
/** Mirrors PERSON_FIELDS in src/modules/registry/registry.policy.ts. */
const PERSON_FIELDS = ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] as const;
const DAY = 'YYYY-MM-DD';

type ConsentState = 'withdrawn' | 'notYet' | 'expired' | 'valid';
function stateOf(c: Consent, today: string): ConsentState {
  if (c.withdrawnAt) return 'withdrawn';
  if (c.validFrom > today) return 'notYet';
  if (c.validTo && c.validTo < today) return 'expired';
  return 'valid';
}
const STATE_COLOR: Record<ConsentState, string | undefined> = { valid: 'green', notYet: 'blue', expired: undefined, withdrawn: undefined };

/**
 * Records one consent per chosen field (the API takes one field at a time). A field recorded is
 * taken off the form at once, so a retry after a later field's refusal never records it twice.
 */
function ConsentForm({ personId, departments, onRecorded }: { personId: string; departments: Department[]; onRecorded: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ConsentValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const code = Form.useWatch('departmentCode', form);
  const dept = departments.find((d) => d.code === code);
  // Fields inside the mandate are shared by law; consent covers only the rest.
  const open = dept ? PERSON_FIELDS.filter((f) => !dept.mandate.fields.includes(f)) : [];
  const submit = async (v: ConsentValues) => {
    setError(null);
    setBusy(true);
    let left = [...v.fields];
    try {
      for (const field of v.fields) {
        await api.post(BASE, { personId, departmentCode: v.departmentCode, field, validFrom: v.validFrom.format(DAY), validTo: v.validTo ? v.validTo.format(DAY) : undefined, evidence: v.evidence });
        left = left.filter((f) => f !== field);
        form.setFieldValue('fields', left);
        onRecorded();
      }
      form.resetFields();
    } catch (e) {
      setError(applyServerErrors(form, e, ['departmentCode', 'fields', 'field', 'validFrom', 'validTo', 'evidence']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} name="exchange-consent" layout="vertical" initialValues={{ validFrom: dayjs(), fields: [] }} onFinish={(v) => void submit(v)}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="consent-error" />}
      <Form.Item name="departmentCode" label={t('ex.department')} rules={[{ required: true, message: t('common.required', { field: t('ex.department') }) }]}>
        <Select options={departments.map((d) => ({ value: d.code, label: d.name }))} onChange={() => form.setFieldValue('fields', [])} />
      </Form.Item>
      <Form.Item
        name="fields"
        label={t('ex.consent.fields')}
        extra={dept && (open.length ? t('ex.consent.fieldsHint', { fields: dept.mandate.fields.map((f) => t(`ex.field.${f}`)).join('、') }) : t('ex.consent.noneOpen'))}
        rules={[{ required: true, type: 'array', min: 1, message: t('common.required', { field: t('ex.consent.fields') }) }]}
      >
        <Select mode="multiple" disabled={!open.length} options={open.map((f) => ({ value: f, label: t(`ex.field.${f}`) }))} />
      </Form.Item>
      <Space wrap>
        <Form.Item name="validFrom" label={t('ex.consent.validFrom')} rules={[{ required: true, message: t('common.required', { field: t('ex.consent.validFrom') }) }]}>
          <DatePicker format={DAY} allowClear={false} />
        </Form.Item>
        <Form.Item name="validTo" label={t('ex.consent.validTo')} extra={t('ex.consent.validToHint')}>
          <DatePicker format={DAY} />
        </Form.Item>
      </Space>
      <Form.Item name="evidence" label={t('ex.consent.evidence')} extra={t('ex.consent.evidenceHint')} rules={[{ required: true, whitespace: true, min: 2, message: t('ex.consent.evidenceRule') }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('ex.consent.record')}
      </Button>
    </Form>
  );
}

/** One person's consents, newest first as the server lists them; withdraw with a confirmation. */
function PersonConsents({ personId, departments, canEdit }: { personId: string; departments: Department[]; canEdit: boolean }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Consent[] }>(BASE, { personId }, signal), [personId]);
  const today = dayjs().format(DAY);
  const deptName = (code: string) => departments.find((d) => d.code === code)?.name ?? code;
  const withdraw = async (c: Consent) => {
    setError(null);
    try {
      await api.post(`${BASE}/${encodeURIComponent(c.id)}/withdraw`);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  if (list.error) return <Alert type="error" showIcon title={list.error.message} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Consent>
        rowKey="id"
        size="small"
        pagination={false}
        loading={list.loading}
        locale={{ emptyText: t('ex.consent.empty') }}
        dataSource={list.data?.items ?? []}
        data-testid="consents"
        columns={[
          { title: t('ex.department'), render: (_, c) => deptName(c.departmentCode) },
          { title: t('ex.consent.field'), render: (_, c) => t(`ex.field.${c.field}`) },
          { title: t('ex.consent.period'), render: (_, c) => `${c.validFrom} ~ ${c.validTo ?? t('ex.consent.open')}` },
          { title: t('ex.consent.evidence'), dataIndex: 'evidence' },
          { title: t('ex.consent.recordedAt'), render: (_, c) => formatDateTime(c.recordedAt) },
          {
            title: t('ex.status'),
            render: (_, c) => {
              const s = stateOf(c, today);
              return <Tag color={STATE_COLOR[s]}>{s === 'withdrawn' ? `${t('ex.consent.state.withdrawn')} ${formatDateTime(c.withdrawnAt!)}` : t(`ex.consent.state.${s}`)}</Tag>;
            },
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  render: (_: unknown, c: Consent) =>
                    c.withdrawnAt ? null : (
                      <Popconfirm title={t('ex.consent.withdrawConfirm', { department: deptName(c.departmentCode), field: t(`ex.field.${c.field}`) })} okText={t('ex.consent.withdraw')} cancelText={t('common.cancel')} onConfirm={() => withdraw(c)}>
                        <Button size="small" danger>
                          {t('ex.consent.withdraw')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
      {canEdit && (
        <Card size="small" title={t('ex.consent.new')} style={{ maxWidth: 560 }}>
          <ConsentForm personId={personId} departments={departments} onRecorded={list.reload} />
        </Card>
      )}
    </Space>
  );
}

/**
 * 授权同意: community staff and grid workers record a resident's consent to share a field with a
 * department beyond its legal mandate, and withdraw it. Mirrors EXCHANGE_CONSENT in
 * src/modules/exchange/clients.policy.ts; the server limits each to people of their own subtree.
 */
export default function ConsentsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const canEdit = hasRole(me, 'community_staff', 'grid_worker');
  const [personId, setPersonId] = useState<string | undefined>(undefined);
  const departments = useApi((signal) => (canEdit ? api.get<{ items: Department[] }>(`${BASE}/departments`, undefined, signal) : Promise.resolve(undefined)), [canEdit]);
  useBreadcrumbs([{ title: t('ex.menu') }, { title: t('ex.consent.menu') }]);
  if (!canEdit) return <Alert type="info" showIcon title={t('ex.consent.noRight')} data-testid="consent-no-right" />;
  if (departments.missing) return <NotEnabled path={`${BASE}/departments`} />;
  if (departments.error) return <Alert type="error" showIcon title={departments.error.message} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Alert type="info" showIcon title={t('ex.consent.explain')} />
      <Space direction="vertical" style={{ width: '100%', maxWidth: 560 }}>
        <Typography.Text strong>{t('ex.consent.person')}</Typography.Text>
        <PersonPicker value={personId} onChange={setPersonId} placeholder={t('ex.consent.personPlaceholder')} testId="consent-person" />
      </Space>
      {personId && departments.data && <PersonConsents key={personId} personId={personId} departments={departments.data.items} canEdit={canEdit} />}
    </Space>
  );
}
