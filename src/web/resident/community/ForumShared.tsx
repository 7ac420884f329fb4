import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { addMessages, useI18n } from '../../shared/i18n.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';
import './forum.css';
import './forum.titles.js';

/** Shapes of src/modules/community/forum.schema.ts. */
export type ContentStatus = 'pending' | 'published' | 'rejected' | 'hidden' | 'deleted';
export interface ForumProfile {
  nickname: string | null;
  communityId: string | null;
  communityName: string | null;
}
export interface ForumGroup {
  id: string;
  communityName: string;
  name: string;
  description: string;
  status: 'open' | 'closed';
  memberCount: number;
  postCount: number;
  joined: boolean;
}
export interface PostSummary {
  id: string;
  groupId: string;
  title: string;
  excerpt: string;
  images: { id: string; url: string }[];
  nickname: string;
  authorIsStaff: boolean;
  mine: boolean;
  status: ContentStatus;
  likeCount: number;
  likedByMe: boolean;
  commentCount: number;
  createdAt: string;
  editedAt: string | null;
}
export interface ForumPost extends PostSummary {
  groupName: string;
  groupOpen: boolean;
  html: string;
  moderationReason: string | null;
  version: number;
}
export interface ForumComment {
  id: string;
  body: string;
  nickname: string;
  authorIsStaff: boolean;
  mine: boolean;
  status: ContentStatus;
  moderationReason: string | null;
  createdAt: string;
}

export const MAX_PHOTOS = 9;
export const REPORT_REASONS = ['广告营销', '违法违规', '谣言不实', '人身攻击', '泄露隐私', '其他'];

