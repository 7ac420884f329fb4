import { useState } from 'react';
import { Alert, Button, Drawer, Form, Input, List, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

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
  needs: { kind: string; note: string }[];
  eventCode: string | null;
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
                <Tag key={i} color="orange">
                  {n.kind}：{n.note}
                </Tag>
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
