import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Card, Checkbox, Drawer, Flex, Form, Input, InputNumber, List, Modal, Segmented, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, hasMessage, useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { FormValue, MatterList, Prefill, PrefillField } from '../../../shared/service-hall.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { APPLICATIONS_API, MATTERS_API, MaterialUpload } from '../services/common.js';

addMessages({
  'vs.toApplication': { 'zh-CN': '转办事申请', en: 'Apply on their behalf' },
  'vs.application': { 'zh-CN': '已转办事申请 {code}', en: 'Application {code}' },
  'vs.apply.title': { 'zh-CN': '需求转办事申请（代办）：{need}', en: 'Turn a need into an application (on behalf): {need}' },
  'vs.apply.matter': { 'zh-CN': '办理事项', en: 'Matter' },
  'vs.apply.matterPlaceholder': { 'zh-CN': '输入事项名称或拼音搜索，如 助餐、dibao', en: 'Search a matter by name or code' },
  'vs.apply.fields': { 'zh-CN': '申请表（姓名、身份证号等已从居民档案预填）', en: 'Form (name, ID number and the like come from the registry)' },
  'vs.apply.materials': { 'zh-CN': '申请材料（上传，或勾选已收到纸质材料）', en: 'Materials (upload, or tick those received on paper)' },
  'vs.apply.reason': { 'zh-CN': '代办原因', en: 'Why on behalf' },
  'vs.apply.submit': { 'zh-CN': '提交代办申请', en: 'Submit the application' },
  'vs.apply.open': { 'zh-CN': '该居民已有一件办理中的同类申请（{code}），不能重复申请', en: 'There is already an open application for this matter ({code})' },
});

/** Shapes of src/modules/community/visits.routes.ts. */
interface Due {
  planId: string;
  planTitle: string;
  personId: string;
  name: string;
  phoneMasked: string | null;
  place: string | null;
  lastVisitAt: string | null;
  dueAt: string;
  overdue: boolean;
}
interface Visit {
  id: string;
  visitorName: string;
  visitedAt: string;
  kind: 'home' | 'phone' | 'other';
  findings: string;
  needs: { kind: string; note: string; application: { id: string; code: string } | null }[];
  eventCode: string | null;
}

interface ApplyValues {
  reason?: string;
  form?: Record<string, FormValue | undefined>;
  files?: Record<string, string[] | undefined>;
  paper?: Record<string, boolean | undefined>;
}

/** One editable field of the matter's form (form as data); antd's Form.Item passes value and onChange. */
function FieldControl({ f, ...rest }: { f: PrefillField; value?: unknown; onChange?: (v: unknown) => void; checked?: boolean }) {
  const props = { ...rest, 'data-testid': `visit-apply-field-${f.key}` } as Record<string, unknown>;
  const options = (f.options ?? []).map((o) => ({ value: o.value, label: o.label }));
  switch (f.type) {
    case 'textarea':
      return <Input.TextArea rows={3} maxLength={f.maxLength ?? 2000} placeholder={f.placeholder} {...props} />;
    case 'number':
      return <InputNumber min={f.min} max={f.max} style={{ width: 160 }} {...props} />;
    case 'date':
      return <Input type="date" style={{ width: 200 }} {...props} />;
    case 'select':
      return <Select allowClear options={options} style={{ width: 260 }} {...props} />;
    case 'multiselect':
      return <Select mode="multiple" allowClear options={options} {...props} />;
    case 'checkbox':
      return <Checkbox {...props} />;
    default:
      return <Input maxLength={f.maxLength ?? 200} placeholder={f.placeholder} {...props} />;
  }
}

