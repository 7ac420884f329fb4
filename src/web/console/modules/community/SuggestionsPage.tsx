import { useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Descriptions, Drawer, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

/** Shapes of src/modules/community/suggestions.routes.ts. */
interface Suggestion {
  id: string;
  category: string;
  title: string;
  content: string;
  authorLabel: string;
  status: 'submitted' | 'answered' | 'hidden';
  answer: string | null;
  answeredByName: string | null;
  answeredAt: string | null;
  answerDueAt: string;
  createdAt: string;
  public: boolean;
  eventCode: string | null;
  overdue: boolean;
  answeredOnTime: boolean | null;
  version: number;
}

const PATH = '/api/v1/suggestions';

function StatusTag({ s }: { s: Suggestion }) {
  const { t } = useI18n();
  if (s.status === 'submitted') return <Tag color={s.overdue ? 'red' : 'orange'}>{s.overdue ? t('sg.overdue') : t('sg.status.submitted')}</Tag>;
  return <Tag color={s.status === 'answered' ? 'green' : 'default'}>{t(`sg.status.${s.status}`)}</Tag>;
}

function SuggestionDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const item = useApi((signal) => api.get<Suggestion>(`${PATH}/${id}`, undefined, signal), [id]);
  const [answer, setAnswer] = useState('');
  const [reason, setReason] = useState('');
  const [categoryCode, setCategoryCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const s = item.data;
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      item.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={640} onClose={onClose} title={s?.title ?? ''} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {s && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('sg.category')}>{s.category}</Descriptions.Item>
            <Descriptions.Item label={t('sg.author')}>{s.authorLabel}</Descriptions.Item>
            <Descriptions.Item label={t('sg.created')}>{formatDateTime(s.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('sg.due')}>
              {formatDateTime(s.answerDueAt)} <StatusTag s={s} />
            </Descriptions.Item>
            <Descriptions.Item label={t('sg.public')}>{s.public ? '✓' : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sg.event')}>{s.eventCode ?? '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{s.content}</Typography.Paragraph>
          {s.answer ? (
            <Alert type="success" title={`${s.answeredByName ?? ''} · ${formatDateTime(s.answeredAt)}`} description={s.answer} />
          ) : (
            <>
              <Input.TextArea rows={4} value={answer} onChange={(e) => setAnswer(e.target.value)} placeholder={t('sg.answerPlaceholder')} maxLength={2000} />
              <Button type="primary" disabled={answer.trim().length < 10} onClick={() => void act(() => api.post(`${PATH}/${id}/answer`, { answer, expectedVersion: s.version }))}>
                {t('sg.answer')}
              </Button>
            </>
          )}
          {!s.eventCode && (
            <Space>
              <Input style={{ width: 200 }} value={categoryCode} onChange={(e) => setCategoryCode(e.target.value)} placeholder={t('sg.categoryCode')} />
              <Button disabled={!categoryCode.trim()} onClick={() => void act(() => api.post(`${PATH}/${id}/promote`, { categoryCode: categoryCode.trim() }))}>
                {t('sg.promote')}
              </Button>
            </Space>
          )}
          {s.status !== 'hidden' && (
            <Space>
              <Input style={{ width: 260 }} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('sg.hideReason')} />
              <Button danger disabled={reason.trim().length < 2} onClick={() => void act(() => api.post(`${PATH}/${id}/hide`, { reason }))}>
                {t('sg.hide')}
              </Button>
            </Space>
          )}
        </Space>
      )}
    </Drawer>
  );
}

export default function SuggestionsPage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('sg.menu') }]);
  const [filter, setFilter] = useState<'all' | 'submitted' | 'overdue' | 'answered'>('submitted');
  const [page, setPage] = useState(1);
  const list = useApi(
    (signal) =>
      api.get<{ items: Suggestion[]; total: number }>(PATH, { page, pageSize: 20, status: filter === 'submitted' || filter === 'answered' ? filter : undefined, overdue: filter === 'overdue' ? '1' : undefined }, signal),
    [filter, page],
  );
  if (list.missing) return <NotEnabled path={PATH} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('sg.menu')}
      </Typography.Title>
      <Segmented
        value={filter}
        onChange={(v) => {
          setFilter(v as typeof filter);
          setPage(1);
        }}
        options={(['submitted', 'overdue', 'answered', 'all'] as const).map((f) => ({ value: f, label: t(`sg.filter.${f}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('sg.title'), render: (_, s: Suggestion) => <a onClick={() => navigate(`/community/suggestions/${s.id}`)}>{s.title}</a> },
          { title: t('sg.category'), dataIndex: 'category', width: 110 },
          { title: t('sg.author'), dataIndex: 'authorLabel', width: 90 },
          { title: t('sg.created'), width: 170, render: (_, s: Suggestion) => formatDateTime(s.createdAt) },
          { title: t('sg.due'), width: 200, render: (_, s: Suggestion) => (
            <Space>
              <StatusTag s={s} />
              {formatDateTime(s.answerDueAt)}
            </Space>
          ) },
        ]}
      />
      {params.id && <SuggestionDrawer id={params.id} onClose={() => navigate('/community/suggestions')} onChanged={list.reload} />}
    </Space>
  );
}