addMessages({
  'forum.loginFirst': { 'zh-CN': '登录后可以加入兴趣小组、发帖和评论', en: 'Log in to join groups, post and comment' },
  'forum.nickname': { 'zh-CN': '我的论坛昵称', en: 'My forum nickname' },
  'forum.nicknameHint': {
    'zh-CN': '发帖和评论只显示昵称。处理举报时，社区工作人员可以查看真实身份（会留下记录）。',
    en: 'Posts and comments show your nickname only. Community staff handling a report can see who you are (and that look is recorded).',
  },
  'forum.nicknameNeeded': { 'zh-CN': '先设置一个昵称，才能发帖和评论', en: 'Choose a nickname before you post or comment' },
  'forum.nicknameRule': { 'zh-CN': '2–12 个字，可用中文、字母、数字、下划线', en: '2–12 characters: Chinese, letters, digits, _' },
  'forum.nicknameSave': { 'zh-CN': '保存昵称', en: 'Save nickname' },
  'forum.nicknameChange': { 'zh-CN': '修改昵称', en: 'Change nickname' },
  'forum.nicknameSaved': { 'zh-CN': '昵称已保存', en: 'Nickname saved' },
  'forum.groups': { 'zh-CN': '兴趣小组', en: 'Groups' },
  'forum.noGroups': { 'zh-CN': '本社区还没有兴趣小组', en: 'Your community has no groups yet' },
  'forum.members': { 'zh-CN': '{n} 人加入', en: '{n} members' },
  'forum.postCount': { 'zh-CN': '{n} 篇帖子', en: '{n} posts' },
  'forum.join': { 'zh-CN': '加入小组', en: 'Join' },
  'forum.joined': { 'zh-CN': '已加入', en: 'Joined' },
  'forum.leave': { 'zh-CN': '退出小组', en: 'Leave' },
  'forum.closed': { 'zh-CN': '已关闭', en: 'Closed' },
  'forum.groupClosed': { 'zh-CN': '该小组已关闭，只能浏览', en: 'This group is closed: read only' },
  'forum.write': { 'zh-CN': '发帖', en: 'New post' },
  'forum.joinToPost': { 'zh-CN': '加入小组后才能发帖', en: 'Join the group to post' },
  'forum.postTitle': { 'zh-CN': '标题', en: 'Title' },
  'forum.postBody': { 'zh-CN': '正文', en: 'Text' },
  'forum.bodyHint': { 'zh-CN': '空一行即分段', en: 'Leave an empty line between paragraphs' },
  'forum.photos': { 'zh-CN': '图片（最多 9 张）', en: 'Pictures (up to 9)' },
  'forum.addPhoto': { 'zh-CN': '添加图片', en: 'Add pictures' },
  'forum.uploading': { 'zh-CN': '正在上传图片…', en: 'Uploading…' },
  'forum.remove': { 'zh-CN': '删除', en: 'Remove' },
  'forum.removePhoto': { 'zh-CN': '删除第 {n} 张图片', en: 'Remove picture {n}' },
  'forum.publish': { 'zh-CN': '发布', en: 'Post' },
  'forum.publishedOk': { 'zh-CN': '已发布', en: 'Posted' },
  'forum.heldNotice': {
    'zh-CN': '已提交。内容含有需要人工审核的词语，审核通过后其他居民才能看到。',
    en: 'Sent. It contains words a moderator must check; others see it once approved.',
  },
  'forum.noPosts': { 'zh-CN': '还没有帖子，来发第一篇吧', en: 'No posts yet: write the first' },
  'forum.more': { 'zh-CN': '加载更多', en: 'More' },
  'forum.status.pending': { 'zh-CN': '审核中', en: 'Under review' },
  'forum.status.published': { 'zh-CN': '已发布', en: 'Published' },
  'forum.status.rejected': { 'zh-CN': '未通过审核', en: 'Not approved' },
  'forum.status.hidden': { 'zh-CN': '已隐藏', en: 'Hidden' },
  'forum.status.deleted': { 'zh-CN': '已删除', en: 'Deleted' },
  'forum.staff': { 'zh-CN': '社区', en: 'Staff' },
  'forum.likes': { 'zh-CN': '赞 {n}', en: '{n} likes' },
  'forum.comments': { 'zh-CN': '评论 {n}', en: '{n} comments' },
  'forum.like': { 'zh-CN': '点赞', en: 'Like' },
  'forum.liked': { 'zh-CN': '已赞', en: 'Liked' },
  'forum.edited': { 'zh-CN': '已编辑', en: 'edited' },
  'forum.reason': { 'zh-CN': '原因：{reason}', en: 'Reason: {reason}' },
  'forum.commentsTitle': { 'zh-CN': '评论', en: 'Comments' },
  'forum.noComments': { 'zh-CN': '还没有评论', en: 'No comments yet' },
  'forum.commentPlaceholder': { 'zh-CN': '说点什么…（最多 500 字）', en: 'Say something… (500 characters at most)' },
  'forum.send': { 'zh-CN': '发表评论', en: 'Comment' },
  'forum.commentHeld': { 'zh-CN': '评论已提交，审核通过后其他人可见', en: 'Sent; others see it once a moderator approves it' },
  'forum.report': { 'zh-CN': '举报', en: 'Report' },
  'forum.reportReason': { 'zh-CN': '举报原因', en: 'Reason' },
  'forum.reportDetail': { 'zh-CN': '补充说明（可选）', en: 'Details (optional)' },
  'forum.reportSend': { 'zh-CN': '提交举报', en: 'Send report' },
  'forum.reported': { 'zh-CN': '已收到您的举报，社区会尽快处理', en: 'Thank you: your community will look at it soon' },
  'forum.alreadyReported': { 'zh-CN': '您已举报过，社区正在处理', en: 'You already reported this; it is being handled' },
  'forum.cancel': { 'zh-CN': '取消', en: 'Cancel' },
  'forum.delete': { 'zh-CN': '删除帖子', en: 'Delete post' },
  'forum.deleteConfirm': { 'zh-CN': '确认删除这篇帖子', en: 'Yes, delete this post' },
  'forum.deleted': { 'zh-CN': '帖子已删除', en: 'Post deleted' },
  'forum.deleteComment': { 'zh-CN': '删除评论', en: 'Delete' },
  'forum.back': { 'zh-CN': '返回小组', en: 'Back to the group' },
  'forum.backGroups': { 'zh-CN': '返回兴趣社区', en: 'Back to groups' },
});

/** 审核中 / 未通过 / 已隐藏: a word in a frame, never colour alone. */
export function StatusTag({ status }: { status: ContentStatus }) {
  const { t } = useI18n();
  if (status === 'published') return null;
  return (
    <span className={`r-status-tag rf-status-${status}`} data-testid="forum-status">
      {t(`forum.status.${status}`)}
    </span>
  );
}

export function useForumProfile(enabled: boolean) {
  return useApi((signal) => (enabled ? api.get<ForumProfile>('/api/v1/me/forum-profile', undefined, signal) : Promise.resolve(undefined)), [enabled]);
}