/** The matter's form for the visited person, prefilled from the registry; submitting turns the need into the application. */
function ApplyForm({ visit, index, matter, prefill, onDone }: { visit: Visit; index: number; matter: string; prefill: Prefill; onDone: () => void }) {
  const { t } = useI18n();
  const need = visit.needs[index]!;
  const [form] = Form.useForm<ApplyValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editable = prefill.fields.filter((f) => !f.readOnly);

  const submit = async (v: ApplyValues) => {
    setBusy(true);
    setError(null);
    try {
      const values = Object.fromEntries(Object.entries(v.form ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '')) as Record<string, FormValue>;
      const files = Object.entries(v.files ?? {}).flatMap(([materialCode, ids]) => (ids ?? []).map((attachmentId) => ({ materialCode, attachmentId })));
      const paperMaterials = Object.entries(v.paper ?? {})
        .filter(([, on]) => on)
        .map(([code]) => code);
      await api.post(`/api/v1/visits/${visit.id}/needs/${index}/application`, { matter, note: v.reason?.trim() || undefined, form: values, files, paperMaterials });
      onDone();
    } catch (e) {
      // The service hall's own refusals: a form field, or the material still missing.
      if (e instanceof ApiError && Array.isArray(e.details)) {
        const fields = (e.details as { field?: string; message?: string }[])
          .map((d) => ({ m: /^(?:body\.)?(form\.[^.]+)/.exec(d.field ?? ''), message: d.message ?? e.message }))
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
    <Form<ApplyValues>
      form={form}
      layout="vertical"
      onFinish={(v) => void submit(v)}
      initialValues={{ reason: `走访发现需求：${need.kind}${need.note ? `，${need.note}` : ''}`.slice(0, 200), form: Object.fromEntries(editable.filter((f) => f.value !== undefined).map((f) => [f.key, f.value])) }}
      data-testid="visit-apply-form"
    >
      {prefill.openApplication && <Alert type="warning" showIcon title={t('vs.apply.open', { code: prefill.openApplication.code })} style={{ marginBottom: 12 }} />}
      {editable.length > 0 && (
        <Card size="small" title={t('vs.apply.fields')} style={{ marginBottom: 12 }}>
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
        <Card size="small" title={t('vs.apply.materials')} style={{ marginBottom: 12 }}>
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
                  <MaterialUpload testId={`visit-apply-files-${m.code}`} />
                </Form.Item>
                <Form.Item name={['paper', m.code]} valuePropName="checked" noStyle>
                  <Checkbox data-testid={`visit-apply-paper-${m.code}`}>{t('sv.step.paper')}</Checkbox>
                </Form.Item>
              </Flex>
            </Form.Item>
          ))}
        </Card>
      )}
      <Form.Item name="reason" label={t('vs.apply.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('common.required', { field: t('vs.apply.reason') }) }]}>
        <Input.TextArea rows={2} maxLength={200} showCount data-testid="visit-apply-reason" />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="visit-apply-error" />}
      <Button type="primary" htmlType="submit" loading={busy} disabled={!!prefill.openApplication} data-testid="visit-apply-submit">
        {t('vs.apply.submit')}
      </Button>
    </Form>
  );
}

/**
 * 需求转办事申请: the need becomes an application made for the visited person (代办). The form is
 * the matter's, prefilled from the registry (that read is audited, as on the 代办 page); the
 * server passes on the service hall's own refusals (form fields, missing materials).
 */
function NeedToApplication({ visit, index, personId, onClose }: { visit: Visit; index: number; personId: string; onClose: (done: boolean) => void }) {
  const { t } = useI18n();
  const need = visit.needs[index]!;
  const [matter, setMatter] = useState<string | undefined>();
  const matters = useApi((signal) => api.get<MatterList>(MATTERS_API, { mode: 'online_any', limit: 200 }, signal), []);
  const prefill = useApi((signal) => (matter ? api.get<Prefill>(`${APPLICATIONS_API}/prefill`, { matter, personId }, signal) : Promise.resolve(undefined)), [matter, personId]);
  return (
    <Modal open width={720} footer={null} title={t('vs.apply.title', { need: `${need.kind}${need.note ? `：${need.note}` : ''}` })} onCancel={() => onClose(false)}>
      <Flex vertical gap={12}>
        <Form layout="vertical">
          <Form.Item label={t('vs.apply.matter')} required>
            <Select
              value={matter}
              onChange={setMatter}
              loading={matters.loading}
              // Found by its name, its group or its code (mostly pinyin: dibao, laonian-zhucan).
              showSearch={{ filterOption: (input, option) => !!option && `${option.label} ${option.value}`.toLowerCase().includes(input.trim().toLowerCase()) }}
              placeholder={t('vs.apply.matterPlaceholder')}
              options={(matters.data?.items ?? []).filter((m) => m.onlineApply).map((m) => ({ value: m.code, label: `${m.name}（${m.groupName}）` }))}
              data-testid="visit-apply-matter"
            />
          </Form.Item>
        </Form>
        {prefill.error && <Alert type="error" showIcon title={prefill.error.message} />}
        {matter && prefill.loading && <Spin />}
        {matter && prefill.data && !prefill.loading && <ApplyForm key={matter} visit={visit} index={index} matter={matter} prefill={prefill.data} onDone={() => onClose(true)} />}
      </Flex>
    </Modal>
  );
}

