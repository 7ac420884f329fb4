import { useState } from 'react';
import { useLocation } from 'wouter';
import { Alert, AutoComplete, Button, Col, Form, Input, InputNumber, Radio, Result, Row, Select, Typography } from 'antd';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import type { CategoryAttribute, ReportedEvent, ReportEventBody } from '../../../shared/events.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { CategorySelect, EVENTS, findCategory, PhotoUpload, URGENCIES, useCategoryTree } from './common.js';

const CHANNELS = ['phone', 'hotline', 'visit', 'patrol'] as const;
const HOTLINES = ['12345', '12319', '110'];

interface ReportValues {
  channel: (typeof CHANNELS)[number];
  source?: string;
  sourceOrderNo?: string;
  reporterName?: string;
  reporterPhone?: string;
  categoryId?: string;
  attributes?: Record<string, string | string[] | number | null | undefined>;
  urgency: '一般' | '紧急' | '特急';
  orgNodeId?: string;
  address?: string;
  title?: string;
  description: string;
  attachmentIds?: string[];
}

/** One form field per attribute the category asks for (Open311's service definition). */
export function AttributeField({ a }: { a: CategoryAttribute }) {
  const { t, locale } = useI18n();
  const label = locale === 'en' && a.labelEn ? a.labelEn : a.label;
  const rules = a.required ? [{ required: true, message: t('common.required', { field: label }) }] : [];
  const name = ['attributes', a.code];
  const testId = `attr-${a.code}`;
  let input;
  switch (a.datatype) {
    case 'singlevaluelist':
      input = <Select allowClear options={(a.values ?? []).map((v) => ({ value: v.key, label: v.name }))} aria-label={label} data-testid={testId} />;
      break;
    case 'multivaluelist':
      input = <Select mode="multiple" allowClear options={(a.values ?? []).map((v) => ({ value: v.key, label: v.name }))} aria-label={label} data-testid={testId} />;
      break;
    case 'number':
      input = <InputNumber style={{ width: 200 }} aria-label={label} data-testid={testId} />;
      break;
    case 'datetime':
      input = <Input type="datetime-local" style={{ width: 240 }} aria-label={label} data-testid={testId} />;
      break;
    case 'text':
      input = <Input.TextArea rows={2} maxLength={2000} aria-label={label} data-testid={testId} />;
      break;
    default:
      input = <Input maxLength={200} aria-label={label} data-testid={testId} />;
  }
  return (
    <Form.Item name={name} label={label} rules={rules} extra={a.description}>
      {input}
    </Form.Item>
  );
}