/** The nickname card: shown open when none is set (posting needs one), folded to a line otherwise. */
export function NicknameCard({ profile, onSaved }: { profile: ForumProfile | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const open = editing || (profile !== undefined && !profile.nickname);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    setBusy(true);
    try {
      await api.put('/api/v1/me/forum-profile', { nickname: value.trim() });
      setSaved(true);
      setEditing(false);
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="r-card" style={{ marginTop: 0 }} aria-labelledby="forum-nickname" data-testid="forum-nickname-card">
      <h2 id="forum-nickname">{t('forum.nickname')}</h2>
      {saved && <InlineMessage kind="success">{t('forum.nicknameSaved')}</InlineMessage>}
      {profile?.nickname && !open && (
        <div className="r-entry-head">
          <strong data-testid="forum-nickname">{profile.nickname}</strong>
          <Button
            size="small"
            fill="outline"
            onClick={() => {
              setValue(profile.nickname ?? '');
              setEditing(true);
            }}
          >
            {t('forum.nicknameChange')}
          </Button>
        </div>
      )}
      {open && (
        <form onSubmit={(e) => void save(e)}>
          {!profile?.nickname && <InlineMessage kind="info">{t('forum.nicknameNeeded')}</InlineMessage>}
          {error && <InlineMessage kind="error">{error}</InlineMessage>}
          <label className="r-field">
            <span>{t('forum.nicknameRule')}</span>
            <input value={value} maxLength={12} onChange={(e) => setValue(e.target.value)} data-testid="forum-nickname-input" />
          </label>
          <Button block color="primary" size="large" type="submit" loading={busy} disabled={value.trim().length < 2} data-testid="forum-nickname-save">
            {t('forum.nicknameSave')}
          </Button>
        </form>
      )}
      <p className="r-muted">{t('forum.nicknameHint')}</p>
    </section>
  );
}

interface Photo {
  id: string;
  url: string;
  name: string;
}

/** Up to nine pictures, each uploaded at once through the platform files service (purpose community.forum). */
export function usePhotos() {
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef(photos);
  ref.current = photos;
  useEffect(() => () => ref.current.forEach((p) => URL.revokeObjectURL(p.url)), []);
  const add = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])].slice(0, MAX_PHOTOS - ref.current.length);
    e.target.value = '';
    setError(null);
    for (const file of files) {
      setUploading((n) => n + 1);
      try {
        const form = new FormData();
        form.append('file', file, file.name);
        const att = await api.upload<{ id: string }>('/api/v1/files', form, { purpose: 'community.forum' });
        setPhotos((list) => [...list, { id: att.id, url: URL.createObjectURL(file), name: file.name }]);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setUploading((n) => n - 1);
      }
    }
  };
  const remove = (id: string) =>
    setPhotos((list) => {
      const gone = list.find((p) => p.id === id);
      if (gone) URL.revokeObjectURL(gone.url);
      return list.filter((p) => p.id !== id);
    });
  const clear = () =>
    setPhotos((list) => {
      list.forEach((p) => URL.revokeObjectURL(p.url));
      return [];
    });
  return { photos, uploading, error, add, remove, clear };
}

export function PhotoPicker({ state }: { state: ReturnType<typeof usePhotos> }) {
  const { t } = useI18n();
  const { photos, uploading, error } = state;
  return (
    <div className="r-field">
      <span style={{ display: 'block', fontWeight: 600, marginBottom: 4 }}>{t('forum.photos')}</span>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      {photos.length > 0 && (
        <ul className="rev-photos" data-testid="forum-photos">
          {photos.map((p, i) => (
            <li key={p.id} className="rev-photo">
              <img src={p.url} alt={p.name} />
              <button type="button" onClick={() => state.remove(p.id)} aria-label={t('forum.removePhoto', { n: i + 1 })}>
                {t('forum.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {uploading > 0 && (
        <p className="r-muted" role="status">
          {t('forum.uploading')}
        </p>
      )}
      {photos.length < MAX_PHOTOS && (
        <label className="rev-file">
          <span aria-hidden="true">＋</span>
          {t('forum.addPhoto')}
          <input type="file" accept="image/*" multiple onChange={(e) => void state.add(e)} data-testid="forum-photo-input" />
        </label>
      )}
    </div>
  );
}
