import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Flex, Form, Input, InputNumber, Select, Space, Tag } from 'antd';
import { ApiError, errorMessage } from '../../../shared/api.js';
import { hasMessage, useI18n } from '../../../shared/i18n.js';
import type { FormValue, Prefill, PrefillField } from '../../../shared/service-hall.js';
import { formValueText, MaterialUpload } from './common.js';

interface Values {
  reason?: string;
  form?: Record<string, FormValue | undefined>;
  files?: Record<string, string[] | undefined>;
  paper?: Record<string, boolean | undefined>;
}

/** What staff filled in, as the application endpoints take it. */
export interface ApplicationInput {
  form: Record<string, FormValue>;
  files: { materialCode: string; attachmentId: string }[];
  paperMaterials: string[];
  reason: string;
}

/** One field of the matter's form (form as data); antd's Form.Item passes value and onChange. */
function FieldControl({ f, testId, ...rest }: { f: PrefillField; testId: string; value?: unknown; onChange?: (v: unknown) => void; checked?: boolean }) {
  const props = { ...rest, 'data-testid': `${testId}-field-${f.key}` } as Record<string, unknown>;
  switch (f.type) {
    case 'textarea':
      return <Input.TextArea rows={3} maxLength={f.maxLength ?? 2000} placeholder={f.placeholder} {...props} />;
    case 'number':
      return <InputNumber min={f.min} max={f.max} style={{ width: 160 }} {...props} />;
    case 'date':
      return <Input type="date" style={{ width: 200 }} {...props} />;
    case 'select':
      return <Select allowClear options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label }))} style={{ width: 260 }} {...props} />;
    case 'multiselect':
      return <Select mode="multiple" allowClear options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label }))} {...props} />;
    case 'checkbox':
      return <Checkbox {...props} />;
    default:
      return <Input maxLength={f.maxLength ?? 200} placeholder={f.placeholder} {...props} />;
  }
}

/**
 * A matter's application form filled in by staff for a resident (代办 at the desk, or a need found
 * on a visit): the fields prefilled from the registry, materials uploaded or ticked as received on
 * paper, and why it is done on their behalf. The service hall's refusals land on their fields.
 */
export function ApplicationForm({
  prefill,
  testId,
  labels,
  initialReason,
  showPrefilled,
  submit,
}: {
  prefill: Prefill;
  /** Prefix of every data-testid (`on-behalf`, `visit-apply`). */
  testId: string;
  labels: { open: string; fields: string; materials: string; reason: string; reasonPlaceholder?: string; submit: string; prefilled?: string };
  initialReason?: string;
  /** Show the read-only fields taken from the registry. */
  showPrefilled: boolean;
  submit: (input: ApplicationInput) => Promise<void>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const readOnly = prefill.fields.filter((f) => f.readOnly);
  const editable = prefill.fields.filter((f) => !f.readOnly);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const values = Object.fromEntries(Object.entries(v.form ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '')) as Record<string, FormValue>;
      const files = Object.entries(v.files ?? {}).flatMap(([materialCode, ids]) => (ids ?? []).map((attachmentId) => ({ materialCode, attachmentId })));
      const paperMaterials = Object.entries(v.paper ?? {})
        .filter(([, on]) => on)
        .map(([code]) => code);
      await submit({ form: values, files, paperMaterials, reason: v.reason?.trim() ?? '' });
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.details)) {
        const fields = (e.details as { field?: string; message?: string }[])
          .map((d) => ({ m: /^(?:body\.)?(form\.[^.]+|reason)/.exec(d.field ?? ''), message: d.message ?? e.message }))
          .filter((x) => x.m)
          .map((x) => ({ name: x.m![1]!.split('.') as [string, ...string[]], errors: [x.message] }));
        form.setFields(fields as never);
      }
      if (e instanceof ApiError && e.details && typeof e.details === 'object' && !Array.isArray(e.details)) {
        const material = (e.details as { material?: string }).material;
        if (material) form.setFields([{ name: ['files', material], errors: [e.message] }]);
      }
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={(v) => void onFinish(v)}
      initialValues={{ reason: initialReason, form: Object.fromEntries(editable.filter((f) => f.value !== undefined).map((f) => [f.key, f.value])) }}
      data-testid={`${testId}-form`}
    >
      {prefill.openApplication && <Alert type="warning" showIcon title={labels.open} style={{ marginBottom: 12 }} />}
      {showPrefilled && (
        <Card size="small" title={labels.prefilled} style={{ marginBottom: 12 }}>
          <Descriptions size="small" column={{ xs: 1, md: 2 }} items={readOnly.map((f) => ({ key: f.key, label: f.label, children: formValueText(f.value, t('sv.ob.yes')) }))} data-testid={`${testId}-prefilled`} />
        </Card>
      )}
      {editable.length > 0 && (
        <Card size="small" title={labels.fields} style={{ marginBottom: 12 }}>
          {editable.map((f) => (
            <Form.Item
              key={f.key}
              name={['form', f.key]}
              label={f.label}
              extra={f.help}
              valuePropName={f.type === 'checkbox' ? 'checked' : 'value'}
              rules={f.required && f.type !== 'checkbox' ? [{ required: true, message: t('common.required', { field: f.label }) }] : []}
            >
              <FieldControl f={f} testId={testId} />
            </Form.Item>
          ))}
        </Card>
      )}
      {prefill.materials.length > 0 && (
        <Card size="small" title={labels.materials} style={{ marginBottom: 12 }}>
          {prefill.materials.map((m) => (
            <Form.Item
              key={m.code}
              label={
                <Space size={4}>
                  {m.name}
                  <Tag>{hasMessage(`sv.form.${m.formLabel}`) ? t(`sv.form.${m.formLabel}`) : m.formLabel}</Tag>
                  {m.required && <Tag color="red">{t('sv.d.required')}</Tag>}
                </Space>
              }
              required={m.required}
            >
              <Flex gap={16} align="start" wrap>
                <Form.Item name={['files', m.code]} noStyle>
                  <MaterialUpload testId={`${testId}-files-${m.code}`} />
                </Form.Item>
                <Form.Item name={['paper', m.code]} valuePropName="checked" noStyle>
                  <Checkbox data-testid={`${testId}-paper-${m.code}`}>{t('sv.step.paper')}</Checkbox>
                </Form.Item>
              </Flex>
            </Form.Item>
          ))}
        </Card>
      )}
      <Form.Item name="reason" label={labels.reason} rules={[{ required: true, whitespace: true, min: 2, message: t('common.required', { field: labels.reason }) }]}>
        <Input.TextArea rows={2} maxLength={200} showCount placeholder={labels.reasonPlaceholder} data-testid={`${testId}-reason`} />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid={`${testId}-error`} />}
      <Button type="primary" htmlType="submit" loading={busy} disabled={!!prefill.openApplication} data-testid={`${testId}-submit`}>
        {labels.submit}
      </Button>
    </Form>
  );
}
