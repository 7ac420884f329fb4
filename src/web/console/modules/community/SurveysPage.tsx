import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Checkbox, DatePicker, Descriptions, Drawer, Flex, Form, Input, InputNumber, Modal, Select, Space, Statistic, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, useI18n } from '../../../shared/i18n.js';
import { useTopic } from '../../../shared/live.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import type { ChartSpec } from '../events/charts.js';

addMessages({
  'csv.title': { 'zh-CN': '标题', en: 'Title' },
  'csv.description': { 'zh-CN': '说明', en: 'Description' },
  'csv.new': { 'zh-CN': '新建问卷', en: 'New survey' },
  'csv.publisher': { 'zh-CN': '发布单位', en: 'Published by' },
  'csv.audienceNodes': { 'zh-CN': '调查范围（社区或网格）', en: 'Area (community or grids)' },
  'csv.tags': { 'zh-CN': '人员标签（可选）', en: 'Registry tags (optional)' },
  'csv.times': { 'zh-CN': '答题时间', en: 'Open from / until' },
  'csv.anonymous': { 'zh-CN': '匿名问卷（答案不关联姓名）', en: 'Anonymous (answers not linked to names)' },
  'csv.resultsPublic': { 'zh-CN': '居民答题后可见结果', en: 'Residents see the results after answering' },
  'csv.questions': { 'zh-CN': '题目', en: 'Questions' },
  'csv.addQuestion': { 'zh-CN': '添加题目', en: 'Add a question' },
  'csv.kind.single': { 'zh-CN': '单选', en: 'Single choice' },
  'csv.kind.multiple': { 'zh-CN': '多选', en: 'Multiple choice' },
  'csv.kind.text': { 'zh-CN': '文字', en: 'Text' },
  'csv.kind.rating': { 'zh-CN': '评分（1–5）', en: 'Rating (1–5)' },
  'csv.required': { 'zh-CN': '必答', en: 'Required' },
  'csv.options': { 'zh-CN': '选项（每行一个）', en: 'Options (one a line)' },
  'csv.minPicks': { 'zh-CN': '最少选', en: 'Min picks' },
  'csv.maxPicks': { 'zh-CN': '最多选', en: 'Max picks' },
  'csv.remove': { 'zh-CN': '删除', en: 'Remove' },
  'csv.preview': { 'zh-CN': '调查对象 {people} 人，其中 {accounts} 人有账号', en: '{people} people, {accounts} with an account' },
  'csv.saveDraft': { 'zh-CN': '存为草稿', en: 'Save draft' },
  'csv.publishNow': { 'zh-CN': '立即发布', en: 'Publish now' },
  'csv.publish': { 'zh-CN': '发布', en: 'Publish' },
  'csv.close': { 'zh-CN': '结束问卷', en: 'Close survey' },
  'csv.export': { 'zh-CN': '导出 Excel', en: 'Export xlsx' },
  'csv.status.draft': { 'zh-CN': '草稿', en: 'Draft' },
  'csv.status.published': { 'zh-CN': '进行中', en: 'Open' },
  'csv.status.closed': { 'zh-CN': '已结束', en: 'Closed' },
  'csv.eligible': { 'zh-CN': '调查对象', en: 'Eligible' },
  'csv.responses': { 'zh-CN': '已答', en: 'Responses' },
  'csv.turnout': { 'zh-CN': '参与率', en: 'Turnout' },
  'csv.average': { 'zh-CN': '平均分 {v}', en: 'Average {v}' },
  'csv.texts': { 'zh-CN': '{n} 人填写（见导出的 Excel）', en: '{n} answers (in the xlsx export)' },
  'csv.live': { 'zh-CN': '结果实时更新', en: 'Results update live' },
  'csv.empty': { 'zh-CN': '暂无问卷', en: 'No surveys' },
  'csv.closesAt': { 'zh-CN': '截止', en: 'Closes' },
  'csv.audience': { 'zh-CN': '调查范围', en: 'Audience' },
});

/** Shapes of src/modules/community/surveys.schema.ts. */
interface Question {
  id: string;
  kind: 'single' | 'multiple' | 'text' | 'rating';
  title: string;
  required: boolean;
  options?: { id: string; label: string }[];
}
interface Survey {
  id: string;
  orgNodeName: string | null;
  title: string;
  description: string;
  questions: Question[];
  audienceLabel: string;
  anonymous: boolean;
  resultsPublic: boolean;
  opensAt: string;
  closesAt: string;
  status: 'draft' | 'published' | 'closed';
  open: boolean;
  eligibleCount: number;
  responseCount: number;
  version: number;
}
interface Results {
  eligible: number;
  responses: number;
  turnout: number | null;
  questions: { id: string; kind: Question['kind']; title: string; answered: number; options?: { label: string; count: number }[]; ratingCounts?: number[]; average?: number | null; texts?: number }[];
}
interface OrgNode {
  id: string;
  name: string;
}

