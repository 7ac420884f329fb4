import { useState } from 'react';
import { useLocation } from 'wouter';
import { Alert, Badge, Button, Card, Flex, Segmented, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

const PATH = '/api/v1/inbox';

/** A notification as GET /api/v1/inbox lists it (src/platform/notify/inbox.routes.ts). */
interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

interface InboxPage {
  items: InboxItem[];
  total: number;
  unread: number;
}

interface Preferences {
  topics: { topic: string; name: string; nameEn: string }[];
  channels: { channel: string; name: string; nameEn: string }[];
  settings: { topic: string; channel: string; enabled: boolean }[];
}

/** 消息设置: per kind of message, whether it also goes out by SMS or WeChat (the inbox always gets it). */
function PreferencesCard() {
  const { t, locale } = useI18n();
  const prefs = useApi((signal) => api.get<Preferences>('/api/v1/me/notification-preferences', undefined, signal), []);
  const [data, setData] = useState<Preferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const p = data ?? prefs.data;
  if (!p) return null;
  const name = (x: { name: string; nameEn: string }) => (locale === 'en' ? x.nameEn : x.name);
  const change = async (topic: string, channel: string, enabled: boolean) => {
    setError(null);
    try {
      setData(await api.put<Preferences>('/api/v1/me/notification-preferences', { settings: [{ topic, channel, enabled }] }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Card size="small" title={t('inbox.preferences')} data-testid="inbox-preferences">
      <Typography.Paragraph type="secondary">{t('inbox.preferencesHint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      <Table
        size="small"
        rowKey="topic"
        pagination={false}
        dataSource={p.topics}
        columns={[
          { title: t('inbox.topic'), render: (_, topic) => name(topic) },
          ...p.channels.map((c) => ({
            title: name(c),
            key: c.channel,
            render: (_: unknown, topic: Preferences['topics'][number]) => (
              <Switch
                size="small"
                checked={p.settings.find((s) => s.topic === topic.topic && s.channel === c.channel)?.enabled ?? true}
                onChange={(v) => void change(topic.topic, c.channel, v)}
                aria-label={`${name(topic)} ${name(c)}`}
              />
            ),
          })),
        ]}
      />
    </Card>
  );
}

export default function InboxPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('inbox.menu') }]);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const [actionError, setActionError] = useState<string | null>(null);
  const inbox = useApi((signal) => api.get<InboxPage>(PATH, { page, pageSize, unread: filter === 'unread' ? '1' : undefined }, signal), [page, pageSize, filter]);

  if (inbox.missing) return <NotEnabled path={PATH} />;

  const act = async (call: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await call();
      inbox.reload();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };
  // Links inside the console open in it; anything else is left as a plain link.
  const open = (link: string) => (link.startsWith('/console/') ? navigate(link.slice('/console'.length)) : window.location.assign(link));

  const columns: ColumnsType<InboxItem> = [
    {
      title: t('inbox.status'),
      dataIndex: 'readAt',
      width: 90,
      // A word as well as a colour.
      render: (readAt: string | null) => (readAt ? <Tag>{t('inbox.read')}</Tag> : <Tag color="blue">● {t('inbox.unread')}</Tag>),
    },
    { title: t('inbox.subject'), dataIndex: 'title', render: (v: string, m) => (m.readAt ? v : <strong>{v}</strong>) },
    { title: t('inbox.body'), dataIndex: 'body' },
    { title: t('inbox.time'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      render: (_: unknown, m) => (
        <Space>
          {m.link && (
            <Button size="small" type="link" onClick={() => open(m.link!)}>
              {t('inbox.open')}
            </Button>
          )}
          {!m.readAt && (
            <Button size="small" type="link" onClick={() => void act(() => api.post(`${PATH}/${encodeURIComponent(m.id)}/read`))}>
              {t('inbox.markRead')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex align="center" justify="space-between" wrap gap={8}>
        <Space>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('inbox.title')}
          </Typography.Title>
          {!!inbox.data?.unread && <Badge count={inbox.data.unread} title={t('inbox.unreadCount', { n: inbox.data.unread })} />}
        </Space>
        <Button disabled={!inbox.data?.unread} onClick={() => void act(() => api.post(`${PATH}/read-all`))}>
          {t('inbox.markAllRead')}
        </Button>
      </Flex>
      <Segmented<'all' | 'unread'>
        value={filter}
        onChange={(v) => {
          setFilter(v);
          setPage(1);
        }}
        options={[
          { value: 'all', label: t('inbox.all') },
          { value: 'unread', label: t('inbox.onlyUnread') },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      {actionError && <Alert type="error" showIcon title={actionError} />}
      {inbox.error ? (
        <Alert type="error" showIcon title={inbox.error.message} />
      ) : (
        <Table<InboxItem>
          rowKey="id"
          size="middle"
          loading={inbox.loading}
          columns={columns}
          dataSource={inbox.data?.items ?? []}
          pagination={{
            current: page,
            pageSize,
            total: inbox.data?.total ?? 0,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(s !== pageSize ? 1 : p);
              setPageSize(s);
            },
          }}
        />
      )}
      <PreferencesCard />
    </Flex>
  );
}
