import { useState } from 'react';
import { Alert, Button, Checkbox, Descriptions, Drawer, Input, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

addMessages({
  'fm.tab.queue': { 'zh-CN': '待审核', en: 'Review queue' },
  'fm.tab.reports': { 'zh-CN': '举报处理', en: 'Reports' },
  'fm.tab.groups': { 'zh-CN': '兴趣小组', en: 'Groups' },
  'fm.tab.words': { 'zh-CN': '敏感词库', en: 'Sensitive words' },
  'fm.kind.post': { 'zh-CN': '帖子', en: 'Post' },
  'fm.kind.comment': { 'zh-CN': '评论', en: 'Comment' },
  'fm.group': { 'zh-CN': '小组', en: 'Group' },
  'fm.title': { 'zh-CN': '标题', en: 'Title' },
  'fm.text': { 'zh-CN': '内容', en: 'Text' },
  'fm.nickname': { 'zh-CN': '昵称', en: 'Nickname' },
  'fm.words': { 'zh-CN': '命中词', en: 'Words found' },
  'fm.time': { 'zh-CN': '时间', en: 'When' },
  'fm.open': { 'zh-CN': '处理', en: 'Handle' },
  'fm.queueEmpty': { 'zh-CN': '没有待审核的内容', en: 'Nothing waits for review' },
  'fm.approve': { 'zh-CN': '审核通过', en: 'Approve' },
  'fm.reject': { 'zh-CN': '不通过', en: 'Reject' },
  'fm.hide': { 'zh-CN': '隐藏', en: 'Hide' },
  'fm.dismiss': { 'zh-CN': '驳回举报', en: 'Dismiss the reports' },
  'fm.reasonPlaceholder': { 'zh-CN': '原因（会告知作者或举报人）', en: 'Reason (the author or reporters are told)' },
  'fm.reveal': { 'zh-CN': '查看真实身份（留痕）', en: 'Who is this? (recorded)' },
  'fm.identity.name': { 'zh-CN': '姓名', en: 'Name' },
  'fm.identity.account': { 'zh-CN': '账号', en: 'Account' },
  'fm.identity.phone': { 'zh-CN': '电话', en: 'Phone' },
  'fm.identity.grid': { 'zh-CN': '网格', en: 'Grid' },
  'fm.done': { 'zh-CN': '已处理', en: 'Done' },
  'fm.status.pending': { 'zh-CN': '审核中', en: 'Pending' },
  'fm.status.published': { 'zh-CN': '已发布', en: 'Published' },
  'fm.status.rejected': { 'zh-CN': '未通过', en: 'Rejected' },
  'fm.status.hidden': { 'zh-CN': '已隐藏', en: 'Hidden' },
  'fm.status.deleted': { 'zh-CN': '作者已删除', en: 'Deleted' },
  'fm.report.open': { 'zh-CN': '待处理', en: 'Open' },
  'fm.report.hidden': { 'zh-CN': '已隐藏', en: 'Hidden' },
  'fm.report.dismissed': { 'zh-CN': '已驳回', en: 'Dismissed' },
  'fm.reason': { 'zh-CN': '举报原因', en: 'Reason' },
  'fm.count': { 'zh-CN': '举报人数', en: 'Reports' },
  'fm.resolution': { 'zh-CN': '处理意见', en: 'Outcome' },
  'fm.groupName': { 'zh-CN': '小组名称', en: 'Name' },
  'fm.groupDesc': { 'zh-CN': '简介', en: 'Description' },
  'fm.community': { 'zh-CN': '社区', en: 'Community' },
  'fm.members': { 'zh-CN': '成员', en: 'Members' },
  'fm.posts': { 'zh-CN': '帖子', en: 'Posts' },
  'fm.state': { 'zh-CN': '状态', en: 'Status' },
  'fm.groupOpen': { 'zh-CN': '开放', en: 'Open' },
  'fm.groupClosed': { 'zh-CN': '已关闭', en: 'Closed' },
  'fm.create': { 'zh-CN': '新建小组', en: 'New group' },
  'fm.close': { 'zh-CN': '关闭', en: 'Close' },
  'fm.reopen': { 'zh-CN': '重新开放', en: 'Reopen' },
  'fm.closeReason': { 'zh-CN': '关闭原因', en: 'Reason for closing' },
  'fm.word': { 'zh-CN': '敏感词', en: 'Word' },
  'fm.level': { 'zh-CN': '处理方式', en: 'Action' },
  'fm.level.review': { 'zh-CN': '转人工审核', en: 'Hold for review' },
  'fm.level.block': { 'zh-CN': '禁止发布', en: 'Refuse' },
  'fm.scope': { 'zh-CN': '适用范围', en: 'Applies to' },
  'fm.add': { 'zh-CN': '添加', en: 'Add' },
  'fm.remove': { 'zh-CN': '删除', en: 'Remove' },
  'fm.global': { 'zh-CN': '全平台默认词库', en: 'Platform-wide default list' },
  'fm.wordsHint': {
    'zh-CN': '匹配时忽略空格、标点和全角/半角差异。“转人工审核”的内容进入待审核队列；“禁止发布”直接拒绝并提示命中的词。',
    en: 'Matching ignores spaces, punctuation and full-width forms. “Hold for review” sends content to the review queue; “Refuse” turns it away naming the word.',
  },
});

/** Shapes of src/modules/community/forum.schema.ts. */
type Kind = 'post' | 'comment';
type Status = 'pending' | 'published' | 'rejected' | 'hidden' | 'deleted';
interface QueueItem {
  kind: Kind;
  id: string;
  postId: string;
  groupName: string;
  title: string;
  text: string;
  nickname: string;
  reviewWords: string[];
  status: Status;
  createdAt: string;
}
interface Report {
  id: string;
  targetType: Kind;
  targetId: string;
  postId: string;
  groupName: string;
  targetTitle: string;
  targetText: string;
  targetStatus: Status;
  targetNickname: string;
  reason: string;
  detail: string | null;
  reportCount: number;
  status: 'open' | 'hidden' | 'dismissed';
  resolution: string | null;
  createdAt: string;
}
interface Group {
  id: string;
  orgNodeId: string;
  communityName: string;
  name: string;
  description: string;
  status: 'open' | 'closed';
  closedReason: string | null;
  memberCount: number;
  postCount: number;
  canManage: boolean;
  version: number;
}
interface Word {
  id: string;
  word: string;
  level: 'review' | 'block';
  scopeName: string;
  editable: boolean;
}
interface Identity {
  nickname: string;
  accountName: string;
  name: string | null;
  phoneMasked: string | null;
  grid: string | null;
}
interface Target {
  kind: Kind;
  id: string;
  postId: string;
  title: string;
  text: string;
  nickname: string;
  status: Status;
  reportId?: string;
}

const statusColor: Record<Status, string> = { pending: 'orange', published: 'green', rejected: 'red', hidden: 'default', deleted: 'default' };

/** One post or comment: read it, see who wrote it (audited), approve, reject, hide or dismiss its reports. */
function ItemDrawer({ target, onClose, onChanged }: { target: Target; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const seg = target.kind === 'post' ? 'posts' : 'comments';
  // Posts are shown as their server-sanitised HTML, like residents see them.
  const post = useApi((signal) => (target.kind === 'post' ? api.get<{ html: string }>(`/api/v1/forum/posts/${target.id}`, undefined, signal) : Promise.resolve(undefined)), [target.kind, target.id]);
  const [reason, setReason] = useState('');
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      setDone(true);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const reveal = async () => {
    setError(null);
    try {
      setIdentity(await api.get<Identity>(`/api/v1/forum/${seg}/${target.id}/author`));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const needsReason = reason.trim().length < 2;
  return (
    <Drawer open width={640} onClose={onClose} title={target.title || t(`fm.kind.${target.kind}`)} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        {error && <Alert type="error" showIcon title={error} />}
        {done && <Alert type="success" showIcon title={t('fm.done')} />}
        <Space>
          <Tag>{t(`fm.kind.${target.kind}`)}</Tag>
          <Tag color={statusColor[target.status]}>{t(`fm.status.${target.status}`)}</Tag>
          <Typography.Text strong>{target.nickname}</Typography.Text>
        </Space>
        {target.kind === 'post' && post.data ? (
          <div className="forum-html" style={{ border: '1px solid #eee', borderRadius: 6, padding: 12, overflowWrap: 'anywhere' }} dangerouslySetInnerHTML={{ __html: post.data.html }} />
        ) : (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', border: '1px solid #eee', borderRadius: 6, padding: 12 }}>{target.text}</Typography.Paragraph>
        )}
        {identity ? (
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('fm.identity.name')}>{identity.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('fm.identity.account')}>{identity.accountName}</Descriptions.Item>
            <Descriptions.Item label={t('fm.identity.phone')}>{identity.phoneMasked ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('fm.identity.grid')}>{identity.grid ?? '—'}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Button onClick={() => void reveal()} data-testid="forum-reveal">
            {t('fm.reveal')}
          </Button>
        )}
        {!done && (
          <>
            {target.status === 'pending' && (
              <Button type="primary" onClick={() => void act(() => api.post(`/api/v1/forum/${seg}/${target.id}/approve`))} data-testid="forum-approve">
                {t('fm.approve')}
              </Button>
            )}
            {(target.status === 'pending' || target.status === 'published') && (
              <Input.TextArea rows={2} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('fm.reasonPlaceholder')} />
            )}
            <Space wrap>
              {target.status === 'pending' && (
                <Button danger disabled={needsReason} onClick={() => void act(() => api.post(`/api/v1/forum/${seg}/${target.id}/reject`, { reason: reason.trim() }))}>
                  {t('fm.reject')}
                </Button>
              )}
              {(target.status === 'pending' || target.status === 'published') && (
                <Button danger disabled={needsReason} onClick={() => void act(() => api.post(`/api/v1/forum/${seg}/${target.id}/hide`, { reason: reason.trim() }))}>
                  {t('fm.hide')}
                </Button>
              )}
              {target.reportId && (
                <Button disabled={needsReason} onClick={() => void act(() => api.post(`/api/v1/forum/reports/${target.reportId}/dismiss`, { reason: reason.trim() }))}>
                  {t('fm.dismiss')}
                </Button>
              )}
            </Space>
          </>
        )}
      </Space>
    </Drawer>
  );
}

function QueueTab() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Target | null>(null);
  const list = useApi((signal) => api.get<{ items: QueueItem[]; total: number }>('/api/v1/forum/review-queue', { page, pageSize: 20 }, signal), [page]);
  if (list.missing) return <NotEnabled path="/api/v1/forum/review-queue" />;
  return (
    <>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey={(r) => `${r.kind}:${r.id}`}
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('fm.queueEmpty') }}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('fm.kind.post'), width: 80, render: (_, r: QueueItem) => <Tag>{t(`fm.kind.${r.kind}`)}</Tag> },
          { title: t('fm.group'), dataIndex: 'groupName', width: 110 },
          {
            title: t('fm.text'),
            render: (_, r: QueueItem) => (
              <>
                <Typography.Text strong>{r.title}</Typography.Text>
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                  {r.text}
                </Typography.Paragraph>
              </>
            ),
          },
          { title: t('fm.nickname'), dataIndex: 'nickname', width: 110 },
          { title: t('fm.words'), width: 140, render: (_, r: QueueItem) => r.reviewWords.map((w) => <Tag key={w} color="orange">{w}</Tag>) },
          { title: t('fm.time'), width: 160, render: (_, r: QueueItem) => formatDateTime(r.createdAt) },
          {
            title: '',
            width: 80,
            render: (_, r: QueueItem) => (
              <a onClick={() => setOpen({ kind: r.kind, id: r.id, postId: r.postId, title: r.title, text: r.text, nickname: r.nickname, status: r.status })} data-testid="forum-queue-open">
                {t('fm.open')}
              </a>
            ),
          },
        ]}
      />
      {open && <ItemDrawer target={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </>
  );
}