const PATH = '/api/v1/surveys';
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function StatusTag({ status }: { status: Survey['status'] }) {
  const { t } = useI18n();
  return <Tag color={status === 'published' ? 'green' : status === 'draft' ? 'default' : 'blue'}>{t(`csv.status.${status}`)}</Tag>;
}

/** A bar chart by echarts (the events module's loader), drawn again whenever the counts change. */
function Chart({ spec, label, testId }: { spec: ChartSpec; label: string; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(spec);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let live = true;
    void import('../events/charts.js').then((m) => {
      if (live && ref.current) dispose = m.drawChart(ref.current, spec);
    });
    return () => {
      live = false;
      dispose?.();
    };
  }, [key]);
  // The counts drawn, for tests and tools (echarts writes its own aria-label into the element).
  const values = spec.series[0]?.values.join(',') ?? '';
  return (
    <div aria-label={label} data-values={values}>
      <div ref={ref} style={{ width: '100%', height: 240 }} data-testid={testId} data-values={values} />
    </div>
  );
}

interface QuestionForm {
  kind: Question['kind'];
  title: string;
  required?: boolean;
  options?: string;
  minPicks?: number;
  maxPicks?: number;
}

function NewSurvey({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (id: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const roots = useApi((signal) => (open ? api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { pageSize: 50 }, signal) : Promise.resolve(undefined)), [open]);
  const publisher = Form.useWatch('orgNodeId', form) as string | undefined;
  const children = useApi((signal) => (publisher ? api.get<{ items: OrgNode[] }>('/api/v1/org/nodes', { parentId: publisher, pageSize: 200 }, signal) : Promise.resolve(undefined)), [publisher]);
  const tags = useApi((signal) => (open ? api.get<{ items: { code: string }[] }>('/api/v1/tags', undefined, signal) : Promise.resolve(undefined)), [open]);
  const nodeIds = Form.useWatch('nodeIds', form) as string[] | undefined;
  const tagCodes = Form.useWatch('tags', form) as string[] | undefined;
  const [preview, setPreview] = useState<{ people: number; withAccount: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const first = roots.data?.items[0];
    if (first && !form.getFieldValue('orgNodeId')) form.setFieldsValue({ orgNodeId: first.id, nodeIds: [first.id] });
  }, [roots.data, form]);
  useEffect(() => {
    setPreview(null);
    if (!publisher || !nodeIds?.length) return;
    let live = true;
    api
      .post<{ people: number; withAccount: number }>(`${PATH}/audience-preview`, { orgNodeId: publisher, audience: { nodeIds, tags: tagCodes ?? [] } })
      .then((p) => live && setPreview(p))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [publisher, nodeIds, tagCodes]);

  const submit = async (publish: boolean) => {
    setError(null);
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const [opensAt, closesAt] = v.times as [Dayjs, Dayjs];
      const created = await api.post<Survey>(PATH, {
        orgNodeId: v.orgNodeId,
        title: v.title,
        description: v.description ?? '',
        audience: { nodeIds: v.nodeIds, tags: v.tags ?? [] },
        anonymous: !!v.anonymous,
        resultsPublic: !!v.resultsPublic,
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        questions: (v.questions as QuestionForm[]).map((q) => ({
          kind: q.kind,
          title: q.title,
          required: !!q.required,
          ...(q.kind === 'single' || q.kind === 'multiple' ? { options: (q.options ?? '').split('\n').map((s) => s.trim()).filter(Boolean) } : {}),
          ...(q.kind === 'multiple' ? { minPicks: q.minPicks ?? undefined, maxPicks: q.maxPicks ?? undefined } : {}),
        })),
      });
      if (publish) await api.post(`${PATH}/${created.id}/publish`, { expectedVersion: created.version });
      form.resetFields();
      onDone(created.id);
    } catch (e) {
      const fields = fieldErrors(e);
      setError(Object.keys(fields).length ? Object.values(fields).join('；') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const nodeOptions = [...(roots.data?.items.filter((n) => n.id === publisher) ?? []), ...(children.data?.items ?? [])].map((n) => ({ value: n.id, label: n.name }));
  return (
    <Modal
      open={open}
      title={t('csv.new')}
      onCancel={onClose}
      width={760}
      footer={[
        <Button key="draft" onClick={() => void submit(false)} loading={busy} data-testid="survey-save-draft">
          {t('csv.saveDraft')}
        </Button>,
        <Button key="publish" type="primary" onClick={() => void submit(true)} loading={busy} data-testid="survey-publish-now">
          {t('csv.publishNow')}
        </Button>,
      ]}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="survey-form-error" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ times: [dayjs(), dayjs().add(14, 'day')], resultsPublic: true, questions: [{ kind: 'single', required: true, title: '', options: '' }] }}
      >
        <Form.Item name="orgNodeId" label={t('csv.publisher')} rules={[{ required: true }]}>
          <Select options={(roots.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }))} onChange={(v: string) => form.setFieldsValue({ nodeIds: [v] })} />
        </Form.Item>
        <Form.Item name="title" label={t('csv.title')} rules={[{ required: true, min: 2, max: 100 }]}>
          <Input maxLength={100} data-testid="survey-title" />
        </Form.Item>
        <Form.Item name="description" label={t('csv.description')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="nodeIds" label={t('csv.audienceNodes')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Select mode="multiple" options={nodeOptions} optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="tags" label={t('csv.tags')}>
          <Select mode="multiple" options={(tags.data?.items ?? []).map((x) => ({ value: x.code, label: x.code }))} />
        </Form.Item>
        <Form.Item name="times" label={t('csv.times')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
        <Space>
          <Form.Item name="anonymous" valuePropName="checked" noStyle>
            <Checkbox>{t('csv.anonymous')}</Checkbox>
          </Form.Item>
          <Form.Item name="resultsPublic" valuePropName="checked" noStyle>
            <Checkbox>{t('csv.resultsPublic')}</Checkbox>
          </Form.Item>
        </Space>
        {preview && <Alert style={{ margin: '12px 0' }} type="info" showIcon message={t('csv.preview', { people: preview.people, accounts: preview.withAccount })} data-testid="survey-preview" />}
        <Typography.Title level={5}>{t('csv.questions')}</Typography.Title>
        <Form.List name="questions">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <QuestionEditor key={field.key} name={field.name} index={i} onRemove={() => remove(field.name)} />
              ))}
              <Button onClick={() => add({ kind: 'single', required: false, title: '', options: '' })} data-testid="survey-add-question">
                {t('csv.addQuestion')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

function QuestionEditor({ name, index, onRemove }: { name: number; index: number; onRemove: () => void }) {
  const { t } = useI18n();
  const kind = Form.useWatch(['questions', name, 'kind']) as Question['kind'] | undefined;
  return (
    <div style={{ border: '1px solid #eee', borderRadius: 6, padding: 12, marginBottom: 12 }} data-testid="survey-question">
      <Flex gap={8} align="start" wrap>
        <Typography.Text strong>{index + 1}.</Typography.Text>
        <Form.Item name={[name, 'kind']} style={{ width: 140, marginBottom: 8 }}>
          <Select options={(['single', 'multiple', 'text', 'rating'] as const).map((k) => ({ value: k, label: t(`csv.kind.${k}`) }))} data-testid="survey-q-kind" />
        </Form.Item>
        <Form.Item name={[name, 'title']} rules={[{ required: true, max: 200 }]} style={{ flex: 1, minWidth: 240, marginBottom: 8 }}>
          <Input placeholder={t('csv.title')} data-testid="survey-q-title" />
        </Form.Item>
        <Form.Item name={[name, 'required']} valuePropName="checked" style={{ marginBottom: 8 }}>
          <Switch checkedChildren={t('csv.required')} unCheckedChildren={t('csv.required')} />
        </Form.Item>
        <Button danger type="link" onClick={onRemove}>
          {t('csv.remove')}
        </Button>
      </Flex>
      {(kind === 'single' || kind === 'multiple') && (
        <Form.Item name={[name, 'options']} label={t('csv.options')} rules={[{ required: true }]} style={{ marginBottom: 8 }}>
          <Input.TextArea rows={3} data-testid="survey-q-options" />
        </Form.Item>
      )}
      {kind === 'multiple' && (
        <Space>
          <Form.Item name={[name, 'minPicks']} label={t('csv.minPicks')} style={{ marginBottom: 0 }}>
            <InputNumber min={0} max={20} />
          </Form.Item>
          <Form.Item name={[name, 'maxPicks']} label={t('csv.maxPicks')} style={{ marginBottom: 0 }}>
            <InputNumber min={1} max={20} />
          </Form.Item>
        </Space>
      )}
    </div>
  );
}

function SurveyDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const survey = useApi((signal) => api.get<Survey>(`${PATH}/${id}`, undefined, signal), [id]);
  const s = survey.data;
  const results = useApi((signal) => (s && s.status !== 'draft' ? api.get<Results>(`${PATH}/${id}/results`, undefined, signal) : Promise.resolve(undefined)), [id, s?.status]);
  const reloadResults = results.reload;
  const onSignal = useCallback(() => reloadResults(), [reloadResults]);
  useTopic(s && s.status !== 'draft' ? `survey:${id}` : null, onSignal);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
      survey.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const r = results.data;
  return (
    <Drawer open width={760} title={s?.title ?? ''} onClose={onClose} data-testid="survey-drawer">
      {survey.error && <Alert type="error" showIcon message={survey.error.message} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {s && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t('csv.publisher')}>{s.orgNodeName}</Descriptions.Item>
            <Descriptions.Item label={t('csv.audience')}>{s.audienceLabel}</Descriptions.Item>
            <Descriptions.Item label={t('csv.times')}>
              {formatDateTime(s.opensAt)} – {formatDateTime(s.closesAt)}
            </Descriptions.Item>
            <Descriptions.Item label="">
              <Space>
                <StatusTag status={s.status} />
                {s.anonymous && <Tag>{t('csv.anonymous')}</Tag>}
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <Space>
            {s.status === 'draft' && (
              <Button type="primary" loading={busy} onClick={() => void act(() => api.post(`${PATH}/${id}/publish`, { expectedVersion: s.version }))} data-testid="survey-publish">
                {t('csv.publish')}
              </Button>
            )}
            {s.status === 'published' && (
              <Button danger loading={busy} onClick={() => void act(() => api.post(`${PATH}/${id}/close`))} data-testid="survey-close">
                {t('csv.close')}
              </Button>
            )}
            {s.status !== 'draft' && (
              <Button onClick={() => void act(() => api.download(`${PATH}/${id}/export.xlsx`, undefined, 'survey.xlsx'))} data-testid="survey-export">
                {t('csv.export')}
              </Button>
            )}
          </Space>
          {r && (
            <>
              <Flex gap={32}>
                <Statistic title={t('csv.eligible')} value={r.eligible} />
                <div data-testid="survey-responses">
                  <Statistic title={t('csv.responses')} value={r.responses} />
                </div>
                <Statistic title={t('csv.turnout')} value={pct(r.turnout)} />
              </Flex>
              {s.status === 'published' && <Typography.Text type="secondary">{t('csv.live')}</Typography.Text>}
              {r.questions.map((q, i) => {
                const title = `${i + 1}. ${q.title}`;
                if (q.options || q.ratingCounts) {
                  const categories = q.options ? q.options.map((o) => o.label) : ['1', '2', '3', '4', '5'];
                  const values = q.options ? q.options.map((o) => o.count) : q.ratingCounts!;
                  return (
                    <div key={q.id}>
                      <Typography.Text strong>{title}</Typography.Text>
                      {q.average !== undefined && q.average !== null && <Typography.Text type="secondary"> · {t('csv.average', { v: q.average })}</Typography.Text>}
                      <Chart spec={{ kind: 'bar', categories, series: [{ name: t('csv.responses'), values }] }} label={`${title}: ${categories.map((c, k) => `${c} ${values[k]}`).join('，')}`} testId={`survey-chart-${q.id}`} />
                    </div>
                  );
                }
                return (
                  <div key={q.id}>
                    <Typography.Text strong>{title}</Typography.Text> <Typography.Text type="secondary">{t('csv.texts', { n: q.texts ?? 0 })}</Typography.Text>
                  </div>
                );
              })}
            </>
          )}
        </Space>
      )}
    </Drawer>
  );
}

