import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Card, Checkbox, Descriptions, Flex, Form, Input, InputNumber, Result, Select, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { hasMessage, useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { FormValue, MatterList, Prefill, PrefillField, Submitted } from '../../../shared/service-hall.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { PersonPicker } from '../registry/common.js';
import { APPLICATIONS_API, formValueText, MATTERS_API, MaterialUpload, text } from './common.js';

interface Values {
  reason?: string;
  form?: Record<string, FormValue | undefined>;
  files?: Record<string, string[] | undefined>;
  paper?: Record<string, boolean | undefined>;
}

/** One field of the matter's form (form as data); antd's Form.Item passes value and onChange. */
function FieldControl({ f, ...rest }: { f: PrefillField; value?: unknown; onChange?: (v: unknown) => void; checked?: boolean }) {
  const props = { ...rest, 'data-testid': `on-behalf-field-${f.key}` } as Record<string, unknown>;
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

/** The form of one matter for one resident, prefilled from their record. */
function OnBehalfForm({ prefill, onDone }: { prefill: Prefill; onDone: (s: Submitted) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const readOnly = prefill.fields.filter((f) => f.readOnly);
  const editable = prefill.fields.filter((f) => !f.readOnly);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const values = Object.fromEntries(Object.entries(v.form ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '')) as Record<string, FormValue>;
      const files = Object.entries(v.files ?? {}).flatMap(([materialCode, ids]) => (ids ?? []).map((attachmentId) => ({ materialCode, attachmentId })));
      const paperMaterials = Object.entries(v.paper ?? {})
        .filter(([, on]) => on)
        .map(([code]) => code);
      onDone(await api.post<Submitted>(`${APPLICATIONS_API}/on-behalf`, { matterCode: prefill.matter.code, personId: prefill.applicant.personId, reason: v.reason?.trim(), form: values, files, paperMaterials }));
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
      onFinish={(v) => void submit(v)}
      initialValues={{ form: Object.fromEntries(editable.filter((f) => f.value !== undefined).map((f) => [f.key, f.value])) }}
      data-testid="on-behalf-form"
    >
      {prefill.openApplication && <Alert type="warning" showIcon title={t('sv.ob.open', { code: prefill.openApplication.code })} style={{ marginBottom: 12 }} />}
      <Card size="small" title={t('sv.ob.prefilled')} style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={readOnly.map((f) => ({ key: f.key, label: f.label, children: formValueText(f.value, t('sv.ob.yes')) }))} data-testid="on-behalf-prefilled" />
      </Card>
      {editable.length > 0 && (
        <Card size="small" title={t('sv.ob.fields')} style={{ marginBottom: 12 }}>
          {editable.map((f) => (
            <Form.Item
              key={f.key}
              name={['form', f.key]}
              label={f.label}
              extra={f.help}
              valuePropName={f.type === 'checkbox' ? 'checked' : 'value'}
              rules={f.required && f.type !== 'checkbox' ? [{ required: true, message: t('common.required', { field: f.label }) }] : []}
            >
              <FieldControl f={f} />
            </Form.Item>
          ))}
        </Card>
      )}
      {prefill.materials.length > 0 && (
        <Card size="small" title={t('sv.ob.materials')} style={{ marginBottom: 12 }}>
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
                  <MaterialUpload testId={`on-behalf-files-${m.code}`} />
                </Form.Item>
                <Form.Item name={['paper', m.code]} valuePropName="checked" noStyle>
                  <Checkbox data-testid={`on-behalf-paper-${m.code}`}>{t('sv.step.paper')}</Checkbox>
                </Form.Item>
              </Flex>
            </Form.Item>
          ))}
        </Card>
      )}
      <Form.Item name="reason" label={t('sv.ob.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('common.required', { field: t('sv.ob.reason') }) }]}>
        <Input.TextArea rows={2} maxLength={200} showCount placeholder={t('sv.ob.reasonPlaceholder')} data-testid="on-behalf-reason" />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="on-behalf-error" />}
      <Button type="primary" htmlType="submit" loading={busy} disabled={!!prefill.openApplication} data-testid="on-behalf-submit">
        {t('sv.ob.submit')}
      </Button>
    </Form>
  );
}

/** 代办: staff search a resident, the form is prefilled from the record, and submit on their behalf with a reason. */
export default function OnBehalfPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('sv.crumb') }, { title: t('sv.menu.onBehalf') }]);
  const [matter, setMatter] = useState<string | undefined>();
  const [personId, setPersonId] = useState<string | undefined>();
  const [done, setDone] = useState<Submitted | null>(null);
  const [round, setRound] = useState(0);
  const matters = useApi((signal) => api.get<MatterList>(MATTERS_API, { mode: 'online_any', limit: 200 }, signal), []);
  const prefill = useApi(
    (signal) => (matter && personId ? api.get<Prefill>(`${APPLICATIONS_API}/prefill`, { matter, personId }, signal) : Promise.resolve(undefined)),
    [matter, personId, round],
  );

  if (done) {
    return (
      <Result
        status="success"
        title={t('sv.ob.done', { code: done.code })}
        subTitle={`${done.receipt.matterName} · ${done.receipt.applicantName}`}
        extra={[
          <Link key="view" href={`/service-applications/${done.id}`}>
            <Button type="primary">{t('sv.ob.view')}</Button>
          </Link>,
          <Button
            key="again"
            onClick={() => {
              setDone(null);
              setPersonId(undefined);
              setRound((n) => n + 1);
            }}
          >
            {t('sv.ob.another')}
          </Button>,
        ]}
        data-testid="on-behalf-done"
      />
    );
  }

  return (
    <Flex vertical gap={12} style={{ maxWidth: 900 }}>
      <Typography.Text type="secondary">{t('sv.ob.intro')}</Typography.Text>
      <Form layout="vertical">
        <Form.Item label={t('sv.ob.matter')} required>
          <Select
            value={matter}
            onChange={setMatter}
            loading={matters.loading}
            // Found by its name, its group or its code (mostly pinyin: dibao, gaoling-jintie).
            showSearch={{ filterOption: (input, option) => !!option && `${option.label} ${option.value}`.toLowerCase().includes(input.trim().toLowerCase()) }}
            placeholder={t('sv.ob.matterPlaceholder')}
            options={(matters.data?.items ?? []).filter((m) => m.onlineApply).map((m) => ({ value: m.code, label: `${m.name}（${m.groupName}）` }))}
            data-testid="on-behalf-matter"
          />
        </Form.Item>
        <Form.Item label={t('sv.ob.person')} required>
          <PersonPicker value={personId} onChange={setPersonId} placeholder={t('sv.ob.personPlaceholder')} testId="on-behalf-person" />
        </Form.Item>
      </Form>
      {prefill.error && <Alert type="error" showIcon title={prefill.error.message} />}
      {matter && personId && prefill.loading && <Spin />}
      {prefill.data && (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {prefill.data.matter.name} · {text(prefill.data.applicant.name)} {prefill.data.applicant.communityName ? `（${prefill.data.applicant.communityName}）` : ''}
          </Typography.Title>
          <OnBehalfForm key={`${matter}-${personId}-${round}`} prefill={prefill.data} onDone={setDone} />
        </>
      )}
    </Flex>
  );
}