function RecordVisit({ person, onClose }: { person: Due; onClose: (saved: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = await form.validateFields();
    try {
      await api.post('/api/v1/visits', { personId: person.personId, kind: v.kind, findings: v.findings, needs: v.needKind ? [{ kind: v.needKind, note: v.needNote ?? '' }] : [] });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open title={t('vs.record', { name: person.name })} onCancel={() => onClose(false)} onOk={() => void save()} okText={t('vs.save')}>
      {error && <Alert type="error" showIcon title={error} />}
      <Form form={form} layout="vertical" initialValues={{ kind: 'home' }}>
        <Form.Item name="kind" label={t('vs.kind')}>
          <Select options={(['home', 'phone', 'other'] as const).map((k) => ({ value: k, label: t(`vs.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="findings" label={t('vs.findings')} rules={[{ required: true, min: 2 }]}>
          <Input.TextArea rows={4} data-testid="visit-findings" />
        </Form.Item>
        <Space>
          <Form.Item name="needKind" label={t('vs.need')}>
            <Select allowClear style={{ width: 140 }} options={['维修', '代购', '助餐', '就医', '救助', '其他'].map((k) => ({ value: k, label: k }))} />
          </Form.Item>
          <Form.Item name="needNote" label={t('vs.needNote')}>
            <Input style={{ width: 280 }} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function History({ person, onClose }: { person: Due; onClose: () => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: Visit[] }>('/api/v1/visits', { personId: person.personId }, signal), [person.personId]);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [applying, setApplying] = useState<{ visit: Visit; index: number } | null>(null);
  const toEvent = async (id: string) => {
    setError(null);
    try {
      await api.post(`/api/v1/visits/${id}/event`, { categoryCode: code.trim() });
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={600} title={t('vs.history', { name: person.name })} onClose={onClose}>
      {error && <Alert type="error" showIcon title={error} />}
      <List
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        renderItem={(v) => (
          <List.Item>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text strong>
                {formatDateTime(v.visitedAt)} · {t(`vs.kind.${v.kind}`)} · {v.visitorName}
              </Typography.Text>
              <Typography.Text>{v.findings}</Typography.Text>
              {v.needs.map((n, i) => (
                <Space key={i} wrap data-testid={`visit-need-${i}`}>
                  <Tag color="orange">
                    {n.kind}：{n.note}
                  </Tag>
                  {n.application ? (
                    <Link href={`/service-applications/${n.application.id}`}>
                      <Tag color="green" data-testid={`visit-need-application-${i}`}>
                        {t('vs.application', { code: n.application.code })}
                      </Tag>
                    </Link>
                  ) : (
                    <Button size="small" onClick={() => setApplying({ visit: v, index: i })} data-testid={`visit-need-apply-${i}`}>
                      {t('vs.toApplication')}
                    </Button>
                  )}
                </Space>
              ))}
              {v.eventCode ? (
                <Tag color="blue">{t('vs.event', { code: v.eventCode })}</Tag>
              ) : (
                v.needs.length > 0 && (
                  <Space>
                    <Input size="small" style={{ width: 160 }} placeholder={t('vs.categoryCode')} value={code} onChange={(e) => setCode(e.target.value)} />
                    <Button size="small" disabled={!code.trim()} onClick={() => void toEvent(v.id)}>
                      {t('vs.toEvent')}
                    </Button>
                  </Space>
                )
              )}
            </Space>
          </List.Item>
        )}
      />
      {applying && (
        <NeedToApplication
          visit={applying.visit}
          index={applying.index}
          personId={person.personId}
          onClose={(done) => {
            setApplying(null);
            if (done) list.reload();
          }}
        />
      )}
    </Drawer>
  );
}

export default function VisitsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('vs.menu') }]);
  const [filter, setFilter] = useState<'overdue' | 'week' | 'all'>('overdue');
  const due = useApi(
    (signal) => api.get<{ items: Due[]; total: number; overdue: number }>('/api/v1/visits/due', { overdue: filter === 'overdue' ? '1' : undefined, withinDays: filter === 'week' ? 7 : undefined }, signal),
    [filter],
  );
  const [recording, setRecording] = useState<Due | null>(null);
  const [viewing, setViewing] = useState<Due | null>(null);
  if (due.missing) return <NotEnabled path="/api/v1/visits/due" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('vs.menu')}
      </Typography.Title>
      <Segmented value={filter} onChange={(v) => setFilter(v as typeof filter)} options={(['overdue', 'week', 'all'] as const).map((f) => ({ value: f, label: t(`vs.filter.${f}`) }))} />
      {due.error && <Alert type="error" showIcon title={due.error.message} />}
      <Table
        rowKey={(r) => `${r.planId}:${r.personId}`}
        loading={due.loading}
        dataSource={due.data?.items ?? []}
        columns={[
          { title: t('vs.name'), dataIndex: 'name' },
          { title: t('vs.place'), dataIndex: 'place' },
          { title: t('vs.phone'), dataIndex: 'phoneMasked', width: 130 },
          { title: t('vs.plan'), dataIndex: 'planTitle' },
          { title: t('vs.last'), width: 160, render: (_, r: Due) => (r.lastVisitAt ? formatDateTime(r.lastVisitAt) : t('vs.never')) },
          { title: t('vs.due'), width: 200, render: (_, r: Due) => <Space>{r.overdue && <Tag color="red">{t('vs.overdue')}</Tag>}{formatDateTime(r.dueAt)}</Space> },
          {
            title: t('common.actions'),
            width: 180,
            render: (_, r: Due) => (
              <Space>
                <Button size="small" type="primary" onClick={() => setRecording(r)}>
                  {t('vs.recordShort')}
                </Button>
                <Button size="small" onClick={() => setViewing(r)}>
                  {t('vs.historyShort')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {recording && (
        <RecordVisit
          person={recording}
          onClose={(saved) => {
            setRecording(null);
            if (saved) due.reload();
          }}
        />
      )}
      {viewing && <History person={viewing} onClose={() => setViewing(null)} />}
    </Space>
  );
}