/** Attribute values as the API takes them: text, lists of keys, datetimes in Beijing time. */
export function attributeBody(defs: CategoryAttribute[], values: ReportValues['attributes']): Record<string, string | string[]> | undefined {
  const out: Record<string, string | string[]> = {};
  for (const a of defs) {
    const v = values?.[a.code];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (Array.isArray(v)) out[a.code] = v.map(String);
    else if (a.datatype === 'datetime') out[a.code] = `${String(v)}:00+08:00`;
    else out[a.code] = String(v).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

export default function ReportPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.report') }]);
  const [form] = Form.useForm<ReportValues>();
  const channel = Form.useWatch('channel', form);
  const categoryId = Form.useWatch('categoryId', form);
  const tree = useCategoryTree();
  const found = findCategory(tree.data, categoryId);
  const isLeaf = !!found?.group;
  const attributes = isLeaf ? [...found!.category.attributes].sort((a, b) => a.order - b.order) : [];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ReportedEvent | null>(null);

  const submit = async (v: ReportValues) => {
    if (!isLeaf) {
      form.setFields([{ name: 'categoryId', errors: [t('ev.report.chooseLeaf')] }]);
      return;
    }
    if (!v.orgNodeId && !v.address?.trim()) {
      form.setFields([{ name: 'address', errors: [t('ev.report.placeRequired')] }]);
      return;
    }
    setBusy(true);
    setError(null);
    const body: ReportEventBody = {
      channel: v.channel,
      categoryId: v.categoryId,
      description: v.description.trim(),
      title: v.title?.trim() || undefined,
      urgency: v.urgency,
      orgNodeId: v.orgNodeId,
      address: v.address?.trim() || undefined,
      attributes: attributeBody(attributes, v.attributes),
      attachmentIds: v.attachmentIds?.length ? v.attachmentIds : undefined,
      source: v.channel === 'hotline' ? v.source?.trim() : undefined,
      sourceOrderNo: v.channel === 'hotline' ? v.sourceOrderNo?.trim() : undefined,
      reporterName: v.reporterName?.trim() || undefined,
      reporterPhone: v.reporterPhone?.trim() || undefined,
    };
    try {
      setCreated(await api.post<ReportedEvent>(EVENTS, body));
    } catch (e) {
      const byField = fieldErrors(e);
      const known = ['channel', 'source', 'sourceOrderNo', 'reporterName', 'reporterPhone', 'categoryId', 'urgency', 'orgNodeId', 'address', 'title', 'description'];
      const placed = Object.entries(byField).filter(([f]) => known.includes(f));
      if (placed.length) form.setFields(placed.map(([name, errors]) => ({ name: name as keyof ReportValues, errors: [errors] })));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Result
        status="success"
        title={<span data-testid="report-done">{t('ev.report.done', { code: created.code })}</span>}
        extra={[
          <Button key="open" type="primary" onClick={() => navigate(`/events/${created.id}`)} data-testid="report-open">
            {t('ev.report.open')}
          </Button>,
          <Button
            key="again"
            onClick={() => {
              setCreated(null);
              form.resetFields();
            }}
          >
            {t('ev.report.another')}
          </Button>,
        ]}
      />
    );
  }

  return (
    <Row>
      <Col xs={24} lg={18} xl={14}>
        <Typography.Title level={4}>{t('ev.report.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('ev.report.hint')}</Typography.Paragraph>
        <Form<ReportValues> form={form} layout="vertical" initialValues={{ channel: 'phone', urgency: '一般', source: '12345' }} onFinish={(v) => void submit(v)} data-testid="report-form">
          <Form.Item name="channel" label={t('ev.report.channel')}>
            <Radio.Group optionType="button" options={CHANNELS.map((c) => ({ value: c, label: t(`ev.channel.${c}`) }))} data-testid="report-channel" />
          </Form.Item>
          {channel === 'hotline' && (
            <Row gutter={12}>
              <Col span={10}>
                <Form.Item name="source" label={t('ev.report.source')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.report.source') }) }]}>
                  <AutoComplete options={HOTLINES.map((h) => ({ value: h }))} maxLength={20} aria-label={t('ev.report.source')} />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item
                  name="sourceOrderNo"
                  label={t('ev.report.sourceOrderNo')}
                  rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.report.sourceOrderNo') }) }]}
                >
                  <Input maxLength={64} data-testid="report-order-no" />
                </Form.Item>
              </Col>
            </Row>
          )}
          {(channel === 'phone' || channel === 'hotline' || channel === 'visit') && (
            <Row gutter={12}>
              <Col span={10}>
                <Form.Item name="reporterName" label={t('ev.report.callerName')}>
                  <Input maxLength={40} />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item name="reporterPhone" label={t('ev.report.callerPhone')} extra={t('ev.report.callerHint')}>
                  <Input maxLength={20} inputMode="tel" />
                </Form.Item>
              </Col>
            </Row>
          )}
          <Form.Item name="categoryId" label={t('ev.field.category')} rules={[{ required: true, message: t('ev.report.chooseLeaf') }]}>
            <CategorySelect leavesOnly testId="report-category" />
          </Form.Item>
          {attributes.map((a) => (
            <AttributeField key={a.code} a={a} />
          ))}
          <Form.Item name="urgency" label={t('ev.field.urgency')}>
            <Radio.Group optionType="button" options={URGENCIES.map((u) => ({ value: u, label: t(`ev.urgency.${u}`) }))} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="orgNodeId" label={t('ev.report.place')}>
                <OrgNodeSelect selectable={['community', 'grid']} testId="report-place" />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="address" label={t('ev.report.address')} extra={t('ev.report.addressHint')}>
                <Input maxLength={200} data-testid="report-address" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="title" label={t('ev.field.title')} extra={t('ev.report.titleHint')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('ev.field.description')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.field.description') }) }]}>
            <Input.TextArea rows={4} maxLength={2000} showCount data-testid="report-description" />
          </Form.Item>
          <Form.Item name="attachmentIds" label={t('ev.report.photos')}>
            <PhotoUpload testId="report-photos" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="report-error" />}
          <Button type="primary" htmlType="submit" loading={busy} data-testid="report-submit">
            {t('ev.report.submit')}
          </Button>
        </Form>
      </Col>
    </Row>
  );
}
