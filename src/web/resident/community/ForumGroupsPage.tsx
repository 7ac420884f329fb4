import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { NicknameCard, useForumProfile, type ForumGroup } from './ForumShared.js';

/** 兴趣社区: my nickname, and the groups of my community to join. */
export default function ForumGroupsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const ready = session.status === 'ready';
  const profile = useForumProfile(ready);
  const groups = useApi((signal) => (ready ? api.get<{ items: ForumGroup[] }>('/api/v1/forum/groups', undefined, signal) : Promise.resolve(undefined)), [ready]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous')
    return (
      <section className="r-card" style={{ marginTop: 0 }}>
        <p className="r-muted">{t('forum.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );

  const toggle = async (g: ForumGroup) => {
    setError(null);
    setBusy(g.id);
    try {
      await api.post(`/api/v1/forum/groups/${g.id}/${g.joined ? 'leave' : 'join'}`);
      groups.reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const items = groups.data?.items ?? [];
  return (
    <>
      <NicknameCard profile={profile.data} onSaved={profile.reload} />
      <section className="r-card" aria-labelledby="forum-groups">
        <h2 id="forum-groups">{t('forum.groups')}</h2>
        {(groups.error ?? profile.error) && <InlineMessage kind="error">{(groups.error ?? profile.error)!.message}</InlineMessage>}
        {error && <InlineMessage kind="error">{error}</InlineMessage>}
        {groups.loading ? (
          <div className="r-loading">{t('common.loading')}</div>
        ) : items.length === 0 ? (
          <p className="r-muted">{t('forum.noGroups')}</p>
        ) : (
          <ul className="rf-list" data-testid="forum-groups">
            {items.map((g) => (
              <li key={g.id} data-testid="forum-group">
                <Link href={`/groups/${g.id}`} className="rf-link">
                  <div className="r-entry-head">
                    <span className="rf-title">{g.name}</span>
                    {g.joined && <span className="r-status-tag">{t('forum.joined')}</span>}
                  </div>
                  <div className="r-muted">{g.description}</div>
                  <div className="rf-meta">
                    {t('forum.members', { n: g.memberCount })} · {t('forum.postCount', { n: g.postCount })}
                  </div>
                </Link>
                <div className="rf-actions">
                  <Button size="middle" color={g.joined ? 'default' : 'primary'} fill={g.joined ? 'outline' : 'solid'} loading={busy === g.id} onClick={() => void toggle(g)} data-testid="forum-join">
                    {g.joined ? t('forum.leave') : t('forum.join')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