/** 民意调查: the surveys of my area; a builder; results that update live while open. */
export default function SurveysPage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('csv.menu') }]);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useApi((signal) => api.get<{ items: Survey[]; total: number }>(PATH, { page, pageSize: 20 }, signal), [page]);
  if (list.missing) return <NotEnabled path={PATH} />;
  const columns: ColumnsType<Survey> = [
    { title: t('csv.title'), render: (_, s) => <a onClick={() => navigate(`/community/surveys/${s.id}`)}>{s.title}</a> },
    { title: t('csv.audience'), dataIndex: 'audienceLabel' },
    { title: t('csv.responses'), width: 140, render: (_, s) => `${s.responseCount} / ${s.eligibleCount}` },
    { title: t('csv.closesAt'), width: 180, render: (_, s) => formatDateTime(s.closesAt) },
    { title: '', width: 100, render: (_, s) => <StatusTag status={s.status} /> },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('csv.menu')}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="survey-new">
          {t('csv.new')}
        </Button>
      </Flex>
      {list.error && <Alert type="error" showIcon message={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        locale={{ emptyText: t('csv.empty') }}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
      />
      <NewSurvey
        open={creating}
        onClose={() => setCreating(false)}
        onDone={(id) => {
          setCreating(false);
          list.reload();
          navigate(`/community/surveys/${id}`);
        }}
      />
      {params.id && <SurveyDrawer id={params.id} onClose={() => navigate('/community/surveys')} onChanged={list.reload} />}
    </Space>
  );
}