function ReportsTab() {
  const { t } = useI18n();
  const [status, setStatus] = useState<'open' | 'hidden' | 'dismissed'>('open');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Target | null>(null);
  const list = useApi((signal) => api.get<{ items: Report[]; total: number }>('/api/v1/forum/reports', { status, page, pageSize: 20 }, signal), [status, page]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        options={(['open', 'hidden', 'dismissed'] as const).map((s) => ({ value: s, label: t(`fm.report.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('fm.kind.post'), width: 80, render: (_, r: Report) => <Tag>{t(`fm.kind.${r.targetType}`)}</Tag> },
          { title: t('fm.group'), dataIndex: 'groupName', width: 110 },
          {
            title: t('fm.text'),
            render: (_, r: Report) => (
              <>
                <Typography.Text strong>{r.targetTitle}</Typography.Text> <Tag color={statusColor[r.targetStatus]}>{t(`fm.status.${r.targetStatus}`)}</Tag>
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                  {r.targetText}
                </Typography.Paragraph>
              </>
            ),
          },
          { title: t('fm.nickname'), dataIndex: 'targetNickname', width: 110 },
          { title: t('fm.reason'), width: 180, render: (_, r: Report) => `${r.reason}${r.detail ? `：${r.detail}` : ''}` },
          { title: t('fm.count'), dataIndex: 'reportCount', width: 80 },
          { title: t('fm.time'), width: 160, render: (_, r: Report) => formatDateTime(r.createdAt) },
          status === 'open'
            ? {
                title: '',
                width: 80,
                render: (_, r: Report) => (
                  <a onClick={() => setOpen({ kind: r.targetType, id: r.targetId, postId: r.postId, title: r.targetTitle, text: r.targetText, nickname: r.targetNickname, status: r.targetStatus, reportId: r.id })}>{t('fm.open')}</a>
                ),
              }
            : { title: t('fm.resolution'), dataIndex: 'resolution', width: 180 },
        ]}
      />
      {open && <ItemDrawer target={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </Space>
  );
}

function GroupsTab() {
  const { t } = useI18n();
  const session = useSession();
  const list = useApi((signal) => api.get<{ items: Group[] }>('/api/v1/forum/groups', { all: 1 }, signal), []);
  const communities = session.status === 'ready' ? session.me.roles.filter((r) => r.role === 'community_staff').map((r) => r.orgNodeId) : [];
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={error} />}
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      {communities.length > 0 && (
        <Space wrap>
          <Input style={{ width: 180 }} maxLength={20} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('fm.groupName')} data-testid="forum-group-name" />
          <Input style={{ width: 320 }} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} placeholder={t('fm.groupDesc')} />
          <Button
            type="primary"
            disabled={name.trim().length < 2}
            onClick={() =>
              void act(async () => {
                await api.post('/api/v1/forum/groups', { orgNodeId: communities[0], name: name.trim(), description: description.trim() });
                setName('');
                setDescription('');
              })
            }
          >
            {t('fm.create')}
          </Button>
        </Space>
      )}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('fm.groupName'), render: (_, g: Group) => <Typography.Text strong>{g.name}</Typography.Text> },
          { title: t('fm.groupDesc'), dataIndex: 'description' },
          { title: t('fm.community'), dataIndex: 'communityName', width: 110 },
          { title: t('fm.members'), dataIndex: 'memberCount', width: 70 },
          { title: t('fm.posts'), dataIndex: 'postCount', width: 70 },
          {
            title: t('fm.state'),
            width: 140,
            render: (_, g: Group) => (g.status === 'open' ? <Tag color="green">{t('fm.groupOpen')}</Tag> : <Tag title={g.closedReason ?? ''}>{t('fm.groupClosed')}</Tag>),
          },
          {
            title: '',
            width: 300,
            render: (_, g: Group) =>
              !g.canManage ? null : g.status === 'open' ? (
                <Space>
                  <Input size="small" style={{ width: 160 }} value={reasons[g.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [g.id]: e.target.value })} placeholder={t('fm.closeReason')} />
                  <Button size="small" danger disabled={(reasons[g.id] ?? '').trim().length < 2} onClick={() => void act(() => api.post(`/api/v1/forum/groups/${g.id}/close`, { reason: reasons[g.id]!.trim() }))}>
                    {t('fm.close')}
                  </Button>
                </Space>
              ) : (
                <Button size="small" onClick={() => void act(() => api.post(`/api/v1/forum/groups/${g.id}/reopen`))}>
                  {t('fm.reopen')}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}

function WordsTab() {
  const { t } = useI18n();
  const session = useSession();
  const list = useApi((signal) => api.get<{ items: Word[] }>('/api/v1/forum/words', undefined, signal), []);
  const admin = session.status === 'ready' && session.me.roles.some((r) => r.role === 'system_admin');
  const [word, setWord] = useState('');
  const [level, setLevel] = useState<'review' | 'block'>('review');
  const [global, setGlobal] = useState(admin);
  const [error, setError] = useState<string | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const levels = (['review', 'block'] as const).map((l) => ({ value: l, label: t(`fm.level.${l}`) }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('fm.wordsHint')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Space wrap>
        <Input style={{ width: 200 }} maxLength={20} value={word} onChange={(e) => setWord(e.target.value)} placeholder={t('fm.word')} data-testid="forum-word-input" />
        <Select style={{ width: 160 }} value={level} onChange={setLevel} options={levels} />
        {admin && (
          <Checkbox checked={global} onChange={(e) => setGlobal(e.target.checked)}>
            {t('fm.global')}
          </Checkbox>
        )}
        <Button
          type="primary"
          disabled={!word.trim()}
          onClick={() =>
            void act(async () => {
              await api.post('/api/v1/forum/words', { word: word.trim(), level, global: admin && global });
              setWord('');
            })
          }
          data-testid="forum-word-add"
        >
          {t('fm.add')}
        </Button>
      </Space>
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('fm.word'), dataIndex: 'word' },
          {
            title: t('fm.level'),
            width: 180,
            render: (_, w: Word) =>
              w.editable ? (
                <Select size="small" style={{ width: 150 }} value={w.level} options={levels} onChange={(v) => void act(() => api.patch(`/api/v1/forum/words/${w.id}`, { level: v }))} />
              ) : (
                <Tag color={w.level === 'block' ? 'red' : 'orange'}>{t(`fm.level.${w.level}`)}</Tag>
              ),
          },
          { title: t('fm.scope'), dataIndex: 'scopeName', width: 140 },
          {
            title: '',
            width: 90,
            render: (_, w: Word) =>
              w.editable && (
                <Button size="small" danger onClick={() => void act(() => api.delete(`/api/v1/forum/words/${w.id}`))}>
                  {t('fm.remove')}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}

/** 兴趣社区 for staff: the review queue, reports, groups and the sensitive-word list. */
export default function ForumPage() {
  const { t } = useI18n();
  const session = useSession();
  useBreadcrumbs([{ title: t('fm.menu') }]);
  const roles = session.status === 'ready' ? session.me.roles.map((r) => r.role) : [];
  const moderator = roles.some((r) => r === 'community_staff' || r === 'grid_worker');
  const keeper = roles.some((r) => r === 'community_staff' || r === 'system_admin');
  const items = [
    ...(moderator
      ? [
          { key: 'queue', label: t('fm.tab.queue'), children: <QueueTab /> },
          { key: 'reports', label: t('fm.tab.reports'), children: <ReportsTab /> },
          { key: 'groups', label: t('fm.tab.groups'), children: <GroupsTab /> },
        ]
      : []),
    ...(keeper ? [{ key: 'words', label: t('fm.tab.words'), children: <WordsTab /> }] : []),
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('fm.menu')}
      </Typography.Title>
      <Tabs items={items} destroyOnHidden />
    </Space>
  );
}
