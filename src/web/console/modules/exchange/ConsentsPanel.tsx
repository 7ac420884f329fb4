import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { api } from '../../../shared/api.js';
import { attachmentRequest } from '../../components/attachment-request.js';
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
  evidenceAttachment: { id: string; name: string; mime: string; size: number } | null;
  recordedAt: string;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
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
/** An uploaded signed form (POST /api/v1/files, purpose `exchange.consent`). */
interface Evidence {
  id: string;
  name: string;
}

const BASE = '/api/v1/exchange/consents';
/** Mirrors PERSON_FIELDS in src/modules/registry/registry.policy.ts. */
const PERSON_FIELDS = ['name', 'gender', 'birthDate', 'idNumber', 'phone', 'address', 'tags'] as const;
const DAY = 'YYYY-MM-DD';
/** Mirrors CONSENT_FILE_PURPOSE in src/modules/exchange/clients.service.ts. */
const FILE_PURPOSE = 'exchange.consent';

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
  const [evidenceFile, setEvidenceFile] = useState<Evidence | null>(null);
  const [uploading, setUploading] = useState(false);
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
        await api.post(BASE, {
          personId,
          departmentCode: v.departmentCode,
          field,
          validFrom: v.validFrom.format(DAY),
          validTo: v.validTo ? v.validTo.format(DAY) : undefined,
          evidence: v.evidence,
          evidenceAttachmentId: evidenceFile?.id,
        });
        left = left.filter((f) => f !== field);
        form.setFieldValue('fields', left);
        onRecorded();
      }
      form.resetFields();
      setEvidenceFile(null);
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
      <Form.Item label={t('ex.consent.form')} extra={t('ex.consent.formHint')}>
        <Space wrap>
          <Upload
            accept="application/pdf,image/png,image/jpeg,image/webp"
            showUploadList={false}
            // No org node: only staff who may see the consent open the form.
            customRequest={attachmentRequest<Evidence>(FILE_PURPOSE, {
              onUploaded: (att) => setEvidenceFile({ id: att.id, name: att.name }),
              onError: setError,
              onBusy: (busy) => {
                if (busy) setError(null);
                setUploading(busy);
              },
            })}
          >
            <Button loading={uploading} data-testid="consent-form-upload">
              {evidenceFile ? t('ex.consent.formReplace') : t('ex.consent.formUpload')}
            </Button>
          </Upload>
          {evidenceFile && (
            <>
              <Tag color="green" data-testid="consent-form-file">
                {evidenceFile.name}
              </Tag>
              <Button size="small" type="link" onClick={() => setEvidenceFile(null)}>
                {t('ex.consent.formRemove')}
              </Button>
            </>
          )}
        </Space>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} disabled={uploading}>
        {t('ex.consent.record')}
      </Button>
    </Form>
  );
}

/** Asks for the resident's reason before withdrawing `consent`; the server's refusal shows beside the field or above it. */
function WithdrawModal({ consent, subject, onClose, onWithdrawn }: { consent: Consent; subject: string; onClose: () => void; onWithdrawn: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { reason: string }) => {
    setError(null);
    setBusy(true);
    try {
      await api.post(`${BASE}/${encodeURIComponent(consent.id)}/withdraw`, { reason: v.reason });
      onWithdrawn();
    } catch (e) {
      setError(applyServerErrors(form, e, ['reason']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('ex.consent.withdrawTitle')}
      okText={t('ex.consent.withdraw')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, loading: busy }}
      onOk={() => form.submit()}
      onCancel={onClose}
      maskClosable={false}
      destroyOnHidden
    >
      <div data-testid="consent-withdraw">
        <Typography.Paragraph>{subject}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} name="exchange-consent-withdraw" layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="reason" label={t('ex.consent.withdrawReason')} extra={t('ex.consent.withdrawReasonHint')} rules={[{ required: true, whitespace: true, min: 2, message: t('ex.consent.withdrawReasonRule') }]}>
            <Input.TextArea maxLength={200} rows={3} showCount />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}

/** One person's consents, newest first as the server lists them; withdraw with the resident's reason. */
function PersonConsents({ personId, departments, canEdit }: { personId: string; departments: Department[]; canEdit: boolean }) {
  const { t } = useI18n();
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const list = useApi((signal) => api.get<{ items: Consent[] }>(BASE, { personId }, signal), [personId]);
  const today = dayjs().format(DAY);
  const deptName = (code: string) => departments.find((d) => d.code === code)?.name ?? code;
  if (list.error) return <Alert type="error" showIcon title={list.error.message} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
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
          {
            title: t('ex.consent.evidence'),
            render: (_, c) => (
              <Space direction="vertical" size={0}>
                <span>{c.evidence}</span>
                {c.evidenceAttachment && (
                  // The download is authorised like the consent and audited by the server.
                  <a href={`/api/v1/files/${encodeURIComponent(c.evidenceAttachment.id)}`} target="_blank" rel="noopener" data-testid="consent-form-link">
                    {t('ex.consent.formOpen', { name: c.evidenceAttachment.name })}
                  </a>
                )}
              </Space>
            ),
          },
          { title: t('ex.consent.recordedAt'), render: (_, c) => formatDateTime(c.recordedAt) },
          {
            title: t('ex.status'),
            render: (_, c) => {
              const s = stateOf(c, today);
              if (s !== 'withdrawn') return <Tag color={STATE_COLOR[s]}>{t(`ex.consent.state.${s}`)}</Tag>;
              return (
                <Space direction="vertical" size={0}>
                  <Tag color={STATE_COLOR[s]}>{`${t('ex.consent.state.withdrawn')} ${formatDateTime(c.withdrawnAt!)}`}</Tag>
                  {c.withdrawnReason && (
                    <Typography.Text type="secondary" data-testid="consent-withdrawn-reason">
                      {t('ex.consent.withdrawnBecause', { reason: c.withdrawnReason })}
                    </Typography.Text>
                  )}
                </Space>
              );
            },
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  render: (_: unknown, c: Consent) =>
                    c.withdrawnAt ? null : (
                      <Button size="small" danger onClick={() => setWithdrawing(c)}>
                        {t('ex.consent.withdraw')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      {withdrawing && (
        <WithdrawModal
          consent={withdrawing}
          subject={t('ex.consent.withdrawConfirm', { department: deptName(withdrawing.departmentCode), field: t(`ex.field.${withdrawing.field}`) })}
          onClose={() => setWithdrawing(null)}
          onWithdrawn={() => {
            setWithdrawing(null);
            list.reload();
          }}
        />
      )}
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
