import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Drawer, Flex, Form, Input, List, Modal, Segmented, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { MatterList, Prefill } from '../../../shared/service-hall.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { APPLICATIONS_API, MATTERS_API } from '../services/common.js';
import { ApplicationForm } from '../services/ApplicationForm.js';

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

function ApplyForm({ visit, index, matter, prefill, onDone }: { visit: Visit; index: number; matter: string; prefill: Prefill; onDone: () => void }) {
  const { t } = useI18n();
  const need = visit.needs[index]!;
  return (
    <ApplicationForm
      prefill={prefill}
      testId="visit-apply"
      showPrefilled={false}
      initialReason={`走访发现需求：${need.kind}${need.note ? `，${need.note}` : ''}`.slice(0, 200)}
      labels={{
        open: t('vs.apply.open', { code: prefill.openApplication?.code ?? '' }),
        fields: t('vs.apply.fields'),
        materials: t('vs.apply.materials'),
        reason: t('vs.apply.reason'),
        submit: t('vs.apply.submit'),
      }}
      submit={async ({ reason, ...input }) => {
        await api.post(`/api/v1/visits/${visit.id}/needs/${index}/application`, { matter, note: reason || undefined, ...input });
        onDone();
      }}
    />
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
